/** What stands between the internet and the tasks: NAT egress, the load balancer's access logs, the WAF. */
import { bool, jsonObject, KeySpec, text, wholeNumber } from "./fields";

/** Network egress for the private subnets. `none` saves the NAT cost: tasks then run in public subnets with public IPs. */
export type NatGateways = "none" | "single" | "perAz";
const NAT_GATEWAYS: readonly NatGateways[] = ["none", "single", "perAz"];

export interface WafConfig {
  /** A WAFv2 web ACL on the load balancer. Defaults to false. */
  enabled: boolean;
  /** Requests per client IP in any 5 minutes before WAF blocks it. Defaults to 2000. */
  requestsPer5Minutes: number;
}

export const WAF_DEFAULTS: WafConfig = { enabled: false, requestsPer5Minutes: 2000 };
export const ACCESS_LOG_RETENTION_DAYS = 90;

export const natGateways: KeySpec<NatGateways> = {
  description: "NAT gateways for the private subnets: none (tasks run in public subnets with public IPs, no NAT cost), single or perAz.",
  type: "string",
  default: "single" satisfies NatGateways,
  schema: () =>
    text<NatGateways>((n, given) =>
      (NAT_GATEWAYS as readonly string[]).includes(n) ? undefined : `expected one of ${NAT_GATEWAYS.join(", ")}, got ${JSON.stringify(given)}`,
    ),
};

export const accessLogRetentionDays: KeySpec<number> = {
  description: "Days the load balancer's access logs are kept in S3 (1-3650).",
  type: "integer",
  default: ACCESS_LOG_RETENTION_DAYS,
  // S3 lifecycle expiration takes whole days, at least 1.
  schema: () => wholeNumber(1, 3650),
};

export type WafFields = { [K in keyof WafConfig]?: WafConfig[K] | null };

export function resolveWaf(f: WafFields | null | undefined): WafConfig {
  return { enabled: f?.enabled ?? WAF_DEFAULTS.enabled, requestsPer5Minutes: f?.requestsPer5Minutes ?? WAF_DEFAULTS.requestsPer5Minutes };
}

export const waf: KeySpec<WafFields> = {
  description: `Object, fields set with \`pulumi config set --path pluto:waf.<field> <value>\`: enabled (default ${WAF_DEFAULTS.enabled}, a WAFv2 web ACL on the load balancer); requestsPer5Minutes (default ${WAF_DEFAULTS.requestsPer5Minutes}, what one client IP may send in any 5 minutes before WAF blocks it, 10-2000000000).`,
  default: {},
  structured: true,
  schema: () =>
    jsonObject("waf", {
      enabled: bool(),
      // WAF's rate-based rules accept 10 to 2,000,000,000 requests per evaluation window.
      requestsPer5Minutes: wholeNumber(10, 2_000_000_000),
    }),
};
