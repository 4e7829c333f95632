/**
 * Failing and passing mutations of the golden tasks for the policies that decide by what a
 * container is configured to do (identity), oauth2-proxy's dangerous options, the email-domain
 * wildcard, the security floors and the trusted groups/role headers, plus the gaps a mutation audit
 * found in older ones. taskPolicies.spec.ts runs each against every resource shape.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import * as tp from "../../policies/taskPolicies";
import { EcsContainerDefinition, goldenDefinitions, goldenN8nDefinitions, withCommand, withEnv, withSecret } from "../fixtures/policies/golden";

type Defs = EcsContainerDefinition[];
const webui = (d: Defs) => d[0];
const proxy = (d: Defs) => d[1];
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface Case {
  title: string;
  mutate: (d: Defs) => void;
  message: string;
  task?: () => Defs;
  level?: "mandatory" | "advisory";
}

/** The golden proxy as a private-registry image configured by flags only, no OAUTH2_PROXY_* variable. */
function flagsOnlyProxy(d: Defs, ...extra: string[]): void {
  const p = proxy(d);
  p.image = "registry.internal:5000/auth/sidecar:v7.15.3";
  p.environment = [];
  p.secrets = [];
  p.command = ["--provider=oidc", "--upstream=http://127.0.0.1:8080/", "--http-address=0.0.0.0:4180", "--email-domain=example.com", ...extra];
}

export const MORE_FAILING: [ResourceValidationPolicy, Case[]][] = [
  [
    tp.ecsTaskIdentity,
    [
      {
        title: 'a container starts a program computed at run time (sh -c "$START")',
        mutate: (d) => d.push({ name: "helper", image: "alpine:3.20", environment: [], secrets: [], command: ["sh", "-c", "$START"] }),
        message: "starts a program computed at run time",
      },
      {
        title: "a decoy carries the proxy's environment but runs something else",
        mutate: (d) => d.push({ ...proxy(goldenDefinitions()), name: "decoy", image: "alpine:3.20", command: ["sleep", "infinity"] }),
        message: "Container decoy carries oauth2-proxy settings",
      },
      {
        title: "an image unknown until deploy that says nothing about itself",
        mutate: (d) => d.push({ name: "mystery", image: UNKNOWN, environment: [], secrets: [] }),
        message: "cannot be told whether it stands in the sign-in path",
      },
    ],
  ],
  [
    tp.oauth2ProxyDangerousOptions,
    [
      { title: "SKIP_JWT_BEARER_TOKENS=true", mutate: (d) => withEnv(proxy(d), "OAUTH2_PROXY_SKIP_JWT_BEARER_TOKENS", "true"), message: "PreSignUp" },
      { title: "--skip-jwt-bearer-tokens", mutate: (d) => withCommand(proxy(d), "--skip-jwt-bearer-tokens"), message: "--skip-jwt-bearer-tokens in container" },
      {
        title: "--extra-jwt-issuers",
        mutate: (d) => withCommand(proxy(d), "--extra-jwt-issuers=https://accounts.google.com=abc"),
        message: "bearer tokens from those other issuers",
      },
      { title: "SKIP_AUTH_PREFLIGHT", mutate: (d) => withEnv(proxy(d), "OAUTH2_PROXY_SKIP_AUTH_PREFLIGHT", "true"), message: "every OPTIONS request" },
      {
        title: "INSECURE_OIDC_ALLOW_UNVERIFIED_EMAIL",
        mutate: (d) => withEnv(proxy(d), "OAUTH2_PROXY_INSECURE_OIDC_ALLOW_UNVERIFIED_EMAIL", "true"),
        message: "has not verified",
      },
      {
        title: "INSECURE_OIDC_SKIP_ISSUER_VERIFICATION",
        mutate: (d) => withEnv(proxy(d), "OAUTH2_PROXY_INSECURE_OIDC_SKIP_ISSUER_VERIFICATION", "1"),
        message: "configured issuer",
      },
      { title: "SSL_INSECURE_SKIP_VERIFY", mutate: (d) => withEnv(proxy(d), "OAUTH2_PROXY_SSL_INSECURE_SKIP_VERIFY", "true"), message: "TLS certificate" },
      { title: "HTPASSWD_FILE", mutate: (d) => withEnv(proxy(d), "OAUTH2_PROXY_HTPASSWD_FILE", "/etc/htpasswd"), message: "password form" },
      { title: "COOKIE_SECURE=false", mutate: (d) => withEnv(proxy(d), "OAUTH2_PROXY_COOKIE_SECURE", "false"), message: "plain HTTP" },
      { title: "--cookie-httponly=false", mutate: (d) => withCommand(proxy(d), "--cookie-httponly=false"), message: "page scripts can read" },
      {
        title: "a value computed by the shell counts as set",
        mutate: (d) => withCommand(proxy(d), "sh", "-c", "exec oauth2-proxy --skip-auth-preflight=$PREFLIGHT"),
        message: "its value cannot be read, so it counts as set",
      },
      {
        title: "from secrets counts as set",
        mutate: (d) => withSecret(proxy(d), "OAUTH2_PROXY_SKIP_JWT_BEARER_TOKENS"),
        message: "OAUTH2_PROXY_SKIP_JWT_BEARER_TOKENS (from secrets)",
      },
      {
        title: "an oauth2-proxy known only by its flags",
        mutate: (d) => flagsOnlyProxy(d, "--skip-jwt-bearer-tokens"),
        message: "--skip-jwt-bearer-tokens in container oauth2-proxy",
      },
      {
        title: "PASS_ACCESS_TOKEN (advisory)",
        mutate: (d) => withEnv(proxy(d), "OAUTH2_PROXY_PASS_ACCESS_TOKEN", "true"),
        message: "X-Forwarded-Access-Token",
        level: "advisory",
      },
      {
        title: "a provider other than oidc (advisory)",
        mutate: (d) => withEnv(proxy(d), "OAUTH2_PROXY_PROVIDER", "google"),
        message: "without the user pool",
        level: "advisory",
      },
    ],
  ],
  [
    tp.oauth2ProxyEmailDomainAny,
    [
      { title: "EMAIL_DOMAINS=*", mutate: (d) => withEnv(proxy(d), "OAUTH2_PROXY_EMAIL_DOMAINS", "*"), message: "any Google account" },
      { title: "* inside a list", mutate: (d) => withEnv(proxy(d), "OAUTH2_PROXY_EMAIL_DOMAINS", "example.com, *"), message: "any Google account" },
      { title: "--email-domain=*", mutate: (d) => withCommand(proxy(d), "--email-domain=*"), message: "--email-domain" },
      { title: "from secrets", mutate: (d) => withSecret(proxy(d), "OAUTH2_PROXY_EMAIL_DOMAIN"), message: "cannot be read" },
    ],
  ],
  [
    tp.imageSecurityFloor,
    [
      {
        title: "Open WebUI v0.8.2 (the old pin)",
        mutate: (d) => void (webui(d).image = "ghcr.io/open-webui/open-webui:v0.8.2"),
        message: "Open WebUI 0.8.2, below its security floor 0.11.1",
      },
      {
        title: "n8n 2.18.0 (CVE-2026-42228)",
        mutate: (d) => void (d[0].image = "docker.n8n.io/n8nio/n8n:2.18.0"),
        message: "CVE-2026-42228",
        task: goldenN8nDefinitions,
      },
      { title: "oauth2-proxy v7.14.0", mutate: (d) => void (proxy(d).image = "quay.io/oauth2-proxy/oauth2-proxy:v7.14.0"), message: "GHSA-7x63-xv5r-3p2x" },
      {
        title: "a private-registry copy of Open WebUI, known by its settings",
        mutate: (d) => void (webui(d).image = "registry.internal/chat/ui:0.10.2"),
        message: "runs Open WebUI 0.10.2",
      },
      {
        title: "a tag with a digest still names its release",
        mutate: (d) => void (webui(d).image = "ghcr.io/open-webui/open-webui:v0.9.5@sha256:" + "b".repeat(64)),
        message: "Open WebUI 0.9.5",
      },
      {
        title: "LiteLLM below 1.84.0 (inside the task: advisory)",
        mutate: (d) => d.push({ name: "gateway", image: "ghcr.io/berriai/litellm:v1.80.11-stable.1", environment: [], secrets: [] }),
        message: "CVE-2026-49468",
        level: "advisory",
      },
    ],
  ],
  [
    tp.openwebuiTrustedGroupsHeader,
    [
      {
        title: "a role header (oauth2-proxy sets none)",
        mutate: (d) => withEnv(webui(d), "WEBUI_AUTH_TRUSTED_ROLE_HEADER", "X-Forwarded-Role"),
        message: "become an administrator",
      },
      {
        title: "a groups header oauth2-proxy does not set",
        mutate: (d) => withEnv(webui(d), "WEBUI_AUTH_TRUSTED_GROUPS_HEADER", "X-Groups"),
        message: "no oauth2-proxy in front of it sets X-Groups",
      },
      {
        title: "X-Forwarded-Groups while the proxy keeps the client's copy",
        mutate: (d) => {
          withEnv(webui(d), "WEBUI_AUTH_TRUSTED_GROUPS_HEADER", "X-Forwarded-Groups");
          withEnv(proxy(d), "OAUTH2_PROXY_SKIP_AUTH_STRIP_HEADERS", "false");
        },
        message: "keeps the client's own X-Forwarded-Groups",
      },
      {
        title: "a groups header from secrets",
        mutate: (d) => withSecret(webui(d), "WEBUI_AUTH_TRUSTED_GROUPS_HEADER"),
        message: "comes from secrets",
      },
    ],
  ],
  [
    tp.appListensOnLoopback,
    [
      {
        title: "Open WebUI on every address (start.sh's default 0.0.0.0)",
        mutate: (d) => withEnv(webui(d), "HOST", "0.0.0.0"),
        message: 'listens on HOST="0.0.0.0", every address of the task',
        level: "advisory",
      },
      {
        title: "Open WebUI with HOST unset",
        mutate: (d) => void (webui(d).environment = webui(d).environment.filter((e) => e.name !== "HOST")),
        message: '"0.0.0.0" (HOST unset)',
        level: "advisory",
      },
      {
        title: "n8n on its default '::'",
        task: goldenN8nDefinitions,
        mutate: (d) => void (d[0].environment = d[0].environment.filter((e) => e.name !== "N8N_LISTEN_ADDRESS")),
        message: "(N8N_LISTEN_ADDRESS unset)",
        level: "advisory",
      },
    ],
  ],
  [
    tp.n8nWorkflowsCannotReadSecrets,
    [
      {
        title: "n8n's Code nodes may read the environment",
        task: goldenN8nDefinitions,
        mutate: (d) => withEnv(d[0], "N8N_BLOCK_ENV_ACCESS_IN_NODE", "false"),
        message: 'N8N_BLOCK_ENV_ACCESS_IN_NODE="false" lets every expression and Code node read',
      },
      {
        title: "the Execute Command node back in",
        task: goldenN8nDefinitions,
        mutate: (d) => withEnv(d[0], "NODES_EXCLUDE", '["n8n-nodes-base.localFileTrigger"]'),
        message: "no longer excludes n8n-nodes-base.executeCommand",
      },
      {
        title: "an unreadable NODES_EXCLUDE",
        task: goldenN8nDefinitions,
        mutate: (d) => withEnv(d[0], "NODES_EXCLUDE", "executeCommand"),
        message: "is not a JSON list",
      },
      {
        title: "the switch from secrets",
        task: goldenN8nDefinitions,
        mutate: (d) => withSecret(d[0], "N8N_BLOCK_ENV_ACCESS_IN_NODE"),
        message: "comes from secrets",
      },
    ],
  ],
];

/** Extra failing cases for older policies: each closes a gap the mutation audit found or item 20 names. */
export const MORE_FAILING_OLD: Record<string, Case[]> = {
  "openwebui-no-webui-auth": [
    { title: 'WEBUI_AUTH="0"', mutate: (d) => withEnv(webui(d), "WEBUI_AUTH", "0"), message: "single-user mode" },
    { title: 'WEBUI_AUTH="no"', mutate: (d) => withEnv(webui(d), "WEBUI_AUTH", "no"), message: "single-user mode" },
    { title: 'WEBUI_AUTH="False " (trailing space)', mutate: (d) => withEnv(webui(d), "WEBUI_AUTH", "False "), message: "single-user mode" },
    { title: 'WEBUI_AUTH=" TRUE"', mutate: (d) => withEnv(webui(d), "WEBUI_AUTH", " TRUE"), message: "true is already the default" },
  ],
  "openwebui-trusted-header-requires-proxy": [
    {
      title: "the proxy forwards to another port",
      mutate: (d) => withEnv(proxy(d), "OAUTH2_PROXY_UPSTREAMS", "http://127.0.0.1:9000/"),
      message: "forwards elsewhere than port 8080",
    },
    {
      title: "the only proxy is a decoy (settings, but runs sleep)",
      mutate: (d) => withCommand(proxy(d), "sleep", "infinity"),
      message: "carries proxy settings but runs something else",
    },
  ],
  "oauth2-proxy-skip-auth-routes-allowlist": [
    {
      title: "an oauth2-proxy from a private registry configured only by flags, skipping ^/",
      mutate: (d) => flagsOnlyProxy(d, "--skip-auth-route=^/"),
      message: "lets requests reach Open WebUI",
    },
    {
      title: "a decoy carrying the proxy's environment does not hide the real, flags-only proxy",
      mutate: (d) => {
        const decoy = { ...proxy(goldenDefinitions()), name: "decoy", image: "alpine:3.20", command: ["sleep", "infinity"] };
        flagsOnlyProxy(d, "--skip-auth-route=^/");
        d.push(decoy);
      },
      message: 'Skip-auth route "^/" (--skip-auth-route) in container oauth2-proxy',
    },
  ],
  "ecs-no-hidden-settings": [
    {
      title: "oauth2-proxy options from a shell variable",
      mutate: (d) => withCommand(proxy(d), "sh", "-c", "exec oauth2-proxy $EXTRA_FLAGS"),
      message: "words computed at run time",
    },
    {
      title: "oauth2-proxy options after a command substitution",
      mutate: (d) => withCommand(proxy(d), "sh", "-c", "exec oauth2-proxy $(cat /flags)"),
      message: "words computed at run time",
    },
  ],
  "ecs-no-plaintext-secrets": [
    {
      title: "n8n's N8N_ENCRYPTION_KEY",
      mutate: (d) => withEnv(d[0], "N8N_ENCRYPTION_KEY", "s3cr3t-k3y-material"),
      message: "N8N_ENCRYPTION_KEY",
      task: goldenN8nDefinitions,
    },
    { title: "PGPASSWORD", mutate: (d) => withEnv(webui(d), "PGPASSWORD", "hunter2hunter2"), message: "PGPASSWORD has a literal value" },
    { title: "DB_POSTGRESDB_PASSWORD", mutate: (d) => withEnv(webui(d), "DB_POSTGRESDB_PASSWORD", "hunter2"), message: "DB_POSTGRESDB_PASSWORD" },
    {
      title: "AWS_SECRET_ACCESS_KEY",
      mutate: (d) => withEnv(webui(d), "AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
      message: "AWS_SECRET_ACCESS_KEY",
    },
    {
      title: "a value shaped like an API key under any name",
      mutate: (d) => withEnv(webui(d), "MODEL_CONFIG", "sk-proj-abcdefghijklmnopqrstuvwx"),
      message: "shaped like a credential",
    },
    {
      title: "a secret's ARN in environment (the app would use the ARN text)",
      mutate: (d) => withEnv(webui(d), "WEBUI_SECRET_KEY", "arn:aws:secretsmanager:us-west-2:123456789012:secret:pluto/webui-AbCdEf"),
      message: "is the ARN of a secret, not the secret",
    },
  ],
  "openwebui-default-user-role": [
    { title: "from secrets (could say admin)", mutate: (d) => withSecret(webui(d), "DEFAULT_USER_ROLE"), message: "if it is admin" },
    { title: "unknown until deploy", mutate: (d) => withEnv(webui(d), "DEFAULT_USER_ROLE", UNKNOWN), message: "not known until deploy" },
  ],
  "oauth2-proxy-no-oidc-email-claim": [
    { title: "the name claim", mutate: (d) => withEnv(proxy(d), "OAUTH2_PROXY_OIDC_EMAIL_CLAIM", "name"), message: "skips its email_verified check" },
    {
      title: "user-id-claim other than email",
      mutate: (d) => withCommand(proxy(d), "--user-id-claim=preferred_username"),
      message: "copied into the email claim",
    },
  ],
};

/** Settings close to a dangerous one but fine: each must leave every policy quiet. */
export const MORE_PASSING: [string, (d: Defs) => void, (() => Defs)?][] = [
  [
    "COOKIE_SECURE=true and SKIP_PROVIDER_BUTTON=true (safe options)",
    (d) => withEnv(withEnv(proxy(d), "OAUTH2_PROXY_COOKIE_SECURE", "true"), "OAUTH2_PROXY_SKIP_PROVIDER_BUTTON", "true"),
  ],
  ["SKIP_JWT_BEARER_TOKENS=false", (d) => withEnv(proxy(d), "OAUTH2_PROXY_SKIP_JWT_BEARER_TOKENS", "false")],
  ["an authenticated-emails file beside listed domains", (d) => withEnv(proxy(d), "OAUTH2_PROXY_AUTHENTICATED_EMAILS_FILE", "/allowed/emails.csv")],
  ["oidc-email-claim empty (unset)", (d) => withEnv(proxy(d), "OAUTH2_PROXY_OIDC_EMAIL_CLAIM", "")],
  ["an oauth2-proxy known only by its flags, set up safely", (d) => flagsOnlyProxy(d)],
  ["a literal shell script starting oauth2-proxy", (d) => withCommand(proxy(d), "sh", "-c", "exec oauth2-proxy --provider=oidc 'x y'")],
  ["the groups header oauth2-proxy sets and strips", (d) => withEnv(webui(d), "WEBUI_AUTH_TRUSTED_GROUPS_HEADER", "X-Forwarded-Groups")],
  ["Open WebUI v0.11.4, n8n 2.41.1 and oauth2-proxy v7.15.3 are above their floors", (d) => void (webui(d).image = "ghcr.io/open-webui/open-webui:v0.11.4")],
  ["n8n 2.41.1", (d) => void (d[0].image = "docker.n8n.io/n8nio/n8n:2.41.1"), goldenN8nDefinitions],
  [
    "n8n with env access blocked explicitly and a longer exclusion list",
    (d) => withEnv(withEnv(d[0], "N8N_BLOCK_ENV_ACCESS_IN_NODE", "true"), "NODES_EXCLUDE", '["n8n-nodes-base.executeCommand","n8n-nodes-base.ssh"]'),
    goldenN8nDefinitions,
  ],
  ["a key's ARN under a name that is no secret", (d) => withEnv(webui(d), "KMS_KEY_ARN", "arn:aws:kms:us-west-2:123456789012:key/abc")],
  ["a name with KEY that is no credential", (d) => withEnv(webui(d), "S3_KEY_PREFIX", "uploads/")],
  ["a switch named like a token", (d) => withEnv(webui(d), "ENABLE_API_KEY", "True")],
  [
    "a stack's own helper running a literal script",
    (d) => d.push({ name: "init", image: "alpine:3.20", environment: [], secrets: [], command: ["sh", "-c", 'echo "$GREETING"'] }),
  ],
];

export { goldenDefinitions };
