/** Runs the task rules under a configuration: levels, overrides, and failing closed when a rule throws. */
import { Container, EnforcementLevel, Finding, PolicyInfo, RawFinding, RulesConfig, TaskRule } from "./types";
import { TASK_POLICIES } from "./catalog";
import { DEFAULT_SKIP_AUTH_ROUTE_ALLOWLIST } from "./n8n";
import {
  forbiddenProxyBoolean,
  noForwardedHeaderTrust,
  noOidcEmailClaim,
  noPassAuthorizationHeader,
  noTrustedIp,
  skipAuthRoutesAllowlist,
  stripAuthHeaders,
} from "./oauth2Proxy";
import { defaultUserRole, noWebuiAuth, signupDisabled, trustedHeaderMinVersion, trustedHeaderMode, trustedHeaderRequiresProxy } from "./openWebui";
import { signoutRedirect } from "./signOut";
import { noPlaintextSecrets } from "./secrets";
import { imagePinned } from "./images";
import { noHiddenSettings } from "./hiddenSettings";
import { taskIdentity } from "./identity";
import { imageSecurityFloor } from "./imageFloors";
import { trustedGroupsHeader } from "./trustedGroups";
import { dangerousOptions, emailDomainAny } from "./oauth2ProxyOptions";
import { appListensOnLoopback } from "./loopback";
import { n8nWorkflowsCannotReadSecrets } from "./n8nSecrets";

/** Each task policy's rule by name (exported so tests can check that a rule that throws fails closed). */
export const TASK_RULES: Record<string, TaskRule> = {
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
  "ecs-task-identity": taskIdentity,
  "oauth2-proxy-dangerous-options": dangerousOptions,
  "oauth2-proxy-email-domain-any": emailDomainAny,
  "image-security-floor": imageSecurityFloor,
  "openwebui-trusted-groups-header": trustedGroupsHeader,
  "app-listens-on-loopback": appListensOnLoopback,
  "n8n-workflows-cannot-read-secrets": n8nWorkflowsCannotReadSecrets,
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
  let unreadable: string | undefined;
  try {
    list = (Array.isArray(containers) ? containers : []).map(sanitise);
  } catch (e) {
    // Containers that cannot even be read must not pass as an empty task: every policy says so.
    list = [];
    unreadable = `the containers could not be read (${e instanceof Error ? e.message : String(e)})`;
  }
  const skipAuthRouteAllowlist = allowlistOf(config);
  const findings: Finding[] = [];
  for (const policy of TASK_POLICIES) {
    const level = levelOf(policy, config);
    if (level === "disabled") continue;
    let raw: RawFinding[];
    if (unreadable !== undefined) raw = [{ message: uncheckedMessage(policy.name, unreadable) }];
    else
      try {
        raw = TASK_RULES[policy.name](list, { skipAuthRouteAllowlist, allowAnyEmailDomain: config?.allowAnyEmailDomain === true });
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
