import type { AllowList } from "../functions/allowList";

/**
 * `pluto:requireGoogleWorkspace`: members admitted by `pluto:allowedEmailDomains` must sign in with
 * an account of that domain's Google Workspace (Google's `hd` claim equal to the email's domain),
 * so a consumer Google account registered with a company address (a former employee's, say) is
 * refused. Single addresses in `pluto:allowedEmails` are exempt: they name a person.
 *
 * Off by default. Turning it on refuses, at their next first sign-in, everyone of a listed domain
 * whose Google account is not a Workspace account, including whole organisations whose mail is
 * hosted elsewhere (Microsoft 365, say) and whose staff sign in with consumer Google accounts
 * registered with their work address. An existing stack must not lose its way in on upgrade.
 *
 * It is checked by the Cognito PreSignUp trigger only, before an account exists. oauth2-proxy,
 * which checks the allow-list on every request, cannot check it: v7.15.3 reads no `hd` claim in
 * any provider, and its Google-only restriction (`--google-group`, providers/google.go
 * `setGroupRestriction`, through the Workspace Admin API) exists only in its `google` provider,
 * while Pluto's oauth2-proxy signs in against Cognito through `oidc`. So a consumer account created
 * before the setting was turned on keeps working until an operator removes it
 * (`pluto users disable EMAIL`).
 */
export const REQUIRE_GOOGLE_WORKSPACE_KEY = "requireGoogleWorkspace";

/**
 * A combination that cannot mean what the operator wants, as a problem naming both keys: with
 * `allowAnyGoogleAccount` every Google account is let in by oauth2-proxy (`EMAIL_DOMAINS=*`),
 * Workspace or not.
 */
export function googleWorkspaceConflict(): string {
  return (
    `pluto:${REQUIRE_GOOGLE_WORKSPACE_KEY}: true cannot be combined with pluto:allowAnyGoogleAccount: true, which lets every Google account in ` +
    "(Workspace or not) at every oauth2-proxy; list your domains in pluto:allowedEmailDomains instead, or set one of the two to false"
  );
}

/** A setting that does nothing deserves a word: without domains, every member is a named address and exempt. */
export function googleWorkspaceWarnings(list: AllowList): string[] {
  if (!list.requireGoogleWorkspace || list.domains.length > 0) return [];
  return [
    `pluto:${REQUIRE_GOOGLE_WORKSPACE_KEY} is true but pluto:allowedEmailDomains is empty: it applies only to members admitted by a domain, ` +
      "and every address in pluto:allowedEmails is exempt, so it has no effect",
  ];
}
