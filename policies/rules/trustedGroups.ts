/**
 * Open WebUI's trusted groups and role headers (open_webui/routers/auths.py signin, 0.9+: group
 * memberships synced from WEBUI_AUTH_TRUSTED_GROUPS_HEADER on every sign-in, and the role set from
 * WEBUI_AUTH_TRUSTED_ROLE_HEADER when it reads admin, user or pending). Either is only as good as
 * whoever writes the header: safe only when the task's oauth2-proxy sets it and removes the client's
 * own copy first. oauth2-proxy v7.15.3 (legacy options) sets X-Forwarded-Groups with
 * pass-user-headers or pass-basic-auth (pkg/apis/options/legacy_options.go getRequestHeaders), strips
 * a client's copy of the headers it sets while skip-auth-strip-headers is on (its default;
 * pkg/middleware/headers.go newStripHeaders), and sets no role header at all.
 */
import { RawFinding, TaskRule, isUnknown, quote } from "./types";
import { booleanOn, effectiveBoolean, envValue, isFalse } from "./settings";
import { isOpenWebui, proxiesInFrontOf } from "./identity";
import { upstreamHeaders } from "./oauth2Proxy";

export const trustedGroupsHeader: TaskRule = (containers) => {
  const out: RawFinding[] = [];
  for (const c of containers.filter(isOpenWebui)) {
    const proxies = proxiesInFrontOf(c, containers);
    for (const v of ["WEBUI_AUTH_TRUSTED_GROUPS_HEADER", "WEBUI_AUTH_TRUSTED_ROLE_HEADER"]) {
      const role = v.endsWith("ROLE_HEADER");
      const grant = role
        ? "any signed-in person can send the header with `admin` and become an administrator of the workspace"
        : "any signed-in person can send the header with any group name and join that group, with every model, knowledge base and tool shared with it";
      const fromSecrets = c.secrets.includes(v);
      const value = envValue(c, v);
      if (!fromSecrets && (value === undefined || value.trim() === "")) continue;
      if (fromSecrets || isUnknown(value)) {
        out.push({
          container: c.name,
          message: `${v} in container ${c.name} ${fromSecrets ? "comes from secrets" : "is not known until deploy"}, so it cannot be checked against what oauth2-proxy sets; if the proxy does not set that header, ${grant}. Fix: set it as plain environment.`,
        });
        continue;
      }
      const header = value!.trim();
      if (role) {
        out.push({
          container: c.name,
          message: `${v}=${quote(header)} in container ${c.name}: oauth2-proxy sets no role header, so it passes the client's own ${header} to Open WebUI unchanged, and ${grant}. Fix: remove ${v}; give roles in Open WebUI's admin panel (new members get DEFAULT_USER_ROLE=user).`,
        });
        continue;
      }
      const setting = proxies.filter((p) => upstreamHeaders(p).has(header.toLowerCase()));
      if (setting.length === 0) {
        out.push({
          container: c.name,
          message: `${v}=${quote(header)} in container ${c.name}, but no oauth2-proxy in front of it sets ${header} (oauth2-proxy sets X-Forwarded-Groups with pass-user-headers), so the client's own header reaches Open WebUI and ${grant}. Fix: ${v}=X-Forwarded-Groups behind the task's oauth2-proxy, or remove it.`,
        });
        continue;
      }
      for (const p of setting) {
        const strip = effectiveBoolean(p, "skip-auth-strip-headers");
        if (strip && (strip.value === undefined || isFalse(strip.value)))
          out.push({
            container: c.name,
            message: `${v}=${quote(header)} in container ${c.name}, but ${strip.where} in container ${p.name}${strip.value === undefined ? " cannot be read" : ""}: oauth2-proxy then keeps the client's own ${header} beside its value, so ${grant}. Fix: remove ${strip.key} (the default strips it).`,
          });
        else if (!booleanOn(p, "pass-user-headers", true) && !booleanOn(p, "pass-basic-auth", true))
          out.push({ container: c.name, message: `${p.name} sets no user headers: ${grant}. Fix: OAUTH2_PROXY_PASS_USER_HEADERS=true.` });
      }
    }
  }
  return out;
};
