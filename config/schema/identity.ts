/**
 * Who the stack is and where it lives: its name prefix, its host names, the Google OAuth client,
 * and the addresses it writes to (alarms, the first administrator).
 */
import { domainLengthProblem } from "../domain";
import { field, KeySpec, report, reportLine } from "./fields";

const HOST_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** A DNS host name with at least two labels, lower case, no scheme, no trailing dot. */
export function isHostName(value: string): boolean {
  if (value.length > 253) return false;
  const labels = value.split(".");
  return labels.length >= 2 && labels.every((l) => HOST_LABEL.test(l)) && !/^[0-9]+$/.test(labels[labels.length - 1]);
}

export function isEmail(value: string): boolean {
  const at = value.lastIndexOf("@");
  return at > 0 && /^[A-Za-z0-9._%+'-]+$/.test(value.slice(0, at)) && isHostName(value.slice(at + 1).toLowerCase());
}

export const DEFAULT_NAME_PREFIX = "pluto";

/**
 * What is wrong with a `namePrefix`; empty when every physical name derived from it is valid.
 * The prefix starts RDS and ElastiCache identifiers (letters, digits and single hyphens, starting
 * with a letter: https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html,
 * https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateReplicationGroup.html)
 * and the load balancer's name, which may not begin with "internal-"
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html).
 */
export function namePrefixProblems(prefix: string): string[] {
  const key = "pluto:namePrefix";
  if (!/^[a-z][a-z0-9-]{0,19}$/.test(prefix) || prefix.endsWith("-"))
    return [
      `${key}: expected 1-20 lower-case letters, digits or dashes starting with a letter and not ending with a dash (it prefixes AWS names such as ${DEFAULT_NAME_PREFIX}-cluster), got ${JSON.stringify(prefix)}`,
    ];
  const problems: string[] = [];
  if (prefix.includes("--"))
    problems.push(
      `${key}: ${JSON.stringify(prefix)} contains "--", which RDS and ElastiCache identifiers refuse (the database is named ${prefix}-openwebui); use single dashes`,
    );
  if (`${prefix}-`.startsWith("internal-"))
    problems.push(`${key}: ${JSON.stringify(prefix)} would name the load balancer "${prefix}-…", and load balancer names may not begin with "internal-"`);
  return problems;
}

/** A required text key, trimmed; blank reads as not given, which the `required` rule reports. */
function requiredText(check: (value: string, given: unknown) => string | undefined) {
  return () =>
    field<string>(null, (v, ctx) => {
      const value = typeof v === "string" ? v.trim() : "";
      if (value === "") return null;
      const problem = check(value, v);
      if (problem === undefined) return value;
      report(ctx, problem);
      return null;
    });
}

export const namePrefix: KeySpec<string> = {
  description:
    "Prefix of every physical name (<prefix>-cluster, <prefix>-openwebui, /<prefix>/ecs, <prefix>-user-provisioning, …): 1-20 lower-case letters, digits and single dashes, starting with a letter, not ending with a dash, not internal-…. Two stacks in one AWS account need different prefixes.",
  type: "string",
  default: DEFAULT_NAME_PREFIX,
  schema: () =>
    field<string>(DEFAULT_NAME_PREFIX, (v, ctx) => {
      const prefix = typeof v === "string" ? v : "";
      const problems = namePrefixProblems(prefix);
      problems.forEach((p) => reportLine(ctx, p));
      return problems.length > 0 ? null : prefix;
    }),
};

export const domain: KeySpec<string> = {
  description: "Required. The app's host name, e.g. pluto.example.com (no scheme, no trailing dot); the sign-in pages are at auth.<domain>.",
  type: "string",
  required: "the app's host name, e.g. pluto.example.com",
  schema: () =>
    field<string>(null, (v, ctx) => {
      const value = typeof v === "string" ? v.trim() : "";
      if (value === "") return null;
      if (!isHostName(value)) {
        report(ctx, `expected a host name like "pluto.example.com" (no scheme, path or trailing dot), got ${JSON.stringify(value)}`);
        return null;
      }
      // Still a host name: the rules across keys (the hosted zone) read it.
      const tooLong = domainLengthProblem(value);
      if (tooLong) reportLine(ctx, tooLong);
      return value;
    }),
};

/** The zone as given, without a trailing dot; empty (Pulumi.yaml's default) and unset mean the domain itself. */
export const hostedZoneName: KeySpec<string> = {
  description: "The Route 53 hosted zone that holds the domain: the domain itself or a parent, e.g. example.com. Empty (the default) means the domain itself.",
  type: "string",
  // Empty, because the Pulumi CLI hands every stack a declared default, and a default cannot name another key.
  default: "",
  schema: () =>
    field<string>(null, (v, ctx) => {
      if (v === "") return null;
      const zone = (typeof v === "string" ? v : "").replace(/\.$/, "");
      if (isHostName(zone)) return zone;
      report(ctx, `expected a Route 53 zone name like "example.com", got ${JSON.stringify(v)}`);
      return null;
    }),
};

export const googleClientId: KeySpec<string> = {
  description: "Required. The Google OAuth client id (….apps.googleusercontent.com).",
  type: "string",
  required: "the OAuth client id from Google Cloud console (…apps.googleusercontent.com)",
  schema: requiredText((id) =>
    /^[A-Za-z0-9-]+\.apps\.googleusercontent\.com$/.test(id)
      ? undefined
      : `expected a Google OAuth client id ending in ".apps.googleusercontent.com", got ${JSON.stringify(id)}`,
  ),
};

/** Only its presence is read here: the value reaches the program as a secret Output (`loadConfig`). */
export const googleClientSecret: KeySpec<true> = {
  description: "Required, secret. The Google OAuth client secret: `pulumi config set --secret pluto:googleClientSecret <value>`.",
  type: "string",
  secret: true,
  required: "set it with `pulumi config set --secret pluto:googleClientSecret <value>`",
  schema: () => field<true>(null, () => true),
};

export const alarmEmail: KeySpec<string> = {
  description: "Required. The email address that receives the alarms (failed user provisioning, the workspace down or degraded).",
  type: "string",
  required: "where alarms (failed user provisioning) are emailed",
  schema: requiredText((email) => (isEmail(email) ? undefined : `expected an email address, got ${JSON.stringify(email)}`)),
};

/** Lower-cased: the allow-list and Open WebUI compare addresses in lower case. */
export const adminEmail: KeySpec<string> = {
  description:
    "Required. The Google address of Open WebUI's administrator, created at first start (otherwise the first person to sign in would become administrator); the allow-list must admit it.",
  type: "string",
  // Without an administrator the first person to sign in becomes one (Open WebUI makes the first account admin).
  required: "the Google email of Open WebUI's administrator; without it the first person to sign in becomes administrator",
  schema: () =>
    field<string>(null, (v, ctx) => {
      const email = (typeof v === "string" ? v.trim() : "").toLowerCase();
      if (email === "") return null;
      if (isEmail(email)) return email;
      report(ctx, `expected the email the first administrator signs in with, got ${JSON.stringify(v)}`);
      return null;
    }),
};
