import * as pulumi from "@pulumi/pulumi";
import { nearest, secretArnProblem, secretKeyProblems, settingCollisions, unknownKeyProblems } from "./configKeys";

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
}

export interface DatabaseSizing {
  /** RDS instance class. Defaults to db.t4g.micro. */
  instanceClass: string;
  /** Initial storage (GiB). Defaults to 20. */
  allocatedStorage: number;
  /** Storage autoscaling ceiling (GiB). Defaults to 100. */
  maxAllocatedStorage: number;
  /** Standby in a second AZ. Defaults to false. */
  multiAz: boolean;
  /** Days of automated backups (1-35). Defaults to 7. */
  backupRetentionDays: number;
  /** Refuse `pulumi destroy` of the database. Defaults to true. */
  deletionProtection: boolean;
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
  adminEmail?: string;
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
}

/** True when Open WebUI may run more than one task, which needs Redis and a shared vector store. */
export function isScaledOut(sizing: ServiceSizing): boolean {
  return sizing.desiredCount > 1 || (sizing.autoscaling?.maxCount ?? 0) > 1;
}

/** Defaults live here and only here; the README's config table is generated from the same values by hand, keep it in step. */
export const DEFAULTS = {
  namePrefix: "pluto",
  openWebUiImage: "ghcr.io/open-webui/open-webui:v0.8.2",
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
  n8n: { image: "docker.n8n.io/n8nio/n8n:2.18.0", cpu: 512, memory: 1024 } as N8nConfig,
  autoscaling: { cpuTarget: 60, requestsPerTarget: 300 },
};

/** Every key the program reads under the `pluto:` namespace; anything else is a typo we report. */
export const CONFIG_KEYS = [
  "namePrefix", "domain", "hostedZoneName", "googleClientId", "googleClientSecret", "alarmEmail", "adminEmail",
  "openWebUiImage", "oauth2ProxyImage", "openWebUi", "natGateways", "database",
  "openWebUiSettings", "oauth2ProxySettings", "openWebUiSecrets", "redisNodeType", "n8n",
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
  if (["latest", "main", "master", "dev", "nightly", "edge", "stable", ""].includes(tag.toLowerCase()))
    return `uses the moving tag \`${tag}\`; pin a version tag such as \`:v1.2.3\` or a digest`;
  return undefined;
}

/** Valid Fargate CPU → memory (MiB) combinations (AWS ECS task size table). */
export function fargateMemoryChoices(cpu: number): number[] {
  const range = (from: number, to: number, step: number) =>
    Array.from({ length: (to - from) / step + 1 }, (_, i) => from + i * step);
  switch (cpu) {
    case 256: return [512, 1024, 2048];
    case 512: return range(1024, 4096, 1024);
    case 1024: return range(2048, 8192, 1024);
    case 2048: return range(4096, 16384, 1024);
    case 4096: return range(8192, 30720, 1024);
    case 8192: return range(16384, 61440, 4096);
    case 16384: return range(32768, 122880, 8192);
    default: return [];
  }
}

/** The raw values as Pulumi hands them over: strings, with structured keys as JSON text. */
export type RawConfig = Partial<Record<string, string>>;

function parseObject(key: string, raw: string | undefined, problems: string[]): Record<string, unknown> {
  if (raw === undefined) return {};
  try {
    const value = JSON.parse(raw);
    if (value && typeof value === "object" && !Array.isArray(value)) return value;
  } catch { /* reported below */ }
  problems.push(`pluto:${key}: expected an object (set fields with \`pulumi config set --path ${key}.<field> <value>\`), got ${JSON.stringify(raw)}`);
  return {};
}

function intField(
  key: string, obj: Record<string, unknown>, field: string, fallback: number,
  min: number, max: number, problems: string[],
): number {
  const v = obj[field];
  if (v === undefined) return fallback;
  const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
  if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max) {
    problems.push(`pluto:${key}.${field}: expected a whole number from ${min} to ${max}, got ${JSON.stringify(v)}`);
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
  if (!/^[a-z][a-z0-9-]{0,19}$/.test(namePrefix) || namePrefix.endsWith("-"))
    problems.push(`pluto:namePrefix: expected 1-20 lower-case letters, digits or dashes starting with a letter (it prefixes AWS names such as ${DEFAULTS.namePrefix}-cluster), got ${JSON.stringify(namePrefix)}`);

  const domain = required("domain", "the app's host name, e.g. pluto.example.com");
  if (domain && !isHostName(domain))
    problems.push(`pluto:domain: expected a host name like "pluto.example.com" (no scheme, path or trailing dot), got ${JSON.stringify(domain)}`);

  const hostedZoneName = (raw.hostedZoneName ?? domain).replace(/\.$/, "");
  if (raw.hostedZoneName !== undefined && !isHostName(hostedZoneName))
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
  if (alarmEmail && !isEmail(alarmEmail))
    problems.push(`pluto:alarmEmail: expected an email address, got ${JSON.stringify(alarmEmail)}`);

  const adminEmail = raw.adminEmail?.trim().toLowerCase() || undefined;
  if (adminEmail && !isEmail(adminEmail))
    problems.push(`pluto:adminEmail: expected the email the first administrator signs in with, got ${JSON.stringify(raw.adminEmail)}`);

  const images = {
    openWebUiImage: raw.openWebUiImage ?? DEFAULTS.openWebUiImage,
    oauth2ProxyImage: raw.oauth2ProxyImage ?? DEFAULTS.oauth2ProxyImage,
  };
  for (const [key, image] of Object.entries(images)) {
    const problem = imagePinProblem(image);
    if (problem) problems.push(`pluto:${key}: ${JSON.stringify(image)} ${problem}`);
  }

  const ow = parseObject("openWebUi", raw.openWebUi, problems);
  unknownFields("openWebUi", ow, ["cpu", "memory", "desiredCount", "autoscaling"], problems);
  const openWebUi: ServiceSizing = {
    cpu: intField("openWebUi", ow, "cpu", DEFAULTS.openWebUi.cpu, 256, 16384, problems),
    memory: intField("openWebUi", ow, "memory", DEFAULTS.openWebUi.memory, 512, 122880, problems),
    desiredCount: intField("openWebUi", ow, "desiredCount", DEFAULTS.openWebUi.desiredCount, 0, 20, problems),
  };
  checkFargatePair("openWebUi", openWebUi.cpu, openWebUi.memory, problems);
  if (ow.autoscaling !== undefined) {
    const key = "openWebUi.autoscaling";
    const a = typeof ow.autoscaling === "object" && ow.autoscaling && !Array.isArray(ow.autoscaling)
      ? ow.autoscaling as Record<string, unknown>
      : (problems.push(`pluto:${key}: expected an object with minCount, maxCount, cpuTarget, requestsPerTarget`), {});
    unknownFields(key, a, ["minCount", "maxCount", "cpuTarget", "requestsPerTarget"], problems);
    if (a.maxCount === undefined) problems.push(`pluto:${key}.maxCount: required when autoscaling is set`);
    const minCount = intField(key, a, "minCount", Math.max(1, openWebUi.desiredCount), 1, 50, problems);
    const maxCount = intField(key, a, "maxCount", minCount, 1, 50, problems);
    if (maxCount < minCount) problems.push(`pluto:${key}.maxCount: ${maxCount} is below minCount ${minCount}`);
    openWebUi.autoscaling = {
      minCount, maxCount,
      cpuTarget: intField(key, a, "cpuTarget", DEFAULTS.autoscaling.cpuTarget, 10, 95, problems),
      requestsPerTarget: intField(key, a, "requestsPerTarget", DEFAULTS.autoscaling.requestsPerTarget, 1, 100000, problems),
    };
  }

  const natGateways = (raw.natGateways ?? DEFAULTS.natGateways) as NatGateways;
  if (!["none", "single", "perAz"].includes(natGateways))
    problems.push(`pluto:natGateways: expected one of none, single, perAz, got ${JSON.stringify(raw.natGateways)}`);

  const db = parseObject("database", raw.database, problems);
  unknownFields("database", db, Object.keys(DEFAULTS.database), problems);
  const instanceClass = db.instanceClass === undefined ? DEFAULTS.database.instanceClass : String(db.instanceClass);
  if (!/^db\.[a-z0-9]+\.[a-z0-9]+$/.test(instanceClass))
    problems.push(`pluto:database.instanceClass: expected an RDS instance class like "db.t4g.micro", got ${JSON.stringify(db.instanceClass)}`);
  const database: DatabaseSizing = {
    instanceClass,
    allocatedStorage: intField("database", db, "allocatedStorage", DEFAULTS.database.allocatedStorage, 20, 65536, problems),
    maxAllocatedStorage: intField("database", db, "maxAllocatedStorage", DEFAULTS.database.maxAllocatedStorage, 20, 65536, problems),
    multiAz: boolField("database", db, "multiAz", DEFAULTS.database.multiAz, problems),
    backupRetentionDays: intField("database", db, "backupRetentionDays", DEFAULTS.database.backupRetentionDays, 1, 35, problems),
    deletionProtection: boolField("database", db, "deletionProtection", DEFAULTS.database.deletionProtection, problems),
  };
  if (database.maxAllocatedStorage < database.allocatedStorage)
    problems.push(`pluto:database.maxAllocatedStorage: ${database.maxAllocatedStorage} is below allocatedStorage ${database.allocatedStorage}`);

  const openWebUiSettings = settingsMap("openWebUiSettings", raw.openWebUiSettings, /^[A-Z][A-Z0-9_]*$/, "upper-case environment variable names", problems);
  const oauth2ProxySettings = settingsMap("oauth2ProxySettings", raw.oauth2ProxySettings, /^OAUTH2_PROXY_[A-Z0-9_]+$/, "OAUTH2_PROXY_* names", problems);
  const openWebUiSecrets = secretSettings("openWebUiSecrets", raw.openWebUiSecrets, problems);
  problems.push(...settingCollisions({ openWebUiSettings, oauth2ProxySettings, openWebUiSecrets, scaledOut: isScaledOut(openWebUi) }));

  const redisNodeType = raw.redisNodeType ?? DEFAULTS.redisNodeType;
  if (!/^cache\.[a-z0-9]+\.[a-z0-9]+$/.test(redisNodeType))
    problems.push(`pluto:redisNodeType: expected an ElastiCache node type like "cache.t4g.micro", got ${JSON.stringify(redisNodeType)}`);

  let n8n: N8nConfig | undefined;
  if (raw.n8n !== undefined) {
    const o = parseObject("n8n", raw.n8n, problems);
    unknownFields("n8n", o, ["enabled", "image", "cpu", "memory"], problems);
    if (boolField("n8n", o, "enabled", true, problems)) {
      n8n = {
        image: o.image === undefined ? DEFAULTS.n8n.image : String(o.image),
        cpu: intField("n8n", o, "cpu", DEFAULTS.n8n.cpu, 256, 16384, problems),
        memory: intField("n8n", o, "memory", DEFAULTS.n8n.memory, 512, 122880, problems),
      };
      const problem = imagePinProblem(n8n.image);
      if (problem) problems.push(`pluto:n8n.image: ${JSON.stringify(n8n.image)} ${problem}`);
      checkFargatePair("n8n", n8n.cpu, n8n.memory, problems);
    }
  }

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
    ...images,
    openWebUi,
    natGateways,
    database,
    openWebUiSettings,
    oauth2ProxySettings,
    openWebUiSecrets,
    redisNodeType,
    n8n,
  };
}

function checkFargatePair(key: string, cpu: number, memory: number, problems: string[]): void {
  const choices = fargateMemoryChoices(cpu);
  if (choices.length === 0)
    problems.push(`pluto:${key}.cpu: ${cpu} is not a Fargate CPU size (256, 512, 1024, 2048, 4096, 8192, 16384)`);
  else if (!choices.includes(memory))
    problems.push(`pluto:${key}.memory: ${memory} MiB is not valid with cpu ${cpu} on Fargate; choose from ${choices[0]} to ${choices[choices.length - 1]} in steps of ${choices[1] - choices[0]}`);
}

/** A flat map of extra environment settings; values may be given as numbers or booleans and become strings. */
function settingsMap(key: string, raw: string | undefined, namePattern: RegExp, expected: string, problems: string[]): Record<string, string> {
  const obj = parseObject(key, raw, problems);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(obj)) {
    if (!namePattern.test(name)) problems.push(`pluto:${key}.${name}: expected ${expected}`);
    else if (value === null || typeof value === "object") problems.push(`pluto:${key}.${name}: expected a string, number or boolean value`);
    else out[name] = String(value);
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

/** Reads `pluto:*` and `aws:region` from the running stack and validates them. */
export function loadConfig(): PlutoConfig {
  const raw: RawConfig = {};
  for (const [fullKey, value] of Object.entries(pulumi.runtime.allConfig())) {
    if (fullKey.startsWith("pluto:")) raw[fullKey.slice("pluto:".length)] = value;
  }
  const secret = raw.googleClientSecret === undefined ? undefined : new pulumi.Config("pluto").requireSecret("googleClientSecret");
  return parseConfig(raw, pulumi.runtime.getConfig("aws:region"), secret, configSecretKeys(Object.keys(raw)));
}
