// The request headers oauth2-proxy v7.15.3 adds for a signed-in person with
// OAUTH2_PROXY_PASS_USER_HEADERS=true (oauth2-proxy/oauth2-proxy pkg/apis/options/legacy_options.go:
// `getPassUserHeaders` and `getPreferredUsernameHeader`): X-Forwarded-User from the `user` claim,
// which for the OIDC provider is the ID token's `sub` (providers/provider_data.go, oidcUserClaim),
// X-Forwarded-Email from `email` and X-Forwarded-Preferred-Username from `preferred_username`
// (X-Forwarded-Groups from the groups claim: oauth2ProxyGroups.ts). A claim the token lacks
// adds no header. Copies a client sent are stripped first (skip-auth-strip-headers, default true).

import { TRUSTED_NAME_HEADER } from "../../components/golden";
import { forwardedGroups } from "./oauth2ProxyGroups";

/**
 * The trusted name header Open WebUI reads: the golden configuration's, which oauth2-proxy fills
 * from the ID token's `preferred_username` claim (the name claim trigger writes it).
 */
export const NAME_HEADER = TRUSTED_NAME_HEADER;

/** The ID token claims oauth2-proxy turns into headers (Cognito's, from the user's attributes). */
export interface IdTokenClaims {
  sub: string;
  email: string;
  preferred_username?: string;
  /** The member's groups, in the claim OAUTH2_PROXY_OIDC_GROUPS_CLAIM names (oauth2ProxyGroups.ts). */
  "cognito:groups"?: string[];
}

/** `proxyEnv`: the oauth2-proxy container's environment as deployed (it names the groups claim). Defaults to none. */
export function oauth2ProxyHeaders(claims: IdTokenClaims, proxyEnv: Record<string, string | undefined> = {}): Record<string, string> {
  const headers: Record<string, string> = { "X-Forwarded-User": claims.sub, "X-Forwarded-Email": claims.email };
  if (claims.preferred_username) headers["X-Forwarded-Preferred-Username"] = claims.preferred_username;
  return { ...headers, ...forwardedGroups({ ...claims }, proxyEnv) };
}
