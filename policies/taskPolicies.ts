/**
 * The pack's resource policies over ECS task definitions (aws, awsx, aws-native). Each is a thin
 * wrapper: the adapters normalise the resource, rules.ts decides and words the message, so the pack,
 * `pluto lint`, `pluto synth` and ProxiedService can never disagree.
 */
import { ResourceValidationArgs, ResourceValidationPolicy, ReportViolation, PolicyConfigSchema } from "@pulumi/policy";
import { DEFAULT_SKIP_AUTH_ROUTE_ALLOWLIST, EnforcementLevel, TASK_POLICIES, checkContainers, uncheckedMessage } from "./rules";
import { TASK_DEFINITION_TYPES, containersFromResource } from "./adapters";
import { rulesConfigFromPolicyOptions } from "./config";
import { reportAdvisory, reportUnchecked } from "./report";

/**
 * Runs exactly one rule of rules.ts; the engine has already applied the configured enforcement
 * level. The rule runs as mandatory here so that a finding it marks advisory (a weaker form of
 * the problem) stands out and is reported as advisory whatever the policy's level.
 */
function taskPolicy(name: string, configSchema?: PolicyConfigSchema): ResourceValidationPolicy {
  const info = TASK_POLICIES.find((p) => p.name === name);
  if (!info) throw new Error(`rules.ts has no task policy named ${name}`);
  const onlyThis: Record<string, EnforcementLevel> = {};
  for (const p of TASK_POLICIES) onlyThis[p.name] = p.name === name ? "mandatory" : "disabled";
  return {
    name,
    description: info.description,
    enforcementLevel: info.defaultLevel,
    ...(configSchema ? { configSchema } : {}),
    validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
      const adapted = containersFromResource(args.type, args.props);
      if (adapted === undefined) args.notApplicable(`Policy only applies to ECS task definitions (${TASK_DEFINITION_TYPES.join(", ")})`);
      if ("unchecked" in adapted) {
        reportUnchecked(reportViolation, uncheckedMessage(name, adapted.unchecked));
        return;
      }
      const config = { ...rulesConfigFromPolicyOptions(args.getConfig()), levels: onlyThis };
      for (const f of checkContainers(adapted.containers, config)) {
        if (f.level === "advisory") reportAdvisory(reportViolation, f.message);
        else reportViolation(f.message);
      }
    },
  };
}

/** Open WebUI must not set WEBUI_AUTH at all: `false` is its single-user mode, and unset already means `true`. */
export const openwebuiNoWebuiAuth = taskPolicy("openwebui-no-webui-auth");

/** oauth2-proxy must not prefer email to user: it stops sending X-Forwarded-Email, the header Open WebUI trusts. */
export const oauth2ProxyNoPreferEmailToUser = taskPolicy("oauth2-proxy-no-prefer-email-to-user");

/** oauth2-proxy must not set the Authorization response header: it hands the ID token to every response. */
export const oauth2ProxyNoSetAuthorizationHeader = taskPolicy("oauth2-proxy-no-set-authorization-header");

/** oauth2-proxy must not pass an Authorization header upstream (pass-authorization-header, or a basic-auth password). */
export const oauth2ProxyNoPassAuthorizationHeader = taskPolicy("oauth2-proxy-no-pass-authorization-header");

/**
 * oauth2-proxy must not trust forwarded headers (reverse-proxy): skip-auth routes would follow the
 * client's X-Forwarded-Uri. With trusted-proxy-ip the finding is advisory: an ALB passes the header on.
 */
export const oauth2ProxyNoForwardedHeaderTrust = taskPolicy("oauth2-proxy-no-forwarded-header-trust");

/** oauth2-proxy must not let addresses skip sign-in (trusted-ip). */
export const oauth2ProxyNoTrustedIp = taskPolicy("oauth2-proxy-no-trusted-ip");

/**
 * oauth2-proxy must keep skip-auth-strip-headers on: off, a client's own X-Forwarded-Email/-Groups reach
 * Open WebUI beside oauth2-proxy's values, and alone on requests it passes without a session.
 */
export const oauth2ProxyStripAuthHeaders = taskPolicy("oauth2-proxy-strip-auth-headers");

/** Open WebUI's trusted headers must be ones the task's oauth2-proxy really sends upstream (X-Forwarded-*, not X-Auth-Request-*). */
export const openwebuiTrustedHeaderMode = taskPolicy("openwebui-trusted-header-mode");

/** Trusted-header sign-in without an authenticating proxy in the task lets anyone sign in as anyone. */
export const openwebuiTrustedHeaderRequiresProxy = taskPolicy("openwebui-trusted-header-requires-proxy");

/** Trusted-header mode with ENABLE_SIGNUP=true leaves POST /api/v1/auths/signup open to account pre-hijacking. */
export const openwebuiSignupDisabled = taskPolicy("openwebui-signup-disabled");

/**
 * No skip-auth route may lead to Open WebUI; elsewhere routes must be anchored and on an allowlist.
 * Config: `allowlist` (strings in oauth2-proxy's `METHOD=^regex` / `^regex` form); defaults to
 * n8n's API-key-checked invitation route and n8n's webhook and form trigger paths.
 */
export const oauth2ProxySkipAuthRoutesAllowlist = taskPolicy("oauth2-proxy-skip-auth-routes-allowlist", {
  properties: {
    allowlist: {
      type: "array",
      items: { type: "string" },
      default: [...DEFAULT_SKIP_AUTH_ROUTE_ALLOWLIST],
      description:
        "Skip-auth routes that may bypass sign-in on proxies in front of apps other than Open WebUI, exactly as written in OAUTH2_PROXY_SKIP_AUTH_ROUTES (METHOD=^path or ^path).",
    },
  },
});

/** Secret-looking settings must come from ECS `secrets`, never literal environment values or flags. */
export const ecsNoPlaintextSecrets = taskPolicy("ecs-no-plaintext-secrets");

/** Open WebUI should give new users DEFAULT_USER_ROLE=user; the default `pending` parks them. */
export const openwebuiDefaultUserRole = taskPolicy("openwebui-default-user-role");

/**
 * Open WebUI behind oauth2-proxy should sign out through /oauth2/sign_out with an encoded rd to the IdP
 * logout, and Cognito's logout_uri inside rd encoded once more; the finding shows the corrected value.
 */
export const openwebuiSignoutRedirect = taskPolicy("openwebui-signout-redirect");

/** Trusted-header sign-in should run on Open WebUI 0.8 or later (upstream issue #21016). */
export const openwebuiTrustedHeaderMinVersion = taskPolicy("openwebui-trusted-header-min-version");

/** Settings the rules cannot read (environment files, oauth2-proxy config files) are reported. */
export const ecsNoHiddenSettings = taskPolicy("ecs-no-hidden-settings");

/** oauth2-proxy should leave oidc-email-claim and user-id-claim at their defaults. */
export const oauth2ProxyNoOidcEmailClaim = taskPolicy("oauth2-proxy-no-oidc-email-claim");

/** oauth2-proxy should not set X-Auth-Request-* response headers; they never reach the app. */
export const oauth2ProxyNoXauthrequest = taskPolicy("oauth2-proxy-no-xauthrequest");

/** Container images should be pinned to a version tag or digest. */
export const ecsImagePinned = taskPolicy("ecs-image-pinned");

/** In a task trusting sign-in headers, every container must say what it is (no run-time program, no decoy proxy). */
export const ecsTaskIdentity = taskPolicy("ecs-task-identity");

/** oauth2-proxy options that let people in without the identity provider or leak sessions (rules/oauth2ProxyOptions.ts's table). */
export const oauth2ProxyDangerousOptions = taskPolicy("oauth2-proxy-dangerous-options");

/** oauth2-proxy must not admit every account (EMAIL_DOMAINS=*) unless the stack opted in. Config: `allowAnyEmailDomain` (default false). */
export const oauth2ProxyEmailDomainAny = taskPolicy("oauth2-proxy-email-domain-any", {
  properties: {
    allowAnyEmailDomain: {
      type: "boolean",
      default: false,
      description: "The stack deliberately admits every account of the identity provider (pluto:allowAnyGoogleAccount).",
    },
  },
});

/** Images must not be below their security floor (rules/imageFloors.ts SECURITY_FLOORS). */
export const imageSecurityFloor = taskPolicy("image-security-floor");

/** Open WebUI's trusted groups/role header must be set, and the client's copy stripped, by the task's oauth2-proxy. */
export const openwebuiTrustedGroupsHeader = taskPolicy("openwebui-trusted-groups-header");

/** Apps behind oauth2-proxy listen on 127.0.0.1 only (Open WebUI HOST, n8n N8N_LISTEN_ADDRESS). */
export const appListensOnLoopback = taskPolicy("app-listens-on-loopback");

/** n8n's workflows cannot read its environment (N8N_BLOCK_ENV_ACCESS_IN_NODE, NODES_EXCLUDE). */
export const n8nWorkflowsCannotReadSecrets = taskPolicy("n8n-workflows-cannot-read-secrets");

/** All task policies, in rules.ts's order. */
export const taskPolicies: ResourceValidationPolicy[] = [
  openwebuiNoWebuiAuth,
  oauth2ProxyNoPreferEmailToUser,
  oauth2ProxyNoSetAuthorizationHeader,
  oauth2ProxyNoPassAuthorizationHeader,
  oauth2ProxyNoForwardedHeaderTrust,
  oauth2ProxyNoTrustedIp,
  oauth2ProxyStripAuthHeaders,
  openwebuiTrustedHeaderMode,
  openwebuiTrustedHeaderRequiresProxy,
  openwebuiSignupDisabled,
  oauth2ProxySkipAuthRoutesAllowlist,
  ecsNoPlaintextSecrets,
  openwebuiDefaultUserRole,
  openwebuiSignoutRedirect,
  openwebuiTrustedHeaderMinVersion,
  ecsNoHiddenSettings,
  oauth2ProxyNoOidcEmailClaim,
  oauth2ProxyNoXauthrequest,
  ecsImagePinned,
  ecsTaskIdentity,
  oauth2ProxyDangerousOptions,
  oauth2ProxyEmailDomainAny,
  imageSecurityFloor,
  openwebuiTrustedGroupsHeader,
  appListensOnLoopback,
  n8nWorkflowsCannotReadSecrets,
];
