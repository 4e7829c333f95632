/** Open WebUI: its authentication switches and trusted-header sign-in, which rest on the task's oauth2-proxy. */
import { Container, RawFinding, TaskRule, isUnknown, quote } from "./types";
import { booleanOn, envValue, settingNames } from "./settings";
import { isDecoyProxy, isOauth2Proxy, isOpenWebui, openWebuiPort, proxiesInFrontOf } from "./identity";
import { upstreamHeaders } from "./oauth2Proxy";
import { imageTag } from "./images";

/** Open WebUI releases before this one create trusted-header accounts through the public signup path (upstream issue #21016). */
export const OPENWEBUI_MIN_TRUSTED_HEADER_VERSION = [0, 8] as const;

export const TRUSTED_HEADER_VARS = ["WEBUI_AUTH_TRUSTED_EMAIL_HEADER", "WEBUI_AUTH_TRUSTED_NAME_HEADER", "WEBUI_AUTH_TRUSTED_GROUPS_HEADER"];

export function usesTrustedHeaders(c: Container): boolean {
  return isOpenWebui(c) && settingNames(c).some((n) => TRUSTED_HEADER_VARS.includes(n));
}

export const noWebuiAuth: TaskRule = (containers) => {
  const out: RawFinding[] = [];
  for (const c of containers) {
    const inEnv = Object.prototype.hasOwnProperty.call(c.environment, "WEBUI_AUTH");
    const where = inEnv ? `WEBUI_AUTH=${quote(c.environment.WEBUI_AUTH)}` : c.secrets.includes("WEBUI_AUTH") ? "WEBUI_AUTH (from secrets)" : undefined;
    if (!where) continue;
    const isTrue = inEnv && c.environment.WEBUI_AUTH.trim().toLowerCase() === "true";
    const why = isTrue
      ? "true is already the default, and an explicit value is one edit away from false, which broke sign-in before."
      : 'false is Open WebUI\'s single-user mode (no authentication, sign-up forced off, every account after the first refused with "You do not have permission to access this resource"), never valid for a shared workspace behind sign-in.';
    out.push({ container: c.name, message: `${where} is set in container ${c.name}: ${why} Fix: remove WEBUI_AUTH entirely (unset behaves as true).` });
  }
  return out;
};

export const trustedHeaderMode: TaskRule = (containers) => {
  const proxies = containers.filter(isOauth2Proxy);
  if (proxies.length === 0) return []; // openwebui-trusted-header-requires-proxy reports this case.
  const sent = new Set<string>();
  for (const p of proxies) for (const h of upstreamHeaders(p)) sent.add(h);
  const proxyNames = proxies.map((p) => p.name).join(", ");
  const out: RawFinding[] = [];
  for (const c of containers.filter(usesTrustedHeaders)) {
    for (const v of TRUSTED_HEADER_VARS) {
      if (c.secrets.includes(v)) {
        out.push({
          container: c.name,
          message: `${v} comes from secrets in container ${c.name}, so it cannot be checked against what ${proxyNames} sends; a wrong name gives "Your provider has not provided a trusted header". Fix: set it as plain environment (header names are not secret).`,
        });
        continue;
      }
      if (!Object.prototype.hasOwnProperty.call(c.environment, v)) continue;
      const header = c.environment[v].trim();
      if (isUnknown(header)) {
        out.push({
          container: c.name,
          message: `${v} in container ${c.name} is not known until deploy, so it could not be checked against what ${proxyNames} sends. Fix: use a literal header name such as X-Forwarded-Email.`,
        });
        continue;
      }
      if (sent.has(header.toLowerCase())) continue;
      // The name header is the preferred username: X-Forwarded-User is the Cognito `sub`, a UUID.
      const suggested = /email/i.test(v) ? "X-Forwarded-Email" : /name/i.test(v) ? "X-Forwarded-Preferred-Username" : "X-Forwarded-Groups";
      let why: string;
      let fix = `${v}=${suggested}`;
      if (/^x-auth-request-/i.test(header)) {
        why = "X-Auth-Request-* are response headers (set-xauthrequest, for nginx auth_request) and never reach the app";
      } else if (/^x-forwarded-email$/i.test(header) && proxies.every((p) => booleanOn(p, "prefer-email-to-user", false))) {
        why = "prefer-email-to-user stops oauth2-proxy sending X-Forwarded-Email";
        fix = "remove OAUTH2_PROXY_PREFER_EMAIL_TO_USER / --prefer-email-to-user";
      } else if (/^x-forwarded-/i.test(header) && !sent.has("x-forwarded-user")) {
        why = "pass-user-headers and pass-basic-auth are both off, so oauth2-proxy sends no X-Forwarded-* user headers";
        fix = "OAUTH2_PROXY_PASS_USER_HEADERS=true";
      } else {
        why = `oauth2-proxy only sends ${[...sent].join(", ") || "no user headers"} upstream`;
      }
      out.push({
        container: c.name,
        message: `${v}=${quote(header)} in container ${c.name}, but ${proxyNames} never sends ${header} to the app: ${why}, so sign-in fails with "Your provider has not provided a trusted header". Fix: ${fix}.`,
      });
    }
  }
  return out;
};

export const trustedHeaderRequiresProxy: TaskRule = (containers) => {
  const out: RawFinding[] = [];
  for (const c of containers.filter(usesTrustedHeaders)) {
    if (proxiesInFrontOf(c, containers).length > 0) continue;
    const headers = settingNames(c)
      .filter((n) => TRUSTED_HEADER_VARS.includes(n))
      .join(", ");
    const others = containers.filter((p) => p !== c && isOauth2Proxy(p));
    const why =
      others.length === 0
        ? "the task has no oauth2-proxy container"
        : `no oauth2-proxy of the task stands in front of it (${others.map((p) => `${p.name}: ${isDecoyProxy(p) ? "carries proxy settings but runs something else" : `forwards elsewhere than port ${openWebuiPort(c) ?? "(unreadable)"}`}`).join("; ")})`;
    out.push({
      container: c.name,
      message: `Container ${c.name} trusts sign-in headers (${headers}) but ${why}: anyone who reaches the app can send the header and sign in as any user. Fix: run the oauth2-proxy sidecar in the same task with its upstream at the app's port, and expose only its port.`,
    });
  }
  return out;
};

export const signupDisabled: TaskRule = (containers) => {
  const out: RawFinding[] = [];
  const why =
    "POST /api/v1/auths/signup stays open, so any signed-in person can create accounts for other people's email addresses and receive a session for them; trusted-header sign-in creates accounts without it (Open WebUI 0.8 routers/auths.py signup_handler)";
  const fix = "Fix: ENABLE_SIGNUP=false, or leave it unset (Open WebUI closes sign-up after the first account).";
  for (const c of containers.filter(usesTrustedHeaders)) {
    if (c.secrets.includes("ENABLE_SIGNUP")) {
      out.push({
        container: c.name,
        message: `ENABLE_SIGNUP comes from secrets in container ${c.name}, so it cannot be checked; if it is true, ${why}. ${fix}`,
      });
      continue;
    }
    const v = envValue(c, "ENABLE_SIGNUP");
    if (v === undefined) continue;
    if (isUnknown(v)) {
      out.push({
        container: c.name,
        message: `ENABLE_SIGNUP in container ${c.name} is not known until deploy, so it could not be checked; if it is true, ${why}. ${fix}`,
      });
    } else if (v.trim().toLowerCase() === "true") {
      // Open WebUI reads it as os.environ.get("ENABLE_SIGNUP", "True").lower() == "true" (config.py).
      out.push({ container: c.name, message: `ENABLE_SIGNUP=${quote(v)} beside trusted-header sign-in in container ${c.name}: ${why}. ${fix}` });
    }
  }
  return out;
};

/** The release of an Open WebUI image from its tag (`v0.6.30`, `0.8.2-cuda`), or undefined (digest, `main`, unknown). */
export function openWebuiVersion(image: string | undefined): number[] | undefined {
  if (image === undefined || isUnknown(image)) return undefined;
  const { tag } = imageTag(image.trim());
  const m = tag === undefined ? null : /^v?(\d+)\.(\d+)(?:\.(\d+))?(?:$|[-+])/.exec(tag);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

export const trustedHeaderMinVersion: TaskRule = (containers) => {
  const out: RawFinding[] = [];
  const [major, minor] = OPENWEBUI_MIN_TRUSTED_HEADER_VERSION;
  for (const c of containers.filter(usesTrustedHeaders)) {
    const version = openWebuiVersion(c.image);
    if (!version || version[0] > major || (version[0] === major && version[1] >= minor)) continue;
    out.push({
      container: c.name,
      message: `Image ${quote(c.image!)} of container ${c.name} is Open WebUI ${version.join(".")}, older than ${major}.${minor}: its trusted-header sign-in creates accounts through the public signup path, which honours ENABLE_SIGNUP (upstream issue #21016), so with sign-up closed every new person is refused, and with it open anyone signed in can create accounts. Fix: pin Open WebUI ${major}.${minor} or later.`,
    });
  }
  return out;
};

export const defaultUserRole: TaskRule = (containers) => {
  const out: RawFinding[] = [];
  for (const c of containers.filter(isOpenWebui)) {
    const v = envValue(c, "DEFAULT_USER_ROLE");
    if (c.secrets.includes("DEFAULT_USER_ROLE") || (v !== undefined && isUnknown(v))) {
      // Unreadable: it could say admin.
      out.push({
        container: c.name,
        message: `DEFAULT_USER_ROLE in container ${c.name} ${c.secrets.includes("DEFAULT_USER_ROLE") ? "comes from secrets" : "is not known until deploy"}, so it cannot be checked; if it is admin, every person who signs in becomes an administrator. Fix: DEFAULT_USER_ROLE=user as plain environment.`,
      });
      continue;
    }
    const role = v?.trim().toLowerCase();
    if (role === "user") continue;
    if (role === "admin") {
      out.push({
        container: c.name,
        message: `DEFAULT_USER_ROLE=admin in container ${c.name}: every new user becomes an administrator, so anyone the allow-list admits can read every chat, change every setting and connection, and add tools that run code. Fix: DEFAULT_USER_ROLE=user.`,
      });
      continue;
    }
    const where = v === undefined ? "DEFAULT_USER_ROLE is not set (defaults to pending)" : `DEFAULT_USER_ROLE=${quote(v)}`;
    out.push({
      advisory: true,
      container: c.name,
      message: `${where} in container ${c.name}: new users land in the pending role, parked on "Account activation pending" with every API call refused. Fix: DEFAULT_USER_ROLE=user.`,
    });
  }
  return out;
};
