/**
 * The golden configuration: the one place that decides how Open WebUI and its oauth2-proxy
 * sidecar are configured (DESIGN.md, "The golden configuration"). Pure functions over plain
 * strings, so tests, the policy pack and `pluto doctor` can all reason about the same output.
 * Every setting was checked in the pinned upstream source: Open WebUI v0.11.4 and oauth2-proxy
 * v7.15.3. The Open WebUI repository is too large to copy whole, so its files were read one by
 * one from the 0.11 line (open-webui/open-webui, backend/open_webui/): routers/auths.py
 * (`signin`, `signup_handler`, `signup`, async since 0.9: `get_async_session`; the trusted-header
 * block as at 841c9045), utils/auth.py (`get_current_user`, `create_admin_user`), env.py
 * (trusted headers, WEBUI_ADMIN_* at 841c9045), backend/start.sh (HOST, PORT @059cf821), and the
 * open-webui/docs pages for 0.11 (1eea3847: reference/env-configuration.mdx,
 * troubleshooting/multi-replica.mdx, getting-started/advanced-topics/scaling.md,
 * features/authentication-access/auth/sso/index.mdx).
 *
 * What is deliberately absent matters as much as what is present:
 * - WEBUI_AUTH: unset and `true` are the same in Open WebUI; `false` is its single-user mode.
 * - SCIM: accounts are created by Open WebUI itself at first sign-in (a SCIM-created user has
 *   no `auth` row and can never sign in through trusted headers).
 * - OAUTH2_PROXY_REVERSE_PROXY: with it oauth2-proxy trusts the client's X-Forwarded-Uri for
 *   skip-auth decisions (pkg/requests/util/util.go GetRequestPath) and the ALB passes that
 *   header from the internet.
 * - Skip-auth routes on Open WebUI's proxy: every request to Open WebUI is signed in.
 * - OAUTH2_PROXY_PREFER_EMAIL_TO_USER: oauth2-proxy then stops sending X-Forwarded-Email.
 * - OAUTH2_PROXY_PASS_AUTHORIZATION_HEADER / BASIC_AUTH_PASSWORD: they overwrite Open WebUI's
 *   own `Authorization` JWT upstream; SET_AUTHORIZATION_HEADER puts the ID token in responses.
 * - OAUTH2_PROXY_SET_XAUTHREQUEST, OIDC_EMAIL_CLAIM, USER_ID_CLAIM, TRUSTED_IPS.
 * - WEBUI_AUTH_TRUSTED_ROLE_HEADER (new in the 0.10 line): `signin` sets the account's role
 *   (admin/user/pending) from that header at every sign-in; oauth2-proxy fills no such header,
 *   so naming one would hand the role to whoever can set it.
 * - ENABLE_PASSWORD_AUTH=false: `signin` then answers 403 before it reads the trusted header.
 */
import { AllowList } from "../functions/allowList";
import { UPSTREAM_TIMEOUT_SECONDS } from "../config/timeouts";
import { TRUSTED_GROUPS_HEADER } from "../config/groups";

/** Port Open WebUI listens on inside the task; reachable only from the sidecar over localhost. */
export const APP_PORT = 8080;
/** Port oauth2-proxy listens on; the only port the load balancer may reach. */
export const PROXY_PORT = 4180;
export const OAUTH2_PROXY_CONTAINER = "oauth2-proxy";

/**
 * The request header that carries the person's name. oauth2-proxy v7.15.3 fills it from the ID
 * token's `preferred_username` claim whenever user headers are passed
 * (pkg/apis/options/legacy_options.go getPreferredUsernameHeader); X-Forwarded-User is always the
 * `sub` (providers/provider_data.go), a UUID. The claim holds the percent-encoded name (see
 * functions/nameClaim.ts), which Open WebUI decodes (routers/auths.py signin: urllib.parse.unquote).
 */
export const TRUSTED_NAME_HEADER = "X-Forwarded-Preferred-Username";

/**
 * How often oauth2-proxy redeems the Cognito refresh token (pkg/middleware/stored_session.go
 * refreshSessionIfNeeded). A user disabled in Cognito fails the next refresh (`invalid_grant`
 * clears the session), so access ends within this interval; it stays below the one-hour lifetime
 * of Cognito's ID token so a session never runs on an expired one.
 */
export const COOKIE_REFRESH = "30m";

/** The non-essential init container that writes the single allowed emails for oauth2-proxy. */
export const ALLOWED_EMAILS_CONTAINER = "allowed-emails";
/** A small pinned image with a shell: oauth2-proxy's own image is distroless and cannot write the file. */
export const ALLOWED_EMAILS_IMAGE = "public.ecr.aws/docker/library/busybox:1.37.0";
/** Task-scoped bind mount (Fargate ephemeral storage) shared by the writer and oauth2-proxy. */
export const ALLOWED_EMAILS_VOLUME = "allowed-emails";
const ALLOWED_EMAILS_DIR = "/pluto/allow-list";
export const ALLOWED_EMAILS_FILE = `${ALLOWED_EMAILS_DIR}/emails.txt`;

/**
 * The page a person lands on after signing out: the load balancer answers it (no sign-in needed)
 * with "you are signed out" and a link to sign in again. Landing on the app instead would start a
 * new sign-in at once, and anyone still signed in to Google would be straight back in.
 */
export const SIGNED_OUT_PATH = "/signed-out";

/** The signed-out page of the app at `appUrl`: Cognito's logout_uri, one of the client's sign-out URLs. */
export function signedOutUrl(appUrl: string): string {
  return `${appUrl}${SIGNED_OUT_PATH}`;
}

export interface SignOutUrlArgs {
  /** Cognito hosted UI domain, e.g. auth.pluto.example.com. */
  authDomain: string;
  /** The Cognito app client id used by oauth2-proxy. */
  clientId: string;
  /** Where Cognito sends the user after logout (the app's `signedOutUrl`); must be one of the client's sign-out URLs. */
  appUrl: string;
}

/**
 * Sign-out chain: Open WebUI → oauth2-proxy's /oauth2/sign_out (clears its cookie) → Cognito's
 * /logout (ends the hosted-UI session) → the app's signed-out page. `rd` is encoded once for
 * oauth2-proxy, and Cognito's own `logout_uri` inside it is therefore encoded twice.
 */
export function signOutRedirectUrl({ authDomain, clientId, appUrl }: SignOutUrlArgs): string {
  const cognitoLogout = `https://${authDomain}/logout?client_id=${clientId}&logout_uri=${encodeURIComponent(appUrl)}`;
  return `/oauth2/sign_out?rd=${encodeURIComponent(cognitoLogout)}`;
}

export interface OpenWebUiEnvironmentArgs<V> {
  /** Public URL of the app, e.g. https://pluto.example.com. */
  appUrl: string;
  /** From `signOutRedirectUrl` (a deferred value while the client id is not yet known). */
  signOutRedirectUrl: V;
  /** The administrator Open WebUI creates on an empty database (WEBUI_ADMIN_EMAIL). */
  adminEmail: string;
  /** Extra settings (e.g. Redis for scale-out). They may not override a golden key; forbidden ones are refused by the policy check. */
  extra?: Record<string, V>;
  /** Apply the member's Cognito groups from X-Forwarded-Groups at sign-in (`pluto:groups`, config/groups.ts). Defaults to false. */
  trustedGroups?: boolean;
}

/**
 * Open WebUI's plain environment. Secrets (WEBUI_SECRET_KEY, DATABASE_URL, WEBUI_ADMIN_PASSWORD)
 * go through ECS `secrets`. Generic in the value type so the program can pass deferred values through.
 */
export function openWebUiEnvironment<V>(args: OpenWebUiEnvironmentArgs<V>): Record<string, string | V> {
  const golden: Record<string, string | V> = {
    WEBUI_URL: args.appUrl,
    // routers/auths.py `signin`: the header's value, lower-cased, is the account; an unknown one
    // gets user and auth rows through `signup_handler`. utils/auth.py `get_current_user` then
    // compares the (lower-cased) header on every request with the session's user: 401 "User
    // mismatch. Please sign in again." when another person's proxy session carries the old cookie.
    WEBUI_AUTH_TRUSTED_EMAIL_HEADER: "X-Forwarded-Email",
    WEBUI_AUTH_TRUSTED_NAME_HEADER: TRUSTED_NAME_HEADER,
    WEBUI_AUTH_SIGNOUT_REDIRECT_URL: args.signOutRedirectUrl,
    // Trusted-header sign-in creates accounts without consulting it (routers/auths.py
    // signup_handler); POST /api/v1/auths/signup refuses with 403 once a user exists unless both
    // ENABLE_SIGNUP and ENABLE_LOGIN_FORM are on, and left open would let any signed-in person
    // create accounts for other people's emails and get a session for them. A ConfigVar (config
    // key `ui.enable_signup`): the stored value wins over this one after the first start.
    ENABLE_SIGNUP: "false",
    // The default `pending` parks every new user on "Account activation pending". signup_handler
    // inserts every account with this role (ConfigVar `ui.default_user_role`) and then promotes
    // the account to admin only if it is the sole user.
    DEFAULT_USER_ROLE: "user",
    // utils/auth.py `create_admin_user`, run at start with WEBUI_ADMIN_PASSWORD: this
    // administrator (user and auth rows, role admin) when the database has no users; its owner
    // then signs in through Google like everyone else, and nobody else can become the first user.
    WEBUI_ADMIN_EMAIL: args.adminEmail,
    DATA_DIR: "/app/backend/data",
    // start.sh runs `uvicorn --host "$HOST"` (default 0.0.0.0). Only the sidecar reaches the app,
    // over 127.0.0.1; bound to loopback, a wiring mistake (a security group or target group
    // pointed at 8080) cannot expose an app that believes whatever X-Forwarded-Email says
    // (the docs' own advice for trusted headers: auth/sso/index.mdx, "setting HOST=127.0.0.1").
    HOST: "127.0.0.1",
    // The vector store lives in the stack's PostgreSQL at every size. The default, Chroma, is a
    // SQLite file in DATA_DIR, which is on EFS here: since 0.9's async backend SQLite on network
    // storage goes from slow to failing (docs: scaling.md, "Why SQLite on network storage
    // fails..."). PGVECTOR_DB_URL defaults to DATABASE_URL, and with PGVECTOR_CREATE_EXTENSION
    // (default true) Open WebUI runs CREATE EXTENSION vector itself (retrieval/vector/dbs/pgvector.py),
    // which the RDS master user may do (pgvector ships with RDS PostgreSQL 15.2 and later).
    VECTOR_DB: "pgvector",
  };
  // routers/auths.py `signin` syncs the member's groups from this header, which oauth2-proxy always
  // sets itself (a client's copy stripped); no role header: oauth2-proxy could not fill one.
  if (args.trustedGroups) golden.WEBUI_AUTH_TRUSTED_GROUPS_HEADER = TRUSTED_GROUPS_HEADER;
  return { ...golden, ...withoutOverrides("Open WebUI", golden, [], args.extra) };
}

/**
 * What Open WebUI needs when more than one task serves it: websockets and app state through
 * Redis (env.py: ENABLE_WEBSOCKET_SUPPORT, WEBSOCKET_MANAGER; docs 1eea3847
 * reference/env-configuration.mdx). The vector store is pgvector at every size (the golden
 * environment). The Redis URL carries the AUTH token, so it is a secret: see `scaleOutSecrets`.
 */
export function scaleOutEnvironment(): Record<string, string> {
  return {
    ENABLE_WEBSOCKET_SUPPORT: "true",
    WEBSOCKET_MANAGER: "redis",
  };
}

/**
 * The Redis URL (`rediss://:<token>@host:6379/0`) for both of Open WebUI's readers, as ECS secrets.
 * `REDIS_URL` (app state) and `WEBSOCKET_REDIS_URL` (socket.io; env.py defaults it to REDIS_URL)
 * both go through `redis.from_url` (utils/redis.py `get_redis_connection`), which takes the
 * password from the URL and accepts `rediss://`.
 */
export function scaleOutSecrets<V>(redisUrlSecretArn: V): Record<string, V> {
  return { REDIS_URL: redisUrlSecretArn, WEBSOCKET_REDIS_URL: redisUrlSecretArn };
}

/**
 * Extra settings may add keys, never replace the golden ones (that is how the guide's stack
 * drifted), nor set the `reserved` ones the golden configuration owns even when it leaves them out.
 */
function withoutOverrides<V>(
  what: string,
  golden: Record<string, unknown>,
  reserved: { keys: string[]; why: string }[],
  extra: Record<string, V> | undefined,
): Record<string, V> {
  for (const key of Object.keys(extra ?? {})) {
    if (key in golden) throw new Error(`${what} setting ${key} is part of the golden configuration and cannot be overridden`);
    const owner = reserved.find((r) => r.keys.includes(key));
    if (owner) throw new Error(`${what} setting ${key} cannot be set directly: ${owner.why}`);
  }
  return extra ?? {};
}

/** Who may sign in is the stack's allow-list, never an extra setting. */
const ALLOW_LIST_KEYS = {
  keys: ["OAUTH2_PROXY_EMAIL_DOMAINS", "OAUTH2_PROXY_EMAIL_DOMAIN", "OAUTH2_PROXY_AUTHENTICATED_EMAILS_FILE"],
  why: "who may sign in comes from pluto:allowedEmailDomains, pluto:allowedEmails and pluto:allowAnyGoogleAccount",
};

export interface Oauth2ProxyArgs {
  /** Pinned oauth2-proxy image. */
  image: string;
  /** OIDC issuer: https://cognito-idp.REGION.amazonaws.com/POOL_ID. */
  issuerUrl: string;
  clientId: string;
  /** Secrets Manager ARN of the Cognito app client secret. */
  clientSecretArn: string;
  /** Secrets Manager ARN of the cookie secret (16, 24 or 32 bytes). */
  cookieSecretArn: string;
  /** Public URL of the app, e.g. https://pluto.example.com. */
  appUrl: string;
  /** Cognito hosted UI domain: sign-in, token and userinfo endpoints, and the sign-out `rd` target. */
  authDomain: string;
  /** Who may sign in: the same list the Cognito PreSignUp trigger enforces. */
  allowList: AllowList;
  /** Port of the app container on localhost. Defaults to 8080. */
  upstreamPort?: number;
  /** Unauthenticated routes (`[METHOD=]regex`). Defaults to none. */
  skipAuthRoutes?: string[];
  /** CloudWatch Logs group and region for the awslogs driver. */
  logGroup: string;
  region: string;
  /** Container the proxy waits for (HEALTHY) before starting. */
  appContainerName: string;
  /** Further OAUTH2_PROXY_* settings (e.g. allowed groups); golden and allow-list keys cannot be set. Defaults to none. */
  extra?: Record<string, string>;
  /** The ID token claim X-Forwarded-Groups is filled from (`cognito:groups` with `pluto:groups`). Defaults to oauth2-proxy's `groups`. */
  groupsClaim?: string;
}

/** True when single addresses need oauth2-proxy's authenticated-emails file (and its writer). */
export function needsAllowedEmailsFile(list: AllowList): boolean {
  return !list.anyGoogleAccount && list.emails.length > 0;
}

/**
 * The allow-list in oauth2-proxy's terms (v7.15.3 validator.go): EMAIL_DOMAINS matches by
 * `@domain` suffix only, so single addresses go through --authenticated-emails-file, which exists
 * only as a file. `*` only for a stack that opted in to any Google account.
 */
export function allowListEnvironment(list: AllowList): Record<string, string> {
  if (list.anyGoogleAccount) return { OAUTH2_PROXY_EMAIL_DOMAINS: "*" };
  const env: Record<string, string> = {};
  if (list.domains.length > 0) env.OAUTH2_PROXY_EMAIL_DOMAINS = list.domains.join(",");
  if (needsAllowedEmailsFile(list)) env.OAUTH2_PROXY_AUTHENTICATED_EMAILS_FILE = ALLOWED_EMAILS_FILE;
  if (Object.keys(env).length === 0) throw new Error("the allow-list admits nobody: give allowed domains, emails or anyGoogleAccount");
  return env;
}

/**
 * The key length oauth2-proxy derives from a cookie secret (pkg/encryption SecretBytes): the
 * base64url-decoded bytes when that decoding works and gives an AES key size, else the raw bytes.
 * oauth2-proxy refuses to start unless the result is 16, 24 or 32.
 */
export function oauth2ProxyCookieSecretBytes(secret: string): number {
  const trimmed = secret.replace(/=+$/, "");
  if (/^[A-Za-z0-9_-]*$/.test(trimmed) && trimmed.length % 4 !== 1) {
    const decoded = Buffer.from(trimmed, "base64url").length;
    if ([16, 24, 32].includes(decoded)) return decoded;
  }
  return Buffer.byteLength(secret, "utf8");
}

export interface EnvVar {
  name: string;
  value: string;
}
export interface SecretRef {
  name: string;
  valueFrom: string;
}

/** ECS container definition (the subset Pluto uses), as it appears in `containerDefinitions`. */
export interface ContainerDefinition {
  name: string;
  image: string;
  essential: boolean;
  portMappings?: { containerPort: number; protocol: "tcp"; name?: string }[];
  environment: EnvVar[];
  secrets: SecretRef[];
  command?: string[];
  healthCheck?: { command: string[]; interval: number; timeout: number; retries: number; startPeriod: number };
  dependsOn?: { containerName: string; condition: "START" | "HEALTHY" | "COMPLETE" | "SUCCESS" }[];
  mountPoints?: { sourceVolume: string; containerPath: string; readOnly: boolean }[];
  logConfiguration: { logDriver: "awslogs"; options: Record<string, string> };
  readonlyRootFilesystem?: boolean;
  user?: string;
}

export function toEnvList(env: Record<string, string>): EnvVar[] {
  return Object.keys(env)
    .sort()
    .map((name) => ({ name, value: env[name] }));
}

export function toSecretList(secrets: Record<string, string>): SecretRef[] {
  return Object.keys(secrets)
    .sort()
    .map((name) => ({ name, valueFrom: secrets[name] }));
}

export function awslogs(group: string, region: string, streamPrefix: string): ContainerDefinition["logConfiguration"] {
  return { logDriver: "awslogs", options: { "awslogs-group": group, "awslogs-region": region, "awslogs-stream-prefix": streamPrefix } };
}

/**
 * The sign-in containers of a task: oauth2-proxy in direct proxy mode, which authenticates every
 * request and passes X-Forwarded-Email and the name header upstream, preceded by the writer of
 * its allowed-emails file when the allow-list names single addresses.
 */
export function oauth2ProxyContainers(args: Oauth2ProxyArgs): ContainerDefinition[] {
  const writer = needsAllowedEmailsFile(args.allowList) ? allowedEmailsWriter(args.allowList.emails, args.logGroup, args.region) : undefined;
  const proxy = oauth2ProxyContainer(args);
  if (writer) {
    proxy.mountPoints = [{ sourceVolume: ALLOWED_EMAILS_VOLUME, containerPath: ALLOWED_EMAILS_DIR, readOnly: true }];
    // oauth2-proxy exits if the file cannot be opened at start (validator.go LoadAuthenticatedEmailsFile).
    // HEALTHY, not SUCCESS: the writer stays running, so the bind mount always has a running user
    // (AWS removes its data "after all of the containers that use a bind mount are stopped").
    proxy.dependsOn = [...(proxy.dependsOn ?? []), { containerName: ALLOWED_EMAILS_CONTAINER, condition: "HEALTHY" }];
  }
  return writer ? [writer, proxy] : [proxy];
}

/** The oauth2-proxy sidecar alone (see `oauth2ProxyContainers` for the allowed-emails writer). */
export function oauth2ProxyContainer(args: Oauth2ProxyArgs): ContainerDefinition {
  const auth = `https://${args.authDomain}`;
  const env: Record<string, string> = {
    OAUTH2_PROXY_PROVIDER: "oidc",
    OAUTH2_PROXY_PROVIDER_DISPLAY_NAME: "Sign in",
    OAUTH2_PROXY_OIDC_ISSUER_URL: args.issuerUrl,
    OAUTH2_PROXY_CLIENT_ID: args.clientId,
    OAUTH2_PROXY_REDIRECT_URL: `${args.appUrl}/oauth2/callback`,
    OAUTH2_PROXY_SCOPE: "openid email profile",
    OAUTH2_PROXY_CODE_CHALLENGE_METHOD: "S256",
    // Straight to Google: Cognito's /oauth2/authorize skips its own page when given
    // identity_provider. Discovery would overwrite LOGIN_URL with the plain endpoint
    // (providers/providers.go newProviderDataFromConfig), and without it oauth2-proxy needs the
    // JWKS (pkg/providers/oidc/provider_verifier.go), token and userinfo endpoints spelled out.
    OAUTH2_PROXY_SKIP_OIDC_DISCOVERY: "true",
    OAUTH2_PROXY_LOGIN_URL: `${auth}/oauth2/authorize?identity_provider=Google`,
    OAUTH2_PROXY_REDEEM_URL: `${auth}/oauth2/token`,
    OAUTH2_PROXY_PROFILE_URL: `${auth}/oauth2/userInfo`,
    OAUTH2_PROXY_OIDC_JWKS_URL: `${args.issuerUrl}/.well-known/jwks.json`,
    OAUTH2_PROXY_PASS_USER_HEADERS: "true",
    OAUTH2_PROXY_HTTP_ADDRESS: `0.0.0.0:${PROXY_PORT}`,
    OAUTH2_PROXY_UPSTREAMS: `http://127.0.0.1:${args.upstreamPort ?? APP_PORT}/`,
    // Its default of 30 s turned every long request into a 502; see config/timeouts.ts.
    OAUTH2_PROXY_UPSTREAM_TIMEOUT: `${UPSTREAM_TIMEOUT_SECONDS}s`,
    ...allowListEnvironment(args.allowList),
    OAUTH2_PROXY_COOKIE_SECURE: "true",
    OAUTH2_PROXY_COOKIE_REFRESH: COOKIE_REFRESH,
    OAUTH2_PROXY_WHITELIST_DOMAINS: args.authDomain,
    OAUTH2_PROXY_SKIP_PROVIDER_BUTTON: "true",
    // The ALB probes /ping every few seconds; those lines would drown the sign-in log.
    OAUTH2_PROXY_SILENCE_PING_LOGGING: "true",
  };
  if (args.skipAuthRoutes && args.skipAuthRoutes.length > 0) env.OAUTH2_PROXY_SKIP_AUTH_ROUTES = args.skipAuthRoutes.join(",");
  // legacy_options.go `oidc-groups-claim` (cfg oidc_groups_claim): Cognito names its claim cognito:groups.
  if (args.groupsClaim) env.OAUTH2_PROXY_OIDC_GROUPS_CLAIM = args.groupsClaim;
  Object.assign(env, withoutOverrides("oauth2-proxy", env, [ALLOW_LIST_KEYS], args.extra));
  return {
    name: OAUTH2_PROXY_CONTAINER,
    image: args.image,
    essential: true,
    portMappings: [{ containerPort: PROXY_PORT, protocol: "tcp", name: "http" }],
    environment: toEnvList(env),
    secrets: toSecretList({
      OAUTH2_PROXY_CLIENT_SECRET: args.clientSecretArn,
      OAUTH2_PROXY_COOKIE_SECRET: args.cookieSecretArn,
    }),
    // Without this the proxy answers 502 until the app has finished its first start.
    dependsOn: [{ containerName: args.appContainerName, condition: "HEALTHY" }],
    logConfiguration: awslogs(args.logGroup, args.region, OAUTH2_PROXY_CONTAINER),
    readonlyRootFilesystem: true,
  };
}

/**
 * Writes the single allowed addresses, one per line (the CSV oauth2-proxy reads), into the
 * task-scoped volume, then stays up doing nothing, healthy once the file is there; oauth2-proxy
 * starts only then (`HEALTHY`). It does not exit: Fargate removes a bind mount's data "after all of
 * the containers that use a bind mount are stopped"
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/bind-mounts.html), and a writer that
 * exited before oauth2-proxy started would leave that moment to chance. On SIGTERM (task stop) it
 * exits 0 at once. It carries no OAUTH2_PROXY_* or WEBUI_* setting, so the policy rules never take
 * it for either app.
 */
export function allowedEmailsWriter(emails: string[], logGroup: string, region: string): ContainerDefinition {
  // The list reaches the shell only through "$ALLOWED_EMAILS" (never re-parsed), split on commas.
  if (emails.some((e) => /[\s,]/.test(e))) throw new Error("allowed emails may not contain whitespace or commas");
  return {
    name: ALLOWED_EMAILS_CONTAINER,
    image: ALLOWED_EMAILS_IMAGE,
    essential: false,
    environment: toEnvList({ ALLOWED_EMAILS: emails.join(",") }),
    secrets: [],
    // The trap comes first: ECS may stop the task the moment the file exists (the health check passes),
    // and a TERM before the trap would kill the shell instead of ending it cleanly. The file appears
    // whole (written aside, then renamed) so the health check never passes on half a list.
    // `sleep & wait` so that the TERM trap runs at once (a shell runs traps only between commands).
    command: [
      "sh",
      "-c",
      `trap 'exit 0' TERM && printf '%s\\n' "$ALLOWED_EMAILS" | tr ',' '\\n' > ${ALLOWED_EMAILS_FILE}.new && mv ${ALLOWED_EMAILS_FILE}.new ${ALLOWED_EMAILS_FILE} && while :; do sleep 3600 & wait $!; done`,
    ],
    healthCheck: { command: ["CMD-SHELL", `test -s ${ALLOWED_EMAILS_FILE}`], interval: 5, timeout: 2, retries: 3, startPeriod: 0 },
    mountPoints: [{ sourceVolume: ALLOWED_EMAILS_VOLUME, containerPath: ALLOWED_EMAILS_DIR, readOnly: false }],
    logConfiguration: awslogs(logGroup, region, ALLOWED_EMAILS_CONTAINER),
    readonlyRootFilesystem: true,
  };
}

/**
 * The names the stack itself gives each container, for config validation: a stack's extra settings
 * (`pluto:openWebUiSettings`, `pluto:oauth2ProxySettings`, `pluto:openWebUiSecrets`) may not reuse
 * them. The golden ones are read off the builders above, so the lists cannot drift from what deploys.
 */
export const GOLDEN_KEYS: Readonly<Record<"openWebUi" | "openWebUiScaleOut" | "openWebUiStack" | "openWebUiSecrets" | "oauth2Proxy", readonly string[]>> = {
  /** Open WebUI's golden environment (`openWebUiEnvironment`). */
  openWebUi: Object.keys(openWebUiEnvironment({ appUrl: "", signOutRedirectUrl: "", adminEmail: "" })),
  /** What a scaled-out Open WebUI adds (`scaleOutEnvironment`). */
  openWebUiScaleOut: Object.keys(scaleOutEnvironment()),
  /** Golden settings the stack fills from a config key of its own (WEBUI_ADMIN_EMAIL from pluto:adminEmail). */
  openWebUiStack: ["WEBUI_ADMIN_EMAIL"],
  /** The ECS secrets `OpenWebUi` passes (session key, database, bootstrap admin password, the scaled-out Redis URL). */
  openWebUiSecrets: ["WEBUI_SECRET_KEY", "DATABASE_URL", "WEBUI_ADMIN_PASSWORD", ...Object.keys(scaleOutSecrets(""))],
  /** oauth2-proxy's environment and ECS secrets (`oauth2ProxyContainer`, skip-auth routes included). */
  oauth2Proxy: ((c: ContainerDefinition) => [...c.environment, ...c.secrets].map((e) => e.name))(
    oauth2ProxyContainer({
      image: "",
      issuerUrl: "",
      clientId: "",
      clientSecretArn: "",
      cookieSecretArn: "",
      appUrl: "",
      authDomain: "",
      allowList: { domains: ["example.com"], emails: [], anyGoogleAccount: false },
      skipAuthRoutes: ["^/"],
      logGroup: "",
      region: "",
      appContainerName: "app",
    }),
  ),
};
