import { expect } from "chai";
import { ResourceValidationPolicy } from "@pulumi/policy";
import * as tp from "../../policies/taskPolicies";
import { TASK_POLICIES } from "../../policies/rules";
import {
  EcsContainerDefinition,
  SIGNOUT_URL,
  SINGLE_ENCODED_SIGNOUT_URL,
  goldenDefinitions,
  goldenN8nDefinitions,
  withCommand,
  withEnv,
  withoutEnv,
  withSecret,
} from "../fixtures/policies/golden";
import { SHAPES, assertHasViolation, assertNoViolations, resourceOf } from "./util";
import { MORE_FAILING, MORE_FAILING_OLD, MORE_PASSING } from "./moreCases";

type Defs = EcsContainerDefinition[];
const webui = (d: Defs) => d[0];
const proxy = (d: Defs) => d[1];

interface Case {
  title: string;
  mutate: (d: Defs) => void;
  message: string;
  /** The golden task mutated; defaults to Open WebUI's. */
  task?: () => Defs;
  /** The level reported; defaults to the policy's. */
  level?: "mandatory" | "advisory";
}

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const n8n = goldenN8nDefinitions;

/** One failing mutation of a golden task per case; each runs against every resource shape. */
const FAILING: [ResourceValidationPolicy, Case[]][] = [
  [
    tp.openwebuiNoWebuiAuth,
    [
      { title: "WEBUI_AUTH=false in environment", mutate: (d) => withEnv(webui(d), "WEBUI_AUTH", "false"), message: 'WEBUI_AUTH="false"' },
      {
        title: "WEBUI_AUTH=true in environment (one edit from false)",
        mutate: (d) => withEnv(webui(d), "WEBUI_AUTH", "true"),
        message: "true is already the default",
      },
      { title: "WEBUI_AUTH from secrets", mutate: (d) => withSecret(webui(d), "WEBUI_AUTH"), message: "WEBUI_AUTH (from secrets)" },
    ],
  ],
  [
    tp.oauth2ProxyNoPreferEmailToUser,
    [
      { title: "env true", mutate: (d) => withEnv(proxy(d), "OAUTH2_PROXY_PREFER_EMAIL_TO_USER", "true"), message: "stops sending X-Forwarded-Email" },
      {
        title: "env TRUE (any case)",
        mutate: (d) => withEnv(proxy(d), "OAUTH2_PROXY_PREFER_EMAIL_TO_USER", "TRUE"),
        message: 'OAUTH2_PROXY_PREFER_EMAIL_TO_USER="TRUE"',
      },
      { title: "env 1", mutate: (d) => withEnv(proxy(d), "OAUTH2_PROXY_PREFER_EMAIL_TO_USER", "1"), message: "OAUTH2_PROXY_PREFER_EMAIL_TO_USER" },
      { title: "secrets name", mutate: (d) => withSecret(proxy(d), "OAUTH2_PROXY_PREFER_EMAIL_TO_USER"), message: "(from secrets)" },
      { title: "bare flag", mutate: (d) => withCommand(proxy(d), "--prefer-email-to-user"), message: "--prefer-email-to-user in container" },
      { title: "flag =true", mutate: (d) => withCommand(proxy(d), "--prefer-email-to-user=true"), message: "--prefer-email-to-user=true" },
      {
        title: "flag with a separate false (pflag ignores it: still on)",
        mutate: (d) => withCommand(proxy(d), "--prefer-email-to-user", "false"),
        message: "--prefer-email-to-user",
      },
      {
        title: "flag inside sh -c",
        mutate: (d) => withCommand(proxy(d), "sh", "-c", "exec oauth2-proxy --prefer-email-to-user"),
        message: "--prefer-email-to-user",
      },
      {
        title: "flag wins over env false",
        mutate: (d) => withCommand(withEnv(proxy(d), "OAUTH2_PROXY_PREFER_EMAIL_TO_USER", "false"), "--prefer-email-to-user=true"),
        message: "--prefer-email-to-user=true",
      },
    ],
  ],
  [
    tp.oauth2ProxyNoSetAuthorizationHeader,
    [
      { title: "env true", mutate: (d) => withEnv(proxy(d), "OAUTH2_PROXY_SET_AUTHORIZATION_HEADER", "true"), message: "ID token to every response" },
      { title: "secrets name", mutate: (d) => withSecret(proxy(d), "OAUTH2_PROXY_SET_AUTHORIZATION_HEADER"), message: "(from secrets)" },
      { title: "flag =true", mutate: (d) => withCommand(proxy(d), "--set-authorization-header=true"), message: "--set-authorization-header=true" },
      {
        title: "bare flag in entryPoint",
        mutate: (d) => {
          proxy(d).entryPoint = ["/bin/oauth2-proxy", "--set-authorization-header"];
        },
        message: "--set-authorization-header",
      },
    ],
  ],
  [
    tp.oauth2ProxyNoPassAuthorizationHeader,
    [
      {
        title: "pass-authorization-header env true",
        mutate: (d) => withEnv(proxy(d), "OAUTH2_PROXY_PASS_AUTHORIZATION_HEADER", "true"),
        message: "replace Open WebUI's own Authorization JWT",
      },
      { title: "pass-authorization-header flag", mutate: (d) => withCommand(proxy(d), "--pass-authorization-header"), message: "--pass-authorization-header" },
      {
        title: "pass-authorization-header from secrets",
        mutate: (d) => withSecret(proxy(d), "OAUTH2_PROXY_PASS_AUTHORIZATION_HEADER"),
        message: "(from secrets)",
      },
      {
        title: "basic-auth-password from secrets (pass-basic-auth defaults to true)",
        mutate: (d) => withSecret(proxy(d), "OAUTH2_PROXY_BASIC_AUTH_PASSWORD"),
        message: "OAUTH2_PROXY_BASIC_AUTH_PASSWORD is set",
      },
      {
        title: "basic-auth-password in env",
        mutate: (d) => withEnv(proxy(d), "OAUTH2_PROXY_BASIC_AUTH_PASSWORD", "hunter2"),
        message: "pass-basic-auth is on",
      },
      { title: "basic-auth-password flag", mutate: (d) => withCommand(proxy(d), "--basic-auth-password", "x"), message: "--basic-auth-password is set" },
    ],
  ],
  [
    tp.oauth2ProxyNoForwardedHeaderTrust,
    [
      {
        title: "REVERSE_PROXY=true",
        mutate: (d) => withEnv(proxy(d), "OAUTH2_PROXY_REVERSE_PROXY", "true"),
        message: 'OAUTH2_PROXY_REVERSE_PROXY="true" in container oauth2-proxy without trusted-proxy-ip',
      },
      { title: "bare --reverse-proxy flag", mutate: (d) => withCommand(proxy(d), "--reverse-proxy"), message: "--reverse-proxy in container" },
      {
        title: "flag wins over env false",
        mutate: (d) => withCommand(withEnv(proxy(d), "OAUTH2_PROXY_REVERSE_PROXY", "false"), "--reverse-proxy=true"),
        message: "--reverse-proxy=true",
      },
      { title: "from secrets (unreadable counts as on)", mutate: (d) => withSecret(proxy(d), "OAUTH2_PROXY_REVERSE_PROXY"), message: "(from secrets)" },
      {
        title: "on the n8n proxy too",
        task: n8n,
        mutate: (d) => withEnv(proxy(d), "OAUTH2_PROXY_REVERSE_PROXY", "1"),
        message: "one request header skips sign-in on every path",
      },
      {
        title: "with TRUSTED_PROXY_IPS: advisory, the ALB passes the headers on",
        mutate: (d) => withEnv(withEnv(proxy(d), "OAUTH2_PROXY_REVERSE_PROXY", "true"), "OAUTH2_PROXY_TRUSTED_PROXY_IPS", "10.0.0.0/16"),
        message: "an ALB passes X-Forwarded-Uri and X-Forwarded-Host from the client unchanged",
        level: "advisory",
      },
      {
        title: "with --trusted-proxy-ip: advisory",
        mutate: (d) => withCommand(proxy(d), "--reverse-proxy", "--trusted-proxy-ip", "10.0.0.0/16"),
        message: "--trusted-proxy-ip 10.0.0.0/16",
        level: "advisory",
      },
    ],
  ],
  [
    tp.oauth2ProxyNoTrustedIp,
    [
      {
        title: "TRUSTED_IPS in env",
        mutate: (d) => withEnv(proxy(d), "OAUTH2_PROXY_TRUSTED_IPS", "10.0.0.0/8"),
        message: "requests from those addresses skip sign-in altogether",
      },
      { title: "--trusted-ip flag", mutate: (d) => withCommand(proxy(d), "--trusted-ip=0.0.0.0/0"), message: "--trusted-ip=0.0.0.0/0" },
      { title: "from secrets", mutate: (d) => withSecret(proxy(d), "OAUTH2_PROXY_TRUSTED_IPS"), message: "OAUTH2_PROXY_TRUSTED_IPS (from secrets)" },
    ],
  ],
  [
    tp.oauth2ProxyStripAuthHeaders,
    [
      {
        title: "env false",
        mutate: (d) => withEnv(proxy(d), "OAUTH2_PROXY_SKIP_AUTH_STRIP_HEADERS", "false"),
        message: 'OAUTH2_PROXY_SKIP_AUTH_STRIP_HEADERS="false" in container oauth2-proxy: oauth2-proxy then keeps a client\'s own',
      },
      {
        title: "env 0",
        mutate: (d) => withEnv(proxy(d), "OAUTH2_PROXY_SKIP_AUTH_STRIP_HEADERS", "0"),
        message: "the client's X-Forwarded-Email reaches the app alone",
      },
      {
        title: "flag =false",
        mutate: (d) => withCommand(proxy(d), "--skip-auth-strip-headers=false"),
        message: "--skip-auth-strip-headers=false in container",
      },
      {
        title: "flag =false wins over env true",
        mutate: (d) => withCommand(withEnv(proxy(d), "OAUTH2_PROXY_SKIP_AUTH_STRIP_HEADERS", "true"), "--skip-auth-strip-headers=false"),
        message: "--skip-auth-strip-headers=false",
      },
      {
        title: "inside sh -c",
        mutate: (d) => withCommand(proxy(d), "sh", "-c", "exec oauth2-proxy --skip-auth-strip-headers=false"),
        message: "--skip-auth-strip-headers=false",
      },
      {
        title: "from secrets (unreadable: could be false)",
        mutate: (d) => withSecret(proxy(d), "OAUTH2_PROXY_SKIP_AUTH_STRIP_HEADERS"),
        message: "OAUTH2_PROXY_SKIP_AUTH_STRIP_HEADERS (from secrets) in container oauth2-proxy cannot be read; if it is false",
      },
      { title: "unknown until deploy", mutate: (d) => withEnv(proxy(d), "OAUTH2_PROXY_SKIP_AUTH_STRIP_HEADERS", UNKNOWN), message: "cannot be read" },
      {
        title: "on the n8n proxy too",
        task: n8n,
        mutate: (d) => withEnv(proxy(d), "OAUTH2_PROXY_SKIP_AUTH_STRIP_HEADERS", "false"),
        message: "Fix: remove OAUTH2_PROXY_SKIP_AUTH_STRIP_HEADERS / --skip-auth-strip-headers",
      },
    ],
  ],
  [
    tp.openwebuiTrustedHeaderMode,
    [
      {
        title: "X-Auth-Request-Email (a response header)",
        mutate: (d) => withEnv(webui(d), "WEBUI_AUTH_TRUSTED_EMAIL_HEADER", "X-Auth-Request-Email"),
        message: "X-Auth-Request-* are response headers",
      },
      {
        title: "X-Auth-Request-User as the name header: the fix names the preferred username",
        mutate: (d) => withEnv(webui(d), "WEBUI_AUTH_TRUSTED_NAME_HEADER", "X-Auth-Request-User"),
        message: "Fix: WEBUI_AUTH_TRUSTED_NAME_HEADER=X-Forwarded-Preferred-Username.",
      },
      {
        title: "X-Auth-Request-Email: the fix names the header to use",
        mutate: (d) => withEnv(webui(d), "WEBUI_AUTH_TRUSTED_EMAIL_HEADER", "X-Auth-Request-Email"),
        message: "Fix: WEBUI_AUTH_TRUSTED_EMAIL_HEADER=X-Forwarded-Email.",
      },
      {
        title: "prefer-email-to-user: the fix removes it",
        mutate: (d) => withEnv(proxy(d), "OAUTH2_PROXY_PREFER_EMAIL_TO_USER", "true"),
        message: "Fix: remove OAUTH2_PROXY_PREFER_EMAIL_TO_USER",
      },
      {
        title: "prefer-email-to-user drops X-Forwarded-Email",
        mutate: (d) => withEnv(proxy(d), "OAUTH2_PROXY_PREFER_EMAIL_TO_USER", "true"),
        message: "prefer-email-to-user stops oauth2-proxy sending X-Forwarded-Email",
      },
      {
        title: "user headers switched off",
        mutate: (d) => {
          withEnv(proxy(d), "OAUTH2_PROXY_PASS_USER_HEADERS", "false");
          withEnv(proxy(d), "OAUTH2_PROXY_PASS_BASIC_AUTH", "false");
        },
        message: "pass-user-headers and pass-basic-auth are both off",
      },
      {
        title: "ALB header with a proxy in the task",
        mutate: (d) => withEnv(webui(d), "WEBUI_AUTH_TRUSTED_EMAIL_HEADER", "x-amzn-oidc-identity"),
        message: "only sends",
      },
      {
        title: "header name hidden in secrets",
        mutate: (d) => {
          withoutEnv(webui(d), "WEBUI_AUTH_TRUSTED_EMAIL_HEADER");
          withSecret(webui(d), "WEBUI_AUTH_TRUSTED_EMAIL_HEADER");
        },
        message: "comes from secrets",
      },
    ],
  ],
  [
    tp.openwebuiTrustedHeaderRequiresProxy,
    [{ title: "no oauth2-proxy in the task", mutate: (d) => void d.splice(1, 1), message: "has no oauth2-proxy container" }],
  ],
  [
    tp.oauth2ProxySkipAuthRoutesAllowlist,
    [
      {
        title: "Open WebUI: the old SCIM route",
        mutate: (d) => withEnv(proxy(d), "OAUTH2_PROXY_SKIP_AUTH_ROUTES", "^/api/v1/scim/v2/"),
        message: "lets requests reach Open WebUI (container openwebui) without signing in",
      },
      {
        title: "Open WebUI: the signup POST",
        mutate: (d) => withEnv(proxy(d), "OAUTH2_PROXY_SKIP_AUTH_ROUTES", "POST=^/api/v1/auths/signup$"),
        message: "lets requests reach Open WebUI",
      },
      {
        title: "Open WebUI: even n8n's allowlisted route",
        mutate: (d) => withCommand(proxy(d), "--skip-auth-route", "POST=^/api/v1/users$"),
        message: "lets requests reach Open WebUI",
      },
      {
        title: "Open WebUI: deprecated skip-auth-regex",
        mutate: (d) => withEnv(proxy(d), "OAUTH2_PROXY_SKIP_AUTH_REGEX", "^/.*"),
        message: "OAUTH2_PROXY_SKIP_AUTH_REGEX",
      },
      {
        title: "n8n: unanchored route",
        task: n8n,
        mutate: (d) => withEnv(proxy(d), "OAUTH2_PROXY_SKIP_AUTH_ROUTES", "POST=/api/v1/users"),
        message: "is not anchored",
      },
      {
        title: "n8n: every method of the invitation route",
        task: n8n,
        mutate: (d) => withEnv(proxy(d), "OAUTH2_PROXY_SKIP_AUTH_ROUTES", "^/api/v1/users$"),
        message: "is not on the allowlist",
      },
      {
        title: "n8n: second route in a comma list",
        task: n8n,
        mutate: (d) => withEnv(proxy(d), "OAUTH2_PROXY_SKIP_AUTH_ROUTES", "POST=^/api/v1/users$,^/rest/owner/setup"),
        message: '"^/rest/owner/setup"',
      },
      {
        title: "n8n: negated method",
        task: n8n,
        mutate: (d) => withEnv(proxy(d), "OAUTH2_PROXY_SKIP_AUTH_ROUTES", "GET!=^/api/v1/users$"),
        message: "is not on the allowlist",
      },
      {
        title: "n8n: singular env name",
        task: n8n,
        mutate: (d) => withEnv(proxy(d), "OAUTH2_PROXY_SKIP_AUTH_ROUTE", "^/"),
        message: "OAUTH2_PROXY_SKIP_AUTH_ROUTE)",
      },
      { title: "n8n: flag with =", task: n8n, mutate: (d) => withCommand(proxy(d), "--skip-auth-route=^/api/"), message: "(--skip-auth-route)" },
      { title: "n8n: flag with separate value", task: n8n, mutate: (d) => withCommand(proxy(d), "--skip-auth-route", "^/api/"), message: '"^/api/"' },
      {
        title: "n8n: routes hidden in secrets",
        task: n8n,
        mutate: (d) => withSecret(withoutEnv(proxy(d), "OAUTH2_PROXY_SKIP_AUTH_ROUTES"), "OAUTH2_PROXY_SKIP_AUTH_ROUTES"),
        message: "could not be checked against the skip-auth allowlist",
      },
    ],
  ],
  [
    tp.ecsNoPlaintextSecrets,
    [
      {
        title: "client secret as literal env",
        mutate: (d) => withEnv(proxy(d), "OAUTH2_PROXY_CLIENT_SECRET", "s3cr3t"),
        message: "OAUTH2_PROXY_CLIENT_SECRET has a literal value",
      },
      { title: "*_TOKEN literal", mutate: (d) => withEnv(webui(d), "GITHUB_TOKEN", "abc123"), message: "GITHUB_TOKEN" },
      { title: "*_API_KEY literal", mutate: (d) => withEnv(webui(d), "OPENAI_API_KEY", "sk-abc"), message: "OPENAI_API_KEY" },
      { title: "*_PASSWORD literal", mutate: (d) => withEnv(webui(d), "SMTP_PASSWORD", "pw"), message: "SMTP_PASSWORD" },
      {
        title: "DATABASE_URL with a password",
        mutate: (d) => withEnv(webui(d), "DATABASE_URL", "postgresql://openwebui:pa55@db.internal:5432/openwebui"),
        message: "DATABASE_URL in the environment of container openwebui embeds a password",
      },
      {
        title: "cookie secret on the command line",
        mutate: (d) => withCommand(proxy(d), "--cookie-secret=0123456789abcdef0123456789abcdef"),
        message: "--cookie-secret has a literal value on the command line",
      },
    ],
  ],
  [
    tp.openwebuiSignupDisabled,
    [
      {
        title: "ENABLE_SIGNUP=true (the guide's golden value)",
        mutate: (d) => withEnv(webui(d), "ENABLE_SIGNUP", "true"),
        message: 'ENABLE_SIGNUP="true" beside trusted-header sign-in',
      },
      {
        title: "ENABLE_SIGNUP=True (Open WebUI lower-cases it)",
        mutate: (d) => withEnv(webui(d), "ENABLE_SIGNUP", "True"),
        message: "create accounts for other people's email addresses",
      },
      { title: "ENABLE_SIGNUP=TRUE", mutate: (d) => withEnv(webui(d), "ENABLE_SIGNUP", "TRUE"), message: 'ENABLE_SIGNUP="TRUE"' },
      {
        title: "ENABLE_SIGNUP from secrets",
        mutate: (d) => {
          withoutEnv(webui(d), "ENABLE_SIGNUP");
          withSecret(webui(d), "ENABLE_SIGNUP");
        },
        message: "ENABLE_SIGNUP comes from secrets",
      },
      { title: "ENABLE_SIGNUP unknown until deploy", mutate: (d) => withEnv(webui(d), "ENABLE_SIGNUP", UNKNOWN), message: "could not be checked" },
    ],
  ],
  [
    tp.openwebuiDefaultUserRole,
    [
      { title: "pending", mutate: (d) => withEnv(webui(d), "DEFAULT_USER_ROLE", "pending"), message: "Account activation pending", level: "advisory" },
      { title: "unset (defaults to pending)", mutate: (d) => withoutEnv(webui(d), "DEFAULT_USER_ROLE"), message: "defaults to pending", level: "advisory" },
      { title: "admin", mutate: (d) => withEnv(webui(d), "DEFAULT_USER_ROLE", "admin"), message: "every new user becomes an administrator" },
    ],
  ],
  [
    tp.openwebuiSignoutRedirect,
    [
      { title: "missing", mutate: (d) => withoutEnv(webui(d), "WEBUI_AUTH_SIGNOUT_REDIRECT_URL"), message: "is not set" },
      {
        title: "not through /oauth2/sign_out",
        mutate: (d) => withEnv(webui(d), "WEBUI_AUTH_SIGNOUT_REDIRECT_URL", "https://auth.pluto.example.com/logout"),
        message: "does not go through /oauth2/sign_out",
      },
      { title: "no rd", mutate: (d) => withEnv(webui(d), "WEBUI_AUTH_SIGNOUT_REDIRECT_URL", "/oauth2/sign_out"), message: "has no rd=" },
      {
        title: "rd not encoded",
        mutate: (d) =>
          withEnv(
            webui(d),
            "WEBUI_AUTH_SIGNOUT_REDIRECT_URL",
            "/oauth2/sign_out?rd=https://auth.pluto.example.com/logout?client_id=abc&logout_uri=https://pluto.example.com",
          ),
        message: "is not URL-encoded",
      },
      {
        title: "logout_uri encoded only once in all (single-encoded inside rd)",
        mutate: (d) => withEnv(webui(d), "WEBUI_AUTH_SIGNOUT_REDIRECT_URL", SINGLE_ENCODED_SIGNOUT_URL),
        message: "logout_uri is not URL-encoded inside rd",
      },
      {
        title: "logout_uri encoded three times",
        mutate: (d) => withEnv(webui(d), "WEBUI_AUTH_SIGNOUT_REDIRECT_URL", SIGNOUT_URL.replace("%253A%252F%252F", "%25253A%25252F%25252F")),
        message: "logout_uri is encoded one time too many",
      },
    ],
  ],
  [
    tp.openwebuiTrustedHeaderMinVersion,
    [
      {
        title: "v0.6.30 (the guide's image)",
        mutate: (d) => void (webui(d).image = "ghcr.io/open-webui/open-webui:v0.6.30"),
        message: "is Open WebUI 0.6.30, older than 0.8",
      },
      { title: "0.7.2-cuda", mutate: (d) => void (webui(d).image = "ghcr.io/open-webui/open-webui:0.7.2-cuda"), message: "upstream issue #21016" },
    ],
  ],
  [
    tp.ecsNoHiddenSettings,
    [
      {
        title: "environmentFiles on Open WebUI",
        mutate: (d) => void (webui(d).environmentFiles = [{ value: "arn:aws:s3:::pluto-config/openwebui.env", type: "s3" }]),
        message: "reads environment files (arn:aws:s3:::pluto-config/openwebui.env)",
      },
      {
        title: "environmentFiles on the proxy",
        mutate: (d) => void (proxy(d).environmentFiles = [{ value: "arn:aws:s3:::b/p.env", type: "s3" }]),
        message: "Container oauth2-proxy reads environment files",
      },
      {
        title: "oauth2-proxy --config file",
        mutate: (d) => withCommand(proxy(d), "--config", "/etc/oauth2-proxy.cfg"),
        message: "--config /etc/oauth2-proxy.cfg in container oauth2-proxy",
      },
      {
        title: "oauth2-proxy --alpha-config=file",
        mutate: (d) => withCommand(proxy(d), "--alpha-config=/etc/alpha.yaml"),
        message: "--alpha-config /etc/alpha.yaml",
      },
    ],
  ],
  [
    tp.oauth2ProxyNoOidcEmailClaim,
    [
      {
        title: "OIDC_EMAIL_CLAIM env (the default said out loud: advisory)",
        mutate: (d) => withEnv(proxy(d), "OAUTH2_PROXY_OIDC_EMAIL_CLAIM", "email"),
        message: "OAUTH2_PROXY_OIDC_EMAIL_CLAIM",
        level: "advisory",
      },
      {
        title: "USER_ID_CLAIM env (the guide's working pattern)",
        mutate: (d) => withEnv(proxy(d), "OAUTH2_PROXY_USER_ID_CLAIM", "email"),
        message: "OAUTH2_PROXY_USER_ID_CLAIM",
        level: "advisory",
      },
      { title: "flag", mutate: (d) => withCommand(proxy(d), "--oidc-email-claim=mail"), message: "--oidc-email-claim=mail" },
    ],
  ],
  [
    tp.oauth2ProxyNoXauthrequest,
    [
      { title: "env true", mutate: (d) => withEnv(proxy(d), "OAUTH2_PROXY_SET_XAUTHREQUEST", "true"), message: "response headers" },
      { title: "flag", mutate: (d) => withCommand(proxy(d), "--set-xauthrequest"), message: "--set-xauthrequest" },
    ],
  ],
  [
    tp.ecsImagePinned,
    [
      { title: ":latest", mutate: (d) => void (webui(d).image = "ghcr.io/open-webui/open-webui:latest"), message: "floating tag :latest" },
      { title: ":main", mutate: (d) => void (webui(d).image = "ghcr.io/open-webui/open-webui:main"), message: "floating tag :main" },
      {
        title: ":main-latest (a compound moving tag)",
        mutate: (d) => void (webui(d).image = "ghcr.io/berriai/litellm:main-latest"),
        message: "floating tag :main-latest",
      },
      { title: ":stable", mutate: (d) => void (proxy(d).image = "quay.io/oauth2-proxy/oauth2-proxy:stable"), message: "floating tag :stable" },
      { title: "no tag", mutate: (d) => void (proxy(d).image = "quay.io/oauth2-proxy/oauth2-proxy"), message: "has no tag" },
      { title: "registry port but no tag", mutate: (d) => void (proxy(d).image = "registry.internal:5000/oauth2-proxy"), message: "has no tag" },
      { title: "no image", mutate: (d) => void ((webui(d) as Partial<EcsContainerDefinition>).image = undefined), message: "has no image" },
    ],
  ],
];

for (const [policy, cases] of FAILING) cases.push(...(MORE_FAILING_OLD[policy.name] ?? []));
FAILING.push(...MORE_FAILING);

describe("task policies (per policy, every resource shape)", () => {
  it("covers every task policy of rules.ts, in its order", () => {
    expect(tp.taskPolicies.map((p) => p.name)).to.deep.equal(TASK_POLICIES.map((p) => p.name));
    expect(FAILING.map(([p]) => p.name)).to.have.members(TASK_POLICIES.map((p) => p.name));
  });

  for (const [policy, cases] of FAILING) {
    describe(`#${policy.name} (${policy.enforcementLevel})`, () => {
      for (const shape of SHAPES) {
        it(`passes the golden tasks (${shape})`, async () => {
          await assertNoViolations(policy, [resourceOf(shape, goldenDefinitions()), resourceOf(shape, n8n())]);
        });
      }
      for (const c of cases) {
        it(`fails: ${c.title}`, async () => {
          for (const shape of SHAPES) {
            const defs = (c.task ?? goldenDefinitions)();
            c.mutate(defs);
            await assertHasViolation(policy, [resourceOf(shape, defs)], { message: c.message, level: c.level });
          }
        });
      }
    });
  }
});

/** Settings that look close to a forbidden one but are fine; each must leave every policy quiet. */
const PASSING: [string, (d: Defs) => void, (() => Defs)?][] = [
  ["PREFER_EMAIL_TO_USER=false", (d) => withEnv(proxy(d), "OAUTH2_PROXY_PREFER_EMAIL_TO_USER", "false")],
  ["PREFER_EMAIL_TO_USER=No (case-insensitive)", (d) => withEnv(proxy(d), "OAUTH2_PROXY_PREFER_EMAIL_TO_USER", "No")],
  ["PREFER_EMAIL_TO_USER=0", (d) => withEnv(proxy(d), "OAUTH2_PROXY_PREFER_EMAIL_TO_USER", "0")],
  ["PREFER_EMAIL_TO_USER empty (viper treats it as unset)", (d) => withEnv(proxy(d), "OAUTH2_PROXY_PREFER_EMAIL_TO_USER", "")],
  ["--prefer-email-to-user=false", (d) => withCommand(proxy(d), "--prefer-email-to-user=false")],
  ["SKIP_AUTH_STRIP_HEADERS=true (the default, said out loud)", (d) => withEnv(proxy(d), "OAUTH2_PROXY_SKIP_AUTH_STRIP_HEADERS", "true")],
  ["SKIP_AUTH_STRIP_HEADERS empty (viper treats it as unset)", (d) => withEnv(proxy(d), "OAUTH2_PROXY_SKIP_AUTH_STRIP_HEADERS", "")],
  ["--skip-auth-strip-headers false (pflag: a separate false leaves the flag on)", (d) => withCommand(proxy(d), "--skip-auth-strip-headers", "false")],
  ["SET_AUTHORIZATION_HEADER=false", (d) => withEnv(proxy(d), "OAUTH2_PROXY_SET_AUTHORIZATION_HEADER", "false")],
  ["--pass-authorization-header=false", (d) => withCommand(proxy(d), "--pass-authorization-header=false")],
  [
    "BASIC_AUTH_PASSWORD with PASS_BASIC_AUTH=false (never sent)",
    (d) => withSecret(withEnv(proxy(d), "OAUTH2_PROXY_PASS_BASIC_AUTH", "false"), "OAUTH2_PROXY_BASIC_AUTH_PASSWORD"),
  ],
  ["REVERSE_PROXY=false", (d) => withEnv(proxy(d), "OAUTH2_PROXY_REVERSE_PROXY", "false")],
  ["--reverse-proxy=false", (d) => withCommand(proxy(d), "--reverse-proxy=false")],
  ["TRUSTED_PROXY_IPS without reverse-proxy (never used)", (d) => withEnv(proxy(d), "OAUTH2_PROXY_TRUSTED_PROXY_IPS", "10.0.0.0/16")],
  ["TRUSTED_IPS empty (viper treats it as unset)", (d) => withEnv(proxy(d), "OAUTH2_PROXY_TRUSTED_IPS", "")],
  ["ENABLE_SIGNUP unset (Open WebUI closes it after the first account)", (d) => withoutEnv(webui(d), "ENABLE_SIGNUP")],
  ["ENABLE_SIGNUP=False", (d) => withEnv(webui(d), "ENABLE_SIGNUP", "False")],
  [
    "trusted headers in lower case",
    (d) =>
      withEnv(withEnv(webui(d), "WEBUI_AUTH_TRUSTED_EMAIL_HEADER", "x-forwarded-email"), "WEBUI_AUTH_TRUSTED_NAME_HEADER", "x-forwarded-preferred-username"),
  ],
  ["PASS_USER_HEADERS=false but pass-basic-auth (default true) still sends them", (d) => withEnv(proxy(d), "OAUTH2_PROXY_PASS_USER_HEADERS", "false")],
  ["name header X-Forwarded-User (sent, if a UUID)", (d) => withEnv(webui(d), "WEBUI_AUTH_TRUSTED_NAME_HEADER", "X-Forwarded-User")],
  ["n8n: the invitation route, method in lower case", (d) => withEnv(proxy(d), "OAUTH2_PROXY_SKIP_AUTH_ROUTES", " post=^/api/v1/users$"), n8n],
  [
    "n8n: the invitation route as a flag",
    (d) => withCommand(withoutEnv(proxy(d), "OAUTH2_PROXY_SKIP_AUTH_ROUTES"), "--skip-auth-route", "POST=^/api/v1/users$"),
    n8n,
  ],
  ["DATABASE_URL without a password", (d) => withEnv(webui(d), "REDIS_URL", "redis://cache.internal:6379/0")],
  ["a *_TOKEN switch (PASS_ACCESS_TOKEN=false)", (d) => withEnv(proxy(d), "OAUTH2_PROXY_PASS_ACCESS_TOKEN", "false")],
  ["image pinned by digest (release unknown: no version finding)", (d) => void (webui(d).image = "ghcr.io/open-webui/open-webui@sha256:" + "a".repeat(64))],
  ["Open WebUI 1.0 is new enough", (d) => void (webui(d).image = "ghcr.io/open-webui/open-webui:v1.0.0")],
  // An old Open WebUI without trusted headers (not the min-version rule's business) is below its
  // security floor: tests/policies/floors.spec.ts checks that case with the floor policy off.
  ["oauth2-proxy renamed (found by image)", (d) => void (proxy(d).name = "auth-sidecar")],
  ["an empty environmentFiles list", (d) => void (webui(d).environmentFiles = [])],
  [
    "absolute sign-out URL through /oauth2/sign_out",
    (d) =>
      withEnv(webui(d), "WEBUI_AUTH_SIGNOUT_REDIRECT_URL", "https://pluto.example.com" + "/oauth2/sign_out?rd=https%3A%2F%2Fauth.pluto.example.com%2Flogout"),
  ],
];

PASSING.push(...MORE_PASSING);

describe("task policies: near misses stay quiet", () => {
  for (const [title, mutate, task] of PASSING) {
    it(`no violation: ${title}`, async () => {
      const defs = (task ?? goldenDefinitions)();
      mutate(defs);
      for (const policy of tp.taskPolicies)
        await assertNoViolations(
          policy,
          SHAPES.map((shape) => resourceOf(shape, defs)),
        );
    });
  }
});
