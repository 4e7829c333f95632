import { expect } from "chai";
import { ResourceValidationPolicy } from "@pulumi/policy";
import * as tp from "../../policies/taskPolicies";
import { TASK_POLICIES } from "../../policies/rules";
import {
  EcsContainerDefinition,
  goldenDefinitions,
  withCommand,
  withEnv,
  withoutEnv,
  withSecret,
} from "../fixtures/policies/golden";
import { SHAPES, assertHasViolation, assertNoViolations, resourceOf } from "./util";

type Defs = EcsContainerDefinition[];
const webui = (d: Defs) => d[0];
const proxy = (d: Defs) => d[1];

interface Case {
  title: string;
  mutate: (d: Defs) => void;
  message: string;
}

/** One failing mutation of the golden task per case; each runs against every resource shape. */
const FAILING: [ResourceValidationPolicy, Case[]][] = [
  [tp.openwebuiNoWebuiAuth, [
    { title: "WEBUI_AUTH=false in environment", mutate: (d) => withEnv(webui(d), "WEBUI_AUTH", "false"), message: 'WEBUI_AUTH="false"' },
    { title: "WEBUI_AUTH=true in environment (one edit from false)", mutate: (d) => withEnv(webui(d), "WEBUI_AUTH", "true"), message: "true is already the default" },
    { title: "WEBUI_AUTH from secrets", mutate: (d) => withSecret(webui(d), "WEBUI_AUTH"), message: "WEBUI_AUTH (from secrets)" },
  ]],
  [tp.oauth2ProxyNoPreferEmailToUser, [
    { title: "env true", mutate: (d) => withEnv(proxy(d), "OAUTH2_PROXY_PREFER_EMAIL_TO_USER", "true"), message: "stops sending X-Forwarded-Email" },
    { title: "env TRUE (any case)", mutate: (d) => withEnv(proxy(d), "OAUTH2_PROXY_PREFER_EMAIL_TO_USER", "TRUE"), message: "OAUTH2_PROXY_PREFER_EMAIL_TO_USER=\"TRUE\"" },
    { title: "env 1", mutate: (d) => withEnv(proxy(d), "OAUTH2_PROXY_PREFER_EMAIL_TO_USER", "1"), message: "OAUTH2_PROXY_PREFER_EMAIL_TO_USER" },
    { title: "secrets name", mutate: (d) => withSecret(proxy(d), "OAUTH2_PROXY_PREFER_EMAIL_TO_USER"), message: "(from secrets)" },
    { title: "bare flag", mutate: (d) => withCommand(proxy(d), "--prefer-email-to-user"), message: "--prefer-email-to-user in container" },
    { title: "flag =true", mutate: (d) => withCommand(proxy(d), "--prefer-email-to-user=true"), message: "--prefer-email-to-user=true" },
    { title: "flag with a separate false (pflag ignores it: still on)", mutate: (d) => withCommand(proxy(d), "--prefer-email-to-user", "false"), message: "--prefer-email-to-user" },
    { title: "flag inside sh -c", mutate: (d) => withCommand(proxy(d), "sh", "-c", "exec oauth2-proxy --prefer-email-to-user"), message: "--prefer-email-to-user" },
    { title: "flag wins over env false", mutate: (d) => withCommand(withEnv(proxy(d), "OAUTH2_PROXY_PREFER_EMAIL_TO_USER", "false"), "--prefer-email-to-user=true"), message: "--prefer-email-to-user=true" },
  ]],
  [tp.oauth2ProxyNoSetAuthorizationHeader, [
    { title: "env true", mutate: (d) => withEnv(proxy(d), "OAUTH2_PROXY_SET_AUTHORIZATION_HEADER", "true"), message: "Open WebUI's own JWT" },
    { title: "secrets name", mutate: (d) => withSecret(proxy(d), "OAUTH2_PROXY_SET_AUTHORIZATION_HEADER"), message: "(from secrets)" },
    { title: "flag =true", mutate: (d) => withCommand(proxy(d), "--set-authorization-header=true"), message: "--set-authorization-header=true" },
    { title: "bare flag in entryPoint", mutate: (d) => { proxy(d).entryPoint = ["/bin/oauth2-proxy", "--set-authorization-header"]; }, message: "--set-authorization-header" },
  ]],
  [tp.oauth2ProxyNoPassAuthorizationHeader, [
    { title: "pass-authorization-header env true", mutate: (d) => withEnv(proxy(d), "OAUTH2_PROXY_PASS_AUTHORIZATION_HEADER", "true"), message: "replace Open WebUI's own Authorization JWT" },
    { title: "pass-authorization-header flag", mutate: (d) => withCommand(proxy(d), "--pass-authorization-header"), message: "--pass-authorization-header" },
    { title: "pass-authorization-header from secrets", mutate: (d) => withSecret(proxy(d), "OAUTH2_PROXY_PASS_AUTHORIZATION_HEADER"), message: "(from secrets)" },
    { title: "basic-auth-password from secrets (pass-basic-auth defaults to true)", mutate: (d) => withSecret(proxy(d), "OAUTH2_PROXY_BASIC_AUTH_PASSWORD"), message: "OAUTH2_PROXY_BASIC_AUTH_PASSWORD is set" },
    { title: "basic-auth-password in env", mutate: (d) => withEnv(proxy(d), "OAUTH2_PROXY_BASIC_AUTH_PASSWORD", "hunter2"), message: "pass-basic-auth is on" },
    { title: "basic-auth-password flag", mutate: (d) => withCommand(proxy(d), "--basic-auth-password", "x"), message: "--basic-auth-password is set" },
  ]],
  [tp.openwebuiTrustedHeaderMode, [
    { title: "X-Auth-Request-Email (a response header)", mutate: (d) => withEnv(webui(d), "WEBUI_AUTH_TRUSTED_EMAIL_HEADER", "X-Auth-Request-Email"), message: "X-Auth-Request-* are response headers" },
    { title: "X-Auth-Request-User as the name header", mutate: (d) => withEnv(webui(d), "WEBUI_AUTH_TRUSTED_NAME_HEADER", "X-Auth-Request-User"), message: "WEBUI_AUTH_TRUSTED_NAME_HEADER" },
    { title: "X-Auth-Request-Email: the fix names the header to use", mutate: (d) => withEnv(webui(d), "WEBUI_AUTH_TRUSTED_EMAIL_HEADER", "X-Auth-Request-Email"), message: "Fix: WEBUI_AUTH_TRUSTED_EMAIL_HEADER=X-Forwarded-Email." },
    { title: "prefer-email-to-user: the fix removes it", mutate: (d) => withEnv(proxy(d), "OAUTH2_PROXY_PREFER_EMAIL_TO_USER", "true"), message: "Fix: remove OAUTH2_PROXY_PREFER_EMAIL_TO_USER" },
    { title: "prefer-email-to-user drops X-Forwarded-Email", mutate: (d) => withEnv(proxy(d), "OAUTH2_PROXY_PREFER_EMAIL_TO_USER", "true"), message: "prefer-email-to-user stops oauth2-proxy sending X-Forwarded-Email" },
    { title: "user headers switched off", mutate: (d) => { withEnv(proxy(d), "OAUTH2_PROXY_PASS_USER_HEADERS", "false"); withEnv(proxy(d), "OAUTH2_PROXY_PASS_BASIC_AUTH", "false"); }, message: "pass-user-headers and pass-basic-auth are both off" },
    { title: "ALB header with a proxy in the task", mutate: (d) => withEnv(webui(d), "WEBUI_AUTH_TRUSTED_EMAIL_HEADER", "x-amzn-oidc-identity"), message: "only sends" },
    { title: "header name hidden in secrets", mutate: (d) => { withoutEnv(webui(d), "WEBUI_AUTH_TRUSTED_EMAIL_HEADER"); withSecret(webui(d), "WEBUI_AUTH_TRUSTED_EMAIL_HEADER"); }, message: "comes from secrets" },
  ]],
  [tp.openwebuiTrustedHeaderRequiresProxy, [
    { title: "no oauth2-proxy in the task", mutate: (d) => void d.splice(1, 1), message: "has no oauth2-proxy container" },
  ]],
  [tp.oauth2ProxySkipAuthRoutesAllowlist, [
    { title: "unanchored route", mutate: (d) => withEnv(proxy(d), "OAUTH2_PROXY_SKIP_AUTH_ROUTES", "/api/v1/scim/v2/"), message: "is not anchored" },
    { title: "signup for every method (the guide's hole)", mutate: (d) => withEnv(proxy(d), "OAUTH2_PROXY_SKIP_AUTH_ROUTES", "^/api/v1/auths/signup$"), message: "is not on the allowlist" },
    { title: "second route in a comma list", mutate: (d) => withEnv(proxy(d), "OAUTH2_PROXY_SKIP_AUTH_ROUTES", "^/api/v1/scim/v2/,^/admin"), message: '"^/admin"' },
    { title: "negated method", mutate: (d) => withEnv(proxy(d), "OAUTH2_PROXY_SKIP_AUTH_ROUTES", "GET!=^/api/v1/scim/v2/"), message: "is not on the allowlist" },
    { title: "singular env name", mutate: (d) => withEnv(proxy(d), "OAUTH2_PROXY_SKIP_AUTH_ROUTE", "^/"), message: "OAUTH2_PROXY_SKIP_AUTH_ROUTE)" },
    { title: "flag with =", mutate: (d) => withCommand(proxy(d), "--skip-auth-route=^/api/"), message: "(--skip-auth-route)" },
    { title: "flag with separate value", mutate: (d) => withCommand(proxy(d), "--skip-auth-route", "^/api/"), message: '"^/api/"' },
    { title: "deprecated skip-auth-regex", mutate: (d) => withEnv(proxy(d), "OAUTH2_PROXY_SKIP_AUTH_REGEX", "^/.*"), message: "OAUTH2_PROXY_SKIP_AUTH_REGEX" },
    { title: "routes hidden in secrets", mutate: (d) => withSecret(withoutEnv(proxy(d), "OAUTH2_PROXY_SKIP_AUTH_ROUTES"), "OAUTH2_PROXY_SKIP_AUTH_ROUTES"), message: "could not be checked against the skip-auth allowlist" },
  ]],
  [tp.ecsNoPlaintextSecrets, [
    { title: "client secret as literal env", mutate: (d) => withEnv(proxy(d), "OAUTH2_PROXY_CLIENT_SECRET", "s3cr3t"), message: "OAUTH2_PROXY_CLIENT_SECRET has a literal value" },
    { title: "*_TOKEN literal", mutate: (d) => withEnv(webui(d), "SCIM_TOKEN", "abc123"), message: "SCIM_TOKEN" },
    { title: "*_API_KEY literal", mutate: (d) => withEnv(webui(d), "OPENAI_API_KEY", "sk-abc"), message: "OPENAI_API_KEY" },
    { title: "*_PASSWORD literal", mutate: (d) => withEnv(webui(d), "SMTP_PASSWORD", "pw"), message: "SMTP_PASSWORD" },
    { title: "DATABASE_URL with a password", mutate: (d) => withEnv(webui(d), "DATABASE_URL", "postgresql://openwebui:pa55@db.internal:5432/openwebui"), message: "DATABASE_URL in the environment of container openwebui embeds a password" },
    { title: "cookie secret on the command line", mutate: (d) => withCommand(proxy(d), "--cookie-secret=0123456789abcdef0123456789abcdef"), message: "--cookie-secret has a literal value on the command line" },
  ]],
  [tp.openwebuiSignupEnabled, [
    { title: "ENABLE_SIGNUP=false", mutate: (d) => withEnv(webui(d), "ENABLE_SIGNUP", "false"), message: 'ENABLE_SIGNUP="false"' },
    { title: "ENABLE_SIGNUP unset", mutate: (d) => withoutEnv(webui(d), "ENABLE_SIGNUP"), message: "ENABLE_SIGNUP is not set" },
  ]],
  [tp.openwebuiDefaultUserRole, [
    { title: "pending", mutate: (d) => withEnv(webui(d), "DEFAULT_USER_ROLE", "pending"), message: "pending role" },
    { title: "unset (defaults to pending)", mutate: (d) => withoutEnv(webui(d), "DEFAULT_USER_ROLE"), message: "defaults to pending" },
    { title: "admin", mutate: (d) => withEnv(webui(d), "DEFAULT_USER_ROLE", "admin"), message: "every new user becomes an administrator" },
  ]],
  [tp.openwebuiSignoutRedirect, [
    { title: "missing", mutate: (d) => withoutEnv(webui(d), "WEBUI_AUTH_SIGNOUT_REDIRECT_URL"), message: "is not set" },
    { title: "not through /oauth2/sign_out", mutate: (d) => withEnv(webui(d), "WEBUI_AUTH_SIGNOUT_REDIRECT_URL", "https://auth.pluto.example.com/logout"), message: "does not go through /oauth2/sign_out" },
    { title: "no rd", mutate: (d) => withEnv(webui(d), "WEBUI_AUTH_SIGNOUT_REDIRECT_URL", "/oauth2/sign_out"), message: "has no rd=" },
    { title: "rd not encoded", mutate: (d) => withEnv(webui(d), "WEBUI_AUTH_SIGNOUT_REDIRECT_URL", "/oauth2/sign_out?rd=https://auth.pluto.example.com/logout?client_id=abc&logout_uri=https://pluto.example.com"), message: "is not URL-encoded" },
  ]],
  [tp.oauth2ProxyNoOidcEmailClaim, [
    { title: "OIDC_EMAIL_CLAIM env", mutate: (d) => withEnv(proxy(d), "OAUTH2_PROXY_OIDC_EMAIL_CLAIM", "email"), message: "OAUTH2_PROXY_OIDC_EMAIL_CLAIM" },
    { title: "USER_ID_CLAIM env (the guide's working pattern)", mutate: (d) => withEnv(proxy(d), "OAUTH2_PROXY_USER_ID_CLAIM", "email"), message: "OAUTH2_PROXY_USER_ID_CLAIM" },
    { title: "flag", mutate: (d) => withCommand(proxy(d), "--oidc-email-claim=mail"), message: "--oidc-email-claim=mail" },
  ]],
  [tp.oauth2ProxyNoXauthrequest, [
    { title: "env true", mutate: (d) => withEnv(proxy(d), "OAUTH2_PROXY_SET_XAUTHREQUEST", "true"), message: "response headers" },
    { title: "flag", mutate: (d) => withCommand(proxy(d), "--set-xauthrequest"), message: "--set-xauthrequest" },
  ]],
  [tp.ecsImagePinned, [
    { title: ":latest", mutate: (d) => void (webui(d).image = "ghcr.io/open-webui/open-webui:latest"), message: "floating tag :latest" },
    { title: ":main", mutate: (d) => void (webui(d).image = "ghcr.io/open-webui/open-webui:main"), message: "floating tag :main" },
    { title: "no tag", mutate: (d) => void (proxy(d).image = "quay.io/oauth2-proxy/oauth2-proxy"), message: "has no tag" },
    { title: "registry port but no tag", mutate: (d) => void (proxy(d).image = "registry.internal:5000/oauth2-proxy"), message: "has no tag" },
    { title: "no image", mutate: (d) => void ((webui(d) as Partial<EcsContainerDefinition>).image = undefined), message: "has no image" },
  ]],
];

describe("task policies (per policy, every resource shape)", () => {
  it("covers every task policy of rules.ts, in its order", () => {
    expect(tp.taskPolicies.map((p) => p.name)).to.deep.equal(TASK_POLICIES.map((p) => p.name));
    expect(FAILING.map(([p]) => p.name)).to.have.members(TASK_POLICIES.map((p) => p.name));
  });

  for (const [policy, cases] of FAILING) {
    describe(`#${policy.name} (${policy.enforcementLevel})`, () => {
      for (const shape of SHAPES) {
        it(`passes the golden task (${shape})`, async () => {
          await assertNoViolations(policy, [resourceOf(shape, goldenDefinitions())]);
        });
      }
      for (const c of cases) {
        it(`fails: ${c.title}`, async () => {
          for (const shape of SHAPES) {
            const defs = goldenDefinitions();
            c.mutate(defs);
            await assertHasViolation(policy, [resourceOf(shape, defs)], { message: c.message });
          }
        });
      }
    });
  }
});

/** Settings that look close to a forbidden one but are fine; each must leave every policy quiet. */
const PASSING: [string, (d: Defs) => void][] = [
  ["PREFER_EMAIL_TO_USER=false", (d) => withEnv(proxy(d), "OAUTH2_PROXY_PREFER_EMAIL_TO_USER", "false")],
  ["PREFER_EMAIL_TO_USER=No (case-insensitive)", (d) => withEnv(proxy(d), "OAUTH2_PROXY_PREFER_EMAIL_TO_USER", "No")],
  ["PREFER_EMAIL_TO_USER=0", (d) => withEnv(proxy(d), "OAUTH2_PROXY_PREFER_EMAIL_TO_USER", "0")],
  ["PREFER_EMAIL_TO_USER empty (viper treats it as unset)", (d) => withEnv(proxy(d), "OAUTH2_PROXY_PREFER_EMAIL_TO_USER", "")],
  ["--prefer-email-to-user=false", (d) => withCommand(proxy(d), "--prefer-email-to-user=false")],
  ["SET_AUTHORIZATION_HEADER=false", (d) => withEnv(proxy(d), "OAUTH2_PROXY_SET_AUTHORIZATION_HEADER", "false")],
  ["--pass-authorization-header=false", (d) => withCommand(proxy(d), "--pass-authorization-header=false")],
  ["BASIC_AUTH_PASSWORD with PASS_BASIC_AUTH=false (never sent)", (d) => withSecret(withEnv(proxy(d), "OAUTH2_PROXY_PASS_BASIC_AUTH", "false"), "OAUTH2_PROXY_BASIC_AUTH_PASSWORD")],
  ["trusted headers in lower case", (d) => withEnv(withEnv(webui(d), "WEBUI_AUTH_TRUSTED_EMAIL_HEADER", "x-forwarded-email"), "WEBUI_AUTH_TRUSTED_NAME_HEADER", "x-forwarded-user")],
  ["PASS_USER_HEADERS=false but pass-basic-auth (default true) still sends them", (d) => withEnv(proxy(d), "OAUTH2_PROXY_PASS_USER_HEADERS", "false")],
  ["name header X-Forwarded-Preferred-Username", (d) => withEnv(webui(d), "WEBUI_AUTH_TRUSTED_NAME_HEADER", "X-Forwarded-Preferred-Username")],
  ["both allowlisted routes, method in lower case", (d) => withEnv(proxy(d), "OAUTH2_PROXY_SKIP_AUTH_ROUTES", "^/api/v1/scim/v2/, post=^/api/v1/auths/signup$")],
  ["allowlisted route as a flag", (d) => withCommand(proxy(d), "--skip-auth-route", "^/api/v1/scim/v2/")],
  ["DATABASE_URL without a password", (d) => withEnv(webui(d), "REDIS_URL", "redis://cache.internal:6379/0")],
  ["a *_TOKEN switch (PASS_ACCESS_TOKEN=false)", (d) => withEnv(proxy(d), "OAUTH2_PROXY_PASS_ACCESS_TOKEN", "false")],
  ["a secret ARN in a *_SECRET variable", (d) => withEnv(webui(d), "APP_SECRET", "arn:aws:secretsmanager:us-west-2:123456789012:secret:x")],
  ["image pinned by digest", (d) => void (webui(d).image = "ghcr.io/open-webui/open-webui@sha256:" + "a".repeat(64))],
  ["oauth2-proxy renamed (found by image)", (d) => void (proxy(d).name = "auth-sidecar")],
  ["absolute sign-out URL through /oauth2/sign_out", (d) => withEnv(webui(d), "WEBUI_AUTH_SIGNOUT_REDIRECT_URL", "https://pluto.example.com" + "/oauth2/sign_out?rd=https%3A%2F%2Fauth.pluto.example.com%2Flogout")],
];

describe("task policies: near misses stay quiet", () => {
  for (const [title, mutate] of PASSING) {
    it(`no violation: ${title}`, async () => {
      const defs = goldenDefinitions();
      mutate(defs);
      for (const policy of tp.taskPolicies) await assertNoViolations(policy, SHAPES.map((shape) => resourceOf(shape, defs)));
    });
  }
});
