/**
 * The model connections a stack configures (`pluto:models`): the Bedrock and Secrets Manager
 * identifiers they use, and the IAM they need; their validation is config/schema/models.ts. Pure
 * and free of Pulumi imports, so the program, the policy-free CLI (`pluto doctor`) and the tests
 * share one source of truth.
 */

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
