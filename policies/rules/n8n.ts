/** n8n: the routes it serves without oauth2-proxy's sign-in because it authenticates the caller itself. */

export const N8N_INVITE_ROUTE = "POST=^/api/v1/users$";

/**
 * n8n's webhook and form trigger paths, every method: the routes n8n 2.17.7 and 2.20.0 (and so the
 * pinned 2.18.0) register in packages/cli/src/abstract-server.ts start() — `/webhook/*path`,
 * `/webhook-test/*path`, `/form/*path`, `/form-test/*path`, and `/webhook-waiting/:path{/:suffix}`,
 * `/form-waiting/:path{/:suffix}` — under the default segments of
 * packages/@n8n/config/src/configs/endpoints.config.ts. Each trigger node authenticates its own
 * callers; a waiting execution is resumed only with its signed token
 * (packages/cli/src/webhooks/waiting-webhooks.ts validateSignature/validateToken). n8n's MCP server
 * trigger paths (`/mcp/`, `/mcp-test/`) are deliberately not among them.
 *
 * oauth2-proxy matches these against the percent-decoded path (v7.15.3 oauthproxy.go isAllowedPath,
 * pkg/requests/util/util.go GetRequestPath). Anchored with `^` and ending in `/`, so `/webhookX` and
 * `/x/webhook/` stay signed in; dot segments never get past: the router redirects a raw `..` before
 * any decision (oauthproxy.go buildServeMux: gorilla/mux cleans the escaped path), and an encoded
 * one (`%2e%2e`, `..%2F`) is redirected by the upstream router, which cleans the decoded path
 * (pkg/upstream/proxy.go NewProxy, proxyRawPath off), before n8n sees the request.
 */
export const N8N_PUBLIC_WEBHOOK_ROUTES: readonly string[] = [
  "^/webhook/",
  "^/webhook-test/",
  "^/webhook-waiting/",
  "^/form/",
  "^/form-test/",
  "^/form-waiting/",
];

/**
 * Routes an app other than Open WebUI may serve without oauth2-proxy's sign-in because the app
 * authenticates the caller itself: n8n's invitation route (API key), and n8n's webhook and form
 * triggers (each node its own) for a stack with `pluto:n8n.publicWebhooks`. Nothing to Open WebUI skips sign-in, whatever the allowlist
 * says: trusted-header sign-in and Open WebUI's own API rest on oauth2-proxy.
 */
export const DEFAULT_SKIP_AUTH_ROUTE_ALLOWLIST: readonly string[] = [N8N_INVITE_ROUTE, ...N8N_PUBLIC_WEBHOOK_ROUTES];
