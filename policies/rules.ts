/**
 * The rules that keep sign-in working, as pure functions over a normalised list of containers.
 *
 * One source of truth for the CrossGuard pack (policies/taskPolicies.ts), `pluto lint`,
 * `pluto synth`/`doctor` and `ProxiedService`'s construction-time check. Deliberately imports
 * nothing (not even node built-ins) so every one of those can load it cheaply, including the
 * policy pack when it is published on its own.
 */

export type EnforcementLevel = "mandatory" | "advisory" | "disabled";

export interface Container {
  name: string;
  image?: string;
  /** Plain environment (name -> value). */
  environment: Record<string, string>;
  /** Names supplied through ECS `secrets` (values unknown). */
  secrets: string[];
  /** entryPoint + command tokens, in that order. */
  command: string[];
}

export interface Finding {
  policy: string;
  level: "mandatory" | "advisory";
  container?: string;
  message: string;
}

export interface RulesConfig {
  /** Per-policy level override (the pack's config feeds this). */
  levels?: Record<string, EnforcementLevel>;
  /** oauth2-proxy skip-auth routes allowed; default ["^/api/v1/scim/v2/", "POST=^/api/v1/auths/signup$"]. */
  skipAuthRouteAllowlist?: string[];
}

export interface PolicyInfo {
  name: string;
  defaultLevel: "mandatory" | "advisory";
  description: string;
}

/**
 * Pulumi's "not known until deploy" sentinels (the same strings in @pulumi/pulumi and @pulumi/policy).
 * During preview a value computed from another resource's output arrives as one of these.
 */
export const UNKNOWN_SENTINELS: readonly string[] = [
  "04da6b54-80e4-46f7-96ec-b56ff0331ba9", // string
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", // boolean
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421", // number
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2", // array
  "030794c1-ac77-496b-92df-f27374a8bd58", // asset
  "e48ece36-62e2-4504-bad9-02848725956a", // archive
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff", // object
];

export function isUnknown(value: unknown): boolean {
  return typeof value === "string" && UNKNOWN_SENTINELS.includes(value);
}

/**
 * Routes an app may serve without oauth2-proxy's sign-in because the app checks a token itself:
 * Open WebUI's SCIM API (SCIM_TOKEN), the guide's legacy signup call, and n8n's public API user
 * invitation (X-N8N-API-KEY), which Pluto's provisioning worker calls when n8n is enabled.
 */
export const DEFAULT_SKIP_AUTH_ROUTE_ALLOWLIST: readonly string[] = ["^/api/v1/scim/v2/", "POST=^/api/v1/auths/signup$", "POST=^/api/v1/users$"];

export const TASK_POLICIES: readonly PolicyInfo[] = [
  {
    name: "openwebui-no-webui-auth",
    defaultLevel: "mandatory",
    description: "Open WebUI must not set WEBUI_AUTH: false turns sign-up off and locks out every new user; unset already means true.",
  },
  {
    name: "oauth2-proxy-no-prefer-email-to-user",
    defaultLevel: "mandatory",
    description: "oauth2-proxy must not set prefer-email-to-user: it stops sending X-Forwarded-Email, the header Open WebUI signs users in with.",
  },
  {
    name: "oauth2-proxy-no-set-authorization-header",
    defaultLevel: "mandatory",
    description: "oauth2-proxy must not set set-authorization-header: its token in Authorization breaks Open WebUI's own JWT.",
  },
  {
    name: "oauth2-proxy-no-pass-authorization-header",
    defaultLevel: "mandatory",
    description: "oauth2-proxy must not pass an Authorization header upstream (pass-authorization-header, or basic-auth-password with pass-basic-auth): it overwrites Open WebUI's JWT.",
  },
  {
    name: "openwebui-trusted-header-mode",
    defaultLevel: "mandatory",
    description: "Open WebUI's trusted email/name headers must be headers the task's oauth2-proxy actually sends upstream (X-Forwarded-* with pass-user-headers).",
  },
  {
    name: "openwebui-trusted-header-requires-proxy",
    defaultLevel: "mandatory",
    description: "Trusted-header sign-in needs an authenticating oauth2-proxy in the same task; without one anyone can send the header.",
  },
  {
    name: "oauth2-proxy-skip-auth-routes-allowlist",
    defaultLevel: "mandatory",
    description: "Every oauth2-proxy skip-auth route must be anchored (^) and on the allowlist; anything else is an unauthenticated hole.",
  },
  {
    name: "ecs-no-plaintext-secrets",
    defaultLevel: "mandatory",
    description: "Secret-looking settings (*_SECRET, *_PASSWORD, *_TOKEN, *_API_KEY, URLs with a password) must come from ECS secrets, not literal values.",
  },
  {
    name: "openwebui-signup-enabled",
    defaultLevel: "advisory",
    description: "Open WebUI should set ENABLE_SIGNUP=true so trusted-header users can be created.",
  },
  {
    name: "openwebui-default-user-role",
    defaultLevel: "advisory",
    description: "Open WebUI should set DEFAULT_USER_ROLE=user; the default `pending` locks new users out.",
  },
  {
    name: "openwebui-signout-redirect",
    defaultLevel: "advisory",
    description: "Open WebUI behind oauth2-proxy should sign out through /oauth2/sign_out with an encoded rd to the identity provider's logout.",
  },
  {
    name: "oauth2-proxy-no-oidc-email-claim",
    defaultLevel: "advisory",
    description: "oauth2-proxy should not override oidc-email-claim or user-id-claim; the defaults already read the email claim.",
  },
  {
    name: "oauth2-proxy-no-xauthrequest",
    defaultLevel: "advisory",
    description: "oauth2-proxy should not set set-xauthrequest: X-Auth-Request-* are response headers for nginx and never reach the app.",
  },
  {
    name: "ecs-image-pinned",
    defaultLevel: "advisory",
    description: "Container images should be pinned to a version tag or digest, never latest/main or no tag.",
  },
];

export const STACK_POLICIES: readonly PolicyInfo[] = [
  {
    name: "sqs-dlq-alarmed",
    defaultLevel: "mandatory",
    description: "Every SQS queue used as a dead-letter target must have a CloudWatch alarm on ApproximateNumberOfMessagesVisible.",
  },
];

// ---------------------------------------------------------------------------------------------
// Reading settings. oauth2-proxy takes each option as OAUTH2_PROXY_<UPPER_SNAKE> or --<kebab>;
// command-line flags win over the environment (viper precedence). A value in ECS `secrets` is
// present but unreadable: `undefined` below.
// ---------------------------------------------------------------------------------------------

interface Setting {
  /** The variable or flag it was found as: `OAUTH2_PROXY_X` or `--x`. */
  key: string;
  /** Where it was found, for messages: `OAUTH2_PROXY_X=true`, `--x`, `OAUTH2_PROXY_X (from secrets)`. */
  where: string;
  /** undefined when the value cannot be read (an ECS secret or an unknown during preview). */
  value: string | undefined;
  fromCommand: boolean;
}

const PROXY_ENV_PREFIX = "OAUTH2_PROXY_";

function envName(flag: string): string {
  return PROXY_ENV_PREFIX + flag.toUpperCase().replace(/-/g, "_");
}

/** `--name=value`, `--name value` and bare `--name` tokens, also inside `sh -c "..."` strings. */
interface FlagToken {
  name: string;
  inline?: string;
  next?: string;
}

function flagTokens(command: string[]): FlagToken[] {
  const tokens: string[] = [];
  for (const raw of command) {
    if (raw.startsWith("--") || !/\s/.test(raw)) {
      tokens.push(raw);
    } else {
      // A shell-form command ("sh", "-c", "oauth2-proxy --x") hides flags inside one token.
      for (const part of raw.split(/\s+/)) if (part) tokens.push(part.replace(/^["']|["']$/g, ""));
    }
  }
  const flags: FlagToken[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (!t.startsWith("--") || t.length < 3) continue;
    const eq = t.indexOf("=");
    if (eq > 2) flags.push({ name: t.slice(2, eq), inline: t.slice(eq + 1) });
    else flags.push({ name: t.slice(2), next: i + 1 < tokens.length && !tokens[i + 1].startsWith("-") ? tokens[i + 1] : undefined });
  }
  return flags;
}

/**
 * Every occurrence of an oauth2-proxy option in a container. `boolean` options never consume the
 * next token (pflag: `--x false` sets x to true and leaves "false" as an argument).
 */
function proxySettings(c: Container, flag: string, opts: { boolean: boolean; envNames?: string[] }): Setting[] {
  const found: Setting[] = [];
  for (const name of opts.envNames ?? [envName(flag)]) {
    if (Object.prototype.hasOwnProperty.call(c.environment, name)) {
      const value = c.environment[name];
      found.push({ key: name, where: `${name}=${quote(value)}`, value: isUnknown(value) ? undefined : value, fromCommand: false });
    }
    if (c.secrets.includes(name)) found.push({ key: name, where: `${name} (from secrets)`, value: undefined, fromCommand: false });
  }
  for (const f of flagTokens(c.command)) {
    if (f.name !== flag) continue;
    const value = f.inline ?? (opts.boolean ? "true" : f.next ?? "");
    found.push({ key: `--${flag}`, where: f.inline !== undefined ? `--${flag}=${f.inline}` : opts.boolean ? `--${flag}` : `--${flag} ${value}`, value: isUnknown(value) ? undefined : value, fromCommand: true });
  }
  return found;
}

function quote(value: string): string {
  if (isUnknown(value)) return "(unknown until deploy)";
  return value.length > 80 ? JSON.stringify(value.slice(0, 77) + "...") : JSON.stringify(value);
}

const FALSE_WORDS = ["false", "0", "no", "off", "f"];

/** undefined (unreadable) counts as "not false": a setting we cannot read could be on. */
function isFalse(value: string | undefined): boolean {
  return value !== undefined && FALSE_WORDS.includes(value.trim().toLowerCase());
}

/**
 * The effective value of a boolean oauth2-proxy option: the command line wins over the
 * environment; empty environment values are ignored (viper treats them as unset).
 * Returns the deciding setting (undefined: the option's default applies).
 */
function effectiveBoolean(c: Container, flag: string): Setting | undefined {
  const all = proxySettings(c, flag, { boolean: true }).filter((s) => s.fromCommand || s.value === undefined || s.value.trim() !== "");
  const fromCommand = all.filter((s) => s.fromCommand);
  return (fromCommand.length ? fromCommand : all).slice(-1)[0];
}

function booleanOn(c: Container, flag: string, defaultValue: boolean): boolean {
  const s = effectiveBoolean(c, flag);
  return s === undefined ? defaultValue : !isFalse(s.value);
}

function settingNames(c: Container): string[] {
  return [...Object.keys(c.environment), ...c.secrets];
}

// ---------------------------------------------------------------------------------------------
// Roles: identify containers by what they are, not what they are called.
// ---------------------------------------------------------------------------------------------

export function isOauth2Proxy(c: Container): boolean {
  if (typeof c.image === "string" && c.image.toLowerCase().includes("oauth2-proxy")) return true;
  if (settingNames(c).some((n) => n.startsWith(PROXY_ENV_PREFIX))) return true;
  const first = c.command[0] ?? "";
  return /(^|\/)oauth2-proxy(\s|$)/.test(first);
}

export function isOpenWebui(c: Container): boolean {
  if (typeof c.image === "string" && c.image.toLowerCase().includes("open-webui")) return true;
  return settingNames(c).some((n) => n.startsWith("WEBUI_"));
}

// ---------------------------------------------------------------------------------------------
// The task policies. Each returns messages (what is wrong. why. fix.) for one container set.
// ---------------------------------------------------------------------------------------------

interface RawFinding {
  container?: string;
  message: string;
}

type TaskRule = (containers: Container[], config: Required<Pick<RulesConfig, "skipAuthRouteAllowlist">>) => RawFinding[];

const TRUSTED_HEADER_VARS = ["WEBUI_AUTH_TRUSTED_EMAIL_HEADER", "WEBUI_AUTH_TRUSTED_NAME_HEADER", "WEBUI_AUTH_TRUSTED_GROUPS_HEADER"];

function usesTrustedHeaders(c: Container): boolean {
  return isOpenWebui(c) && settingNames(c).some((n) => TRUSTED_HEADER_VARS.includes(n));
}

/** A forbidden boolean oauth2-proxy option: any value but false is a finding. */
function forbiddenProxyBoolean(flag: string, why: string): TaskRule {
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

const noWebuiAuth: TaskRule = (containers) => {
  const out: RawFinding[] = [];
  for (const c of containers) {
    const inEnv = Object.prototype.hasOwnProperty.call(c.environment, "WEBUI_AUTH");
    const where = inEnv ? `WEBUI_AUTH=${quote(c.environment.WEBUI_AUTH)}` : c.secrets.includes("WEBUI_AUTH") ? "WEBUI_AUTH (from secrets)" : undefined;
    if (!where) continue;
    const isTrue = inEnv && c.environment.WEBUI_AUTH.trim().toLowerCase() === "true";
    const why = isTrue
      ? "true is already the default, and an explicit value is one edit away from false, which broke sign-in before."
      : 'with WEBUI_AUTH=false Open WebUI turns sign-up off, so every new user gets "You do not have permission to access this resource".';
    out.push({ container: c.name, message: `${where} is set in container ${c.name}: ${why} Fix: remove WEBUI_AUTH entirely (unset behaves as true).` });
  }
  return out;
};

const noPassAuthorizationHeader: TaskRule = (containers) => {
  const out: RawFinding[] = [];
  const consequence = "oauth2-proxy would replace Open WebUI's own Authorization JWT on every request, so API calls fail after sign-in.";
  for (const c of containers.filter(isOauth2Proxy)) {
    const pass = effectiveBoolean(c, "pass-authorization-header");
    if (pass && !isFalse(pass.value)) {
      out.push({ container: c.name, message: `${pass.where} in container ${c.name}: ${consequence} Fix: remove ${envName("pass-authorization-header")} / --pass-authorization-header.` });
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
function upstreamHeaders(c: Container): Set<string> {
  const headers = new Set<string>();
  if (booleanOn(c, "pass-user-headers", true) || booleanOn(c, "pass-basic-auth", true)) {
    headers.add("x-forwarded-user");
    headers.add("x-forwarded-groups");
    if (!booleanOn(c, "prefer-email-to-user", false)) {
      headers.add("x-forwarded-email");
      headers.add("x-forwarded-preferred-username");
    }
  }
  if (booleanOn(c, "pass-access-token", false)) headers.add("x-forwarded-access-token");
  return headers;
}

const trustedHeaderMode: TaskRule = (containers) => {
  const proxies = containers.filter(isOauth2Proxy);
  if (proxies.length === 0) return []; // openwebui-trusted-header-requires-proxy reports this case.
  const sent = new Set<string>();
  for (const p of proxies) for (const h of upstreamHeaders(p)) sent.add(h);
  const proxyNames = proxies.map((p) => p.name).join(", ");
  const out: RawFinding[] = [];
  for (const c of containers.filter(usesTrustedHeaders)) {
    for (const v of TRUSTED_HEADER_VARS) {
      if (c.secrets.includes(v)) {
        out.push({ container: c.name, message: `${v} comes from secrets in container ${c.name}, so it cannot be checked against what ${proxyNames} sends; a wrong name gives "Your provider has not provided a trusted header". Fix: set it as plain environment (header names are not secret).` });
        continue;
      }
      if (!Object.prototype.hasOwnProperty.call(c.environment, v)) continue;
      const header = c.environment[v].trim();
      if (isUnknown(header)) {
        out.push({ container: c.name, message: `${v} in container ${c.name} is not known until deploy, so it could not be checked against what ${proxyNames} sends. Fix: use a literal header name such as X-Forwarded-Email.` });
        continue;
      }
      if (sent.has(header.toLowerCase())) continue;
      const suggested = /email/i.test(v) ? "X-Forwarded-Email" : /name/i.test(v) ? "X-Forwarded-User" : "X-Forwarded-Groups";
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

const trustedHeaderRequiresProxy: TaskRule = (containers) => {
  if (containers.some(isOauth2Proxy)) return [];
  return containers.filter(usesTrustedHeaders).map((c) => ({
    container: c.name,
    message: `Container ${c.name} trusts sign-in headers (${settingNames(c).filter((n) => TRUSTED_HEADER_VARS.includes(n)).join(", ")}) but the task has no oauth2-proxy container: anyone who reaches the app can send the header and sign in as any user. Fix: run the oauth2-proxy sidecar in the same task and expose only its port.`,
  }));
};

/** Parses an oauth2-proxy skip-auth route (`METHOD=regex`, `METHOD!=regex` or `regex`) the way oauth2-proxy does. */
function normaliseRoute(route: string): { canonical: string; path: string } {
  const eq = route.indexOf("=");
  if (eq < 0) return { canonical: route, path: route };
  const method = route.slice(0, eq).toUpperCase();
  const path = route.slice(eq + 1);
  return { canonical: `${method}=${path}`, path };
}

const skipAuthRoutesAllowlist: TaskRule = (containers, config) => {
  const allowed = new Set(config.skipAuthRouteAllowlist.map((r) => normaliseRoute(r.trim()).canonical));
  const allowText = config.skipAuthRouteAllowlist.join(", ") || "(empty)";
  const out: RawFinding[] = [];
  for (const c of containers.filter(isOauth2Proxy)) {
    const settings = [
      ...proxySettings(c, "skip-auth-route", { boolean: false, envNames: [envName("skip-auth-routes"), envName("skip-auth-route")] }),
      // The deprecated skip-auth-regex skips authentication for every method.
      ...proxySettings(c, "skip-auth-regex", { boolean: false, envNames: [envName("skip-auth-regex")] }),
    ];
    for (const s of settings) {
      if (s.value === undefined) {
        out.push({ container: c.name, message: `${s.where} in container ${c.name} could not be checked against the skip-auth allowlist; an unreviewed route is an unauthenticated hole. Fix: set skip-auth routes as plain environment.` });
        continue;
      }
      // The environment form is a comma-separated list; flags carry one route each.
      const routes = (s.fromCommand ? [s.value] : s.value.split(",")).map((r) => r.trim()).filter((r) => r !== "");
      for (const route of routes) {
        const { canonical, path } = normaliseRoute(route);
        if (!path.startsWith("^")) {
          out.push({ container: c.name, message: `Skip-auth route ${quote(route)} (${s.key}) in container ${c.name} is not anchored with ^: it matches that text anywhere in a path, letting unauthenticated requests reach other endpoints. Fix: anchor it (for example ^/api/v1/scim/v2/) and keep it on the allowlist (${allowText}).` });
        } else if (!allowed.has(canonical)) {
          out.push({ container: c.name, message: `Skip-auth route ${quote(route)} (${s.key}) in container ${c.name} is not on the allowlist (${allowText}): requests matching it reach the app without signing in. Fix: remove it, or add it to the policy's allowlist config after review.` });
        }
      }
    }
  }
  return out;
};

// Plural and numbered forms too: Open WebUI's OPENAI_API_KEYS (';'-joined keys), per-connection
// PLUTO_OPENAI_API_KEY_<n>, and LiteLLM's LITELLM_MASTER_KEY / LITELLM_SALT_KEY.
const SECRET_NAME = /(^|_)(SECRET|PASSWORD|PASSWD|TOKEN|API_KEYS?|APIKEYS?|SECRET_KEY|PRIVATE_KEY|SECRET_ACCESS_KEY|MASTER_KEY|SALT_KEY)(_\d+)?$/;
const URL_NAME = /(^|_)(URL|URI|DSN)$/;

/** True when `value` is a URL whose user-info carries a password (`scheme://user:pass@host`). Linear time. */
export function urlHasPassword(value: string): boolean {
  const scheme = value.indexOf("://");
  if (scheme < 1) return false;
  const rest = value.slice(scheme + 3);
  let end = rest.length;
  for (const ch of ["/", "?", "#"]) {
    const i = rest.indexOf(ch);
    if (i >= 0 && i < end) end = i;
  }
  const authority = rest.slice(0, end);
  const at = authority.lastIndexOf("@");
  if (at < 0) return false;
  const colon = authority.slice(0, at).indexOf(":");
  return colon >= 0 && colon < at - 1;
}

/** Values that cannot be a secret: a reference to one (ARN), or a switch (`OAUTH2_PROXY_PASS_ACCESS_TOKEN=true`). */
function notASecret(value: string): boolean {
  return /^arn:aws[a-z-]*:(secretsmanager|ssm|kms):/.test(value) || /^(true|false|yes|no|on|off|0|1)$/i.test(value.trim());
}

const noPlaintextSecrets: TaskRule = (containers) => {
  const out: RawFinding[] = [];
  const fix = "Fix: store it in Secrets Manager and pass it through the container's `secrets` (valueFrom), never `environment` or the command line.";
  const why = "anyone who can describe the task definition (or read the preview) can read it";
  for (const c of containers) {
    for (const [name, value] of Object.entries(c.environment)) {
      if (value.trim() === "" || notASecret(value)) continue;
      if (SECRET_NAME.test(name)) {
        out.push({ container: c.name, message: `${name} has a literal value in the environment of container ${c.name}: ${why}. ${fix}` });
      } else if ((name === "DATABASE_URL" || URL_NAME.test(name)) && urlHasPassword(value)) {
        out.push({ container: c.name, message: `${name} in the environment of container ${c.name} embeds a password: ${why}. ${fix}` });
      }
    }
    for (const f of flagTokens(c.command)) {
      const value = f.inline ?? f.next;
      if (value && SECRET_NAME.test(f.name.toUpperCase().replace(/-/g, "_")) && !notASecret(value)) {
        out.push({ container: c.name, message: `--${f.name} has a literal value on the command line of container ${c.name}: ${why}. ${fix}` });
      }
    }
  }
  return out;
};

function envValue(c: Container, name: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(c.environment, name) ? c.environment[name] : undefined;
}

const signupEnabled: TaskRule = (containers) => {
  const out: RawFinding[] = [];
  for (const c of containers.filter(isOpenWebui)) {
    if (c.secrets.includes("ENABLE_SIGNUP")) continue;
    const v = envValue(c, "ENABLE_SIGNUP");
    if (v !== undefined && (isUnknown(v) || v.trim().toLowerCase() === "true")) continue;
    const where = v === undefined ? "ENABLE_SIGNUP is not set" : `ENABLE_SIGNUP=${quote(v)}`;
    out.push({ container: c.name, message: `${where} in container ${c.name}: with sign-up off, users Open WebUI has not seen yet are refused ("You do not have permission to access this resource"). Fix: ENABLE_SIGNUP=true.` });
  }
  return out;
};

const defaultUserRole: TaskRule = (containers) => {
  const out: RawFinding[] = [];
  for (const c of containers.filter(isOpenWebui)) {
    if (c.secrets.includes("DEFAULT_USER_ROLE")) continue;
    const v = envValue(c, "DEFAULT_USER_ROLE");
    const role = v?.trim().toLowerCase();
    if (v !== undefined && (isUnknown(v) || role === "user")) continue;
    if (role === "admin") {
      out.push({ container: c.name, message: `DEFAULT_USER_ROLE=admin in container ${c.name}: every new user becomes an administrator. Fix: DEFAULT_USER_ROLE=user.` });
      continue;
    }
    const where = v === undefined ? "DEFAULT_USER_ROLE is not set (defaults to pending)" : `DEFAULT_USER_ROLE=${quote(v)}`;
    out.push({ container: c.name, message: `${where} in container ${c.name}: new users land in the pending role and get "You do not have permission to access this resource". Fix: DEFAULT_USER_ROLE=user.` });
  }
  return out;
};

const signoutRedirect: TaskRule = (containers) => {
  if (!containers.some(isOauth2Proxy)) return [];
  const out: RawFinding[] = [];
  const fix = "Fix: WEBUI_AUTH_SIGNOUT_REDIRECT_URL=/oauth2/sign_out?rd=<url-encoded https://AUTH_DOMAIN/logout?client_id=...&logout_uri=...>.";
  for (const c of containers.filter(usesTrustedHeaders)) {
    if (c.secrets.includes("WEBUI_AUTH_SIGNOUT_REDIRECT_URL")) continue;
    const v = envValue(c, "WEBUI_AUTH_SIGNOUT_REDIRECT_URL");
    if (v === undefined || v.trim() === "") {
      out.push({ container: c.name, message: `WEBUI_AUTH_SIGNOUT_REDIRECT_URL is not set in container ${c.name}: signing out leaves the oauth2-proxy and identity-provider sessions alive, so the user is signed straight back in. ${fix}` });
      continue;
    }
    if (isUnknown(v)) {
      out.push({ container: c.name, message: `WEBUI_AUTH_SIGNOUT_REDIRECT_URL in container ${c.name} is not known until deploy, so it could not be checked. ${fix}` });
      continue;
    }
    const q = v.indexOf("?");
    const path = (q < 0 ? v : v.slice(0, q)).replace(/^https?:\/\/[^/]+/i, "");
    const params = q < 0 ? [] : v.slice(q + 1).split("&").map((p) => p.split("=")[0]);
    if (path !== "/oauth2/sign_out") {
      out.push({ container: c.name, message: `WEBUI_AUTH_SIGNOUT_REDIRECT_URL=${quote(v)} in container ${c.name} does not go through /oauth2/sign_out: the oauth2-proxy cookie survives and the user is signed straight back in. ${fix}` });
    } else if (!params.includes("rd")) {
      out.push({ container: c.name, message: `WEBUI_AUTH_SIGNOUT_REDIRECT_URL=${quote(v)} in container ${c.name} has no rd=: the identity provider's session survives and the user is signed straight back in. ${fix}` });
    } else if (params.some((p) => p !== "rd")) {
      out.push({ container: c.name, message: `WEBUI_AUTH_SIGNOUT_REDIRECT_URL=${quote(v)} in container ${c.name} has parameters besides rd (${params.filter((p) => p !== "rd").join(", ")}): the rd value is not URL-encoded, so the logout URL is cut short. ${fix}` });
    }
  }
  return out;
};

const noOidcEmailClaim: TaskRule = (containers) => {
  const out: RawFinding[] = [];
  for (const c of containers.filter(isOauth2Proxy)) {
    for (const flag of ["oidc-email-claim", "user-id-claim"]) {
      for (const s of proxySettings(c, flag, { boolean: false })) {
        out.push({ container: c.name, message: `${s.where} in container ${c.name}: overriding the email claim (user-id-claim is its deprecated alias and never changes X-Forwarded-User) is a "might help" setting that has broken sign-in before. Fix: remove ${envName(flag)} / --${flag}; the default claim is email.` });
      }
    }
  }
  return out;
};

const imageTagFloating = ["latest", "main", "master", "dev", "nightly", "edge"];

/** The tag of an image reference, or undefined when it has none. A digest counts as pinned. */
function imageTag(image: string): { tag?: string; digest: boolean } {
  if (image.includes("@sha256:")) return { digest: true };
  const lastSlash = image.lastIndexOf("/");
  const name = image.slice(lastSlash + 1);
  const colon = name.lastIndexOf(":");
  return { tag: colon >= 0 ? name.slice(colon + 1) : undefined, digest: false };
}

const imagePinned: TaskRule = (containers) => {
  const out: RawFinding[] = [];
  const why = "a floating image changes under the service at the next task start, which is how untested versions reach users";
  for (const c of containers) {
    if (c.image === undefined || c.image.trim() === "") {
      out.push({ container: c.name, message: `Container ${c.name} has no image. Fix: set an image pinned to a version tag or digest.` });
      continue;
    }
    if (isUnknown(c.image)) {
      out.push({ container: c.name, message: `The image of container ${c.name} is not known until deploy, so it could not be checked. Fix: pin a version tag or digest in the image reference.` });
      continue;
    }
    const { tag, digest } = imageTag(c.image.trim());
    if (digest) continue;
    if (tag === undefined || tag === "") {
      out.push({ container: c.name, message: `Image ${quote(c.image)} of container ${c.name} has no tag (means latest): ${why}. Fix: pin a version tag such as :v0.6.5 or a digest.` });
    } else if (imageTagFloating.includes(tag.toLowerCase())) {
      out.push({ container: c.name, message: `Image ${quote(c.image)} of container ${c.name} uses the floating tag :${tag}: ${why}. Fix: pin a version tag or a digest.` });
    }
  }
  return out;
};

const TASK_RULES: Record<string, TaskRule> = {
  "openwebui-no-webui-auth": noWebuiAuth,
  "oauth2-proxy-no-prefer-email-to-user": forbiddenProxyBoolean(
    "prefer-email-to-user",
    'oauth2-proxy then stops sending X-Forwarded-Email, so Open WebUI answers "Your provider has not provided a trusted header".',
  ),
  "oauth2-proxy-no-set-authorization-header": forbiddenProxyBoolean(
    "set-authorization-header",
    "it puts oauth2-proxy's token in Authorization, overwriting Open WebUI's own JWT, so API calls fail after sign-in.",
  ),
  "oauth2-proxy-no-pass-authorization-header": noPassAuthorizationHeader,
  "openwebui-trusted-header-mode": trustedHeaderMode,
  "openwebui-trusted-header-requires-proxy": trustedHeaderRequiresProxy,
  "oauth2-proxy-skip-auth-routes-allowlist": skipAuthRoutesAllowlist,
  "ecs-no-plaintext-secrets": noPlaintextSecrets,
  "openwebui-signup-enabled": signupEnabled,
  "openwebui-default-user-role": defaultUserRole,
  "openwebui-signout-redirect": signoutRedirect,
  "oauth2-proxy-no-oidc-email-claim": noOidcEmailClaim,
  "oauth2-proxy-no-xauthrequest": forbiddenProxyBoolean(
    "set-xauthrequest",
    "X-Auth-Request-* are response headers for nginx auth_request and never reach Open WebUI; direct proxy mode uses X-Forwarded-* (pass-user-headers).",
  ),
  "ecs-image-pinned": imagePinned,
};

// ---------------------------------------------------------------------------------------------
// Entry points.
// ---------------------------------------------------------------------------------------------

/** The level a policy runs at under `config` ("disabled" skips it). Unknown override values are ignored. */
export function levelOf(policy: PolicyInfo, config?: RulesConfig): EnforcementLevel {
  const override = config && typeof config.levels === "object" && config.levels !== null ? (config.levels as Record<string, unknown>)[policy.name] : undefined;
  return override === "mandatory" || override === "advisory" || override === "disabled" ? override : policy.defaultLevel;
}

function allowlistOf(config?: RulesConfig): string[] {
  const list = config?.skipAuthRouteAllowlist;
  return Array.isArray(list) ? list.filter((r): r is string => typeof r === "string") : [...DEFAULT_SKIP_AUTH_ROUTE_ALLOWLIST];
}

function asString(v: unknown): string {
  return typeof v === "string" ? v : v === undefined || v === null ? "" : String(v);
}

/** Defends the rules against callers that hand over something that is not quite a `Container`. */
function sanitise(value: unknown, index: number): Container {
  const o = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
  const environment: Record<string, string> = {};
  if (typeof o.environment === "object" && o.environment !== null && !Array.isArray(o.environment)) {
    for (const [k, v] of Object.entries(o.environment as Record<string, unknown>)) environment[k] = asString(v);
  }
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x) => x !== undefined && x !== null).map(asString) : []);
  return {
    name: typeof o.name === "string" && o.name !== "" ? o.name : `#${index + 1}`,
    image: typeof o.image === "string" ? o.image : undefined,
    environment,
    secrets: strings(o.secrets),
    command: strings(o.command),
  };
}

/** Message for a policy that could not look at a resource (unknown during preview, malformed input). */
export function uncheckedMessage(policy: string, reason: string): string {
  return `Could not be checked by ${policy}: ${reason}. The policy will check it once the value is known (pulumi up); until then nothing is verified.`;
}

/** Runs every enabled task policy over the containers of one task. Never throws. */
export function checkContainers(containers: Container[], config?: RulesConfig): Finding[] {
  let list: Container[];
  try {
    list = (Array.isArray(containers) ? containers : []).map(sanitise);
  } catch {
    list = [];
  }
  const skipAuthRouteAllowlist = allowlistOf(config);
  const findings: Finding[] = [];
  for (const policy of TASK_POLICIES) {
    const level = levelOf(policy, config);
    if (level === "disabled") continue;
    let raw: RawFinding[];
    try {
      raw = TASK_RULES[policy.name](list, { skipAuthRouteAllowlist });
    } catch (e) {
      // A bug here must not let a task through silently.
      raw = [{ message: uncheckedMessage(policy.name, `internal error (${e instanceof Error ? e.message : String(e)})`) }];
    }
    for (const r of raw) findings.push({ policy: policy.name, level, ...(r.container !== undefined ? { container: r.container } : {}), message: r.message });
  }
  return findings;
}

export function mandatoryFindings(findings: Finding[]): Finding[] {
  return findings.filter((f) => f.level === "mandatory");
}

// ---------------------------------------------------------------------------------------------
// Stack policy: dead-letter queues must be alarmed.
// ---------------------------------------------------------------------------------------------

/** A queue some redrive policy (or Lambda dead-letter config) sends failed messages to. */
export interface DeadLetterQueue {
  /** A stable key for the queue resource (its URN) when known. */
  key?: string;
  /** Names the queue is known by (from its `name`, ARN or URL). */
  names: string[];
  /** What to call it in a message. */
  label: string;
}

/** A CloudWatch alarm on an SQS queue's ApproximateNumberOfMessagesVisible. */
export interface QueueAlarm {
  queueNames: string[];
  queueKeys: string[];
}

export interface DeadLetterInput {
  deadLetterQueues: DeadLetterQueue[];
  alarms: QueueAlarm[];
  /** Resources whose dead-letter wiring could not be read (unknown during preview, malformed). */
  unchecked: { resource?: string; reason: string }[];
}

export interface StackFinding extends Finding {
  /** The resource (URN) the finding is about, when there is one. */
  resource?: string;
}

export function checkDeadLetterAlarms(input: DeadLetterInput, config?: RulesConfig): StackFinding[] {
  const policy = STACK_POLICIES[0];
  const level = levelOf(policy, config);
  if (level === "disabled") return [];
  const out: StackFinding[] = [];
  try {
    for (const dlq of input.deadLetterQueues) {
      const alarmed = input.alarms.some(
        (a) => a.queueNames.some((n) => dlq.names.includes(n)) || (dlq.key !== undefined && a.queueKeys.includes(dlq.key)),
      );
      if (alarmed) continue;
      out.push({
        policy: policy.name,
        level,
        ...(dlq.key ? { resource: dlq.key } : {}),
        message: `Dead-letter queue ${dlq.label} has no CloudWatch alarm on ApproximateNumberOfMessagesVisible: messages that failed every retry (users who were never provisioned) sit there unnoticed until retention deletes them. Fix: add an aws.cloudwatch.MetricAlarm (namespace AWS/SQS, dimension QueueName, threshold >= 1) with an SNS action.`,
      });
    }
    for (const u of input.unchecked) {
      out.push({ policy: policy.name, level: "advisory", ...(u.resource ? { resource: u.resource } : {}), message: uncheckedMessage(policy.name, u.reason) });
    }
  } catch (e) {
    out.push({ policy: policy.name, level, message: uncheckedMessage(policy.name, `internal error (${e instanceof Error ? e.message : String(e)})`) });
  }
  return out;
}
