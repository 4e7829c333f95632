/**
 * Every oauth2-proxy option (v7.15.3) that changes who gets in or what leaves the proxy, decided
 * with one question: what can someone on the internet do with it? Sources are the option's
 * declaration and use at tag v7.15.3 (pkg/apis/options/options.go NewFlagSet, legacy_options.go,
 * cookie.go, oauthproxy.go, validator.go, providers/provider_data.go).
 *
 * `forbidden`: a finding at the policy's level (mandatory by default). `advisory`: always reported
 * as advisory. `allowed`: safe behind Pluto's ALB, listed so the decision is on record. `policy`:
 * judged by the named policy of its own.
 */
import { Container, RawFinding, TaskRule, quote } from "./types";
import { Setting, effectiveBoolean, envName, isFalse, proxySettings } from "./settings";
import { isOauth2Proxy } from "./identity";

export interface ProxyOption {
  flag: string;
  /** The environment names, when not OAUTH2_PROXY_<FLAG> (plural list options). */
  env?: string[];
  boolean: boolean;
  verdict: "forbidden" | "advisory" | "allowed" | "policy";
  /** For `verdict: "policy"`, the policy that judges it. */
  policy?: string;
  /** When the setting is dangerous; default: a boolean switched on, or any non-empty value. */
  dangerous?: (value: string) => boolean;
  /** What someone on the internet can do with it (or why it is safe). */
  reason: string;
  /** Where oauth2-proxy v7.15.3 declares or uses it. */
  source: string;
}

const switchedOff = (v: string) => isFalse(v);
const anyValue = (v: string) => v.trim() !== "";

export const OAUTH2_PROXY_OPTIONS: readonly ProxyOption[] = [
  {
    flag: "skip-jwt-bearer-tokens",
    boolean: true,
    verdict: "forbidden",
    reason:
      "a request carrying a bearer JWT signed by the issuer (or an extra issuer) passes without a session: such a token is got outside the hosted sign-in, so Cognito's PreSignUp allow-list is never asked, and `pluto users disable` does not end it (a JWT stays valid until it expires)",
    source: "pkg/apis/options/options.go:134; oauthproxy.go:165 and buildSessionChain:414",
  },
  {
    flag: "extra-jwt-issuers",
    boolean: false,
    verdict: "forbidden",
    reason:
      "bearer tokens from those other issuers are accepted as signed in: whoever can get a token there (another identity provider, another app) reaches the app without Cognito, PreSignUp or `pluto users disable`",
    source: "pkg/apis/options/options.go:139; oauthproxy.go buildSessionChain:414",
  },
  {
    flag: "skip-auth-preflight",
    boolean: true,
    verdict: "forbidden",
    reason: "every OPTIONS request reaches the app without signing in, whatever path it names",
    source: "pkg/apis/options/options.go:132; oauthproxy.go:590 isAllowedRoute",
  },
  {
    flag: "insecure-oidc-allow-unverified-email",
    boolean: true,
    verdict: "forbidden",
    reason:
      "oauth2-proxy then accepts an email the identity provider has not verified: anyone who can put someone else's address on an account there signs in as that person",
    source: "pkg/apis/options/legacy_options.go:601; providers/provider_data.go:296 verifyEmail",
  },
  {
    flag: "insecure-oidc-skip-issuer-verification",
    boolean: true,
    verdict: "forbidden",
    reason: "ID tokens are no longer checked against the configured issuer, so tokens minted by another issuer whose keys the proxy fetches are taken",
    source: "pkg/apis/options/legacy_options.go:602",
  },
  {
    flag: "ssl-insecure-skip-verify",
    boolean: true,
    verdict: "forbidden",
    reason:
      "the proxy stops checking the identity provider's TLS certificate: anyone on the network path to Cognito can answer the token and userinfo requests and sign in as anyone",
    source: "pkg/apis/options/options.go:133",
  },
  {
    flag: "htpasswd-file",
    boolean: false,
    verdict: "forbidden",
    reason:
      "a password form beside the identity provider: those accounts sign in without Cognito (no PreSignUp, no `pluto users disable`), and the form takes password guesses from the internet",
    source: "pkg/apis/options/options.go:144",
  },
  {
    flag: "cookie-secure",
    boolean: true,
    verdict: "forbidden",
    dangerous: switchedOff,
    reason: "the session cookie is also sent over plain HTTP, where anyone on the network path can copy it and be signed in",
    source: "pkg/apis/options/cookie.go:40",
  },
  {
    flag: "cookie-httponly",
    boolean: true,
    verdict: "forbidden",
    dangerous: switchedOff,
    reason: "page scripts can read the session cookie: one script injected into the app (a chat message, a file preview) carries the session away",
    source: "pkg/apis/options/cookie.go:41",
  },
  {
    flag: "email-domain",
    env: ["OAUTH2_PROXY_EMAIL_DOMAINS", "OAUTH2_PROXY_EMAIL_DOMAIN"],
    boolean: false,
    verdict: "policy",
    policy: "oauth2-proxy-email-domain-any",
    reason: "`*` admits every verified address of the identity provider (any Google account)",
    source: "pkg/apis/options/options.go:141; validator.go:82",
  },
  {
    flag: "oidc-extra-audience",
    boolean: false,
    verdict: "advisory",
    reason: "ID and bearer tokens issued to those other clients pass audience verification (harmful together with bearer tokens)",
    source: "pkg/apis/options/legacy_options.go:609",
  },
  {
    flag: "oidc-audience-claim",
    boolean: false,
    verdict: "advisory",
    reason: "another claim than aud is compared with the client id, which a token for a different client can satisfy",
    source: "pkg/apis/options/legacy_options.go:608",
  },
  {
    flag: "pass-access-token",
    boolean: true,
    verdict: "advisory",
    reason: "the app receives each person's Cognito access token (X-Forwarded-Access-Token); anything that logs or leaks request headers leaks tokens",
    source: "pkg/apis/options/legacy_options.go:216",
  },
  {
    flag: "set-basic-auth",
    boolean: true,
    verdict: "advisory",
    reason: "responses carry Authorization: Basic with the shared basic-auth password, readable by every signed-in person",
    source: "pkg/apis/options/legacy_options.go:220",
  },
  {
    flag: "cookie-samesite",
    boolean: false,
    verdict: "advisory",
    dangerous: (v) => v.trim().toLowerCase() === "none",
    reason: "SameSite=None sends the session cookie with requests other sites start (cross-site request forgery against the app)",
    source: "pkg/apis/options/cookie.go:42",
  },
  {
    flag: "cookie-domain",
    env: ["OAUTH2_PROXY_COOKIE_DOMAINS", "OAUTH2_PROXY_COOKIE_DOMAIN"],
    boolean: false,
    verdict: "advisory",
    reason: "the session cookie goes to every host of that domain, so any other app there receives people's sessions",
    source: "pkg/apis/options/cookie.go:36",
  },
  {
    flag: "whitelist-domain",
    env: ["OAUTH2_PROXY_WHITELIST_DOMAINS", "OAUTH2_PROXY_WHITELIST_DOMAIN"],
    boolean: false,
    verdict: "advisory",
    dangerous: (v) => v.split(",").some((d) => ["*", ".", "*."].includes(d.trim()) || /^\*?\.?[a-z]+$/i.test(d.trim())),
    reason: "a wildcard or top-level domain lets a crafted sign-in link redirect people to any site after sign-in (phishing that starts on your own domain)",
    source: "pkg/apis/options/options.go:142",
  },
  {
    flag: "provider",
    boolean: false,
    verdict: "advisory",
    dangerous: (v) => v.trim().toLowerCase() !== "oidc",
    reason: "a provider other than oidc (Cognito) signs people in without the user pool: PreSignUp and `pluto users disable` no longer apply",
    source: "pkg/apis/options/legacy_options.go:596",
  },
  {
    flag: "github-user",
    boolean: false,
    verdict: "advisory",
    reason: "those accounts get in even when they are in no allowed organisation or team",
    source: "pkg/apis/options/legacy_options.go:589",
  },
  {
    flag: "allow-query-semicolons",
    boolean: true,
    verdict: "advisory",
    reason: "the proxy and the app may then read a query differently (parameter smuggling past skip-auth and redirect checks)",
    source: "pkg/apis/options/options.go:138",
  },
  {
    flag: "ssl-upstream-insecure-skip-verify",
    boolean: true,
    verdict: "advisory",
    reason: "with an HTTPS upstream off the task, anyone on that path can impersonate the app",
    source: "pkg/apis/options/legacy_options.go:121",
  },
  {
    flag: "redis-insecure-skip-tls-verify",
    boolean: true,
    verdict: "advisory",
    reason: "anyone on the path to Redis can read and forge sessions",
    source: "pkg/apis/options/options.go:159",
  },
  {
    flag: "metrics-address",
    boolean: false,
    verdict: "advisory",
    reason: "a second, unauthenticated listener; reachable if its port is mapped",
    source: "pkg/apis/options/options.go:490",
  },
  {
    flag: "ping-user-agent",
    boolean: false,
    verdict: "advisory",
    reason: "requests with that User-Agent are answered as health checks; before v7.15.2 they skipped sign-in (GHSA-5hvv-m4w4-gf6v)",
    source: "pkg/apis/options/options.go:148",
  },
  {
    flag: "skip-provider-button",
    boolean: true,
    verdict: "allowed",
    reason: "only skips oauth2-proxy's own sign-in page; the identity provider still authenticates (Pluto sets it to go straight to Google)",
    source: "pkg/apis/options/options.go:131",
  },
  {
    flag: "authenticated-emails-file",
    boolean: false,
    verdict: "allowed",
    reason: "narrows who gets in to the listed addresses (validator.go NewValidator); Pluto writes it from the same allow-list PreSignUp enforces",
    source: "pkg/apis/options/options.go:143; validator.go:76",
  },
  {
    flag: "insecure-oidc-skip-nonce",
    boolean: true,
    verdict: "allowed",
    reason: "true is the default; setting it false only adds a check",
    source: "pkg/apis/options/legacy_options.go:603",
  },
  {
    flag: "skip-oidc-discovery",
    boolean: true,
    verdict: "allowed",
    reason: "the endpoints and JWKS URL are then given explicitly; the token is still verified",
    source: "pkg/apis/options/legacy_options.go:604",
  },
  {
    flag: "reverse-proxy",
    boolean: true,
    verdict: "policy",
    policy: "oauth2-proxy-no-forwarded-header-trust",
    reason: "",
    source: "pkg/apis/options/options.go:121",
  },
  { flag: "trusted-ip", boolean: false, verdict: "policy", policy: "oauth2-proxy-no-trusted-ip", reason: "", source: "pkg/apis/options/options.go:124" },
  {
    flag: "skip-auth-route",
    boolean: false,
    verdict: "policy",
    policy: "oauth2-proxy-skip-auth-routes-allowlist",
    reason: "",
    source: "pkg/apis/options/options.go:129",
  },
  {
    flag: "skip-auth-regex",
    boolean: false,
    verdict: "policy",
    policy: "oauth2-proxy-skip-auth-routes-allowlist",
    reason: "",
    source: "pkg/apis/options/options.go:128",
  },
  {
    flag: "skip-auth-strip-headers",
    boolean: true,
    verdict: "policy",
    policy: "oauth2-proxy-strip-auth-headers",
    reason: "",
    source: "pkg/apis/options/legacy_options.go:226",
  },
  {
    flag: "pass-authorization-header",
    boolean: true,
    verdict: "policy",
    policy: "oauth2-proxy-no-pass-authorization-header",
    reason: "",
    source: "pkg/apis/options/legacy_options.go:218",
  },
  {
    flag: "set-authorization-header",
    boolean: true,
    verdict: "policy",
    policy: "oauth2-proxy-no-set-authorization-header",
    reason: "",
    source: "pkg/apis/options/legacy_options.go:222",
  },
  {
    flag: "prefer-email-to-user",
    boolean: true,
    verdict: "policy",
    policy: "oauth2-proxy-no-prefer-email-to-user",
    reason: "",
    source: "pkg/apis/options/legacy_options.go:224",
  },
  {
    flag: "set-xauthrequest",
    boolean: true,
    verdict: "policy",
    policy: "oauth2-proxy-no-xauthrequest",
    reason: "",
    source: "pkg/apis/options/legacy_options.go:221",
  },
  {
    flag: "oidc-email-claim",
    boolean: false,
    verdict: "policy",
    policy: "oauth2-proxy-no-oidc-email-claim",
    reason: "",
    source: "pkg/apis/options/legacy_options.go:607",
  },
  {
    flag: "user-id-claim",
    boolean: false,
    verdict: "policy",
    policy: "oauth2-proxy-no-oidc-email-claim",
    reason: "",
    source: "pkg/apis/options/legacy_options.go:630",
  },
  { flag: "config", boolean: false, verdict: "policy", policy: "ecs-no-hidden-settings", reason: "", source: "main.go:25" },
  { flag: "alpha-config", boolean: false, verdict: "policy", policy: "ecs-no-hidden-settings", reason: "", source: "main.go:26" },
];

/** The deciding settings of one option in one container that make it dangerous. */
export function dangerousSettings(c: Container, o: ProxyOption): Setting[] {
  const dangerous = o.dangerous ?? (o.boolean ? (v: string) => !isFalse(v) : anyValue);
  if (o.boolean) {
    const s = effectiveBoolean(c, o.flag);
    // A value the rules cannot read may be the dangerous one.
    return s && (s.value === undefined || dangerous(s.value)) ? [s] : [];
  }
  return proxySettings(c, o.flag, { boolean: false, envNames: o.env ?? [envName(o.flag)] }).filter((s) => s.value === undefined || dangerous(s.value));
}

/** oauth2-proxy options that open sign-in to the internet or leak sessions (the table's `forbidden` and `advisory` rows). */
export const dangerousOptions: TaskRule = (containers) => {
  const out: RawFinding[] = [];
  for (const c of containers.filter(isOauth2Proxy)) {
    for (const o of OAUTH2_PROXY_OPTIONS) {
      if (o.verdict !== "forbidden" && o.verdict !== "advisory") continue;
      for (const s of dangerousSettings(c, o)) {
        const unread = s.value === undefined ? " (its value cannot be read, so it counts as set)" : "";
        out.push({
          container: c.name,
          ...(o.verdict === "advisory" ? { advisory: true } : {}),
          message: `${s.where} in container ${c.name}${unread}: ${o.reason} (oauth2-proxy v7.15.3 ${o.source}). Fix: remove ${s.key}.`,
        });
      }
    }
  }
  return out;
};

/** EMAIL_DOMAINS `*`: every verified account of the identity provider gets in (validator.go:82). */
export const emailDomainAny: TaskRule = (containers, config) => {
  if (config.allowAnyEmailDomain) return [];
  const out: RawFinding[] = [];
  const option = OAUTH2_PROXY_OPTIONS.find((o) => o.flag === "email-domain")!;
  for (const c of containers.filter(isOauth2Proxy)) {
    for (const s of proxySettings(c, "email-domain", { boolean: false, envNames: option.env })) {
      const any = s.value === undefined || s.value.split(",").some((d) => d.trim() === "*");
      if (!any) continue;
      out.push({
        container: c.name,
        message: `${s.value === undefined ? `${s.where} cannot be read` : `${s.where.replace(/=.*/, `=${quote(s.value)}`)}`} in container ${c.name}: ${s.value === undefined ? "if it is `*`, " : ""}every verified account of the identity provider (any Google account) can sign in; the workspace's allow-list no longer applies in the proxy (oauth2-proxy v7.15.3 validator.go:82). Fix: list the allowed domains, or opt in explicitly (pluto:allowAnyGoogleAccount; the pack's allowAnyEmailDomain option).`,
      });
    }
  }
  return out;
};
