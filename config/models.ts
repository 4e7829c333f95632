/**
 * The model connections a stack configures (`pluto:models`): their validation, the Bedrock and
 * Secrets Manager identifiers they use, and the IAM they need. Pure and free of Pulumi imports,
 * so the program, the policy-free CLI (`pluto doctor`) and the tests share one source of truth.
 */

import { secretVersionSelectorProblem } from "./secretArn";

/**
 * The LiteLLM proxy image the Bedrock gateway runs: a published release tag, never `main-latest`.
 * v1.104.2 (2026-10-08, tag → BerriAI/litellm fc3920bf; BerriAI/litellm-docs
 * release_notes/v1.104.2) is the newest stable; since v1.84.0 stable tags have no `-stable`
 * suffix. Floor 1.84.0: GHSA-4xpc-pv4p-pm3w (CVE-2026-49468, proxy auth bypass via the Host
 * header); v1.80.11-stable.1, the earlier pin, is also inside GHSA-xqmj-j6mv-4862 and
 * GHSA-v4p8-mg3p-g94g (< 1.83.7) and GHSA-jjhc-v7c2-5hh6 (< 1.83.0).
 */
export const DEFAULT_GATEWAY_IMAGE = "ghcr.io/berriai/litellm:v1.104.2";

/** Connection name of the Bedrock gateway in Open WebUI; an OpenAI-compatible connection may not use it. */
export const BEDROCK_CONNECTION = "bedrock";

export interface BedrockModels {
  /** Bedrock model ids (`anthropic.claude-3-5-haiku-20241022-v1:0`) or system inference profile ids (`us.…`). */
  models: string[];
  /** Region Bedrock is called in. Defaults to the stack's region. */
  region: string;
  /** Pinned OpenAI-compatible gateway image (LiteLLM proxy). Defaults to {@link DEFAULT_GATEWAY_IMAGE}. */
  gatewayImage: string;
}

export interface OpenAiConnection {
  /** Unique name, shown by `pluto doctor` and the stack output `models`. */
  name: string;
  /** https base URL, without a trailing slash (Open WebUI appends `/models`, `/chat/completions`). */
  baseUrl: string;
  /** Secrets Manager secret holding the key: a full ARN, optionally with `:json-key:version-stage:version-id`. */
  apiKeySecretArn: string;
}

export interface ModelsConfig {
  /** Amazon Bedrock through the task's IAM role. Defaults to none. */
  bedrock?: BedrockModels;
  /** OpenAI-compatible endpoints, in the order Open WebUI lists them. Defaults to none. */
  openai: OpenAiConnection[];
}

export const NO_MODELS: ModelsConfig = { openai: [] };

export function hasModels(m: ModelsConfig): boolean {
  return m.bedrock !== undefined || m.openai.length > 0;
}

// ---------------------------------------------------------------------------------------------
// Bedrock identifiers
// ---------------------------------------------------------------------------------------------

/**
 * Prefixes of system-defined (cross-Region) inference profile ids: geographic (`us`, `eu`, `apac`, …)
 * and `global` (https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-support.html).
 */
export const INFERENCE_PROFILE_PREFIXES = ["us", "us-gov", "eu", "apac", "jp", "au", "ca", "global"] as const;

const FOUNDATION_MODEL_ID = /^[a-z][a-z0-9-]*\.[a-z0-9][a-z0-9.-]*(:[0-9]+)?$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

export function isAwsRegion(value: string): boolean {
  return REGION.test(value);
}

export type BedrockModelId = { kind: "foundation-model"; id: string } | { kind: "inference-profile"; id: string; prefix: string; foundationModelId: string };

/** Classifies an id as Bedrock spells it; undefined when it is neither form (an ARN, a name, a typo). */
export function parseBedrockModelId(id: string): BedrockModelId | undefined {
  const dot = id.indexOf(".");
  const prefix = id.slice(0, dot);
  if (dot > 0 && (INFERENCE_PROFILE_PREFIXES as readonly string[]).includes(prefix)) {
    const foundationModelId = id.slice(dot + 1);
    return FOUNDATION_MODEL_ID.test(foundationModelId) ? { kind: "inference-profile", id, prefix, foundationModelId } : undefined;
  }
  return FOUNDATION_MODEL_ID.test(id) ? { kind: "foundation-model", id } : undefined;
}

/** `arn:aws:bedrock:REGION::foundation-model/ID` (foundation models have no account in their ARN). */
export function foundationModelArn(region: string, id: string): string {
  return `arn:aws:bedrock:${region}::foundation-model/${id}`;
}

/** What the deployment looked up for one inference profile (GetInferenceProfile). */
export interface ResolvedInferenceProfile {
  id: string;
  /** `arn:aws:bedrock:REGION:ACCOUNT:inference-profile/ID`. */
  arn: string;
  /** The foundation model in every Region the profile routes to (GetInferenceProfile `models`). */
  modelArns: string[];
}

export const BEDROCK_INVOKE_ACTIONS = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"];

export interface PolicyStatement {
  Sid: string;
  Effect: "Allow";
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** `arn:PARTITION:bedrock:*::foundation-model/ID` for the foundation model in a model ARN, in whichever Region. */
export function anyRegionModelArn(modelArn: string): string {
  const m = /^arn:([a-z-]+):bedrock:[a-z0-9-]*:\d*:foundation-model\/(.+)$/.exec(modelArn);
  if (!m) throw new Error(`not a Bedrock foundation-model ARN: ${modelArn}`);
  return `arn:${m[1]}:bedrock:*::foundation-model/${m[2]}`;
}

/**
 * The task role's permission to call exactly the configured models, nothing on `*`.
 * - A foundation model id needs its foundation-model ARN.
 * - An inference profile needs the profile's ARN and the foundation model in each Region the
 *   profile routes to ("Prerequisites for inference profiles",
 *   https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-prereq.html). Those
 *   models are granted in any Region but only through the configured profiles (condition
 *   `bedrock:InferenceProfileArn`, as in that page's example): the profile decides the Regions, and
 *   AWS adds destination Regions to profiles over time, which a list frozen at deployment would
 *   turn into intermittent AccessDenied errors. One statement serves every profile, since each
 *   profile routes to its own model only.
 * InvokeModel/InvokeModelWithResponseStream also authorise Converse/ConverseStream
 * (https://docs.aws.amazon.com/bedrock/latest/userguide/inference-prereq.html).
 */
export function bedrockInvokeStatements(foundationModelArns: string[], profiles: ResolvedInferenceProfile[]): PolicyStatement[] {
  for (const p of profiles) if (p.modelArns.length === 0) throw new Error(`Bedrock inference profile ${p.id} lists no foundation models; it cannot be invoked`);
  const unique = (xs: string[]) => [...new Set(xs)].sort();
  const statements: PolicyStatement[] = [];
  if (foundationModelArns.length > 0)
    statements.push({ Sid: "InvokeFoundationModels", Effect: "Allow", Action: BEDROCK_INVOKE_ACTIONS, Resource: unique(foundationModelArns) });
  if (profiles.length > 0) {
    const profileArns = unique(profiles.map((p) => p.arn));
    statements.push({ Sid: "InvokeInferenceProfiles", Effect: "Allow", Action: BEDROCK_INVOKE_ACTIONS, Resource: profileArns });
    statements.push({
      Sid: "InvokeModelsThroughProfiles",
      Effect: "Allow",
      Action: BEDROCK_INVOKE_ACTIONS,
      Resource: unique(profiles.flatMap((p) => p.modelArns.map(anyRegionModelArn))),
      Condition: { StringEquals: { "bedrock:InferenceProfileArn": profileArns } },
    });
  }
  return statements;
}

/** IAM's limit on the inline policies of one role, counted without whitespace (IAM quotas page). */
export const ROLE_INLINE_POLICY_LIMIT = 10240;
/** Room left for the task role's other inline policy (the EFS mount grant is about 400 characters). */
export const BEDROCK_POLICY_BUDGET = ROLE_INLINE_POLICY_LIMIT - 1024;
/** Models per stack: an inference profile costs about 300 characters of policy (its ARN twice, its model once), so 25 fit {@link BEDROCK_POLICY_BUDGET} even with long ids. */
export const MAX_BEDROCK_MODELS = 25;

/** The task role's Bedrock policy document, refused when IAM would refuse it. */
export function bedrockInvokePolicy(foundationModelArns: string[], profiles: ResolvedInferenceProfile[]): string {
  const policy = JSON.stringify({ Version: "2012-10-17", Statement: bedrockInvokeStatements(foundationModelArns, profiles) });
  if (policy.length > BEDROCK_POLICY_BUDGET)
    throw new Error(
      `pluto:models.bedrock.models: the Bedrock invoke policy would be ${policy.length} characters; ` +
        `a role's inline policies may hold ${ROLE_INLINE_POLICY_LIMIT} in all (IAM). Configure fewer models`,
    );
  return policy;
}

/**
 * A foundation model invoked by its own id must support on-demand throughput; newer models are
 * served only through inference profiles, and calling them directly fails at run time with
 * "on-demand throughput isn't supported". Checked at deployment against GetFoundationModel.
 */
export function onDemandProblem(id: string, region: string, inferenceTypesSupported: string[]): string | undefined {
  if (inferenceTypesSupported.includes("ON_DEMAND")) return undefined;
  return (
    `pluto:models.bedrock.models: ${id} does not support on-demand calls in ${region} ` +
    `(it supports ${inferenceTypesSupported.join(", ") || "no inference type"}); use one of its inference profile ids instead, e.g. us.${id}`
  );
}

// ---------------------------------------------------------------------------------------------
// Secrets Manager ARNs as ECS `secrets` take them
// ---------------------------------------------------------------------------------------------

const SECRET_ARN = /^(arn:aws(?:-cn|-us-gov)?:secretsmanager:([a-z0-9-]+):(\d{12}):secret:([A-Za-z0-9/_+=.@-]+)-[A-Za-z0-9]{6})(?::([^:]*):([^:]*):([^:]*))?$/;

export interface SecretReference {
  /** The secret's full ARN: what IAM and GetSecretValue take. */
  arn: string;
  region: string;
  account: string;
  name: string;
  /** A JSON key of the secret's value (ECS `valueFrom` `…:json-key:version-stage:version-id`). */
  jsonKey?: string;
  versionStage?: string;
  versionId?: string;
}

/**
 * Parses an ECS `valueFrom` for Secrets Manager: the full secret ARN (with the 6-character suffix
 * Secrets Manager appends), optionally followed by `:json-key:version-stage:version-id`
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html).
 */
export function parseSecretReference(valueFrom: string): SecretReference | undefined {
  const m = SECRET_ARN.exec(valueFrom);
  if (!m) return undefined;
  const [, arn, region, account, name, jsonKey, versionStage, versionId] = m;
  if (m[5] !== undefined && !jsonKey && !versionStage && !versionId) return undefined;
  return {
    arn,
    region,
    account,
    name,
    ...(jsonKey ? { jsonKey } : {}),
    ...(versionStage ? { versionStage } : {}),
    ...(versionId ? { versionId } : {}),
  };
}

/** The IAM resource for an ECS secret reference: a JSON-key or version suffix is not part of the secret's ARN. */
export function secretResourceArn(valueFrom: string): string {
  return parseSecretReference(valueFrom)?.arn ?? valueFrom;
}

// ---------------------------------------------------------------------------------------------
// Validation of `pluto:models`
// ---------------------------------------------------------------------------------------------

const KEY = "pluto:models";
const CONNECTION_NAME = /^[a-z][a-z0-9-]{0,31}$/;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function unknownFields(key: string, obj: Record<string, unknown>, known: string[], problems: string[]): void {
  for (const f of Object.keys(obj)) if (!known.includes(f)) problems.push(`${key}.${f}: unknown field (expected one of: ${known.join(", ")})`);
}

/** Problem with an https base URL of an OpenAI-compatible API, or undefined. */
export function baseUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "is not a URL";
  }
  if (url.protocol !== "https:") return "must use https (the key travels in its Authorization header)";
  if (url.username || url.password) return "must not carry credentials; put the key in Secrets Manager (apiKeySecretArn)";
  if (url.search || url.hash) return "must not have a query or fragment (Open WebUI appends /models and /chat/completions to it)";
  // Open WebUI splits OPENAI_API_BASE_URLS on ';' (config.py).
  if (value.includes(";")) return "must not contain ';'";
  return undefined;
}

function checkGatewayImage(image: string, given: unknown, problems: string[], pinProblem: (image: string) => string | undefined): void {
  const problem = pinProblem(image);
  if (problem) problems.push(`${KEY}.bedrock.gatewayImage: ${JSON.stringify(given ?? image)} ${problem}`);
}

function parseBedrock(
  raw: unknown,
  stackRegion: string | undefined,
  problems: string[],
  pinProblem: (image: string) => string | undefined,
): BedrockModels | undefined {
  const key = `${KEY}.bedrock`;
  if (!isObject(raw)) {
    problems.push(`${key}: expected an object {models, region?, gatewayImage?}`);
    return undefined;
  }
  unknownFields(key, raw, ["models", "region", "gatewayImage"], problems);
  const models: string[] = [];
  if (!Array.isArray(raw.models) || raw.models.length === 0) {
    problems.push(`${key}.models: expected a non-empty list of Bedrock model ids or inference profile ids, e.g. [anthropic.claude-3-5-haiku-20241022-v1:0]`);
  } else if (raw.models.length > MAX_BEDROCK_MODELS) {
    problems.push(
      `${key}.models: ${raw.models.length} models; at most ${MAX_BEDROCK_MODELS} fit the task role's IAM policy (IAM allows ${ROLE_INLINE_POLICY_LIMIT} characters of inline policy per role)`,
    );
  } else {
    raw.models.forEach((m, i) => {
      const id = typeof m === "string" ? m.trim() : "";
      if (!parseBedrockModelId(id)) {
        problems.push(
          `${key}.models[${i}]: ${JSON.stringify(m)} is not a Bedrock model id or inference profile id ` +
            `(expected e.g. anthropic.claude-3-5-haiku-20241022-v1:0 or us.anthropic.claude-3-5-haiku-20241022-v1:0; ARNs are not accepted)`,
        );
      } else if (models.includes(id)) {
        problems.push(`${key}.models[${i}]: ${id} is listed twice`);
      } else {
        models.push(id);
      }
    });
  }
  let region = stackRegion ?? "";
  if (raw.region !== undefined) {
    if (typeof raw.region !== "string" || !isAwsRegion(raw.region))
      problems.push(`${key}.region: expected an AWS region such as us-east-1, got ${JSON.stringify(raw.region)}`);
    else region = raw.region;
  }
  // Only a string is an image reference (String() would read the list ["x"] as "x"): anything else is checked as "".
  const gatewayImage = raw.gatewayImage === undefined ? DEFAULT_GATEWAY_IMAGE : typeof raw.gatewayImage === "string" ? raw.gatewayImage : "";
  checkGatewayImage(gatewayImage, raw.gatewayImage, problems, pinProblem);
  return { models, region, gatewayImage };
}

function parseOpenAi(raw: unknown, stackRegion: string | undefined, problems: string[]): OpenAiConnection[] {
  const key = `${KEY}.openai`;
  if (!Array.isArray(raw)) {
    problems.push(`${key}: expected a list of connections [{name, baseUrl, apiKeySecretArn}]`);
    return [];
  }
  const out: OpenAiConnection[] = [];
  raw.forEach((c, i) => {
    const k = `${key}[${i}]`;
    if (!isObject(c)) {
      problems.push(`${k}: expected an object {name, baseUrl, apiKeySecretArn}`);
      return;
    }
    unknownFields(k, c, ["name", "baseUrl", "apiKeySecretArn"], problems);
    const name = typeof c.name === "string" ? c.name : "";
    if (!CONNECTION_NAME.test(name))
      problems.push(`${k}.name: expected 1-32 lower-case letters, digits or dashes starting with a letter, got ${JSON.stringify(c.name)}`);
    else if (name === BEDROCK_CONNECTION)
      problems.push(`${k}.name: "${BEDROCK_CONNECTION}" is reserved for the Bedrock gateway (pluto:models.bedrock); choose another name`);
    else if (out.some((o) => o.name === name)) problems.push(`${k}.name: "${name}" is used by another connection; names must be unique`);

    const rawUrl = typeof c.baseUrl === "string" ? c.baseUrl.trim() : "";
    const urlProblem = rawUrl ? baseUrlProblem(rawUrl) : "is required";
    const baseUrl = rawUrl.replace(/\/+$/, "");
    if (urlProblem) problems.push(`${k}.baseUrl: ${rawUrl ? JSON.stringify(c.baseUrl) + " " : ""}${urlProblem}, e.g. https://api.openai.com/v1`);
    else if (out.some((o) => o.baseUrl === baseUrl)) problems.push(`${k}.baseUrl: ${baseUrl} is used by another connection`);

    const arn = typeof c.apiKeySecretArn === "string" ? c.apiKeySecretArn.trim() : "";
    const ref = parseSecretReference(arn);
    if (!ref) {
      problems.push(
        `${k}.apiKeySecretArn: expected the full ARN of a Secrets Manager secret (arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-AbCdEf, ` +
          `optionally followed by :json-key::), got ${JSON.stringify(c.apiKeySecretArn)}`,
      );
    } else if (secretVersionSelectorProblem(ref)) {
      problems.push(`${k}.apiKeySecretArn: ${secretVersionSelectorProblem(ref)}`);
    } else if (stackRegion && ref.region !== stackRegion) {
      problems.push(`${k}.apiKeySecretArn: the secret is in ${ref.region} but the stack is in ${stackRegion}; keep the key in the stack's region`);
    }
    out.push({ name, baseUrl, apiKeySecretArn: arn });
  });
  return out;
}

/**
 * Validates `pluto:models` (JSON text as Pulumi hands structured config over) and appends one
 * problem per mistake, each naming its key. `pinProblem` is the image-pinning rule of config/index.ts.
 */
export function parseModelsConfig(
  raw: string | undefined,
  stackRegion: string | undefined,
  problems: string[],
  pinProblem: (image: string) => string | undefined,
): ModelsConfig {
  if (raw === undefined) return NO_MODELS;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    value = undefined;
  }
  if (!isObject(value)) {
    problems.push(
      `${KEY}: expected an object {bedrock?, openai?} (set fields with \`pulumi config set --path models.bedrock.models[0] <id>\`), got ${JSON.stringify(raw)}`,
    );
    return NO_MODELS;
  }
  unknownFields(KEY, value, ["bedrock", "openai"], problems);
  const bedrock = value.bedrock === undefined ? undefined : parseBedrock(value.bedrock, stackRegion, problems, pinProblem);
  const openai = value.openai === undefined ? [] : parseOpenAi(value.openai, stackRegion, problems);
  return { ...(bedrock ? { bedrock } : {}), openai };
}

/** Open WebUI settings that `pluto:models` owns; setting them by hand as well would fight it. */
export const MODEL_SETTINGS = ["OPENAI_API_BASE_URL", "OPENAI_API_BASE_URLS", "OPENAI_API_KEY", "OPENAI_API_KEYS", "ENABLE_OPENAI_API"];

/** What the stack output `models` and `pluto synth` say about the connections (no secrets, no ARNs). */
export interface ModelsSummary {
  connections: { name: string; baseUrl: string; models?: string[]; region?: string }[];
}

export function modelsSummary(m: ModelsConfig, gatewayBaseUrl: string): ModelsSummary {
  return {
    connections: [
      ...m.openai.map((c) => ({ name: c.name, baseUrl: c.baseUrl })),
      ...(m.bedrock ? [{ name: BEDROCK_CONNECTION, baseUrl: gatewayBaseUrl, models: m.bedrock.models, region: m.bedrock.region }] : []),
    ],
  };
}

/** One line for `pluto synth`: what a signed-in user will find in Open WebUI's model list. */
export function describeModels(summary: ModelsSummary | undefined): string {
  const connections = summary?.connections ?? [];
  if (connections.length === 0)
    return 'models: none connected; Open WebUI will list no model until pluto:models is set (README "Models") or an administrator adds a connection';
  return (
    "models: " +
    connections
      .map((c) =>
        c.models
          ? `${c.name} (${c.models.length} Bedrock model${c.models.length === 1 ? "" : "s"} in ${c.region}, through the gateway sidecar)`
          : `${c.name} (${c.baseUrl})`,
      )
      .join(", ")
  );
}
