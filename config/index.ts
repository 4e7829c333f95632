import * as pulumi from "@pulumi/pulumi";
import { AllowList, isAllowed } from "../functions/allowList";
import { isMovingTag, N8N_PUBLIC_WEBHOOK_ROUTES, oauth2ProxySettingProblems } from "../policies/rules";
import { hasModels, MODEL_SETTINGS, ModelsConfig, parseModelsConfig } from "./models";
import { backupScheduleFrequencyProblem } from "./backupSchedule";
import { domainLengthProblem } from "./domain";
import { nearest, secretArnProblem, secretKeyProblems, settingCollisions, unknownKeyProblems } from "./keys";
import { googleWorkspaceWarnings, withGoogleWorkspaceRule } from "./workspace";
import { GroupConfig, groupSettingProblems, parseGroupsConfig } from "./groups";
import { AlarmThresholds, parseAlarms } from "./alarms";

/** Network egress for the private subnets. `none` saves the NAT cost: tasks then run in public subnets with public IPs. */
export type NatGateways = "none" | "single" | "perAz";

export interface Autoscaling {
  /** Fewest tasks. Defaults to `desiredCount`. */
  minCount: number;
  /** Most tasks. */
  maxCount: number;
  /** Average CPU % the service scales to hold. Defaults to 60. */
  cpuTarget: number;
  /** ALB requests per task per minute the service scales to hold. Defaults to 300. */
  requestsPerTarget: number;
}

export interface ServiceSizing {
  /** Fargate CPU units. Defaults to 1024. */
  cpu: number;
  /** Fargate memory (MiB); must form a valid pair with `cpu`. Defaults to 2048. */
  memory: number;
  /** Number of tasks. Defaults to 1. */
  desiredCount: number;
  /** Target-tracking autoscaling. Defaults to none (a fixed `desiredCount`). */
  autoscaling?: Autoscaling;
}

export interface N8nConfig {
  /** Pinned n8n image. */
  image: string;
  /** Fargate size. Defaults to 512 CPU / 1024 MiB. */
  cpu: number;
  memory: number;
  /**
   * Let n8n's webhook and form trigger paths through its oauth2-proxy without sign-in, so outside
   * callers can reach them; each Webhook/Form node must then authenticate its callers. Defaults to false.
   */
  publicWebhooks: boolean;
}

export interface DatabaseSizing {
  /** RDS instance class. Defaults to db.t4g.micro. */
  instanceClass: string;
  /** Initial storage (GiB, 20-65536). Defaults to 20. */
  allocatedStorage: number;
  /**
   * Storage autoscaling ceiling (GiB): at least 10 % above `allocatedStorage`, or 0 to turn storage
   * autoscaling off. Defaults to the larger of 100 and twice `allocatedStorage` (at most 65536).
   */
  maxAllocatedStorage: number;
  /** Standby in a second AZ. Defaults to false. */
  multiAz: boolean;
  /** Days of automated backups (1-35). Defaults to 7. */
  backupRetentionDays: number;
  /** Refuse `pulumi destroy` of the database. Defaults to true. */
  deletionProtection: boolean;
}

export interface BackupConfig {
  /** Days each daily recovery point of the file systems is kept. Defaults to 35. */
  retentionDays: number;
  /** When the daily backup starts (AWS Backup cron, UTC). Defaults to `cron(0 3 * * ? *)`. */
  schedule: string;
  /**
   * Directories restored by AWS Backup (`/aws-backup-restore_<time>/openwebui`) that an app's access
   * point should serve instead of its own (`/openwebui`, `/n8n`); keyed `openwebui` / `n8n`.
   * Defaults to none.
   */
  restoredDataDirectories: { openwebui?: string; n8n?: string };
}

export interface WafConfig {
  /** A WAFv2 web ACL on the load balancer. Defaults to false. */
  enabled: boolean;
  /** Requests per client IP in any 5 minutes before WAF blocks it. Defaults to 2000. */
  requestsPer5Minutes: number;
}

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

/** True when Open WebUI may run more than one task, which needs Redis and a shared vector store. */
export function isScaledOut(sizing: ServiceSizing): boolean {
  return sizing.desiredCount > 1 || (sizing.autoscaling?.maxCount ?? 0) > 1;
}

/** Defaults live here and only here; the README's config table is generated from the same values by hand, keep it in step. */
export const DEFAULTS = {
  namePrefix: "pluto",
  openWebUiImage: "ghcr.io/open-webui/open-webui:v0.11.4",
  oauth2ProxyImage: "quay.io/oauth2-proxy/oauth2-proxy:v7.15.3",
  openWebUi: { cpu: 1024, memory: 2048, desiredCount: 1 } as ServiceSizing,
  natGateways: "single" as NatGateways,
  database: {
    instanceClass: "db.t4g.micro",
    allocatedStorage: 20,
    maxAllocatedStorage: 100,
    multiAz: false,
    backupRetentionDays: 7,
    deletionProtection: true,
  } as DatabaseSizing,
  redisNodeType: "cache.t4g.micro",
  n8n: { image: "docker.n8n.io/n8nio/n8n:2.41.1", cpu: 512, memory: 1024, publicWebhooks: false } as N8nConfig,
  autoscaling: { cpuTarget: 60, requestsPerTarget: 300 },
  accessLogRetentionDays: 90,
  backup: { retentionDays: 35, schedule: "cron(0 3 * * ? *)", restoredDataDirectories: {} } as BackupConfig,
  waf: { enabled: false, requestsPer5Minutes: 2000 } as WafConfig,
  /** Open WebUI's task memory when the Bedrock gateway shares it and `openWebUi.memory` is not set. */
  memoryWithGateway: 3072,
};

/** Every key the program reads under the `pluto:` namespace; anything else is a typo we report. */
export const CONFIG_KEYS = [
  "namePrefix",
  "domain",
  "hostedZoneName",
  "googleClientId",
  "googleClientSecret",
  "alarmEmail",
  "adminEmail",
  "allowedEmailDomains",
  "allowedEmails",
  "allowAnyGoogleAccount",
  "requireGoogleWorkspace",
  "openWebUiImage",
  "oauth2ProxyImage",
  "openWebUi",
  "natGateways",
  "database",
  "openWebUiSettings",
  "oauth2ProxySettings",
  "openWebUiSecrets",
  "redisNodeType",
  "n8n",
  "accessLogRetentionDays",
  "backup",
  "waf",
  "models",
  "groups",
  "alarms",
] as const;

/** Keys holding objects, whose fields are set with `pulumi config set --path pluto:<key>.<field>`. */
export const STRUCTURED_KEYS = ["openWebUi", "database", "n8n", "openWebUiSettings", "oauth2ProxySettings", "openWebUiSecrets"] as const;

/** Thrown for invalid or missing configuration; `problems` has one line per key, each naming it. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid stack configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

const HOST_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** A DNS host name with at least two labels, lower case, no scheme, no trailing dot. */
export function isHostName(value: string): boolean {
  if (value.length > 253) return false;
  const labels = value.split(".");
  return labels.length >= 2 && labels.every((l) => HOST_LABEL.test(l)) && !/^[0-9]+$/.test(labels[labels.length - 1]);
}

export function isEmail(value: string): boolean {
  const at = value.lastIndexOf("@");
  return at > 0 && /^[A-Za-z0-9._%+'-]+$/.test(value.slice(0, at)) && isHostName(value.slice(at + 1).toLowerCase());
}

/**
 * An image reference is pinned when it names a digest, or a tag that is not a moving one.
 * `main`/`latest`/`dev` are how the guide's stack drifted between task definitions.
 */
export function imagePinProblem(image: string): string | undefined {
  if (/\s/.test(image) || image === "") return "is not an image reference";
  if (/@sha256:[a-f0-9]{64}$/.test(image)) return undefined;
  const lastSegment = image.slice(image.lastIndexOf("/") + 1);
  const colon = lastSegment.lastIndexOf(":");
  if (colon < 0) return "has no tag (it would pull `latest`); pin a version tag such as `:v1.2.3` or a digest";
  const tag = lastSegment.slice(colon + 1);
  if (tag === "" || isMovingTag(tag)) return `uses the moving tag \`${tag}\`; pin a version tag such as \`:v1.2.3\` or a digest`;
  return undefined;
}

/** Valid Fargate CPU → memory (MiB) combinations (AWS ECS task size table). */
export function fargateMemoryChoices(cpu: number): number[] {
  const range = (from: number, to: number, step: number) => Array.from({ length: (to - from) / step + 1 }, (_, i) => from + i * step);
  switch (cpu) {
    case 256:
      return [512, 1024, 2048];
    case 512:
      return range(1024, 4096, 1024);
    case 1024:
      return range(2048, 8192, 1024);
    case 2048:
      return range(4096, 16384, 1024);
    case 4096:
      return range(8192, 30720, 1024);
    case 8192:
      return range(16384, 61440, 4096);
    case 16384:
      return range(32768, 122880, 8192);
    default:
      return [];
  }
}

/**
 * What is wrong with a `namePrefix`; empty when every physical name derived from it is valid.
 * The prefix starts RDS and ElastiCache identifiers (letters, digits and single hyphens, starting
 * with a letter: https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html,
 * https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateReplicationGroup.html)
 * and the load balancer's name, which may not begin with "internal-"
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html).
 */
export function namePrefixProblems(prefix: string): string[] {
  const key = "pluto:namePrefix";
  if (!/^[a-z][a-z0-9-]{0,19}$/.test(prefix) || prefix.endsWith("-"))
    return [
      `${key}: expected 1-20 lower-case letters, digits or dashes starting with a letter and not ending with a dash (it prefixes AWS names such as ${DEFAULTS.namePrefix}-cluster), got ${JSON.stringify(prefix)}`,
    ];
  const problems: string[] = [];
  if (prefix.includes("--"))
    problems.push(
      `${key}: ${JSON.stringify(prefix)} contains "--", which RDS and ElastiCache identifiers refuse (the database is named ${prefix}-openwebui); use single dashes`,
    );
  if (`${prefix}-`.startsWith("internal-"))
    problems.push(`${key}: ${JSON.stringify(prefix)} would name the load balancer "${prefix}-…", and load balancer names may not begin with "internal-"`);
  return problems;
}

/** RDS for PostgreSQL's largest gp3 volume (64 TiB). */
export const MAX_RDS_STORAGE_GIB = 65536;

/**
 * The storage autoscaling ceiling when none is configured: room to double, at least the 100 GiB
 * Pluto has always used, and never above RDS's maximum.
 */
export function defaultMaxAllocatedStorage(allocatedStorage: number): number {
  return Math.min(MAX_RDS_STORAGE_GIB, Math.max(DEFAULTS.database.maxAllocatedStorage, 2 * allocatedStorage));
}

/**
 * RDS refuses a storage autoscaling ceiling less than 10 % above the allocated storage
 * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PIOPS.Autoscaling.html); 0 turns
 * autoscaling off. Returns why `maxAllocatedStorage` is refused, or undefined.
 */
export function storageAutoscalingProblem(allocatedStorage: number, maxAllocatedStorage: number): string | undefined {
  if (maxAllocatedStorage === 0) return undefined;
  const least = Math.ceil((allocatedStorage * 11) / 10); // integer arithmetic: 100 * 1.1 is 110.00000000000001
  if (maxAllocatedStorage < allocatedStorage) return `${maxAllocatedStorage} is below allocatedStorage ${allocatedStorage}`;
  if (maxAllocatedStorage < least)
    return `${maxAllocatedStorage} is less than 10 % above allocatedStorage ${allocatedStorage}; RDS needs at least ${least} (or 0 to turn storage autoscaling off)`;
  return undefined;
}

/** An absolute path on an EFS file system for an access point root: no `..`, no empty segments. */
export function isDataDirectory(path: string): boolean {
  return path.length <= 100 && /^(\/[A-Za-z0-9_.:+-]+)+$/.test(path) && !path.split("/").some((seg) => seg === "." || seg === "..");
}

/** An AWS Backup schedule: `cron(...)` with six fields (minutes hours day-of-month month day-of-week year). */
export function isBackupCron(expression: string): boolean {
  return /^cron\(\S+( \S+){5}\)$/.test(expression);
}

/** The raw values as Pulumi hands them over: strings, with structured keys as JSON text. */
export type RawConfig = Partial<Record<string, string>>;

function parseObject(key: string, raw: string | undefined, problems: string[]): Record<string, unknown> {
  if (raw === undefined) return {};
  try {
    const value: unknown = JSON.parse(raw);
    if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    /* reported below */
  }
  problems.push(`pluto:${key}: expected an object (set fields with \`pulumi config set --path ${key}.<field> <value>\`), got ${JSON.stringify(raw)}`);
  return {};
}

/**
 * A text field's value for its check. Only a string is text: String() would read the list ["x"] as
 * "x" and let it through, so anything else reads as "", which every check refuses.
 */
function textOf(v: unknown, fallback: string): string {
  return v === undefined ? fallback : typeof v === "string" ? v : "";
}

function intField(key: string, obj: Record<string, unknown>, field: string, fallback: number, min: number, max: number, problems: string[]): number {
  return wholeNumber(`${key}.${field}`, obj[field], fallback, min, max, problems);
}

/** A whole number from `min` to `max`, given as a number or as text (`pulumi config set` stores text). */
function wholeNumber(key: string, v: unknown, fallback: number, min: number, max: number, problems: string[]): number {
  if (v === undefined) return fallback;
  const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
  if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max) {
    problems.push(`pluto:${key}: expected a whole number from ${min} to ${max}, got ${JSON.stringify(v)}`);
    return fallback;
  }
  return n;
}

function boolField(key: string, obj: Record<string, unknown>, field: string, fallback: boolean, problems: string[]): boolean {
  const v = obj[field];
  if (v === undefined) return fallback;
  if (v === true || v === "true") return true;
  if (v === false || v === "false") return false;
  problems.push(`pluto:${key}.${field}: expected true or false, got ${JSON.stringify(v)}`);
  return fallback;
}

function unknownFields(key: string, obj: Record<string, unknown>, known: string[], problems: string[]) {
  for (const f of Object.keys(obj)) {
    if (known.includes(f)) continue;
    const guess = nearest(f, known);
    problems.push(`pluto:${key}.${f}: unknown field (${guess ? `did you mean ${guess}? ` : ""}expected one of: ${known.join(", ")})`);
  }
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
  const problems: string[] = [];
  const required = (key: string, hint: string): string => {
    const v = raw[key]?.trim();
    if (!v) problems.push(`pluto:${key}: required — ${hint}`);
    return v ?? "";
  };

  problems.push(...unknownKeyProblems(Object.keys(raw), CONFIG_KEYS, STRUCTURED_KEYS));

  if (!region) problems.push("aws:region: required — the AWS region to deploy to, e.g. `pulumi config set aws:region eu-west-1`");

  const namePrefix = raw.namePrefix ?? DEFAULTS.namePrefix;
  problems.push(...namePrefixProblems(namePrefix));

  const domain = required("domain", "the app's host name, e.g. pluto.example.com");
  if (domain && !isHostName(domain))
    problems.push(`pluto:domain: expected a host name like "pluto.example.com" (no scheme, path or trailing dot), got ${JSON.stringify(domain)}`);
  else if (domain && domainLengthProblem(domain)) problems.push(domainLengthProblem(domain)!);

  // Empty is Pulumi.yaml's default: the Pulumi CLI hands every stack a declared default, and a
  // default cannot name another key.
  const zoneGiven = raw.hostedZoneName === "" ? undefined : raw.hostedZoneName;
  const hostedZoneName = (zoneGiven ?? domain).replace(/\.$/, "");
  if (zoneGiven !== undefined && !isHostName(hostedZoneName))
    problems.push(`pluto:hostedZoneName: expected a Route 53 zone name like "example.com", got ${JSON.stringify(raw.hostedZoneName)}`);
  else if (domain && isHostName(domain) && domain !== hostedZoneName && !domain.endsWith(`.${hostedZoneName}`))
    problems.push(`pluto:hostedZoneName: "${hostedZoneName}" must be the domain "${domain}" or one of its parents, since the app's records are created in it`);

  const googleClientId = required("googleClientId", "the OAuth client id from Google Cloud console (…apps.googleusercontent.com)");
  if (googleClientId && !/^[A-Za-z0-9-]+\.apps\.googleusercontent\.com$/.test(googleClientId))
    problems.push(`pluto:googleClientId: expected a Google OAuth client id ending in ".apps.googleusercontent.com", got ${JSON.stringify(googleClientId)}`);

  if (raw.googleClientSecret === undefined || googleClientSecret === undefined)
    problems.push("pluto:googleClientSecret: required — set it with `pulumi config set --secret pluto:googleClientSecret <value>`");
  problems.push(...secretKeyProblems(raw, secretKeys));

  const alarmEmail = required("alarmEmail", "where alarms (failed user provisioning) are emailed");
  if (alarmEmail && !isEmail(alarmEmail)) problems.push(`pluto:alarmEmail: expected an email address, got ${JSON.stringify(alarmEmail)}`);

  const allowList = withGoogleWorkspaceRule(raw, parseAllowList(raw, problems), problems);
  // Without an administrator the first person to sign in becomes one (Open WebUI makes the first account admin).
  const adminEmail = required(
    "adminEmail",
    "the Google email of Open WebUI's administrator; without it the first person to sign in becomes administrator",
  ).toLowerCase();
  if (adminEmail && !isEmail(adminEmail))
    problems.push(`pluto:adminEmail: expected the email the first administrator signs in with, got ${JSON.stringify(raw.adminEmail)}`);
  else if (adminEmail && allowList && !isAllowed(adminEmail, allowList))
    problems.push(
      `pluto:adminEmail: ${adminEmail} is not admitted by pluto:allowedEmailDomains or pluto:allowedEmails, so the administrator could never sign in; add its domain or the address`,
    );

  const images = {
    openWebUiImage: raw.openWebUiImage ?? DEFAULTS.openWebUiImage,
    oauth2ProxyImage: raw.oauth2ProxyImage ?? DEFAULTS.oauth2ProxyImage,
  };
  for (const [key, image] of Object.entries(images)) {
    const problem = imagePinProblem(image);
    if (problem) problems.push(`pluto:${key}: ${JSON.stringify(image)} ${problem}`);
  }

  const models = parseModelsConfig(raw.models, region, problems, imagePinProblem);

  const ow = parseObject("openWebUi", raw.openWebUi, problems);
  unknownFields("openWebUi", ow, ["cpu", "memory", "desiredCount", "autoscaling"], problems);
  // The gateway sidecar shares the task's memory with Open WebUI.
  const defaultMemory = models.bedrock ? DEFAULTS.memoryWithGateway : DEFAULTS.openWebUi.memory;
  const openWebUi: ServiceSizing = {
    cpu: intField("openWebUi", ow, "cpu", DEFAULTS.openWebUi.cpu, 256, 16384, problems),
    memory: intField("openWebUi", ow, "memory", defaultMemory, 512, 122880, problems),
    desiredCount: intField("openWebUi", ow, "desiredCount", DEFAULTS.openWebUi.desiredCount, 0, 20, problems),
  };
  checkFargatePair("openWebUi", openWebUi.cpu, openWebUi.memory, problems);
  if (ow.autoscaling !== undefined) {
    const key = "openWebUi.autoscaling";
    const a =
      typeof ow.autoscaling === "object" && ow.autoscaling && !Array.isArray(ow.autoscaling)
        ? (ow.autoscaling as Record<string, unknown>)
        : (problems.push(`pluto:${key}: expected an object with minCount, maxCount, cpuTarget, requestsPerTarget`), {});
    unknownFields(key, a, ["minCount", "maxCount", "cpuTarget", "requestsPerTarget"], problems);
    if (a.maxCount === undefined) problems.push(`pluto:${key}.maxCount: required when autoscaling is set`);
    const minCount = intField(key, a, "minCount", Math.max(1, openWebUi.desiredCount), 1, 50, problems);
    const maxCount = intField(key, a, "maxCount", minCount, 1, 50, problems);
    if (maxCount < minCount) problems.push(`pluto:${key}.maxCount: ${maxCount} is below minCount ${minCount}`);
    openWebUi.autoscaling = {
      minCount,
      maxCount,
      cpuTarget: intField(key, a, "cpuTarget", DEFAULTS.autoscaling.cpuTarget, 10, 95, problems),
      requestsPerTarget: intField(key, a, "requestsPerTarget", DEFAULTS.autoscaling.requestsPerTarget, 1, 100000, problems),
    };
  }

  const natGateways = (raw.natGateways ?? DEFAULTS.natGateways) as NatGateways;
  if (!["none", "single", "perAz"].includes(natGateways))
    problems.push(`pluto:natGateways: expected one of none, single, perAz, got ${JSON.stringify(raw.natGateways)}`);

  const db = parseObject("database", raw.database, problems);
  unknownFields("database", db, Object.keys(DEFAULTS.database), problems);
  const instanceClass = textOf(db.instanceClass, DEFAULTS.database.instanceClass);
  if (!/^db\.[a-z0-9]+\.[a-z0-9]+$/.test(instanceClass))
    problems.push(`pluto:database.instanceClass: expected an RDS instance class like "db.t4g.micro", got ${JSON.stringify(db.instanceClass)}`);
  const allocatedStorage = intField("database", db, "allocatedStorage", DEFAULTS.database.allocatedStorage, 20, MAX_RDS_STORAGE_GIB, problems);
  const database: DatabaseSizing = {
    instanceClass,
    allocatedStorage,
    maxAllocatedStorage: intField("database", db, "maxAllocatedStorage", defaultMaxAllocatedStorage(allocatedStorage), 0, MAX_RDS_STORAGE_GIB, problems),
    multiAz: boolField("database", db, "multiAz", DEFAULTS.database.multiAz, problems),
    backupRetentionDays: intField("database", db, "backupRetentionDays", DEFAULTS.database.backupRetentionDays, 1, 35, problems),
    deletionProtection: boolField("database", db, "deletionProtection", DEFAULTS.database.deletionProtection, problems),
  };
  const storageProblem = storageAutoscalingProblem(database.allocatedStorage, database.maxAllocatedStorage);
  if (storageProblem && db.maxAllocatedStorage === undefined)
    problems.push(
      `pluto:database.allocatedStorage: ${database.allocatedStorage} GiB leaves no room for storage autoscaling below RDS's ${MAX_RDS_STORAGE_GIB} GiB maximum (the ceiling must be 10 % above it); set database.maxAllocatedStorage to 0 to turn autoscaling off`,
    );
  else if (storageProblem) problems.push(`pluto:database.maxAllocatedStorage: ${storageProblem}`);

  const openWebUiSettings = settingsMap("openWebUiSettings", raw.openWebUiSettings, /^[A-Z][A-Z0-9_]*$/, "upper-case environment variable names", problems);
  const oauth2ProxySettings = settingsMap("oauth2ProxySettings", raw.oauth2ProxySettings, /^OAUTH2_PROXY_[A-Z0-9_]+$/, "OAUTH2_PROXY_* names", problems);
  for (const p of oauth2ProxySettingProblems(oauth2ProxySettings)) problems.push(`pluto:oauth2ProxySettings.${p.key}: ${p.problem}`);
  if (hasModels(models))
    for (const name of MODEL_SETTINGS.filter((n) => n in openWebUiSettings))
      problems.push(`pluto:openWebUiSettings.${name}: pluto:models sets Open WebUI's model connections; remove ${name} from openWebUiSettings`);
  const openWebUiSecrets = secretSettings("openWebUiSecrets", raw.openWebUiSecrets, problems);
  problems.push(...settingCollisions({ openWebUiSettings, oauth2ProxySettings, openWebUiSecrets, scaledOut: isScaledOut(openWebUi) }));

  const redisNodeType = raw.redisNodeType ?? DEFAULTS.redisNodeType;
  if (!/^cache\.[a-z0-9]+\.[a-z0-9]+$/.test(redisNodeType))
    problems.push(`pluto:redisNodeType: expected an ElastiCache node type like "cache.t4g.micro", got ${JSON.stringify(redisNodeType)}`);

  let n8n: N8nConfig | undefined;
  if (raw.n8n !== undefined) {
    const o = parseObject("n8n", raw.n8n, problems);
    unknownFields("n8n", o, ["enabled", "image", "cpu", "memory", "publicWebhooks"], problems);
    if (boolField("n8n", o, "enabled", true, problems)) {
      n8n = {
        image: textOf(o.image, DEFAULTS.n8n.image),
        cpu: intField("n8n", o, "cpu", DEFAULTS.n8n.cpu, 256, 16384, problems),
        memory: intField("n8n", o, "memory", DEFAULTS.n8n.memory, 512, 122880, problems),
        publicWebhooks: boolField("n8n", o, "publicWebhooks", DEFAULTS.n8n.publicWebhooks, problems),
      };
      const problem = imagePinProblem(n8n.image);
      if (problem) problems.push(`pluto:n8n.image: ${JSON.stringify(o.image ?? n8n.image)} ${problem}`);
      checkFargatePair("n8n", n8n.cpu, n8n.memory, problems);
    }
  }

  // S3 lifecycle expiration takes whole days, at least 1.
  const accessLogRetentionDays = wholeNumber("accessLogRetentionDays", raw.accessLogRetentionDays, DEFAULTS.accessLogRetentionDays, 1, 3650, problems);
  const bk = parseObject("backup", raw.backup, problems);
  unknownFields("backup", bk, Object.keys(DEFAULTS.backup), problems);
  const backup: BackupConfig = {
    // AWS Backup keeps warm recovery points for any number of days; ten years is a sane ceiling for a typo.
    retentionDays: intField("backup", bk, "retentionDays", DEFAULTS.backup.retentionDays, 1, 3650, problems),
    schedule: textOf(bk.schedule, DEFAULTS.backup.schedule),
    restoredDataDirectories: {},
  };
  if (bk.restoredDataDirectories !== undefined) {
    const dirs = bk.restoredDataDirectories;
    const key = "backup.restoredDataDirectories";
    if (typeof dirs !== "object" || dirs === null || Array.isArray(dirs))
      problems.push(`pluto:${key}: expected an object like {"openwebui": "/aws-backup-restore_<time>/open-webui"}`);
    else {
      const d = dirs as Record<string, unknown>;
      unknownFields(key, d, ["openwebui", "n8n"], problems);
      for (const app of ["openwebui", "n8n"] as const) {
        if (d[app] === undefined) continue;
        const dir = d[app];
        if (typeof dir === "string" && isDataDirectory(dir)) backup.restoredDataDirectories[app] = dir;
        else
          problems.push(
            `pluto:${key}.${app}: expected an absolute directory on the file system such as "/aws-backup-restore_2026-01-29T03-12-00/${app}", got ${JSON.stringify(d[app])}`,
          );
      }
    }
  }
  if (!isBackupCron(backup.schedule))
    problems.push(
      `pluto:backup.schedule: expected an AWS Backup cron expression with six fields such as "cron(0 3 * * ? *)", got ${JSON.stringify(bk.schedule)}`,
    );
  else if (backupScheduleFrequencyProblem(backup.schedule)) problems.push(backupScheduleFrequencyProblem(backup.schedule)!);

  const wf = parseObject("waf", raw.waf, problems);
  unknownFields("waf", wf, Object.keys(DEFAULTS.waf), problems);
  const waf: WafConfig = {
    enabled: boolField("waf", wf, "enabled", DEFAULTS.waf.enabled, problems),
    // WAF's rate-based rules accept 10 to 2,000,000,000 requests per evaluation window.
    requestsPer5Minutes: intField("waf", wf, "requestsPer5Minutes", DEFAULTS.waf.requestsPer5Minutes, 10, 2_000_000_000, problems),
  };

  const groups = parseGroupsConfig(raw.groups, problems);
  problems.push(...groupSettingProblems({ openWebUiSettings, oauth2ProxySettings, openWebUiSecrets }, groups));
  const alarms = parseAlarms(raw.alarms, problems);

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    region: region!,
    namePrefix,
    domain,
    authDomain: `auth.${domain}`,
    appUrl: `https://${domain}`,
    hostedZoneName,
    googleClientId,
    googleClientSecret: googleClientSecret!,
    alarmEmail,
    adminEmail,
    allowList: allowList!,
    ...images,
    openWebUi,
    natGateways,
    database,
    openWebUiSettings,
    oauth2ProxySettings,
    openWebUiSecrets,
    redisNodeType,
    n8n,
    accessLogRetentionDays,
    backup,
    waf,
    models,
    groups,
    alarms,
  };
}

/**
 * A list key as Pulumi hands it over: `pulumi config set --path 'pluto:key[0]' value` stores a
 * YAML list, which reaches the program as JSON text. Anything else is reported with that hint.
 */
function parseStringList(key: string, example: string, raw: string | undefined, problems: string[]): string[] {
  if (raw === undefined) return [];
  const hint = `set items with \`pulumi config set --path 'pluto:${key}[0]' ${example}\``;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    value = undefined;
  }
  if (!Array.isArray(value)) {
    problems.push(`pluto:${key}: expected a list (${hint}), got ${JSON.stringify(raw)}`);
    return [];
  }
  const out: string[] = [];
  value.forEach((item, i) => {
    if (typeof item === "string" && item.trim() !== "") out.push(item.trim().toLowerCase());
    else problems.push(`pluto:${key}[${i}]: expected a non-empty string, got ${JSON.stringify(item)}`);
  });
  return [...new Set(out)];
}

/** Why `domain` cannot be an allow-list entry, or undefined when it can. */
export function allowedDomainProblem(domain: string): string | undefined {
  if (domain === "*") return "`*` admits anyone with a Google account; say so explicitly with `pulumi config set pluto:allowAnyGoogleAccount true`";
  if (domain.includes("@")) return "expected a domain such as example.com, not an email address (single addresses go in pluto:allowedEmails)";
  if (domain.startsWith(".") || domain.startsWith("*."))
    return "subdomain wildcards are not supported (the Cognito trigger and oauth2-proxy match whole domains); list each domain";
  if (!isHostName(domain)) return "expected a domain such as example.com";
  return undefined;
}

/**
 * Who may join. At least one of the three keys must admit someone: a stack that admits nobody
 * (or, worse, everybody by accident) is refused before any resource exists.
 */
function parseAllowList(raw: RawConfig, problems: string[]): AllowList | undefined {
  const before = problems.length;
  const domains = parseStringList("allowedEmailDomains", "example.com", raw.allowedEmailDomains, problems);
  domains.forEach((d, i) => {
    const problem = allowedDomainProblem(d);
    if (problem) problems.push(`pluto:allowedEmailDomains[${i}]: ${JSON.stringify(d)}: ${problem}`);
  });
  const emails = parseStringList("allowedEmails", "ada@partner.example", raw.allowedEmails, problems);
  emails.forEach((e, i) => {
    if (!isEmail(e)) problems.push(`pluto:allowedEmails[${i}]: expected an email address, got ${JSON.stringify(e)}`);
  });
  let anyGoogleAccount = false;
  const any = raw.allowAnyGoogleAccount?.trim().toLowerCase();
  if (any === "true") anyGoogleAccount = true;
  else if (any !== undefined && any !== "false")
    problems.push(`pluto:allowAnyGoogleAccount: expected true or false, got ${JSON.stringify(raw.allowAnyGoogleAccount)}`);
  if (problems.length > before) return undefined;
  if (domains.length === 0 && emails.length === 0 && !anyGoogleAccount) {
    problems.push(
      "pluto:allowedEmailDomains: required — who may join, e.g. `pulumi config set --path 'pluto:allowedEmailDomains[0]' example.com`; " +
        "single addresses go in pluto:allowedEmails, and `pluto:allowAnyGoogleAccount: true` admits anyone with a Google account",
    );
    return undefined;
  }
  return { domains, emails, anyGoogleAccount };
}

/** Settings that are valid but deserve a second look; `pluto synth` prints them (never a failure). */
export function configWarnings(config: Pick<PlutoConfig, "allowList" | "n8n">): string[] {
  const warnings: string[] = [];
  if (config.allowList.anyGoogleAccount)
    warnings.push(
      "pluto:allowAnyGoogleAccount is true: anyone with a Google account can join this workspace (oauth2-proxy EMAIL_DOMAINS=*); the domain and email lists are not enforced",
    );
  warnings.push(...googleWorkspaceWarnings(config.allowList));
  if (config.n8n?.publicWebhooks)
    warnings.push(
      `pluto:n8n.publicWebhooks is true: n8n's ${N8N_PUBLIC_WEBHOOK_ROUTES.map((r) => r.slice(1)).join(", ")} paths answer anyone on the internet without sign-in; every active Webhook or Form trigger must authenticate its callers itself (its Authentication setting)`,
    );
  return warnings;
}

function checkFargatePair(key: string, cpu: number, memory: number, problems: string[]): void {
  const choices = fargateMemoryChoices(cpu);
  if (choices.length === 0) problems.push(`pluto:${key}.cpu: ${cpu} is not a Fargate CPU size (256, 512, 1024, 2048, 4096, 8192, 16384)`);
  else if (!choices.includes(memory))
    problems.push(
      `pluto:${key}.memory: ${memory} MiB is not valid with cpu ${cpu} on Fargate; choose ${choices.length <= 4 ? `one of ${choices.join(", ")}` : `from ${choices[0]} to ${choices[choices.length - 1]} in steps of ${choices[1] - choices[0]}`}`,
    );
}

/** A flat map of extra environment settings; values may be given as numbers or booleans and become strings. */
function settingsMap(key: string, raw: string | undefined, namePattern: RegExp, expected: string, problems: string[]): Record<string, string> {
  const obj = parseObject(key, raw, problems);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(obj)) {
    if (!namePattern.test(name)) problems.push(`pluto:${key}.${name}: expected ${expected}`);
    else if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") out[name] = String(value);
    else problems.push(`pluto:${key}.${name}: expected a string, number or boolean value`);
  }
  return out;
}

/** Secret settings: name → Secrets Manager ARN (the value itself never enters config). */
function secretSettings(key: string, raw: string | undefined, problems: string[]): Record<string, string> {
  const obj = parseObject(key, raw, problems);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(obj)) {
    const problem = /^[A-Z][A-Z0-9_]*$/.test(name) ? secretArnProblem(value) : "expected an upper-case environment variable name";
    if (problem) problems.push(`pluto:${key}.${name}: ${problem}`);
    else out[name] = value as string;
  }
  return out;
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
