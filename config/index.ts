/**
 * The stack configuration: `loadConfig` reads the `pluto:` keys of the running stack and
 * `parseConfig` validates them against the schema (config/schema/, one file per concern), listing
 * every problem at once, each naming its key, before any resource exists.
 */
import * as pulumi from "@pulumi/pulumi";
import { AllowList } from "../functions/allowList";
import { AlarmThresholds, resolveAlarms } from "./alarms";
import { GroupConfig } from "./groups";
import { ModelsConfig } from "./models";
import { resolveModels } from "./schema/models";
import { googleWorkspaceWarnings } from "./workspace";
import { resolveBackup, BackupConfig } from "./schema/backup";
import { DatabaseSizing, resolveDatabase } from "./schema/database";
import { ParseContext, problemsOf, RawConfig } from "./schema/fields";
import { CONFIG_KEYS, configSchema, DEFAULTS, ParsedKeys } from "./schema";
import { N8nConfig, publicWebhooksWarning, resolveN8n } from "./schema/n8n";
import { NatGateways, resolveWaf, WafConfig } from "./schema/network";
import { resolveOpenWebUi, ServiceSizing } from "./schema/sizing";

export { CONFIG_KEYS, DEFAULTS, KEYS, REQUIRED_KEYS, SECRET_CONFIG_KEYS, STRUCTURED_KEYS } from "./schema";
export type { ConfigKey } from "./schema";
export type { KeySpec, RawConfig } from "./schema/fields";
export { allowedDomainProblem } from "./schema/allowList";
export { isBackupCron, isDataDirectory } from "./schema/backup";
export type { BackupConfig } from "./schema/backup";
export { defaultMaxAllocatedStorage, MAX_RDS_STORAGE_GIB, storageAutoscalingProblem } from "./schema/database";
export type { DatabaseSizing } from "./schema/database";
export { isEmail, isHostName, namePrefixProblems } from "./schema/identity";
export { imagePinProblem } from "./schema/images";
export type { N8nConfig } from "./schema/n8n";
export type { NatGateways, WafConfig } from "./schema/network";
export { fargateMemoryChoices, isScaledOut } from "./schema/sizing";
export type { Autoscaling, ServiceSizing } from "./schema/sizing";

/** The validated stack configuration. Every field is checked by `parseConfig` before any resource exists. */
export interface PlutoConfig {
  region: string;
  namePrefix: string;
  domain: string;
  authDomain: string;
  appUrl: string;
  hostedZoneName: string;
  googleClientId: string;
  googleClientSecret: pulumi.Output<string>;
  alarmEmail: string;
  /** Open WebUI's first administrator (created on first start; signs in through Google like everyone). */
  adminEmail: string;
  /** Who may join: enforced by the Cognito PreSignUp trigger and by every oauth2-proxy. */
  allowList: AllowList;
  openWebUiImage: string;
  oauth2ProxyImage: string;
  openWebUi: ServiceSizing;
  natGateways: NatGateways;
  database: DatabaseSizing;
  /** Extra plain Open WebUI settings (model API URLs, features). Golden keys cannot be overridden. */
  openWebUiSettings: Record<string, string>;
  /** Extra OAUTH2_PROXY_* settings (e.g. allowed groups). Golden keys cannot be overridden. */
  oauth2ProxySettings: Record<string, string>;
  /** Extra secret Open WebUI settings: name → Secrets Manager ARN, delivered through ECS `secrets`. */
  openWebUiSecrets: Record<string, string>;
  /** ElastiCache node type for the Redis that a scaled-out Open WebUI needs. */
  redisNodeType: string;
  /** n8n at n8n.<domain>, when enabled. */
  n8n?: N8nConfig;
  /** Days the load balancer's access logs are kept in S3. */
  accessLogRetentionDays: number;
  /** AWS Backup of the file systems (always on). */
  backup: BackupConfig;
  /** The optional web application firewall. */
  waf: WafConfig;
  /** Model connections (Bedrock through the task role, OpenAI-compatible endpoints). Defaults to none. */
  models: ModelsConfig;
  /** Cognito groups the stack creates, applied by Open WebUI at sign-in (config/groups.ts). Defaults to none. */
  groups: GroupConfig[];
  /** Thresholds of the operator's alarms (config/alarms.ts states each default). */
  alarms: AlarmThresholds;
}

/** Thrown for invalid or missing configuration; `problems` has one line per key, each naming it. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid stack configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** The configuration from keys that passed the schema: every default applied, derived names added. */
function assemble(v: ParsedKeys, region: string, googleClientSecret: pulumi.Output<string>): PlutoConfig {
  // The schema reports every required key that is missing, so past it these are all set.
  const domain = v.domain!;
  const models = resolveModels(v.models, region);
  const allowList: AllowList = { domains: v.allowedEmailDomains ?? [], emails: v.allowedEmails ?? [], anyGoogleAccount: v.allowAnyGoogleAccount ?? false };
  return {
    region,
    namePrefix: v.namePrefix ?? DEFAULTS.namePrefix,
    domain,
    authDomain: `auth.${domain}`,
    appUrl: `https://${domain}`,
    hostedZoneName: v.hostedZoneName ?? domain,
    googleClientId: v.googleClientId!,
    googleClientSecret,
    alarmEmail: v.alarmEmail!,
    adminEmail: v.adminEmail!,
    allowList: v.requireGoogleWorkspace ? { ...allowList, requireGoogleWorkspace: true } : allowList,
    openWebUiImage: v.openWebUiImage ?? DEFAULTS.openWebUiImage,
    oauth2ProxyImage: v.oauth2ProxyImage ?? DEFAULTS.oauth2ProxyImage,
    openWebUi: resolveOpenWebUi(v.openWebUi, Boolean(models.bedrock)),
    natGateways: v.natGateways ?? DEFAULTS.natGateways,
    database: resolveDatabase(v.database),
    openWebUiSettings: v.openWebUiSettings ?? {},
    oauth2ProxySettings: v.oauth2ProxySettings ?? {},
    openWebUiSecrets: v.openWebUiSecrets ?? {},
    redisNodeType: v.redisNodeType ?? DEFAULTS.redisNodeType,
    n8n: resolveN8n(v.n8n),
    accessLogRetentionDays: v.accessLogRetentionDays ?? DEFAULTS.accessLogRetentionDays,
    backup: resolveBackup(v.backup),
    waf: resolveWaf(v.waf),
    models,
    groups: v.groups ?? [],
    alarms: resolveAlarms(v.alarms),
  };
}

/**
 * Validates the whole configuration at once and reports every problem together, so a user
 * fixes their stack in one pass. Pure: `raw` holds the `pluto:` keys (without the namespace);
 * `secretKeys`, when given, lists those the stack holds encrypted (a secret given in clear text is refused).
 */
export function parseConfig(
  raw: RawConfig,
  region: string | undefined,
  googleClientSecret: pulumi.Output<string> | undefined,
  secretKeys?: readonly string[],
): PlutoConfig {
  const context: ParseContext = { raw, region, secretGiven: googleClientSecret !== undefined, secretKeys };
  const result = configSchema(context).safeParse(raw);
  if (!result.success) throw new ConfigError(problemsOf(result.error.issues, CONFIG_KEYS));
  return assemble(result.data, region!, googleClientSecret!);
}

/** Settings that are valid but deserve a second look; `pluto synth` prints them (never a failure). */
export function configWarnings(config: Pick<PlutoConfig, "allowList" | "n8n">): string[] {
  const warnings: string[] = [];
  if (config.allowList.anyGoogleAccount)
    warnings.push(
      "pluto:allowAnyGoogleAccount is true: anyone with a Google account can join this workspace (oauth2-proxy EMAIL_DOMAINS=*); the domain and email lists are not enforced",
    );
  warnings.push(...googleWorkspaceWarnings(config.allowList));
  warnings.push(...publicWebhooksWarning(config.n8n));
  return warnings;
}

/**
 * Which of `keys` (without namespace) the stack holds encrypted. The language host passes the
 * engine's secret keys in PULUMI_CONFIG_SECRET_KEYS (pulumi/pulumi sdk/nodejs/cmd/pulumi-language-nodejs/main.go)
 * and @pulumi/pulumi reads them with `runtime.isConfigSecret` (runtime/config.ts; exported at run
 * time, marked internal in its types). Undefined when the SDK cannot tell, so nothing is refused then.
 */
export function configSecretKeys(keys: string[]): string[] | undefined {
  const isConfigSecret = (pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean }).isConfigSecret;
  if (typeof isConfigSecret !== "function") return undefined;
  return keys.filter((k) => isConfigSecret(`pluto:${k}`) || isConfigSecret(`pluto:config:${k}`));
}

/** The `pluto:` keys of a flat Pulumi config (`ns:key` → value), without the namespace. */
export function plutoKeys(all: Record<string, string>): RawConfig {
  const raw: RawConfig = {};
  for (const [fullKey, value] of Object.entries(all)) {
    if (fullKey.startsWith("pluto:")) raw[fullKey.slice("pluto:".length)] = value;
  }
  return raw;
}

/** Reads `pluto:*` and `aws:region` from the running stack and validates them. */
export function loadConfig(): PlutoConfig {
  const raw = plutoKeys(pulumi.runtime.allConfig());
  const secret = raw.googleClientSecret === undefined ? undefined : new pulumi.Config("pluto").requireSecret("googleClientSecret");
  return parseConfig(raw, pulumi.runtime.getConfig("aws:region"), secret, configSecretKeys(Object.keys(raw)));
}
