import { Task, TaskDefinition } from "@aws-sdk/client-ecs";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { BedrockClient, GetFoundationModelAvailabilityCommand, GetInferenceProfileCommand } from "@aws-sdk/client-bedrock";
import { parseBedrockModelId, parseSecretReference } from "../../../config/models";
import { LiveConnection, liveConnections } from "../../../settings/modelWiring";
import { CliError } from "../../errors";
import { aws, AwsContext, translateAwsError } from "./awsErrors";
import { Check } from "./checks";
import { AwsTarget } from "./clients";
import { snapshotContainers } from "./envDiff";
import { OpsSession } from "./options";

/** What the model checks need beyond the ECS session; tests pass fakes. */
export interface ModelCheckDeps {
  secrets: SecretsManagerClient;
  /** Bedrock's control plane in a region (the stack may call Bedrock outside its own region). */
  bedrock: (region: string) => BedrockClient;
  fetch: typeof fetch;
}

export function createModelCheckDeps({ region, profile }: AwsTarget): ModelCheckDeps {
  const config = { ...(region ? { region } : {}), ...(profile ? { profile } : {}) };
  return {
    secrets: new SecretsManagerClient(config),
    bedrock: (bedrockRegion) => new BedrockClient({ ...config, region: bedrockRegion }),
    fetch: globalThis.fetch,
  };
}

/** How long an OpenAI-compatible endpoint may take to list its models. */
export const MODELS_TIMEOUT_MS = 10_000;

type Status = Check["status"];
const worst = (statuses: Status[]): Status =>
  statuses.includes("fail") ? "fail" : statuses.includes("warn") ? "warn" : statuses.includes("pass") ? "pass" : "skip";

/**
 * One check per connection the live task definition wires (`pluto:models`), or a warning that it
 * wires none. A check that cannot run (a permission the operator lacks) warns and says which call
 * was refused; the rest of the report still runs.
 */
/** `running`: the service's running tasks (described), which doctor lists once for every check. */
export async function modelChecks(s: OpsSession, td: TaskDefinition, running: Task[], deps: ModelCheckDeps): Promise<Check[]> {
  const connections = liveConnections(snapshotContainers(td));
  if (connections.length === 0) {
    return [
      {
        name: "models",
        status: "warn",
        summary: "no model connection configured by the stack (pluto:models): Open WebUI lists no model unless an administrator adds one in its admin panel",
        details: [],
      },
    ];
  }
  const checks: Check[] = [];
  for (const c of connections) {
    const name = `model:${c.name}`;
    try {
      checks.push(c.gateway ? await gatewayCheck(name, c, s, running, deps) : await endpointCheck(name, c, s, deps));
    } catch (e) {
      if (!(e instanceof CliError)) throw e;
      checks.push({ name, status: "warn", summary: `cannot check ${c.baseUrl}: ${e.message}`, details: [] });
    }
  }
  return checks;
}

// ---------------------------------------------------------------------------------------------
// An OpenAI-compatible endpoint: GET {baseUrl}/models with the connection's key
// ---------------------------------------------------------------------------------------------

async function readKey(c: LiveConnection, s: OpsSession, secrets: SecretsManagerClient): Promise<{ key?: string; problem?: string }> {
  if (!c.keyValueFrom) return { problem: `no key: ${c.keyVariable} is not among the container's ECS secrets` };
  const ref = parseSecretReference(c.keyValueFrom);
  if (!ref) return { problem: `the key reference ${c.keyValueFrom} is not a Secrets Manager secret ARN` };
  const out = await aws(s.ctx, `secretsmanager:GetSecretValue on ${ref.arn}`, () =>
    secrets.send(
      new GetSecretValueCommand({
        SecretId: ref.arn,
        ...(ref.versionStage ? { VersionStage: ref.versionStage } : {}),
        ...(ref.versionId ? { VersionId: ref.versionId } : {}),
      }),
    ),
  );
  const text = out.SecretString;
  if (text === undefined) return { problem: `secret ${ref.arn} holds binary data, not a key` };
  if (!ref.jsonKey) return { key: text.trim() };
  // ECS reads `json-key` from a JSON object; a secret that is not one fails the task's start.
  let value: unknown;
  try {
    value = (JSON.parse(text) as Record<string, unknown>)[ref.jsonKey];
  } catch {
    return { problem: `secret ${ref.arn} is not JSON, so ECS cannot read its key ${JSON.stringify(ref.jsonKey)}` };
  }
  return typeof value === "string" ? { key: value.trim() } : { problem: `secret ${ref.arn} has no string field ${JSON.stringify(ref.jsonKey)}` };
}

/** Never let a key reach the report, even inside an error text. */
function redact(text: string, key: string): string {
  return key ? text.split(key).join("<hidden>") : text;
}

async function endpointCheck(name: string, c: LiveConnection, s: OpsSession, deps: ModelCheckDeps): Promise<Check> {
  const { key, problem } = await readKey(c, s, deps.secrets);
  if (problem || key === undefined) return { name, status: "fail", summary: problem ?? "no key", details: [] };
  const url = `${c.baseUrl}/models`;
  let response: Response;
  try {
    response = await deps.fetch(url, {
      headers: { Authorization: `Bearer ${key}`, Accept: "application/json" },
      signal: AbortSignal.timeout(MODELS_TIMEOUT_MS),
    });
  } catch (e) {
    const err = e as Error & { cause?: { code?: string } };
    const why = err.name === "TimeoutError" ? `no answer within ${MODELS_TIMEOUT_MS / 1000} s` : `no answer: ${err.cause?.code ?? err.message}`;
    return { name, status: "fail", summary: `GET ${url}: ${redact(why, key)}`, details: [] };
  }
  if (response.status === 401 || response.status === 403)
    return {
      name,
      status: "fail",
      summary: `GET ${url}: HTTP ${response.status}, the key was refused (check the secret behind ${c.keyVariable})`,
      details: [],
    };
  if (!response.ok) return { name, status: "fail", summary: `GET ${url}: HTTP ${response.status}`, details: [] };
  let ids: string[];
  try {
    const body = (await response.json()) as { data?: { id?: unknown }[] };
    if (!Array.isArray(body.data)) throw new Error("no data");
    ids = body.data.map((m) => m.id).filter((id): id is string => typeof id === "string" && id !== "");
  } catch {
    return { name, status: "warn", summary: `GET ${url}: HTTP ${response.status}, but not an OpenAI model list ({"data": [...]})`, details: [] };
  }
  const shown = ids.slice(0, 5).join(", ") + (ids.length > 5 ? `, … (${ids.length - 5} more)` : "");
  return {
    name,
    status: ids.length ? "pass" : "warn",
    summary: ids.length ? `${c.baseUrl} answers with ${ids.length} model(s)` : `${c.baseUrl} answers, but lists no model`,
    details: ids.length ? [shown] : [],
  };
}

// ---------------------------------------------------------------------------------------------
// The Bedrock gateway: private to the task, so check its container and Bedrock itself
// ---------------------------------------------------------------------------------------------

function gatewayContainerStatus(running: Task[], container: string): { status: Status; line: string } {
  if (running.length === 0) return { status: "fail", line: `${container}: no running task` };
  const states = running.map((t) => t.containers?.find((x) => x.name === container));
  const healthy = states.filter((x) => x?.lastStatus === "RUNNING" && x.healthStatus === "HEALTHY").length;
  const starting = states.filter((x) => x?.lastStatus === "RUNNING" && x.healthStatus !== "HEALTHY" && x.healthStatus !== "UNHEALTHY").length;
  const line =
    `${container}: healthy in ${healthy}/${states.length} running task(s)` +
    (healthy < states.length ? ` (${states.map((x) => (x ? `${x.lastStatus}/${x.healthStatus ?? "UNKNOWN"}` : "missing")).join(", ")})` : "");
  return { status: healthy === states.length ? "pass" : healthy + starting === states.length ? "warn" : "fail", line };
}

/** The call's answer, or undefined when Bedrock says the id does not exist (ResourceNotFound, or a ValidationException for a malformed id). */
async function unlessUnknown<T>(ctx: AwsContext, action: string, call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (e) {
    if (/^(ResourceNotFoundException|ValidationException)$/.test(String((e as Error)?.name))) return undefined;
    throw translateAwsError(e, action, ctx);
  }
}

/**
 * Whether the account may use a model in a region, from Bedrock's control plane
 * (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_GetFoundationModelAvailability.html).
 */
async function modelAvailability(s: OpsSession, bedrock: BedrockClient, region: string, id: string): Promise<{ status: Status; line: string }> {
  const parsed = parseBedrockModelId(id);
  if (!parsed) return { status: "fail", line: `${id}: not a Bedrock model or inference profile id` };
  const ctx = { ...s.ctx, region };
  const problems: { status: Status; text: string }[] = [];
  let modelId = id;
  if (parsed.kind === "inference-profile") {
    modelId = parsed.foundationModelId;
    const p = await unlessUnknown(ctx, "bedrock:GetInferenceProfile", () => bedrock.send(new GetInferenceProfileCommand({ inferenceProfileIdentifier: id })));
    if (!p) return { status: "fail", line: `${id}: Bedrock has no such inference profile in ${region}` };
    if (p.status !== "ACTIVE") problems.push({ status: "fail", text: `inference profile is ${p.status ?? "not active"}` });
  }
  const a = await unlessUnknown(ctx, "bedrock:GetFoundationModelAvailability", () => bedrock.send(new GetFoundationModelAvailabilityCommand({ modelId })));
  if (!a) return { status: "fail", line: `${id}: Bedrock does not know ${modelId} in ${region}` };
  if (a.regionAvailability === "NOT_AVAILABLE") problems.push({ status: "fail", text: `not offered in ${region}` });
  if (a.authorizationStatus === "NOT_AUTHORIZED") problems.push({ status: "fail", text: "not authorized for this account" });
  if (a.entitlementAvailability === "NOT_AVAILABLE")
    problems.push({ status: "fail", text: "no entitlement (for Anthropic models, submit the use-case details once in the Bedrock console)" });
  const agreement = a.agreementAvailability?.status;
  if (agreement === "PENDING") problems.push({ status: "warn", text: "AWS Marketplace subscription still pending" });
  if (agreement === "NOT_AVAILABLE")
    problems.push({
      status: "fail",
      text: "no AWS Marketplace subscription: invoke it once (e.g. in the console playground) as someone allowed aws-marketplace:Subscribe",
    });
  if (agreement === "ERROR")
    problems.push({ status: "fail", text: `AWS Marketplace agreement failed: ${a.agreementAvailability?.errorMessage ?? "no reason given"}` });
  return problems.length === 0
    ? { status: "pass", line: `${id}: available in ${region}` }
    : { status: worst(problems.map((p) => p.status)), line: `${id}: ${problems.map((p) => p.text).join("; ")}` };
}

async function gatewayCheck(name: string, c: LiveConnection, s: OpsSession, running: Task[], deps: ModelCheckDeps): Promise<Check> {
  const gw = c.gateway!;
  const container = gatewayContainerStatus(running, gw.container);
  if (!gw.region || gw.models.length === 0)
    return { name, status: "fail", summary: `${gw.container} carries no model list (PLUTO_LITELLM_CONFIG)`, details: [container.line] };
  const bedrock = deps.bedrock(gw.region);
  const models = [];
  for (const id of gw.models) models.push(await modelAvailability(s, bedrock, gw.region, id));
  const status = worst([container.status, ...models.map((m) => m.status)]);
  const available = models.filter((m) => m.status === "pass").length;
  return {
    name,
    status,
    summary: `gateway ${container.status === "pass" ? "healthy" : "not healthy"}; ${available}/${models.length} Bedrock model(s) available in ${gw.region}`,
    details: [container.line, ...models.map((m) => m.line)],
  };
}
