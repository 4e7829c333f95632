/**
 * Who may join the workspace: the stack's allow-list, shared by the Cognito PreSignUp trigger
 * (which refuses everyone else before an account exists) and every oauth2-proxy sidecar (which
 * enforces the same list on every request). Pure and dependency-free, so the serialised Lambda
 * carries it without pulling anything else in.
 *
 * The matching rules copy oauth2-proxy's own, so both enforcement points agree on every email
 * (oauth2-proxy/oauth2-proxy v7.15.3 validator.go, `newValidatorImpl` and
 * `isEmailValidWithDomains`): the email is lower-cased; it must hold exactly one `@`; a domain
 * entry matches when the email ends in `@<domain>`; a single email matches exactly
 * (`--authenticated-emails-file`, compared lower-cased).
 */
export interface AllowList {
  /** Lower-case email domains whose every address may join, e.g. `example.com` (no subdomains). */
  domains: string[];
  /** Lower-case single email addresses that may join. */
  emails: string[];
  /** Anyone with a Google account may join (oauth2-proxy's `*`). An explicit opt-in. */
  anyGoogleAccount: boolean;
  /**
   * A member admitted through `domains` must sign in with an account of that domain's Google
   * Workspace: Google's `hd` (hosted domain) claim must equal the email's domain. Checked by the
   * PreSignUp trigger only (see `lacksWorkspace`). Defaults to false (absent).
   */
  requireGoogleWorkspace?: boolean;
}

/** True when `email` may join under `list`; never throws (anything that is not a string is refused). */
export function isAllowed(email: unknown, list: AllowList): boolean {
  if (typeof email !== "string") return false;
  const normalised = email.trim().toLowerCase();
  if (normalised === "" || normalised.split("@").length !== 2) return false;
  if (list.anyGoogleAccount) return true;
  if (list.domains.some((domain) => normalised.endsWith(`@${domain.toLowerCase()}`))) return true;
  return list.emails.some((allowed) => allowed.toLowerCase() === normalised);
}

/**
 * True when `email` needs a Google Workspace account and `hd` does not show one: it is admitted
 * only through a domain entry (a listed single address names a person and is exempt) and `hd`,
 * Google's hosted-domain claim, is not the email's domain. Google sets `hd` only for an account
 * of a Google Workspace or Cloud organisation; a consumer account registered with a company
 * address has none (developers.google.com/identity/openid-connect/openid-connect, ID token
 * payload `hd`; "validating an ID token": check `hd`, since the email alone does not prove it).
 * Never throws; anything unreadable needs a Workspace and shows none.
 */
export function lacksWorkspace(email: unknown, hd: unknown, list: AllowList): boolean {
  if (typeof email !== "string") return true;
  const normalised = email.trim().toLowerCase();
  if (list.emails.some((allowed) => allowed.toLowerCase() === normalised)) return false;
  const domain = normalised.slice(normalised.lastIndexOf("@") + 1);
  return typeof hd !== "string" || domain === "" || hd.trim().toLowerCase() !== domain;
}
