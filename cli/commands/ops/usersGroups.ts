/**
 * `pluto users groups`: a member's Cognito groups (list, add, remove). Cognito is where membership
 * is managed; Open WebUI takes it over at the member's next sign-in to Open WebUI (see
 * docs/groups.md), so every change says when it reaches the member.
 */
import { Command } from "commander";
import {
  AdminAddUserToGroupCommand,
  AdminListGroupsForUserCommand,
  AdminRemoveUserFromGroupCommand,
  GroupType,
  ListGroupsCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { groupNameProblem, isProviderGroup } from "../../../config/groups";
import { Io } from "../../io";
import { CliError, EXIT } from "../../errors";
import { aws } from "./awsErrors";
import { emit, table } from "./format";
import { OpsDeps, OpsSession, openSession } from "./options";
import { confirmChange, withChangeFlags } from "./change";
import { resolveUserPool, UsersOptions, withUsersOptions } from "./users";
import { EMAIL_ARG, membersByEmail } from "./usersDisable";

/** Every group `username` belongs to, in Cognito's order (all pages; cognito-idp:AdminListGroupsForUser). */
export async function memberGroups(s: OpsSession, userPoolId: string, username: string): Promise<string[]> {
  const names: string[] = [];
  let token: string | undefined;
  do {
    const out = await aws(s.ctx, "cognito-idp:AdminListGroupsForUser", () =>
      s.clients.cognito.send(
        new AdminListGroupsForUserCommand({ UserPoolId: userPoolId, Username: username, Limit: 60, ...(token ? { NextToken: token } : {}) }),
      ),
    );
    names.push(...(out.Groups ?? []).map((g) => g.GroupName ?? "").filter((n) => n !== ""));
    token = out.NextToken;
  } while (token);
  return names;
}

/** The pool's groups (all pages; cognito-idp:ListGroups). */
async function poolGroups(s: OpsSession, userPoolId: string): Promise<GroupType[]> {
  const groups: GroupType[] = [];
  let token: string | undefined;
  do {
    const out = await aws(s.ctx, "cognito-idp:ListGroups", () =>
      s.clients.cognito.send(new ListGroupsCommand({ UserPoolId: userPoolId, Limit: 60, ...(token ? { NextToken: token } : {}) })),
    );
    groups.push(...(out.Groups ?? []));
    token = out.NextToken;
  } while (token);
  return groups;
}

/** The groups a table shows: Cognito's own group for an identity provider is in every Google member's list. */
export function shownGroups(groups: string[]): string {
  const own = groups.filter((g) => !isProviderGroup(g));
  return own.length > 0 ? own.join(", ") : "-";
}

/** When a change reaches a member, as Open WebUI 0.11 applies groups (routers/auths.py `signin`). */
export const WHEN_IT_APPLIES = [
  "Open WebUI applies Cognito groups only when the member signs in to Open WebUI: after they sign out and in again,",
  "or when their Open WebUI session ends (JWT_EXPIRES_IN, 4 weeks by default); until then their groups there stay as they are.",
  "To take someone out of a group at once, remove them from it in Open WebUI too (Admin Panel → Users → Groups).",
];

export interface UsersGroupsResult {
  userPoolId: string;
  email: string;
  dryRun: boolean;
  /** Each Cognito identity carrying the email, with its groups after the command. */
  members: { username: string; groups: string[] }[];
  added: { username: string; group: string }[];
  removed: { username: string; group: string }[];
}

export interface UsersGroupsOptions extends UsersOptions {
  yes?: boolean;
  dryRun?: boolean;
}

type Action = "list" | "add" | "remove";

function checkArgs(email: string, groups: string[]): void {
  if (!EMAIL_ARG.test(email)) throw new CliError(`EMAIL "${email}" is not an email address`, EXIT.cannotCheck);
  for (const g of groups) {
    const problem = groupNameProblem(g);
    if (problem && isProviderGroup(g))
      throw new CliError(`GROUP "${g}" is the group Cognito keeps for an identity provider; Cognito alone manages its members`, EXIT.cannotCheck);
    if (problem) throw new CliError(`GROUP "${g}" ${problem}`, EXIT.cannotCheck);
  }
}

/**
 * Lists a member's groups, or adds them to / removes them from `groups` (every Cognito identity
 * that carries the email, as `pluto users disable` does). Adding needs the group to exist in the
 * pool (`pluto:groups` creates them); a change that would change nothing is not asked about.
 */
export async function runUsersGroups(
  action: Action,
  email: string,
  groups: string[],
  opts: UsersGroupsOptions,
  deps: Pick<OpsDeps, "clients" | "confirm">,
  io: Io,
): Promise<UsersGroupsResult> {
  checkArgs(email, groups);
  const session = await openSession(opts, deps);
  const userPoolId = await resolveUserPool(session, opts);
  const found = await membersByEmail(session, userPoolId, email);
  if (found.length === 0) throw new CliError(`no member with email ${email} in user pool ${userPoolId} (see \`pluto users list\`)`, EXIT.cannotCheck);
  const members = [];
  for (const m of found) members.push({ username: m.username, groups: await memberGroups(session, userPoolId, m.username) });
  const base = { userPoolId, email, added: [], removed: [] };
  if (action === "list") return { ...base, dryRun: false, members };

  if (action === "add") {
    const existing = new Set((await poolGroups(session, userPoolId)).map((g) => g.GroupName));
    const missing = groups.filter((g) => !existing.has(g));
    if (missing.length > 0)
      throw new CliError(
        `no group ${missing.join(", ")} in user pool ${userPoolId} (its groups: ${[...existing].filter((g) => g && !isProviderGroup(g)).join(", ") || "none"}; pluto:groups creates them)`,
        EXIT.cannotCheck,
      );
  }
  const todo = members.flatMap((m) =>
    groups.filter((g) => (action === "add" ? !m.groups.includes(g) : m.groups.includes(g))).map((group) => ({ username: m.username, group })),
  );
  const verb = action === "add" ? "add" : "remove";
  const prep = action === "add" ? "to" : "from";
  if (todo.length === 0) {
    io.out(`nothing to change: ${email} is ${action === "add" ? "already in" : "in none of"} ${groups.join(", ")}`);
    return { ...base, dryRun: false, members };
  }
  const go = await confirmChange(
    io,
    opts,
    [
      `${opts.dryRun ? `would ${verb}` : `will ${verb}`} ${email} ${prep} groups in user pool ${userPoolId} (${session.ctx.region}):`,
      ...table(todo.map((t) => [`  ${t.username}`, `${action === "add" ? "+" : "-"} ${t.group}`])),
    ],
    `${action === "add" ? "Add" : "Remove"} ${email} ${prep} ${groups.join(", ")}?`,
    deps.confirm,
  );
  if (!go) return { ...base, dryRun: true, members };
  const done: { username: string; group: string }[] = [];
  for (const t of todo) {
    const input = { UserPoolId: userPoolId, Username: t.username, GroupName: t.group };
    if (action === "add") await aws(session.ctx, "cognito-idp:AdminAddUserToGroup", () => session.clients.cognito.send(new AdminAddUserToGroupCommand(input)));
    else await aws(session.ctx, "cognito-idp:AdminRemoveUserFromGroup", () => session.clients.cognito.send(new AdminRemoveUserFromGroupCommand(input)));
    done.push(t);
  }
  const after = members.map((m) => {
    const mine = done.filter((d) => d.username === m.username).map((d) => d.group);
    return { username: m.username, groups: action === "add" ? [...m.groups, ...mine] : m.groups.filter((g) => !mine.includes(g)) };
  });
  return { ...base, dryRun: false, members: after, ...(action === "add" ? { added: done } : { removed: done }) };
}

export function formatUsersGroups(r: UsersGroupsResult): string[] {
  if (r.dryRun) return [];
  const lines = [
    ...r.added.map((a) => `added ${a.username} (${r.email}) to ${a.group}`),
    ...r.removed.map((a) => `removed ${a.username} (${r.email}) from ${a.group}`),
    ...table([["MEMBER", "GROUPS"], ...r.members.map((m) => [m.username, shownGroups(m.groups)])]),
  ];
  return r.added.length + r.removed.length > 0 ? [...lines, ...WHEN_IT_APPLIES] : lines;
}

export function registerUsersGroups(users: Command, io: Io, result: { exitCode: number }, deps: OpsDeps): void {
  const groups = users.command("groups").description("a member's Cognito groups, which Open WebUI applies at their next sign-in: list, add, remove");
  const run = async (action: Action, email: string, names: string[], opts: UsersGroupsOptions) => {
    const r = await runUsersGroups(action, email, names, opts, deps, io);
    emit(io, Boolean(opts.json), r, () => formatUsersGroups(r));
    result.exitCode = EXIT.ok;
  };
  withUsersOptions(groups.command("list").argument("<email>", "the member's email address").description("the member's groups (AdminListGroupsForUser)")).action(
    (email: string, opts: UsersGroupsOptions) => run("list", email, [], opts),
  );
  for (const action of ["add", "remove"] as const) {
    withChangeFlags(
      withUsersOptions(
        groups
          .command(action)
          .argument("<email>", "the member's email address")
          .argument("<group...>", "group names (from pluto:groups)")
          .description(
            action === "add"
              ? "add a member to groups (AdminAddUserToGroup); Open WebUI applies it at their next sign-in"
              : "remove a member from groups (AdminRemoveUserFromGroup); Open WebUI applies it at their next sign-in",
          ),
      ),
    ).action((email: string, names: string[], opts: UsersGroupsOptions) => run(action, email, names, opts));
  }
}
