/**
 * The pack's configuration, in the format `pulumi policy enable --config` and `pulumi preview
 * --policy-pack-config` read: `{"all": level, "<policy>": level | {"enforcementLevel": level, ...options}}`.
 * Turned into the rules' `RulesConfig` so that `pluto lint --config` applies the same file the
 * organisation enforces. Pure; no @pulumi imports.
 */
import { EnforcementLevel, RulesConfig, STACK_POLICIES, TASK_POLICIES } from "./rules";
import { GRAPH_POLICIES } from "./stack/info";

export const ALLOWLIST_POLICY = "oauth2-proxy-skip-auth-routes-allowlist";
export const EMAIL_DOMAIN_ANY_POLICY = "oauth2-proxy-email-domain-any";

const LEVELS = ["mandatory", "advisory", "disabled", "remediate"];

/** Options of one policy as the pack's getConfig() returns them (enforcementLevel removed). */
export interface AllowlistOptions {
  allowlist?: string[];
  allowAnyEmailDomain?: boolean;
}

/** The rules' options for one policy's getConfig() value; ignores anything malformed (the engine validated it against the schema). */
export function rulesConfigFromPolicyOptions(options: unknown): RulesConfig {
  const o = typeof options === "object" && options !== null ? (options as AllowlistOptions) : {};
  const list = o.allowlist;
  return {
    ...(Array.isArray(list) && list.every((r) => typeof r === "string") ? { skipAuthRouteAllowlist: list } : {}),
    ...(o.allowAnyEmailDomain === true ? { allowAnyEmailDomain: true } : {}),
  };
}

function asLevel(value: unknown, where: string): EnforcementLevel {
  if (typeof value !== "string" || !LEVELS.includes(value)) {
    throw new Error(`${where}: enforcement level must be one of mandatory, advisory, disabled (got ${JSON.stringify(value)})`);
  }
  // Our policies cannot remediate; the engine reports "remediate" as mandatory.
  return value === "remediate" ? "mandatory" : (value as EnforcementLevel);
}

/**
 * Parses a whole pack config. Throws an Error naming the offending key for anything malformed,
 * so a typo in an organisation's config file is reported, not silently ignored.
 */
export function rulesConfigFromPackConfig(value: unknown): RulesConfig {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error('policy config must be a JSON object like {"all": "mandatory", "ecs-image-pinned": "disabled"}');
  }
  const known = [...TASK_POLICIES, ...STACK_POLICIES, ...GRAPH_POLICIES].map((p) => p.name);
  const levels: Record<string, EnforcementLevel> = {};
  const config: RulesConfig = { levels };
  const entries = Object.entries(value as Record<string, unknown>);
  const all = entries.find(([k]) => k === "all");
  if (all) for (const name of known) levels[name] = asLevel(all[1], "all");
  for (const [key, v] of entries) {
    if (key === "all") continue;
    if (!known.includes(key)) throw new Error(`${key}: no such policy (known: ${known.join(", ")})`);
    if (typeof v === "string") {
      levels[key] = asLevel(v, key);
      continue;
    }
    if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error(`${key}: expected a level or an object with enforcementLevel`);
    const { enforcementLevel, ...options } = v as Record<string, unknown>;
    if (enforcementLevel !== undefined) levels[key] = asLevel(enforcementLevel, `${key}.enforcementLevel`);
    for (const [opt, optValue] of Object.entries(options)) {
      if (key === ALLOWLIST_POLICY && opt === "allowlist") {
        if (!Array.isArray(optValue) || !optValue.every((r) => typeof r === "string")) throw new Error(`${key}.allowlist must be a list of strings`);
        config.skipAuthRouteAllowlist = optValue;
      } else if (key === EMAIL_DOMAIN_ANY_POLICY && opt === "allowAnyEmailDomain") {
        if (typeof optValue !== "boolean") throw new Error(`${key}.allowAnyEmailDomain must be true or false`);
        config.allowAnyEmailDomain = optValue;
      } else {
        const only =
          key === ALLOWLIST_POLICY
            ? " (the only option is allowlist)"
            : key === EMAIL_DOMAIN_ANY_POLICY
              ? " (the only option is allowAnyEmailDomain)"
              : " (this policy has no options)";
        throw new Error(`${key}.${opt}: unknown option${only}`);
      }
    }
  }
  return config;
}
