/**
 * `pluto:groups`: the groups the stack creates in Cognito, which Open WebUI applies at sign-in.
 * Pure and free of Pulumi imports, so the program, the `pluto` CLI and the tests share one source
 * of truth.
 *
 * How a group travels, each step read in the upstream source:
 * 1. Cognito lists the member's groups in the ID token's `cognito:groups` claim
 *    (https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-user-groups.html).
 * 2. oauth2-proxy v7.15.3 reads the claim named by OAUTH2_PROXY_OIDC_GROUPS_CLAIM (default
 *    `groups`; pkg/apis/options/legacy_options.go `oidc-groups-claim`) into the session
 *    (providers/provider_data.go buildSessionFromClaims; pkg/providers/util/claim_extractor.go
 *    getClaimFrom tries the whole name first, so the colon is fine). With pass-user-headers it adds
 *    one X-Forwarded-Groups value per group (pkg/header/injector.go newClaimInjector, `header.Add`)
 *    and then joins them with "," and no space (pkg/middleware/headers.go flattenHeaders). A
 *    member with no group gets no header at all; a client's own copy is always stripped first
 *    (getPassUserHeaders: PreserveRequestValue false).
 * 3. Open WebUI 0.11 (open-webui/open-webui @841c9045, backend/open_webui/routers/auths.py
 *    `signin`) splits the header on "," and strips each part, and only when the list is not empty
 *    calls models/groups.py `sync_groups_by_group_names`, which matches `Group.name` exactly, adds
 *    the member to the groups that exist and removes them from every other group.
 */

import { z } from "zod";
import { field, isObject, jsonList, problemsOf, report } from "./schema/fields";

/** The claim Cognito puts the member's groups in. */
export const COGNITO_GROUPS_CLAIM = "cognito:groups";

/** The request header oauth2-proxy fills from the groups claim (pass-user-headers). */
export const TRUSTED_GROUPS_HEADER = "X-Forwarded-Groups";

export interface GroupConfig {
  /** The group's name in Cognito and in Open WebUI (they must be spelt the same). */
  name: string;
  /** Shown in the Cognito console. Defaults to "". */
  description: string;
}

/** CreateGroup: GroupName 1-128 characters; Description at most 2048 (Cognito API Reference, CreateGroup). */
export const GROUP_NAME_MAX = 128;
export const GROUP_DESCRIPTION_MAX = 2048;

/**
 * The group Cognito creates for each identity provider and puts every user who signs in through it
 * in: `<user pool id>_<provider>`, e.g. `eu-west-1_AbC123_Google` (Cognito guide, "Adding groups to
 * a user pool"). It appears in `cognito:groups` like any other.
 */
const PROVIDER_GROUP = /^[a-z]{2}(-[a-z]+)+-\d+_[0-9A-Za-z]+_/;

/** True for a group Cognito made for an identity provider rather than one the stack made. */
export function isProviderGroup(name: string): boolean {
  return PROVIDER_GROUP.test(name);
}

/**
 * Why `name` cannot be a group, or undefined when it travels intact from Cognito to Open WebUI.
 * The rule is what every hop keeps: printable ASCII without spaces or commas, 1-128 characters.
 */
export function groupNameProblem(name: string): string | undefined {
  if (name.length === 0) return "is empty";
  if (name.length > GROUP_NAME_MAX) return `has ${name.length} characters; Cognito takes at most ${GROUP_NAME_MAX} (CreateGroup GroupName)`;
  if (name.includes(","))
    return "contains a comma: oauth2-proxy joins a member's groups with commas and Open WebUI splits X-Forwarded-Groups on them, so it would arrive as two groups";
  if (/\s/.test(name))
    return "contains white space: Cognito refuses it (CreateGroup GroupName pattern [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+) and Open WebUI strips it from each end of the name";
  if (/[^\x21-\x7e]/.test(name))
    return (
      "contains a character outside printable ASCII: oauth2-proxy sends the header's bytes as they are and Open WebUI's web framework " +
      "reads header values as Latin-1 (starlette Headers), so the name would reach Open WebUI garbled and match no group there"
    );
  if (name.includes("::")) return 'contains "::", which Pulumi uses to separate the parts of a resource URN';
  if (isProviderGroup(name)) return "has the form of the group Cognito makes for an identity provider (<user pool id>_<provider>); choose a name of your own";
  return undefined;
}

/**
 * Why `admin: true` is refused: membership cannot make someone an Open WebUI administrator safely.
 * Open WebUI's WEBUI_AUTH_TRUSTED_ROLE_HEADER would take the role from a header at every sign-in
 * (routers/auths.py `signin`), but oauth2-proxy's options set no role header (only
 * X-Forwarded-User, -Email, -Groups and -Preferred-Username; legacy_options.go getPassUserHeaders),
 * so nothing the stack runs could fill it with a value a client cannot choose.
 */
export const ADMIN_REFUSED =
  "membership cannot make someone an Open WebUI administrator: Open WebUI would take the role from a request header " +
  "(WEBUI_AUTH_TRUSTED_ROLE_HEADER) that oauth2-proxy never sets, so nothing could fill it safely; " +
  "remove the field and make administrators in Open WebUI (Admin Panel → Users)";

/** The fields a group item may have; `admin` only to refuse it with the reason. */
const FIELDS = ["name", "description"];

/** One item: `{name, description?}` or just the name. Null when it cannot be a group; problems name the field. */
const groupItem = z
  .unknown()
  .transform((item, ctx) => {
    if (typeof item === "string") return { name: item };
    if (isObject(item)) return item;
    report(ctx, `expected {name, description} or a group name, got ${JSON.stringify(item)}`);
    return null;
  })
  .pipe(
    z
      .looseObject({
        admin: field<false>(undefined, (admin, ctx) => {
          if (admin === true || admin === "true") report(ctx, ADMIN_REFUSED);
          else if (admin !== false && admin !== "false") report(ctx, `expected false or no field, got ${JSON.stringify(admin)}`);
          return false;
        }),
        name: field<string>(undefined, (name, ctx) => {
          const problem = typeof name === "string" ? groupNameProblem(name) : "";
          if (problem === undefined) return name as string;
          report(ctx, typeof name === "string" ? `${JSON.stringify(name)} ${problem}` : "required — the group's name, e.g. research");
          return null;
        }),
        description: z.unknown().optional(),
      })
      .superRefine((fields, ctx) => {
        for (const f of Object.keys(fields)) if (![...FIELDS, "admin"].includes(f)) report(ctx, `unknown field (expected one of: ${FIELDS.join(", ")})`, [f]);
        if (fields.name === undefined) report(ctx, "required — the group's name, e.g. research", ["name"]);
        // A group without a usable name is reported once, for its name.
        if (typeof fields.name !== "string") return;
        const description = fields.description ?? "";
        if (typeof description !== "string") report(ctx, `expected text, got ${JSON.stringify(description)}`, ["description"]);
        else if (description.length > GROUP_DESCRIPTION_MAX)
          report(ctx, `has ${description.length} characters; Cognito takes at most ${GROUP_DESCRIPTION_MAX}`, ["description"]);
      }),
  );

/**
 * `pluto:groups` as Pulumi hands a list over (JSON text). Each item is `{name, description?}` or
 * just the name; problems name the item (`pluto:groups[1].name`).
 */
export const groupsSchema = jsonList("groups", ".name' research", "a list of groups")
  .pipe(z.array(groupItem).nullable())
  .superRefine((items, ctx) => {
    // Open WebUI matches names exactly, so two spellings of one name would be two groups there.
    const seen = new Map<string, number>();
    items?.forEach((item, i) => {
      if (!item?.name) return;
      const earlier = seen.get(item.name.toLowerCase());
      if (earlier !== undefined)
        report(
          ctx,
          `${JSON.stringify(item.name)} is also pluto:groups[${earlier}] (names differing only in case are one group to a reader); give each group once`,
          [i, "name"],
        );
      else seen.set(item.name.toLowerCase(), i);
    });
  })
  .transform(usableGroups);

/**
 * The groups among parsed items that have a usable name, each name once (the first spelling): all
 * of them once the list is valid, and what the rules across keys may rely on while it is not.
 */
export function usableGroups(items: readonly unknown[] | null | undefined): GroupConfig[] {
  const groups: GroupConfig[] = [];
  for (const item of items ?? []) {
    if (!isObject(item) || typeof item.name !== "string") continue;
    const name = item.name;
    if (groups.some((g) => g.name.toLowerCase() === name.toLowerCase())) continue;
    groups.push({ name, description: typeof item.description === "string" ? item.description : "" });
  }
  return groups;
}

/**
 * Validates `pluto:groups` (JSON text of a list, as Pulumi hands a list over) and appends one
 * problem per mistake; the groups when there is none.
 */
export function parseGroupsConfig(raw: string | undefined, problems: string[]): GroupConfig[] {
  const result = z.object({ groups: groupsSchema }).safeParse({ groups: raw });
  if (result.success) return result.data.groups;
  problems.push(...problemsOf(result.error.issues));
  return [];
}

/** oauth2-proxy's setting for a stack with groups, else none. */
export function groupsClaim(groups: readonly GroupConfig[]): string | undefined {
  return groups.length > 0 ? COGNITO_GROUPS_CLAIM : undefined;
}

/**
 * Settings that decide groups or roles, which only the stack may set. oauth2-proxy strips a
 * client's copy of the headers it sets itself and passes every other request header through, so
 * a trusted header named by hand is one any signed-in member could send: a role header would let
 * them make themselves administrator, a groups header put them in any group.
 */
const OWNED: { key: "openWebUiSettings" | "openWebUiSecrets" | "oauth2ProxySettings"; name: string; why: string }[] = [
  ...(["openWebUiSettings", "openWebUiSecrets"] as const).flatMap((key) => [
    { key, name: "WEBUI_AUTH_TRUSTED_GROUPS_HEADER", why: `the stack sets it to ${TRUSTED_GROUPS_HEADER} when pluto:groups lists groups; use that key` },
    {
      key,
      name: "WEBUI_AUTH_TRUSTED_ROLE_HEADER",
      why:
        "Open WebUI would set each member's role (admin, user, pending) from this request header at every sign-in, and oauth2-proxy never sets one, " +
        "so any signed-in member could send it and make themselves administrator; remove it and make administrators in Open WebUI (Admin Panel → Users)",
    },
  ]),
  {
    key: "oauth2ProxySettings",
    name: "OAUTH2_PROXY_OIDC_GROUPS_CLAIM",
    why: `the stack sets it to ${COGNITO_GROUPS_CLAIM} when pluto:groups lists groups; use that key`,
  },
];

/**
 * One problem per group or role setting given by hand in the extra settings, and per
 * OAUTH2_PROXY_ALLOWED_GROUPS that would let nobody in. oauth2-proxy lets a session through only
 * when one of its groups is allowed (providers/provider_default.go `Authorize`), and the session's
 * groups come from the groups claim: without `pluto:groups` that is `groups`, which Cognito's
 * tokens do not carry, and with it only the groups the stack creates can hold anyone.
 */
export function groupSettingProblems(
  s: Record<"openWebUiSettings" | "openWebUiSecrets" | "oauth2ProxySettings", Record<string, unknown>>,
  groups: readonly GroupConfig[],
): string[] {
  const problems = OWNED.filter((o) => o.name in s[o.key]).map((o) => `pluto:${o.key}.${o.name}: ${o.why}`);
  const allowed = s.oauth2ProxySettings.OAUTH2_PROXY_ALLOWED_GROUPS;
  if (allowed === undefined) return problems;
  const at = "pluto:oauth2ProxySettings.OAUTH2_PROXY_ALLOWED_GROUPS";
  if (groups.length === 0) {
    problems.push(
      `${at}: oauth2-proxy would look for the groups in the ID token's \`groups\` claim, which Cognito's tokens do not have, so nobody could sign in; ` +
        "list the groups in pluto:groups (the proxy then reads cognito:groups)",
    );
    return problems;
  }
  const known = new Set(groups.map((g) => g.name));
  const unknown = (typeof allowed === "string" ? allowed : "")
    .split(",")
    .map((n) => n.trim())
    .filter((n) => n !== "" && !known.has(n));
  if (unknown.length > 0)
    problems.push(
      `${at}: ${unknown.join(", ")} ${unknown.length === 1 ? "is" : "are"} not in pluto:groups, so no member can be in ${unknown.length === 1 ? "it" : "them"}; list only groups the stack creates`,
    );
  return problems;
}
