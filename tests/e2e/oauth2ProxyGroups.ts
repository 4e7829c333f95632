// X-Forwarded-Groups as oauth2-proxy v7.15.3 builds it (oauth2-proxy/oauth2-proxy @ v7.15.3):
// the session's groups come from the ID token claim OAUTH2_PROXY_OIDC_GROUPS_CLAIM names, default
// `groups` (pkg/apis/options/legacy_options.go `oidc-groups-claim`; providers/provider_data.go
// buildSessionFromClaims; pkg/providers/util/claim_extractor.go getClaimFrom tries the whole name
// before splitting on dots, so `cognito:groups` is read as it is). With pass-user-headers each group
// is added as its own X-Forwarded-Groups value, empty ones skipped (pkg/header/injector.go
// newClaimInjector), and the values are then joined with "," (pkg/middleware/headers.go
// flattenHeaders). No group, no header.

/** `cfg` oidc_groups_claim's default (legacy_options.go OIDCGroupsClaim). */
const DEFAULT_GROUPS_CLAIM = "groups";

export function forwardedGroups(claims: Record<string, unknown>, proxyEnv: Record<string, string | undefined>): Record<string, string> {
  const claim = proxyEnv.OAUTH2_PROXY_OIDC_GROUPS_CLAIM ?? DEFAULT_GROUPS_CLAIM;
  const value = claims[claim];
  // pkg/util/util.go CoerceClaim (toStringSlice): a list, or one value as a list of one.
  const groups = (Array.isArray(value) ? value : typeof value === "string" ? [value] : []).filter((g): g is string => typeof g === "string" && g !== "");
  return groups.length > 0 ? { "X-Forwarded-Groups": groups.join(",") } : {};
}

/** The request headers oauth2-proxy sets with pass-user-headers (legacy_options.go getPassUserHeaders, getPreferredUsernameHeader). */
const PASS_USER_HEADERS = ["X-Forwarded-Groups", "X-Forwarded-User", "X-Forwarded-Email", "X-Forwarded-Preferred-Username"];

/**
 * What is left of a client's own request headers after oauth2-proxy: every header it sets itself
 * is declared PreserveRequestValue false, so a client's copy is deleted whatever its spelling
 * (pkg/middleware/headers.go stripHeaders, stripNormalizedHeader: lower-cased, "_" read as "-")
 * before the session's values are added. Every other header passes through.
 */
export function withoutClientCopies(clientHeaders: Record<string, string>): Record<string, string> {
  const normalized = (name: string) => name.toLowerCase().replace(/_/g, "-");
  const owned = new Set(PASS_USER_HEADERS.map(normalized));
  return Object.fromEntries(Object.entries(clientHeaders).filter(([name]) => !owned.has(normalized(name))));
}
