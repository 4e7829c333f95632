/**
 * The golden configuration: the one place that decides how Open WebUI and its oauth2-proxy
 * sidecar are configured (DESIGN.md, "The golden configuration"). Pure functions over plain
 * strings, so tests, the policy pack and `pluto doctor` can all reason about the same output.
 *
 * What is deliberately absent matters as much as what is present:
 * - WEBUI_AUTH: unset and `true` are the same in Open WebUI; `false` breaks every new user.
 * - OAUTH2_PROXY_PREFER_EMAIL_TO_USER: oauth2-proxy then stops sending X-Forwarded-Email.
 * - OAUTH2_PROXY_SET_AUTHORIZATION_HEADER / PASS_AUTHORIZATION_HEADER / BASIC_AUTH_PASSWORD:
 *   they put oauth2-proxy's credentials in `Authorization` and break Open WebUI's own JWT.
 * - OAUTH2_PROXY_SET_XAUTHREQUEST, OIDC_EMAIL_CLAIM, USER_ID_CLAIM: response-only or needless.
 */

/** Port Open WebUI listens on inside the task; reachable only from the sidecar over localhost. */
export const APP_PORT = 8080;
/** Port oauth2-proxy listens on; the only port the load balancer may reach. */
export const PROXY_PORT = 4180;
/** Requests oauth2-proxy lets through unauthenticated: the SCIM API, which checks its own bearer token. */
export const SCIM_SKIP_AUTH_ROUTE = "^/api/v1/scim/v2/";
export const OAUTH2_PROXY_CONTAINER = "oauth2-proxy";

export interface SignOutUrlArgs {
  /** Cognito hosted UI domain, e.g. auth.pluto.example.com. */
  authDomain: string;
  /** The Cognito app client id used by oauth2-proxy. */
  clientId: string;
  /** Where Cognito sends the user after logout; must be one of the client's sign-out URLs. */
  appUrl: string;
}

/**
 * Sign-out chain: Open WebUI → oauth2-proxy's /oauth2/sign_out (clears its cookie) → Cognito's
 * /logout (ends the hosted-UI session) → back to the app. `rd` is encoded once for
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
  /** Extra settings (e.g. Redis for scale-out). They may not override a golden key; forbidden ones are refused by the policy check. */
  extra?: Record<string, V>;
}

/**
 * Open WebUI's plain environment. Secrets (WEBUI_SECRET_KEY, DATABASE_URL, SCIM_TOKEN) go through
 * ECS `secrets`. Generic in the value type so the program can pass deferred values through.
 */
export function openWebUiEnvironment<V>(args: OpenWebUiEnvironmentArgs<V>): Record<string, string | V> {
  const golden: Record<string, string | V> = {
    WEBUI_URL: args.appUrl,
    WEBUI_AUTH_TRUSTED_EMAIL_HEADER: "X-Forwarded-Email",
    WEBUI_AUTH_TRUSTED_NAME_HEADER: "X-Forwarded-User",
    WEBUI_AUTH_SIGNOUT_REDIRECT_URL: args.signOutRedirectUrl,
    ENABLE_SIGNUP: "true",
    // The default `pending` shows new users "You do not have permission to access this resource".
    DEFAULT_USER_ROLE: "user",
    SCIM_ENABLED: "true",
    DATA_DIR: "/app/backend/data",
  };
  return { ...golden, ...withoutOverrides("Open WebUI", golden, args.extra) };
}

/**
 * What Open WebUI needs when more than one task serves it: websockets and app state through
 * Redis, and the vector store in PostgreSQL (pgvector, using DATABASE_URL) instead of a
 * per-task local Chroma directory.
 */
export function scaleOutEnvironment<V>(redisUrl: V): Record<string, string | V> {
  return {
    REDIS_URL: redisUrl,
    ENABLE_WEBSOCKET_SUPPORT: "true",
    WEBSOCKET_MANAGER: "redis",
    WEBSOCKET_REDIS_URL: redisUrl,
    VECTOR_DB: "pgvector",
  };
}

/** Extra settings may add keys, never replace the golden ones (that is how the guide's stack drifted). */
function withoutOverrides<V>(what: string, golden: Record<string, unknown>, extra: Record<string, V> | undefined): Record<string, V> {
  for (const key of Object.keys(extra ?? {}))
    if (key in golden) throw new Error(`${what} setting ${key} is part of the golden configuration and cannot be overridden`);
  return extra ?? {};
}

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
  /** Cognito hosted UI domain; whitelisted so the sign-out `rd` may go there. */
  authDomain: string;
  /** Port of the app container on localhost. Defaults to 8080. */
  upstreamPort?: number;
  /** Unauthenticated routes (`[METHOD=]regex`). Defaults to none. */
  skipAuthRoutes?: string[];
  /** Allowed email domains. Defaults to ["*"] (Cognito already decides who may sign in). */
  emailDomains?: string[];
  /** CloudWatch Logs group and region for the awslogs driver. */
  logGroup: string;
  region: string;
  /** Container the proxy waits for (HEALTHY) before starting. */
  appContainerName: string;
  /** Further OAUTH2_PROXY_* settings (e.g. allowed groups); golden keys cannot be overridden. Defaults to none. */
  extra?: Record<string, string>;
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

export interface EnvVar { name: string; value: string }
export interface SecretRef { name: string; valueFrom: string }

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
  return Object.keys(env).sort().map((name) => ({ name, value: env[name] }));
}

export function toSecretList(secrets: Record<string, string>): SecretRef[] {
  return Object.keys(secrets).sort().map((name) => ({ name, valueFrom: secrets[name] }));
}

export function awslogs(group: string, region: string, streamPrefix: string): ContainerDefinition["logConfiguration"] {
  return { logDriver: "awslogs", options: { "awslogs-group": group, "awslogs-region": region, "awslogs-stream-prefix": streamPrefix } };
}

/** The oauth2-proxy sidecar in direct proxy mode: it authenticates every request and passes X-Forwarded-Email/User upstream. */
export function oauth2ProxyContainer(args: Oauth2ProxyArgs): ContainerDefinition {
  const env: Record<string, string> = {
    OAUTH2_PROXY_PROVIDER: "oidc",
    OAUTH2_PROXY_PROVIDER_DISPLAY_NAME: "Sign in",
    OAUTH2_PROXY_OIDC_ISSUER_URL: args.issuerUrl,
    OAUTH2_PROXY_CLIENT_ID: args.clientId,
    OAUTH2_PROXY_REDIRECT_URL: `${args.appUrl}/oauth2/callback`,
    OAUTH2_PROXY_SCOPE: "openid email profile",
    OAUTH2_PROXY_CODE_CHALLENGE_METHOD: "S256",
    OAUTH2_PROXY_PASS_USER_HEADERS: "true",
    OAUTH2_PROXY_HTTP_ADDRESS: `0.0.0.0:${PROXY_PORT}`,
    OAUTH2_PROXY_UPSTREAMS: `http://127.0.0.1:${args.upstreamPort ?? APP_PORT}/`,
    OAUTH2_PROXY_REVERSE_PROXY: "true",
    OAUTH2_PROXY_EMAIL_DOMAINS: (args.emailDomains ?? ["*"]).join(","),
    OAUTH2_PROXY_COOKIE_SECURE: "true",
    OAUTH2_PROXY_WHITELIST_DOMAINS: args.authDomain,
    OAUTH2_PROXY_SKIP_PROVIDER_BUTTON: "true",
    // The ALB probes /ping every few seconds; those lines would drown the sign-in log.
    OAUTH2_PROXY_SILENCE_PING_LOGGING: "true",
  };
  if (args.skipAuthRoutes && args.skipAuthRoutes.length > 0) env.OAUTH2_PROXY_SKIP_AUTH_ROUTES = args.skipAuthRoutes.join(",");
  Object.assign(env, withoutOverrides("oauth2-proxy", env, args.extra));
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
 * The names the stack itself gives each container, for config validation: a stack's extra settings
 * (`pluto:openWebUiSettings`, `pluto:oauth2ProxySettings`, `pluto:openWebUiSecrets`) may not reuse
 * them. The golden ones are read off the builders above, so the lists cannot drift from what deploys.
 */
export const GOLDEN_KEYS: Readonly<Record<"openWebUi" | "openWebUiScaleOut" | "openWebUiStack" | "openWebUiSecrets" | "oauth2Proxy", readonly string[]>> = {
  /** Open WebUI's golden environment (`openWebUiEnvironment`). */
  openWebUi: Object.keys(openWebUiEnvironment({ appUrl: "", signOutRedirectUrl: "" })),
  /** What a scaled-out Open WebUI adds (`scaleOutEnvironment`). */
  openWebUiScaleOut: Object.keys(scaleOutEnvironment("")),
  /** Plain settings `OpenWebUi` adds: the bootstrap administrator's email. */
  openWebUiStack: ["WEBUI_ADMIN_EMAIL"],
  /** The ECS secrets `OpenWebUi` passes (session key, database, SCIM token, bootstrap admin password). */
  openWebUiSecrets: ["WEBUI_SECRET_KEY", "DATABASE_URL", "SCIM_TOKEN", "WEBUI_ADMIN_PASSWORD"],
  /** oauth2-proxy's environment and ECS secrets (`oauth2ProxyContainer`, skip-auth routes included). */
  oauth2Proxy: ((c: ContainerDefinition) => [...c.environment, ...c.secrets].map((e) => e.name))(oauth2ProxyContainer({
    image: "", issuerUrl: "", clientId: "", clientSecretArn: "", cookieSecretArn: "", appUrl: "", authDomain: "",
    skipAuthRoutes: ["^/"], logGroup: "", region: "", appContainerName: "app",
  })),
};
