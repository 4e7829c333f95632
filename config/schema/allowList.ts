/**
 * Who may join: enforced by the Cognito PreSignUp trigger and by every oauth2-proxy
 * (functions/allowList.ts). At least one of the three lists must admit someone; that rule and the
 * Google Workspace rule span keys, so they are in the schema's cross-key rules (config/schema/index.ts).
 */
import { flag, KeySpec, textList } from "./fields";
import { isEmail, isHostName } from "./identity";

/** Why `domain` cannot be an allow-list entry, or undefined when it can. */
export function allowedDomainProblem(domain: string): string | undefined {
  if (domain === "*") return "`*` admits anyone with a Google account; say so explicitly with `pulumi config set pluto:allowAnyGoogleAccount true`";
  if (domain.includes("@")) return "expected a domain such as example.com, not an email address (single addresses go in pluto:allowedEmails)";
  if (domain.startsWith(".") || domain.startsWith("*."))
    return "subdomain wildcards are not supported (the Cognito trigger and oauth2-proxy match whole domains); list each domain";
  if (!isHostName(domain)) return "expected a domain such as example.com";
  return undefined;
}

export const allowedEmailDomains: KeySpec<string[]> = {
  description:
    "List of domains whose every address may join, e.g. example.com (whole domains: no *, no subdomain wildcards): `pulumi config set --path 'pluto:allowedEmailDomains[0]' example.com`. At least one of allowedEmailDomains, allowedEmails and allowAnyGoogleAccount must admit someone.",
  default: [],
  schema: () =>
    textList("allowedEmailDomains", "example.com", (d) => {
      const problem = allowedDomainProblem(d);
      return problem && `${JSON.stringify(d)}: ${problem}`;
    }),
};

export const allowedEmails: KeySpec<string[]> = {
  description: "List of single addresses that may join: `pulumi config set --path 'pluto:allowedEmails[0]' ada@partner.example`.",
  default: [],
  schema: () => textList("allowedEmails", "ada@partner.example", (e) => (isEmail(e) ? undefined : `expected an email address, got ${JSON.stringify(e)}`)),
};

// Untyped in Pulumi.yaml: the program takes True/TRUE, which Pulumi's boolean type refuses.
export const allowAnyGoogleAccount: KeySpec<boolean> = {
  description: "true or false. true lets anyone with a Google account join (oauth2-proxy EMAIL_DOMAINS=*): an explicit opt-in that `pluto synth` warns about.",
  default: false,
  schema: flag,
};

/** The rule itself, and why it is off by default: config/workspace.ts. */
export const requireGoogleWorkspace: KeySpec<boolean> = {
  description:
    "true or false. true makes a member admitted by allowedEmailDomains sign in with an account of that domain's Google Workspace (Google's hd claim equal to the email's domain), refusing a personal Google account registered with a company address; addresses in allowedEmails are exempt. Checked when an account is created: remove older personal accounts with `pluto users disable`. Cannot be combined with allowAnyGoogleAccount.",
  default: false,
  schema: flag,
};
