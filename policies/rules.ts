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
  /** ECS `environmentFiles` (S3 object ARNs): settings the rules cannot read. Defaults to none. */
  environmentFiles?: string[];
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
  /** oauth2-proxy skip-auth routes allowed on proxies in front of other apps than Open WebUI; default `DEFAULT_SKIP_AUTH_ROUTE_ALLOWLIST`. */
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

/** n8n's public API user invitation, which n8n checks against X-N8N-API-KEY; Pluto's onboarding worker calls it. */
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

/** Open WebUI releases before this one create trusted-header accounts through the public signup path (upstream issue #21016). */
export const OPENWEBUI_MIN_TRUSTED_HEADER_VERSION = [0, 8] as const;

export const TASK_POLICIES: readonly PolicyInfo[] = [
  {
    name: "openwebui-no-webui-auth",
    defaultLevel: "mandatory",
    description:
      "Open WebUI must not set WEBUI_AUTH: false is its single-user mode (no authentication), never valid for a shared workspace; unset already means true.",
  },
  {
    name: "oauth2-proxy-no-prefer-email-to-user",
    defaultLevel: "mandatory",
    description: "oauth2-proxy must not set prefer-email-to-user: it stops sending X-Forwarded-Email, the header Open WebUI signs users in with.",
  },
  {
    name: "oauth2-proxy-no-set-authorization-header",
    defaultLevel: "mandatory",
    description: "oauth2-proxy must not set set-authorization-header: it puts the person's ID token into every response (a setting for nginx auth_request).",
  },
  {
    name: "oauth2-proxy-no-pass-authorization-header",
    defaultLevel: "mandatory",
    description:
      "oauth2-proxy must not pass an Authorization header upstream (pass-authorization-header, or basic-auth-password with pass-basic-auth): it overwrites Open WebUI's JWT.",
  },
  {
    name: "oauth2-proxy-no-forwarded-header-trust",
    defaultLevel: "mandatory",
    description:
      "oauth2-proxy must not run with reverse-proxy: it then takes skip-auth decisions from the client's X-Forwarded-Uri, which an ALB passes from the internet (advisory when trusted-proxy-ip limits the sources).",
  },
  {
    name: "oauth2-proxy-no-trusted-ip",
    defaultLevel: "mandatory",
    description: "oauth2-proxy must not set trusted-ip: requests from those addresses skip sign-in altogether.",
  },
  {
    name: "oauth2-proxy-strip-auth-headers",
    defaultLevel: "mandatory",
    description:
      "oauth2-proxy must keep skip-auth-strip-headers on (its default): off, a client's own X-Forwarded-Email/-Groups/-Preferred-Username reach the app beside oauth2-proxy's, and alone on any request it passes without a session.",
  },
  {
    name: "openwebui-trusted-header-mode",
    defaultLevel: "mandatory",
    description:
      "Open WebUI's trusted email/name headers must be headers the task's oauth2-proxy actually sends upstream (X-Forwarded-* with pass-user-headers).",
  },
  {
    name: "openwebui-trusted-header-requires-proxy",
    defaultLevel: "mandatory",
    description: "Trusted-header sign-in needs an authenticating oauth2-proxy in the same task; without one anyone can send the header.",
  },
  {
    name: "openwebui-signup-disabled",
    defaultLevel: "mandatory",
    description:
      "Open WebUI in trusted-header mode must not set ENABLE_SIGNUP=true: POST /api/v1/auths/signup would let any signed-in person create accounts for other people's emails.",
  },
  {
    name: "oauth2-proxy-skip-auth-routes-allowlist",
    defaultLevel: "mandatory",
    description: "No skip-auth route may lead to Open WebUI; on other apps every skip-auth route must be anchored (^) and on the allowlist.",
  },
  {
    name: "ecs-no-plaintext-secrets",
    defaultLevel: "mandatory",
    description: "Secret-looking settings (*_SECRET, *_PASSWORD, *_TOKEN, *_API_KEY, URLs with a password) must come from ECS secrets, not literal values.",
  },
  {
    name: "openwebui-default-user-role",
    defaultLevel: "advisory",
    description: 'Open WebUI should set DEFAULT_USER_ROLE=user; the default `pending` parks new users on "Account activation pending".',
  },
  {
    name: "openwebui-signout-redirect",
    defaultLevel: "advisory",
    description:
      "Open WebUI behind oauth2-proxy should sign out through /oauth2/sign_out with an encoded rd to the identity provider's logout, Cognito's logout_uri inside it encoded once more.",
  },
  {
    name: "openwebui-trusted-header-min-version",
    defaultLevel: "advisory",
    description:
      "Trusted-header sign-in should run on Open WebUI 0.8 or later; older releases create its accounts through the public signup path, which honours ENABLE_SIGNUP.",
  },
  {
    name: "ecs-no-hidden-settings",
    defaultLevel: "advisory",
    description: "Settings the rules cannot read (ECS environmentFiles, an oauth2-proxy --config or --alpha-config file) are reported, never silently passed.",
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
    const value = f.inline ?? (opts.boolean ? "true" : (f.next ?? ""));
    found.push({
      key: `--${flag}`,
      where: f.inline !== undefined ? `--${flag}=${f.inline}` : opts.boolean ? `--${flag}` : `--${flag} ${value}`,
      value: isUnknown(value) ? undefined : value,
      fromCommand: true,
    });
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
  /** Reported as advisory even when the policy runs mandatory (a weaker form of the same problem). */
  advisory?: boolean;
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
      : 'false is Open WebUI\'s single-user mode (no authentication, sign-up forced off, every account after the first refused with "You do not have permission to access this resource"), never valid for a shared workspace behind sign-in.';
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
function upstreamHeaders(c: Container): Set<string> {
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

const trustedHeaderRequiresProxy: TaskRule = (containers) => {
  if (containers.some(isOauth2Proxy)) return [];
  return containers.filter(usesTrustedHeaders).map((c) => ({
    container: c.name,
    message: `Container ${c.name} trusts sign-in headers (${settingNames(c)
      .filter((n) => TRUSTED_HEADER_VARS.includes(n))
      .join(
        ", ",
      )}) but the task has no oauth2-proxy container: anyone who reaches the app can send the header and sign in as any user. Fix: run the oauth2-proxy sidecar in the same task and expose only its port.`,
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

const noForwardedHeaderTrust: TaskRule = (containers) => {
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

const noTrustedIp: TaskRule = (containers) => {
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
const stripAuthHeaders: TaskRule = (containers) => {
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

function canonicalHeader(lower: string): string {
  return lower.replace(/(^|-)([a-z])/g, (_, dash: string, ch: string) => dash + ch.toUpperCase());
}

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

/**
 * A setting that holds a credential by its name (`*_SECRET`, `*_PASSWORD`, `*_TOKEN`, `*_API_KEY(S)`,
 * LiteLLM's `*_MASTER_KEY`, …) or a URL carrying a password (`DATABASE_URL`, `*_URL`, `*_URI`, `*_DSN`).
 * One definition for the pack's `ecs-no-plaintext-secrets` and for what `pluto diff` never prints.
 */
export function isSecretSetting(name: string, value = ""): boolean {
  const upper = name.toUpperCase().replace(/-/g, "_");
  return SECRET_NAME.test(upper) || ((upper === "DATABASE_URL" || URL_NAME.test(upper)) && urlHasPassword(value));
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
      if (!isSecretSetting(name, value)) continue;
      if (SECRET_NAME.test(name)) {
        out.push({ container: c.name, message: `${name} has a literal value in the environment of container ${c.name}: ${why}. ${fix}` });
      } else {
        out.push({ container: c.name, message: `${name} in the environment of container ${c.name} embeds a password: ${why}. ${fix}` });
      }
    }
    for (const f of flagTokens(c.command)) {
      const value = f.inline ?? f.next;
      if (value && isSecretSetting(f.name) && !notASecret(value)) {
        out.push({ container: c.name, message: `--${f.name} has a literal value on the command line of container ${c.name}: ${why}. ${fix}` });
      }
    }
  }
  return out;
};

function envValue(c: Container, name: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(c.environment, name) ? c.environment[name] : undefined;
}

const signupDisabled: TaskRule = (containers) => {
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

const trustedHeaderMinVersion: TaskRule = (containers) => {
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

const noHiddenSettings: TaskRule = (containers) => {
  const out: RawFinding[] = [];
  const fix = "Fix: give these settings in the task definition's environment (or secrets) where the policy pack can check them.";
  for (const c of containers) {
    const files = c.environmentFiles ?? [];
    if (files.length > 0) {
      const shown = files.map((f) => (isUnknown(f) ? "(unknown until deploy)" : f)).join(", ");
      out.push({
        container: c.name,
        message: `Container ${c.name} reads environment files (${shown}): the policy rules cannot see the settings in them, so a forbidden one there (WEBUI_AUTH, ENABLE_SIGNUP, OAUTH2_PROXY_REVERSE_PROXY, ...) would go unchecked. ${fix}`,
      });
    }
    if (!isOauth2Proxy(c)) continue;
    // oauth2-proxy v7.15.3 main.go: both files are given only as command-line flags.
    for (const flag of ["config", "alpha-config"]) {
      for (const f of flagTokens(c.command).filter((t) => t.name === flag)) {
        const file = f.inline ?? f.next ?? "";
        out.push({
          container: c.name,
          message: `--${flag}${file ? ` ${file}` : ""} in container ${c.name}: oauth2-proxy reads settings from that file, which the policy rules cannot see, so a forbidden one there (reverse_proxy, trusted_ips, skip_auth_routes, ...) would go unchecked. ${fix}`,
        });
      }
    }
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
      out.push({
        container: c.name,
        message: `DEFAULT_USER_ROLE=admin in container ${c.name}: every new user becomes an administrator. Fix: DEFAULT_USER_ROLE=user.`,
      });
      continue;
    }
    const where = v === undefined ? "DEFAULT_USER_ROLE is not set (defaults to pending)" : `DEFAULT_USER_ROLE=${quote(v)}`;
    out.push({
      container: c.name,
      message: `${where} in container ${c.name}: new users land in the pending role, parked on "Account activation pending" with every API call refused. Fix: DEFAULT_USER_ROLE=user.`,
    });
  }
  return out;
};

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
 * once, and the app URL inside it encoded once more (components/golden.ts signOutRedirectUrl builds the
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

const signoutRedirect: TaskRule = (containers) => {
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

const noOidcEmailClaim: TaskRule = (containers) => {
  const out: RawFinding[] = [];
  for (const c of containers.filter(isOauth2Proxy)) {
    for (const flag of ["oidc-email-claim", "user-id-claim"]) {
      for (const s of proxySettings(c, flag, { boolean: false })) {
        out.push({
          container: c.name,
          message: `${s.where} in container ${c.name}: overriding the email claim (user-id-claim is its deprecated alias and never changes X-Forwarded-User) is a "might help" setting that has broken sign-in before. Fix: remove ${envName(flag)} / --${flag}; the default claim is email.`,
        });
      }
    }
  }
  return out;
};

/**
 * A tag that moves under a running service: `latest`, a branch (`main`, `dev`, …), a channel
 * (`stable`, `nightly`, `edge`), and compounds of them such as LiteLLM's `main-latest` and
 * `main-stable`. One definition for `ecs-image-pinned` and for the stack's own image config keys.
 */
export function isMovingTag(tag: string): boolean {
  return /^(latest|main|master|dev|nightly|edge|stable)(-(latest|stable|nightly|dev|edge))?$/i.test(tag);
}

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
      out.push({
        container: c.name,
        message: `The image of container ${c.name} is not known until deploy, so it could not be checked. Fix: pin a version tag or digest in the image reference.`,
      });
      continue;
    }
    const { tag, digest } = imageTag(c.image.trim());
    if (digest) continue;
    if (tag === undefined || tag === "") {
      out.push({
        container: c.name,
        message: `Image ${quote(c.image)} of container ${c.name} has no tag (means latest): ${why}. Fix: pin a version tag such as :v0.6.5 or a digest.`,
      });
    } else if (isMovingTag(tag)) {
      out.push({
        container: c.name,
        message: `Image ${quote(c.image)} of container ${c.name} uses the floating tag :${tag}: ${why}. Fix: pin a version tag or a digest.`,
      });
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
    "it adds the person's ID token to every response as an Authorization header (a response setting for nginx auth_request), where page scripts, caches and response logs can read it; direct proxy mode needs none of it.",
  ),
  "oauth2-proxy-no-pass-authorization-header": noPassAuthorizationHeader,
  "oauth2-proxy-no-forwarded-header-trust": noForwardedHeaderTrust,
  "oauth2-proxy-no-trusted-ip": noTrustedIp,
  "oauth2-proxy-strip-auth-headers": stripAuthHeaders,
  "openwebui-trusted-header-mode": trustedHeaderMode,
  "openwebui-trusted-header-requires-proxy": trustedHeaderRequiresProxy,
  "openwebui-signup-disabled": signupDisabled,
  "oauth2-proxy-skip-auth-routes-allowlist": skipAuthRoutesAllowlist,
  "ecs-no-plaintext-secrets": noPlaintextSecrets,
  "openwebui-default-user-role": defaultUserRole,
  "openwebui-signout-redirect": signoutRedirect,
  "openwebui-trusted-header-min-version": trustedHeaderMinVersion,
  "ecs-no-hidden-settings": noHiddenSettings,
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
  // String() on purpose, objects included: a list ["false"] reads as "false", as a lenient reader would take it.
  // eslint-disable-next-line @typescript-eslint/no-base-to-string
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
    environmentFiles: strings(o.environmentFiles),
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
    for (const r of raw) {
      findings.push({
        policy: policy.name,
        level: r.advisory ? "advisory" : level,
        ...(r.container !== undefined ? { container: r.container } : {}),
        message: r.message,
      });
    }
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
      const alarmed = input.alarms.some((a) => a.queueNames.some((n) => dlq.names.includes(n)) || (dlq.key !== undefined && a.queueKeys.includes(dlq.key)));
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
