/**
 * How oauth2-proxy v7.15.3 turns a request target into a skip-auth decision and an upstream request,
 * as far as paths go. A model for tests, each step copied from the pinned source:
 *
 * 0. net/http (Go's server) parses the request target with url.ParseRequestURI and answers
 *    400 Bad Request to a malformed %-escape before any handler runs.
 * 1. oauthproxy.go buildServeMux: `mux.NewRouter().UseEncodedPath()` (gorilla/mux v1.8.1, go.mod).
 *    mux.go Router.ServeHTTP cleans `req.URL.EscapedPath()` (the path as the client sent it) with
 *    cleanPath (path.Clean, trailing slash kept) and answers 301 to the clean path when it differs,
 *    before any middleware or sign-in decision.
 * 2. oauthproxy.go getAuthenticatedSession -> IsAllowedRequest -> isAllowedRoute/isAllowedPath: each
 *    skip-auth route (buildRoutesAllowlist: `METHOD=regex`, `METHOD!=regex` or `regex`, method
 *    upper-cased) matches its regex against requestutil.GetRequestPath (pkg/requests/util/util.go):
 *    `url.Parse(req.URL.RequestURI()).Path`, the percent-decoded path without the query. (X-Forwarded-Uri
 *    plays no part: reverse-proxy is off in Pluto, and the ALB refuses the header.)
 * 3. pkg/upstream/proxy.go NewProxy: the upstream router is `mux.NewRouter()`, with UseEncodedPath only
 *    when proxyRawPath is on (default false, pkg/apis/options/upstreams.go), so it cleans the *decoded*
 *    path and answers 301 when that changes.
 * 4. pkg/upstream/http.go setProxyRewrite: the upstream request line carries the client's RequestURI
 *    unchanged (`Out.URL.Opaque = In.RequestURI`).
 */

export type Outcome =
  | { kind: "bad-request" }
  | { kind: "redirect"; by: "router" | "upstream-router"; location: string }
  | { kind: "sign-in" }
  /** Passed to the app without sign-in, with this request target. */
  | { kind: "upstream"; requestUri: string };

interface Route {
  method: string;
  negate: boolean;
  regex: RegExp;
}

/** oauthproxy.go buildRoutesAllowlist: split at the first `=` or `!=`. */
export function parseSkipAuthRoutes(routes: string[]): Route[] {
  return routes.map((r) => {
    const m = /!?=/.exec(r);
    if (!m) return { method: "", negate: false, regex: new RegExp(r) };
    return { method: r.slice(0, m.index).toUpperCase(), negate: m[0] === "!=", regex: new RegExp(r.slice(m.index + m[0].length)) };
  });
}

/** Go's path.Clean for a rooted path (https://pkg.go.dev/path#Clean). */
function goPathClean(p: string): string {
  const out: string[] = [];
  for (const seg of p.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") out.pop();
    else out.push(seg);
  }
  return "/" + out.join("/");
}

/** gorilla/mux cleanPath: path.Clean, with the trailing slash put back. */
export function cleanPath(p: string): string {
  if (p === "") return "/";
  if (!p.startsWith("/")) p = "/" + p;
  const np = goPathClean(p);
  return p.endsWith("/") && np !== "/" ? np + "/" : np;
}

/** Go's url path unescaping (no `+` rule in paths); undefined for a malformed escape. */
function unescapePath(s: string): string | undefined {
  if (/%(?![0-9A-Fa-f]{2})/.test(s)) return undefined;
  return Buffer.from(
    s.replace(/%([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
    "latin1",
  ).toString("utf8");
}

/** Go's url escape in path mode (net/url shouldEscape, encodePath): unreserved and `$&+,/:;=@` stay. */
function escapePath(s: string): string {
  return [...Buffer.from(s, "utf8")]
    .map((b) => {
      const c = String.fromCharCode(b);
      return /[A-Za-z0-9\-_.~$&+,/:;=@]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
    })
    .join("");
}

/** What oauth2-proxy does with `method target` given its skip-auth routes, for a request without a session. */
export function oauth2ProxyDecision(method: string, target: string, routes: string[]): Outcome {
  const q = target.indexOf("?");
  const rawPath = q < 0 ? target : target.slice(0, q);
  const query = q < 0 ? "" : target.slice(q);
  const decoded = unescapePath(rawPath);
  if (decoded === undefined) return { kind: "bad-request" };

  const outerClean = cleanPath(rawPath);
  // The Location gorilla builds from `url.Path = <clean escaped path>`: url.String() escapes it again (`%` -> `%25`).
  if (outerClean !== rawPath) return { kind: "redirect", by: "router", location: escapePath(outerClean) + query };

  const allowed = parseSkipAuthRoutes(routes).some((r) => (r.method === "" || r.method === method.toUpperCase()) && r.regex.test(decoded) !== r.negate);
  if (!allowed) return { kind: "sign-in" };

  const upstreamClean = cleanPath(decoded);
  if (upstreamClean !== decoded) return { kind: "redirect", by: "upstream-router", location: escapePath(upstreamClean) + query };
  return { kind: "upstream", requestUri: target };
}

/** The decoded path the app is asked for, as oauth2-proxy judged it (for assertions). */
export function decodedPath(requestUri: string): string {
  const q = requestUri.indexOf("?");
  return unescapePath(q < 0 ? requestUri : requestUri.slice(0, q)) ?? "";
}
