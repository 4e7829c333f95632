// The e2e's oauth2-proxy, driven by the synthesised oauth2-proxy container (and the allowed-emails
// writer beside it), as oauth2-proxy v7.15.3 (commit 42a011954cfd814df9101843f138d46a5abf2762)
// treats a signed-in person:
// - the allow-list on every request: oauthproxy.go `getAuthenticatedSession` runs the validator
//   over the session's email each time and, failing, clears the session and answers 403 ("invalid
//   email"). validator.go `newValidatorImpl`: an email is valid when it ends with `@<domain>` for a
//   domain of OAUTH2_PROXY_EMAIL_DOMAINS (`.domain` / `*.domain` also admit subdomains; `*` admits
//   all) OR, lower-cased, is a line of OAUTH2_PROXY_AUTHENTICATED_EMAILS_FILE; an empty email never;
// - `email_verified` whenever the session is built from the ID token (sign-in and each refresh):
//   providers/provider_data.go `buildSessionFromClaims` refuses a token whose `email_verified` is
//   present and false ("email in id_token (...) isn't verified"), unless the email claim is not
//   `email` or OAUTH2_PROXY_INSECURE_OIDC_ALLOW_UNVERIFIED_EMAIL is set (the stack sets neither);
// - the request headers it adds with OAUTH2_PROXY_PASS_USER_HEADERS=true (pkg/apis/options/
//   legacy_options.go `getPassUserHeaders`, `getPreferredUsernameHeader`): X-Forwarded-User from
//   the `user` claim, which for the OIDC provider is the ID token's `sub` (provider_data.go,
//   oidcUserClaim), X-Forwarded-Email from `email`, X-Forwarded-Preferred-Username from
//   `preferred_username`, X-Forwarded-Groups from the claim OAUTH2_PROXY_OIDC_GROUPS_CLAIM names
//   (oauth2ProxyGroups.ts). A claim the token lacks adds no header. Copies a client sent are stripped first (skip-auth-strip-headers).

import { TRUSTED_NAME_HEADER } from "../../settings/golden";
import { forwardedGroups } from "./oauth2ProxyGroups";

/**
 * The trusted name header Open WebUI reads: the golden configuration's, which oauth2-proxy fills
 * from the ID token's `preferred_username` claim (the name claim trigger writes it).
 */
export const NAME_HEADER = TRUSTED_NAME_HEADER;

/** The ID token claims oauth2-proxy reads (Cognito's, from the user's attributes). */
export interface IdTokenClaims {
  sub: string;
  email: string;
  preferred_username?: string;
  /** Cognito writes the attribute as a boolean claim; absent counts as verified. */
  email_verified?: boolean;
  /** The member's groups, in the claim OAUTH2_PROXY_OIDC_GROUPS_CLAIM names (oauth2ProxyGroups.ts). */
  "cognito:groups"?: string[];
}

/** The settings of the deployed oauth2-proxy that decide who gets through. */
export interface Oauth2ProxySettings {
  /** OAUTH2_PROXY_EMAIL_DOMAINS, comma-separated, as synthesised. */
  emailDomains: string[];
  /** The lines of OAUTH2_PROXY_AUTHENTICATED_EMAILS_FILE, as the writer container writes them. */
  authenticatedEmails: string[];
  /** OAUTH2_PROXY_OIDC_EMAIL_CLAIM (default `email`) and OAUTH2_PROXY_INSECURE_OIDC_ALLOW_UNVERIFIED_EMAIL. */
  emailClaim: string;
  allowUnverifiedEmail: boolean;
  /** The proxy's environment as deployed (it names the groups claim). */
  env: Record<string, string>;
}

/**
 * Reads the settings from the synthesised containers: the proxy's environment and the allowed-emails
 * writer's ALLOWED_EMAILS (which it prints, comma by comma, one per line, into the file the proxy names).
 */
export function oauth2ProxySettings(proxyEnv: Record<string, string>, writerEnv?: Record<string, string>): Oauth2ProxySettings {
  const list = (v: string | undefined) =>
    (v ?? "")
      .split(",")
      .map((x) => x.trim())
      .filter(Boolean);
  return {
    emailDomains: list(proxyEnv.OAUTH2_PROXY_EMAIL_DOMAINS ?? proxyEnv.OAUTH2_PROXY_EMAIL_DOMAIN),
    authenticatedEmails: proxyEnv.OAUTH2_PROXY_AUTHENTICATED_EMAILS_FILE ? list(writerEnv?.ALLOWED_EMAILS) : [],
    emailClaim: proxyEnv.OAUTH2_PROXY_OIDC_EMAIL_CLAIM ?? "email",
    allowUnverifiedEmail: /^true$/i.test(proxyEnv.OAUTH2_PROXY_INSECURE_OIDC_ALLOW_UNVERIFIED_EMAIL ?? ""),
    env: proxyEnv,
  };
}

/** validator.go `isEmailValidWithDomains`, then the authenticated-emails file (lower-cased both). */
export function emailAllowed(settings: Oauth2ProxySettings, email: string): boolean {
  if (!email) return false;
  const e = email.toLowerCase();
  if (settings.emailDomains.includes("*")) return true;
  const byDomain =
    (e.match(/@/g) ?? []).length === 1 &&
    settings.emailDomains.some((raw) => {
      const d = raw.toLowerCase();
      const host = e.split("@")[1];
      return e.endsWith(`@${d}`) || (d.startsWith(".") && host.endsWith(d)) || (d.startsWith("*.") && host.endsWith(d.slice(1)));
    });
  return byDomain || settings.authenticatedEmails.map((x) => x.toLowerCase()).includes(e);
}

/** What oauth2-proxy does with a request of a signed-in person: refuse it, or pass it on with these headers. */
export type ProxyOutcome = { status: 403 | 500; reason: string } | { status: 200; headers: Record<string, string> };

export function oauth2ProxyRequest(settings: Oauth2ProxySettings, claims: IdTokenClaims): ProxyOutcome {
  if (settings.emailClaim === "email" && !settings.allowUnverifiedEmail && claims.email_verified === false)
    return { status: 500, reason: `email in id_token (${claims.email}) isn't verified` };
  if (claims.email !== "" && !emailAllowed(settings, claims.email)) return { status: 403, reason: "invalid email" };
  return { status: 200, headers: oauth2ProxyHeaders(claims, settings.env) };
}

/** `proxyEnv`: the oauth2-proxy container's environment as deployed (it names the groups claim). Defaults to none. */
export function oauth2ProxyHeaders(claims: IdTokenClaims, proxyEnv: Record<string, string | undefined> = {}): Record<string, string> {
  const headers: Record<string, string> = { "X-Forwarded-User": claims.sub, "X-Forwarded-Email": claims.email };
  if (claims.preferred_username) headers["X-Forwarded-Preferred-Username"] = claims.preferred_username;
  return { ...headers, ...forwardedGroups({ ...claims }, proxyEnv) };
}
