/**
 * Which container is oauth2-proxy and which is Open WebUI, told by what each is configured to do
 * (its settings, its command line's options, what it runs), never by its name alone: an
 * oauth2-proxy from a private registry configured only by flags is still a proxy, and a container
 * that merely carries a proxy's environment but runs something else protects nothing.
 */
import { Container, RawFinding, TaskRule, isUnknown, quote } from "./types";
import { PROXY_ENV_PREFIX, envValue, proxySettings, readCommand, settingNames } from "./settings";
import { Word, commandWords } from "./shellWords";

/**
 * Options only oauth2-proxy takes (v7.15.3 pkg/apis/options/legacy_options.go legacyOptionsFlagSet
 * and options.go NewFlagSet): one of them on a command line makes the container a proxy. Options
 * other programs share (`--config`, `--port`) are left out.
 */
const PROXY_ONLY_FLAGS = [
  "upstream",
  "provider",
  "http-address",
  "https-address",
  "cookie-secret",
  "cookie-secret-file",
  "client-id",
  "client-secret",
  "client-secret-file",
  "oidc-issuer-url",
  "email-domain",
  "authenticated-emails-file",
  "redirect-url",
  "skip-auth-route",
  "skip-auth-regex",
  "skip-jwt-bearer-tokens",
  "extra-jwt-issuers",
  "pass-user-headers",
  "set-xauthrequest",
  "alpha-config",
  "reverse-proxy",
  "skip-provider-button",
  "whitelist-domain",
];

/** The word naming the program a container starts: the first word, or a shell script's first word. */
export function programWord(c: Container): Word | undefined {
  const words = commandWords(c.command);
  const first = words[0];
  if (first && first.known && /(^|\/)(sh|bash|dash|ash|zsh|ksh|mksh|busybox)$/.test(first.text)) {
    const script = words.findIndex((w) => w.known && w.text === "-c");
    if (script >= 0 && words[script + 1]) return words[script + 1];
  }
  return first;
}

/** Why `c` counts as oauth2-proxy (empty: it does not). */
export function proxyEvidence(c: Container): string[] {
  const why: string[] = [];
  if (typeof c.image === "string" && c.image.toLowerCase().includes("oauth2-proxy")) why.push(`image ${c.image}`);
  const env = settingNames(c).filter((n) => n.startsWith(PROXY_ENV_PREFIX));
  if (env.length) why.push(`${env[0]}${env.length > 1 ? ` and ${env.length - 1} more OAUTH2_PROXY_* settings` : ""}`);
  const flags = readCommand(c.command).flags.filter((f) => PROXY_ONLY_FLAGS.includes(f.name));
  if (flags.length) why.push(`--${flags[0].name} on its command line`);
  if (commandWords(c.command).some((w) => w.known && /(^|\/)oauth2-proxy$/.test(w.text))) why.push("it runs oauth2-proxy");
  return why;
}

export function isOauth2Proxy(c: Container): boolean {
  return proxyEvidence(c).length > 0;
}

/**
 * True when a container recognised as oauth2-proxy runs something else: its command line starts a
 * known program other than oauth2-proxy (or a shell whose script never starts it) and passes it no
 * oauth2-proxy option. Such a container protects nothing, whatever settings it carries.
 */
export function isDecoyProxy(c: Container): boolean {
  const words = commandWords(c.command);
  const first = words[0];
  if (!first || !first.known || first.text.startsWith("-")) return false;
  if (words.some((w) => !w.known || /(^|\/)oauth2-proxy$/.test(w.text))) return false;
  return !readCommand(c.command).flags.some((f) => PROXY_ONLY_FLAGS.includes(f.name));
}

/** Open WebUI's own settings (open_webui/config.py, env.py): WEBUI_* and its trusted-header switches. */
const OPENWEBUI_SETTING = /^(WEBUI_|ENABLE_SIGNUP$|ENABLE_LOGIN_FORM$|DEFAULT_USER_ROLE$|ENABLE_OAUTH_SIGNUP$)/;

export function isOpenWebui(c: Container): boolean {
  if (typeof c.image === "string" && c.image.toLowerCase().includes("open-webui")) return true;
  if (settingNames(c).some((n) => n.startsWith("WEBUI_"))) return true;
  if (settingNames(c).some((n) => OPENWEBUI_SETTING.test(n)) && !isOauth2Proxy(c)) return true;
  // The image's own start: `open-webui serve`, `bash start.sh`, `uvicorn open_webui.main:app`.
  return commandWords(c.command).some((w) => w.known && /(^|\/)open[-_]webui([.:]|$)/.test(w.text));
}

/** n8n is recognised by its own settings (N8N_*) or its image. */
export function isN8n(c: Container): boolean {
  return settingNames(c).some((k) => k.startsWith("N8N_")) || /(^|\/)n8n(:|@|$)/.test(c.image ?? "");
}

/** The port Open WebUI listens on: PORT (backend/start.sh, default 8080). undefined when it cannot be read. */
export function openWebuiPort(c: Container): number | undefined {
  if (c.secrets.includes("PORT")) return undefined;
  const v = envValue(c, "PORT");
  if (v === undefined) return 8080;
  return isUnknown(v) || !/^\d+$/.test(v.trim()) ? undefined : Number(v.trim());
}

/**
 * Where a proxy forwards: its upstream URLs (OAUTH2_PROXY_UPSTREAMS, comma-separated, or
 * --upstream). undefined: it sets none or one cannot be read.
 */
function upstreamPorts(p: Container): { ports: number[]; readable: boolean } {
  const settings = proxySettings(p, "upstream", { boolean: false, envNames: [`${PROXY_ENV_PREFIX}UPSTREAMS`, `${PROXY_ENV_PREFIX}UPSTREAM`] });
  const ports: number[] = [];
  let readable = true;
  for (const s of settings) {
    if (s.value === undefined) {
      readable = false;
      continue;
    }
    for (const u of (s.fromCommand ? [s.value] : s.value.split(",")).map((x) => x.trim())) {
      // Containers of one awsvpc task share one network namespace: the app is on the loopback address.
      const m = /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\]|0\.0\.0\.0)(?::(\d+))?(\/|$)/i.exec(u);
      if (m) ports.push(m[2] ? Number(m[2]) : u.toLowerCase().startsWith("https") ? 443 : 80);
    }
  }
  return { ports, readable: readable && settings.length > 0 };
}

/**
 * The proxies of the task that can stand in front of `app`: running oauth2-proxy (no decoy), and
 * forwarding to the app's port, or with an upstream the rules cannot read or none at all (the
 * upstream rules of the stack policies judge those).
 */
export function proxiesInFrontOf(app: Container, containers: Container[]): Container[] {
  const port = openWebuiPort(app);
  return containers.filter((p) => {
    if (p === app || !isOauth2Proxy(p) || isDecoyProxy(p)) return false;
    const up = upstreamPorts(p);
    if (!up.readable || port === undefined) return true;
    return up.ports.includes(port);
  });
}

/**
 * A task whose sign-in rests on trusted headers must say which container is which: a container
 * that starts a program computed at run time (`sh -c "$START"`), or runs an image the rules cannot
 * see, could be the real proxy or could be what the headers are trusted by.
 */
export const taskIdentity: TaskRule = (containers) => {
  const trusting = containers.filter((c) => isOpenWebui(c) && settingNames(c).some((n) => n.startsWith("WEBUI_AUTH_TRUSTED_")));
  if (trusting.length === 0) return [];
  const out: RawFinding[] = [];
  for (const c of containers) {
    if (trusting.includes(c)) continue;
    const first = programWord(c);
    const imageUnknown = c.image !== undefined && isUnknown(c.image);
    if (first && !first.known) {
      out.push({
        container: c.name,
        message: `Container ${c.name} starts a program computed at run time (${quote(first.text)}), so it cannot be told whether it is the oauth2-proxy that Open WebUI (${trusting.map((t) => t.name).join(", ")}) trusts for sign-in, or something else in its place. Fix: name the program literally in entryPoint/command.`,
      });
    } else if (imageUnknown && !isOauth2Proxy(c) && !isOpenWebui(c)) {
      out.push({
        container: c.name,
        message: `The image of container ${c.name} is not known until deploy and it carries no setting that says what it is, so it cannot be told whether it stands in the sign-in path of Open WebUI (${trusting.map((t) => t.name).join(", ")}). Fix: give the image as a literal reference.`,
      });
    }
  }
  for (const c of containers.filter(isOauth2Proxy).filter(isDecoyProxy)) {
    out.push({
      container: c.name,
      message: `Container ${c.name} carries oauth2-proxy settings (${proxyEvidence(c).join(", ")}) but runs ${quote(commandWords(c.command)[0].text)}, not oauth2-proxy: it protects nothing, and the proxy rules cannot vouch for the task's sign-in through it. Fix: run oauth2-proxy in it, or remove its OAUTH2_PROXY_* settings.`,
    });
  }
  return out;
};
