/** Signing out of Open WebUI behind oauth2-proxy and Cognito: the redirect chain and its encodings. */
import { RawFinding, TaskRule, isUnknown, quote } from "./types";
import { envValue } from "./settings";
import { isOauth2Proxy } from "./identity";
import { usesTrustedHeaders } from "./openWebui";

/**
 * Go's url.QueryUnescape, which oauth2-proxy's `req.Form` applies once to `rd` (v7.15.3
 * pkg/app/redirect/getters.go getRdQuerystringRedirect: req.Form.Get("rd")): `+` is a space and
 * %XX a byte; a malformed escape makes Go drop the pair (undefined here).
 */
function queryUnescape(s: string): string | undefined {
  try {
    return decodeURIComponent(s.replace(/\+/g, " "));
  } catch {
    return undefined;
  }
}

interface QueryPair {
  key: string;
  /** As written, before decoding. */
  raw: string;
  /** Decoded once; undefined when the escape is malformed. */
  value: string | undefined;
}

/** A query string split as Go's url.ParseQuery splits it: on `&`, key and value at the first `=`; pairs with `;` are dropped (Go 1.17+). */
function queryPairs(query: string): QueryPair[] {
  return query
    .split("&")
    .filter((p) => p !== "" && !p.includes(";"))
    .map((p) => {
      const eq = p.indexOf("=");
      const rawKey = eq < 0 ? p : p.slice(0, eq);
      const raw = eq < 0 ? "" : p.slice(eq + 1);
      return { key: queryUnescape(rawKey) ?? rawKey, raw, value: queryUnescape(raw) };
    });
}

/** The parameters Cognito's /logout takes (https://docs.aws.amazon.com/cognito/latest/developerguide/logout-endpoint.html). */
const COGNITO_LOGOUT_PARAMS = ["client_id", "logout_uri", "redirect_uri", "response_type", "scope", "state"];

/**
 * The sign-out value the operator meant, encoded as oauth2-proxy and Cognito read it: `rd` encoded
 * once, and the app URL inside it encoded once more (settings/golden.ts signOutRedirectUrl builds the
 * same). `logout` is the Cognito logout URL as oauth2-proxy hands it on; undefined when it does not
 * name a client and an app URL.
 */
function signOutFix(base: string, logout: string): string | undefined {
  const q = logout.indexOf("?");
  if (q < 0) return undefined;
  const query = logout.slice(q + 1);
  const clientId = queryPairs(query).find((p) => p.key === "client_id")?.value;
  const at = query.indexOf("logout_uri=");
  if (!clientId || at < 0) return undefined;
  // The app URL runs to the next parameter Cognito knows: an unencoded one may itself contain `&`.
  let app = query.slice(at + "logout_uri=".length);
  const next = new RegExp(`&(${COGNITO_LOGOUT_PARAMS.join("|")})=`).exec(app);
  if (next) app = app.slice(0, next.index);
  for (let i = 0; i < 3 && !/^https?:\/\//i.test(app); i++) app = queryUnescape(app) ?? app;
  if (!/^https?:\/\/[^/?#]+/i.test(app)) return undefined;
  const cognito = `${logout.slice(0, q)}?client_id=${clientId}&logout_uri=${encodeURIComponent(app)}`;
  return `${base}?rd=${encodeURIComponent(cognito)}`;
}

/** What is wrong with the Cognito logout URL inside `rd` (already decoded once, as oauth2-proxy does), or undefined. */
function logoutUrlProblem(logout: string): string | undefined {
  const q = logout.indexOf("?");
  if (q < 0) return undefined;
  const pairs = queryPairs(logout.slice(q + 1));
  const logoutUri = pairs.find((p) => p.key === "logout_uri");
  if (/\/logout$/.test(logout.slice(0, q))) {
    const extra = pairs.map((p) => p.key).filter((k) => !COGNITO_LOGOUT_PARAMS.includes(k));
    if (extra.length > 0)
      return `after oauth2-proxy decodes rd, Cognito's /logout receives parameters it does not take (${extra.join(", ")}): logout_uri was not encoded inside rd, so the app URL's own query was cut off at '&' and no longer matches a registered sign-out URL`;
  }
  if (!logoutUri) return undefined;
  if (/[:/?#@]/.test(logoutUri.raw))
    return `logout_uri is not URL-encoded inside rd (after oauth2-proxy decodes rd once, it reads ${JSON.stringify(logoutUri.raw)}): Cognito's /logout takes it URL-encoded, and any '&', '#', '+' or '%' in the app URL would then change it so that it no longer matches a registered sign-out URL; it must be encoded twice in the whole value, once for rd and once for Cognito`;
  if (logoutUri.value === undefined || !/^https?:\/\//i.test(logoutUri.value))
    return `logout_uri is encoded one time too many: Cognito decodes it to ${JSON.stringify(logoutUri.value ?? logoutUri.raw)}, which is no registered sign-out URL, and shows an error instead of signing out`;
  return undefined;
}

export const signoutRedirect: TaskRule = (containers) => {
  if (!containers.some(isOauth2Proxy)) return [];
  const out: RawFinding[] = [];
  const generic =
    "Fix: WEBUI_AUTH_SIGNOUT_REDIRECT_URL=/oauth2/sign_out?rd=<url-encoded https://AUTH_DOMAIN/logout?client_id=...&logout_uri=<url-encoded app URL>>.";
  const fixFor = (base: string, logout: string | undefined) => {
    const fixed = logout === undefined ? undefined : signOutFix(base, logout);
    return fixed ? `Fix: WEBUI_AUTH_SIGNOUT_REDIRECT_URL=${fixed}` : generic;
  };
  for (const c of containers.filter(usesTrustedHeaders)) {
    if (c.secrets.includes("WEBUI_AUTH_SIGNOUT_REDIRECT_URL")) continue;
    const v = envValue(c, "WEBUI_AUTH_SIGNOUT_REDIRECT_URL");
    if (v === undefined || v.trim() === "") {
      out.push({
        container: c.name,
        message: `WEBUI_AUTH_SIGNOUT_REDIRECT_URL is not set in container ${c.name}: signing out leaves the oauth2-proxy and identity-provider sessions alive, so the user is signed straight back in. ${generic}`,
      });
      continue;
    }
    if (isUnknown(v)) {
      out.push({
        container: c.name,
        message: `WEBUI_AUTH_SIGNOUT_REDIRECT_URL in container ${c.name} is not known until deploy, so it could not be checked. ${generic}`,
      });
      continue;
    }
    const q = v.indexOf("?");
    const base = q < 0 ? v : v.slice(0, q);
    const path = base.replace(/^https?:\/\/[^/]+/i, "");
    const query = q < 0 ? "" : v.slice(q + 1);
    const params = query === "" ? [] : queryPairs(query).map((p) => p.key);
    const what = `WEBUI_AUTH_SIGNOUT_REDIRECT_URL=${quote(v)} in container ${c.name}`;
    if (path !== "/oauth2/sign_out") {
      out.push({
        container: c.name,
        message: `${what} does not go through /oauth2/sign_out: the oauth2-proxy cookie survives and the user is signed straight back in. ${generic}`,
      });
      continue;
    }
    if (!params.includes("rd")) {
      out.push({
        container: c.name,
        message: `${what} has no rd=: the identity provider's session survives and the user is signed straight back in. ${generic}`,
      });
      continue;
    }
    if (params.some((p) => p !== "rd")) {
      // Unencoded, everything after rd= is what was meant.
      const meant = query.slice(query.indexOf("rd=") + 3);
      out.push({
        container: c.name,
        message: `${what} has parameters besides rd (${params.filter((p) => p !== "rd").join(", ")}): the rd value is not URL-encoded, so oauth2-proxy cuts the logout URL short at '&'. ${fixFor(base, meant)}`,
      });
      continue;
    }
    const rd = queryPairs(query).find((p) => p.key === "rd" && p.value !== undefined)?.value;
    if (rd === undefined) {
      out.push({
        container: c.name,
        message: `${what}: rd is not valid URL-encoding, so oauth2-proxy ignores it and the identity provider's session survives. ${generic}`,
      });
      continue;
    }
    const problem = logoutUrlProblem(rd);
    if (problem) out.push({ container: c.name, message: `${what}: ${problem}. ${fixFor(base, rd)}` });
  }
  return out;
};
