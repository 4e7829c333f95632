/** oauth2-proxy's options: the ones that skip sign-in, leak tokens or let a client's headers through. */
import { Container, RawFinding, TaskRule, quote } from "./types";
import { booleanOn, effectiveBoolean, envName, isFalse, proxySettings } from "./settings";
import { isOauth2Proxy, isOpenWebui } from "./identity";

/** A forbidden boolean oauth2-proxy option: any value but false is a finding. */
export function forbiddenProxyBoolean(flag: string, why: string): TaskRule {
  return (containers) => {
    const out: RawFinding[] = [];
    for (const c of containers.filter(isOauth2Proxy)) {
      const s = effectiveBoolean(c, flag);
      if (s && !isFalse(s.value)) {
        out.push({ container: c.name, message: `${s.where} in container ${c.name}: ${why} Fix: remove ${envName(flag)} / --${flag} entirely.` });
      }
    }
    return out;
  };
}

export const noPassAuthorizationHeader: TaskRule = (containers) => {
  const out: RawFinding[] = [];
  const consequence = "oauth2-proxy would replace Open WebUI's own Authorization JWT on every request, so API calls fail after sign-in.";
  for (const c of containers.filter(isOauth2Proxy)) {
    const pass = effectiveBoolean(c, "pass-authorization-header");
    if (pass && !isFalse(pass.value)) {
      out.push({
        container: c.name,
        message: `${pass.where} in container ${c.name}: ${consequence} Fix: remove ${envName("pass-authorization-header")} / --pass-authorization-header.`,
      });
    }
    // oauth2-proxy sends `Authorization: Basic user:password` only when pass-basic-auth (default true) is on and the password is non-empty.
    const passwords = proxySettings(c, "basic-auth-password", { boolean: false }).filter((s) => s.value === undefined || s.value !== "");
    if (passwords.length && booleanOn(c, "pass-basic-auth", true)) {
      out.push({
        container: c.name,
        message: `${passwords[0].key} is set in container ${c.name} and pass-basic-auth is on (its default): ${consequence} Fix: remove ${envName("basic-auth-password")} / --basic-auth-password.`,
      });
    }
  }
  return out;
};

/** Request headers oauth2-proxy sends upstream, lower-cased (legacy header options, v7). */
export function upstreamHeaders(c: Container): Set<string> {
  const headers = new Set<string>();
  // oauth2-proxy v7.15.3 pkg/apis/options/legacy_options.go getRequestHeaders: the preferred
  // username travels with the user headers whatever prefer-email-to-user says; the email does not.
  if (booleanOn(c, "pass-user-headers", true) || booleanOn(c, "pass-basic-auth", true)) {
    headers.add("x-forwarded-user");
    headers.add("x-forwarded-groups");
    headers.add("x-forwarded-preferred-username");
    if (!booleanOn(c, "prefer-email-to-user", false)) headers.add("x-forwarded-email");
  }
  if (booleanOn(c, "pass-access-token", false)) headers.add("x-forwarded-access-token");
  return headers;
}

/** Parses an oauth2-proxy skip-auth route (`METHOD=regex`, `METHOD!=regex` or `regex`) the way oauth2-proxy does. */
export function normaliseRoute(route: string): { canonical: string; path: string } {
  const eq = route.indexOf("=");
  if (eq < 0) return { canonical: route, path: route };
  const method = route.slice(0, eq).toUpperCase();
  const path = route.slice(eq + 1);
  return { canonical: `${method}=${path}`, path };
}

export const skipAuthRoutesAllowlist: TaskRule = (containers, config) => {
  const allowed = new Set(config.skipAuthRouteAllowlist.map((r) => normaliseRoute(r.trim()).canonical));
  const allowText = config.skipAuthRouteAllowlist.join(", ") || "(empty)";
  const openWebui = containers.find(isOpenWebui);
  const out: RawFinding[] = [];
  for (const c of containers.filter(isOauth2Proxy)) {
    const settings = [
      ...proxySettings(c, "skip-auth-route", { boolean: false, envNames: [envName("skip-auth-routes"), envName("skip-auth-route")] }),
      // The deprecated skip-auth-regex skips authentication for every method.
      ...proxySettings(c, "skip-auth-regex", { boolean: false, envNames: [envName("skip-auth-regex")] }),
    ];
    for (const s of settings) {
      if (s.value === undefined) {
        out.push({
          container: c.name,
          message: `${s.where} in container ${c.name} could not be checked against the skip-auth allowlist; an unreviewed route is an unauthenticated hole. Fix: set skip-auth routes as plain environment.`,
        });
        continue;
      }
      // The environment form is a comma-separated list; flags carry one route each.
      const routes = (s.fromCommand ? [s.value] : s.value.split(",")).map((r) => r.trim()).filter((r) => r !== "");
      for (const route of routes) {
        const { canonical, path } = normaliseRoute(route);
        if (openWebui) {
          out.push({
            container: c.name,
            message: `Skip-auth route ${quote(route)} (${s.key}) in container ${c.name} lets requests reach Open WebUI (container ${openWebui.name}) without signing in: every request to Open WebUI must be signed in, since trusted-header sign-in and its API rest on oauth2-proxy. Fix: remove the route.`,
          });
        } else if (!path.startsWith("^")) {
          out.push({
            container: c.name,
            message: `Skip-auth route ${quote(route)} (${s.key}) in container ${c.name} is not anchored with ^: it matches that text anywhere in a path, letting unauthenticated requests reach other endpoints. Fix: anchor it (for example POST=^/api/v1/users$) and keep it on the allowlist (${allowText}).`,
          });
        } else if (!allowed.has(canonical)) {
          out.push({
            container: c.name,
            message: `Skip-auth route ${quote(route)} (${s.key}) in container ${c.name} is not on the allowlist (${allowText}): requests matching it reach the app without signing in. Fix: remove it, or add it to the policy's allowlist config after review.`,
          });
        }
      }
    }
  }
  return out;
};

export const noForwardedHeaderTrust: TaskRule = (containers) => {
  const out: RawFinding[] = [];
  const fix = `Fix: remove ${envName("reverse-proxy")} / --reverse-proxy; nothing behind an ALB needs it (the redirect URL is absolute and the cookie is secure).`;
  for (const c of containers.filter(isOauth2Proxy)) {
    const on = effectiveBoolean(c, "reverse-proxy");
    if (!on || isFalse(on.value)) continue;
    const trusted = proxySettings(c, "trusted-proxy-ip", { boolean: false, envNames: [envName("trusted-proxy-ips")] }).filter(
      (s) => s.value === undefined || s.value.trim() !== "",
    );
    if (trusted.length === 0) {
      out.push({
        container: c.name,
        message: `${on.where} in container ${c.name} without trusted-proxy-ip: oauth2-proxy then believes X-Forwarded-* headers from every source address and decides skip-auth routes from the client's X-Forwarded-Uri, so one request header skips sign-in on every path. ${fix}`,
      });
    } else {
      out.push({
        advisory: true,
        container: c.name,
        message: `${on.where} with ${trusted[0].where} in container ${c.name}: oauth2-proxy believes X-Forwarded-* headers from those addresses, and an ALB passes X-Forwarded-Uri and X-Forwarded-Host from the client unchanged, so a client's header still reaches the skip-auth decision. ${fix}`,
      });
    }
  }
  return out;
};

export const noTrustedIp: TaskRule = (containers) => {
  const out: RawFinding[] = [];
  for (const c of containers.filter(isOauth2Proxy)) {
    for (const s of proxySettings(c, "trusted-ip", { boolean: false, envNames: [envName("trusted-ips")] })) {
      if (s.value !== undefined && s.value.trim() === "") continue;
      out.push({
        container: c.name,
        message: `${s.where} in container ${c.name}: requests from those addresses skip sign-in altogether, and every app behind the same load balancer or NAT shares them. Fix: remove ${envName("trusted-ips")} / --trusted-ip.`,
      });
    }
  }
  return out;
};

/**
 * oauth2-proxy v7.15.3 removes a client's copies of the headers it sets upstream only while
 * skip-auth-strip-headers is on (pkg/apis/options/legacy_options.go getRequestHeaders:
 * PreserveRequestValue = !SkipAuthStripHeaders; pkg/middleware/headers.go newStripHeaders). Off, its
 * injector only adds its values after the client's (pkg/header/injector.go header.Add) and joins
 * them with commas (flattenHeaders); a request it lets through without a session (skip-auth route,
 * trusted IP, preflight) gets no value of its own, so the client's header is all the app sees.
 */
export const stripAuthHeaders: TaskRule = (containers) => {
  const out: RawFinding[] = [];
  const fix = `Fix: remove ${envName("skip-auth-strip-headers")} / --skip-auth-strip-headers (the default, true, strips them).`;
  for (const c of containers.filter(isOauth2Proxy)) {
    const s = effectiveBoolean(c, "skip-auth-strip-headers");
    if (!s || (s.value !== undefined && !isFalse(s.value))) continue;
    const headers = [...upstreamHeaders(c)].map(canonicalHeader).join(", ") || "the X-Forwarded-* user headers";
    const consequence = `oauth2-proxy then keeps a client's own ${headers} and only appends its values after them, so a signed-in person can add any group, name or address to the headers Open WebUI trusts (it reads each header's whole value), and on every request oauth2-proxy passes without a session (a skip-auth route, a trusted IP, a preflight) the client's X-Forwarded-Email reaches the app alone: sign-in as anyone.`;
    const where = s.value === undefined ? `${s.where} in container ${c.name} cannot be read; if it is false, ` : `${s.where} in container ${c.name}: `;
    out.push({ container: c.name, message: `${where}${consequence} ${fix}` });
  }
  return out;
};

export function canonicalHeader(lower: string): string {
  return lower.replace(/(^|-)([a-z])/g, (_, dash: string, ch: string) => dash + ch.toUpperCase());
}

/**
 * An email claim other than `email` (oidc-email-claim, or the deprecated user-id-claim, which
 * providers/providers.go:165 copies into the email claim) turns off oauth2-proxy's email_verified
 * check (providers/provider_data.go:296 verifyEmail), and the claim it then trusts as the email can
 * be one the person edits themselves (a name, a nickname): the trusted email header is theirs to choose.
 */
export const noOidcEmailClaim: TaskRule = (containers) => {
  const out: RawFinding[] = [];
  for (const c of containers.filter(isOauth2Proxy)) {
    for (const flag of ["oidc-email-claim", "user-id-claim"]) {
      for (const s of proxySettings(c, flag, { boolean: false })) {
        const claim = s.value?.trim();
        if (claim === "") continue;
        if (claim === "email") {
          out.push({
            advisory: true,
            container: c.name,
            message: `${s.where} in container ${c.name} repeats the default, one edit away from a claim oauth2-proxy does not verify. Fix: remove ${envName(flag)} / --${flag}.`,
          });
          continue;
        }
        const unread = claim === undefined ? " cannot be read; if it names a claim other than email," : ":";
        out.push({
          container: c.name,
          message: `${s.where} in container ${c.name}${unread} oauth2-proxy then skips its email_verified check (v7.15.3 providers/provider_data.go:296; user-id-claim is the deprecated alias, copied into the email claim by providers/providers.go:165) and sends that claim as X-Forwarded-Email, which Open WebUI trusts as the account: a person who can set that claim (a name, a nickname, an unverified address) signs in as someone else. Fix: remove ${envName(flag)} / --${flag}; the default claim is email.`,
        });
      }
    }
  }
  return out;
};
