import { expect } from "chai";
import { mockClient } from "aws-sdk-client-mock";
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, DescribeTasksCommand, ListTasksCommand, Task, TaskDefinition } from "@aws-sdk/client-ecs";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import {
  BedrockClient,
  GetFoundationModelAvailabilityCommand,
  GetFoundationModelAvailabilityResponse,
  GetInferenceProfileCommand,
} from "@aws-sdk/client-bedrock";
import { formatDoctor, runDoctor } from "../../../cli/commands/ops/doctor";
import { createAwsClients } from "../../../cli/commands/ops/clients";
import { ModelCheckDeps } from "../../../cli/commands/ops/modelChecks";
import { gatewayContainer, openWebUiModelWiring, wiredConnections } from "../../../settings/modelWiring";
import { toEnvList, toSecretList } from "../../../settings/golden";
import { awsError, awsMocks, AwsMocks, pluto, REGION, restoreMocks, secretArn, service, taskArn, taskDefinition } from "./fixtures";

const OPENAI_KEY_ARN = secretArn("openai-key");
const MASTER_KEY_ARN = secretArn("bedrock-gateway/master-key");
const OPENAI_KEY = "sk-proj-live-0123456789abcdef";
const BEDROCK_REGION = "us-east-1";
const HAIKU = "anthropic.claude-3-5-haiku-20241022-v1:0";
const NOVA_PROFILE = "us.amazon.nova-lite-v1:0";

/** The live task definition of a stack with pluto:models, built by the functions that build the real one. */
function modelsTaskDefinition(rev: number, opts: { openai?: boolean; keyValueFrom?: string } = {}): TaskDefinition {
  const td = taskDefinition(rev);
  const openai = opts.openai === false ? [] : [{ name: "openai", baseUrl: "https://api.openai.com/v1", keyValueFrom: opts.keyValueFrom ?? OPENAI_KEY_ARN }];
  const w = openWebUiModelWiring(wiredConnections(openai, MASTER_KEY_ARN));
  const ow = td.containerDefinitions![0];
  ow.environment!.push(...toEnvList(w.environment));
  ow.secrets!.push(...toSecretList(w.secrets));
  if (w.command) ow.command = w.command;
  const gw = gatewayContainer({ models: [HAIKU, NOVA_PROFILE], region: BEDROCK_REGION, gatewayImage: "ghcr.io/berriai/litellm:v1.104.2" }, MASTER_KEY_ARN);
  td.containerDefinitions!.push({ ...gw, environment: toEnvList(gw.environment), secrets: toSecretList(gw.secrets) });
  return td;
}

/** A running task whose gateway container has `health` (ECS DescribeTasks containers[].healthStatus). */
function runningTask(id: string, health: "HEALTHY" | "UNHEALTHY" | "UNKNOWN", lastStatus = "RUNNING"): Task {
  return {
    taskArn: taskArn(id),
    lastStatus: "RUNNING",
    containers: [
      { name: "openwebui", lastStatus: "RUNNING", healthStatus: "HEALTHY" },
      { name: "oauth2-proxy", lastStatus: "RUNNING", healthStatus: "UNKNOWN" },
      { name: "bedrock-gateway", lastStatus, healthStatus: health },
    ],
  };
}

/** GetFoundationModelAvailability for a model the account may use (API_GetFoundationModelAvailability.html). */
const AVAILABLE: GetFoundationModelAvailabilityResponse = {
  modelId: HAIKU,
  agreementAvailability: { status: "AVAILABLE" },
  authorizationStatus: "AUTHORIZED",
  entitlementAvailability: "AVAILABLE",
  regionAvailability: "AVAILABLE",
};

interface FetchCall {
  url: string;
  authorization: string | null;
}

/**
 * An OpenAI-compatible endpoint as api.openai.com answers GET /v1/models
 * (https://platform.openai.com/docs/api-reference/models/list): {"object":"list","data":[{"id",…}]};
 * a bad key gets 401 with an error body that echoes part of the key.
 */
function fakeOpenAi(behaviour: "ok" | "refuse" | "down" | "not-a-list", calls: FetchCall[]): typeof fetch {
  return async (input: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(input), authorization: new Headers(init?.headers).get("authorization") });
    if (behaviour === "down") throw Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNREFUSED" } });
    if (behaviour === "refuse")
      return new Response(
        JSON.stringify({ error: { message: `Incorrect API key provided: ${OPENAI_KEY}.`, type: "invalid_request_error", code: "invalid_api_key" } }),
        { status: 401 },
      );
    if (behaviour === "not-a-list") return new Response("<html>login</html>", { status: 200 });
    return new Response(
      JSON.stringify({ object: "list", data: ["gpt-4o", "gpt-4o-mini", "o3"].map((id) => ({ id, object: "model", created: 1, owned_by: "system" })) }),
      { status: 200 },
    );
  };
}

describe("pluto doctor: model connections", () => {
  let m: AwsMocks;
  let secrets: ReturnType<typeof mockClient>;
  let bedrock: ReturnType<typeof mockClient>;
  let fetchCalls: FetchCall[];
  let bedrockRegions: string[];

  beforeEach(() => {
    m = awsMocks();
    secrets = mockClient(SecretsManagerClient);
    bedrock = mockClient(BedrockClient);
    fetchCalls = [];
    bedrockRegions = [];
  });
  afterEach(() => {
    restoreMocks(m);
    secrets.restore();
    bedrock.restore();
  });

  function live(td: TaskDefinition, tasks = [runningTask("aaaa1111", "HEALTHY")]) {
    m.ecs.on(DescribeServicesCommand).resolves({ services: [service(td.revision!)], failures: [] });
    m.ecs.on(DescribeTaskDefinitionCommand).resolves({ taskDefinition: td });
    m.ecs.on(ListTasksCommand, { desiredStatus: "STOPPED" }).resolves({ taskArns: [] });
    m.ecs.on(ListTasksCommand, { desiredStatus: "RUNNING" }).resolves({ taskArns: tasks.map((t) => t.taskArn!) });
    m.ecs.on(DescribeTasksCommand).resolves({ tasks });
    secrets.on(GetSecretValueCommand, { SecretId: OPENAI_KEY_ARN }).resolves({ ARN: OPENAI_KEY_ARN, SecretString: OPENAI_KEY });
    bedrock.on(GetInferenceProfileCommand, { inferenceProfileIdentifier: NOVA_PROFILE }).resolves({
      inferenceProfileId: NOVA_PROFILE,
      status: "ACTIVE",
      type: "SYSTEM_DEFINED",
      inferenceProfileArn: `arn:aws:bedrock:${BEDROCK_REGION}:123456789012:inference-profile/${NOVA_PROFILE}`,
      inferenceProfileName: "US Nova Lite",
      models: [],
    });
    bedrock.on(GetFoundationModelAvailabilityCommand).resolves(AVAILABLE);
  }

  const deps = (openai: Parameters<typeof fakeOpenAi>[0] = "ok"): { clients: typeof createAwsClients; models: ModelCheckDeps } => ({
    clients: createAwsClients,
    models: {
      secrets: new SecretsManagerClient({ region: REGION }),
      bedrock: (region) => (bedrockRegions.push(region), new BedrockClient({ region })),
      fetch: fakeOpenAi(openai, fetchCalls),
    },
  });
  const doctor = (d = deps()) => runDoctor({ prefix: "pluto", region: REGION }, d);
  const line = (lines: string[], prefix: string) => lines.find((l) => l.startsWith(prefix)) ?? "";

  it("passes when the endpoint lists its models with the stored key and the gateway and its models are available", async () => {
    live(modelsTaskDefinition(70));
    const r = await doctor();
    const lines = formatDoctor(r);
    expect(line(lines, "PASS  model:openai")).to.contain("https://api.openai.com/v1 answers with 3 model(s)");
    expect(lines).to.include("      gpt-4o, gpt-4o-mini, o3");
    expect(line(lines, "PASS  model:bedrock")).to.contain(`gateway healthy; 2/2 Bedrock model(s) available in ${BEDROCK_REGION}`);
    expect(lines).to.include.members([
      "      bedrock-gateway: healthy in 1/1 running task(s)",
      `      ${HAIKU}: available in ${BEDROCK_REGION}`,
      `      ${NOVA_PROFILE}: available in ${BEDROCK_REGION}`,
    ]);
    expect(r.healthy).to.equal(true);
    // The key came from Secrets Manager, went to the endpoint, and nowhere else.
    expect(fetchCalls).to.deep.equal([{ url: "https://api.openai.com/v1/models", authorization: `Bearer ${OPENAI_KEY}` }]);
    expect(lines.join("\n") + JSON.stringify(r)).to.not.contain(OPENAI_KEY);
    // Bedrock is asked in the gateway's region, about the profile's foundation model too.
    expect(bedrockRegions).to.deep.equal([BEDROCK_REGION]);
    expect(bedrock.commandCalls(GetFoundationModelAvailabilityCommand).map((c) => c.args[0].input.modelId)).to.deep.equal([HAIKU, "amazon.nova-lite-v1:0"]);
    expect(m.ecs.commandCalls(ListTasksCommand).map((c) => c.args[0].input.desiredStatus)).to.deep.equal(["STOPPED", "RUNNING"]);
  });

  it("fails when the endpoint refuses the key, without printing the key it echoes", async () => {
    live(modelsTaskDefinition(71));
    const r = await doctor(deps("refuse"));
    const text = formatDoctor(r).join("\n");
    expect(text).to.match(
      /^FAIL {2}model:openai +GET https:\/\/api\.openai\.com\/v1\/models: HTTP 401, the key was refused \(check the secret behind PLUTO_OPENAI_API_KEY_0\)$/m,
    );
    expect(text + JSON.stringify(r)).to.not.contain(OPENAI_KEY);
    expect(r.healthy).to.equal(false);
    expect(text).to.match(/^unhealthy: model:openai failed$/m);
  });

  it("fails when the endpoint does not answer, and warns when it answers with something else than a model list", async () => {
    live(modelsTaskDefinition(72));
    expect(line(formatDoctor(await doctor(deps("down"))), "FAIL  model:openai")).to.contain("GET https://api.openai.com/v1/models: no answer: ECONNREFUSED");
    expect(line(formatDoctor(await doctor(deps("not-a-list"))), "WARN  model:openai")).to.contain('HTTP 200, but not an OpenAI model list ({"data": [...]})');
  });

  it("reads a key stored as a JSON field, at the version the task definition names", async () => {
    live(modelsTaskDefinition(73, { keyValueFrom: `${OPENAI_KEY_ARN}:openai:AWSPREVIOUS:` }));
    secrets
      .on(GetSecretValueCommand, { SecretId: OPENAI_KEY_ARN, VersionStage: "AWSPREVIOUS" })
      .resolves({ SecretString: JSON.stringify({ openai: OPENAI_KEY, other: "x" }) });
    const r = await doctor();
    expect(r.checks.find((c) => c.name === "model:openai")!.status).to.equal("pass");
    const modelSecretCalls = secrets.commandCalls(GetSecretValueCommand).filter((c) => c.args[0].input.SecretId !== "pluto/n8n/api-key");
    expect(modelSecretCalls.map((c) => c.args[0].input)).to.deep.equal([{ SecretId: OPENAI_KEY_ARN, VersionStage: "AWSPREVIOUS" }]);
    expect(fetchCalls[0].authorization).to.equal(`Bearer ${OPENAI_KEY}`);
  });

  it("fails naming the field when the secret lacks it, without printing the secret", async () => {
    live(modelsTaskDefinition(74, { keyValueFrom: `${OPENAI_KEY_ARN}:openai::` }));
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ anthropic: OPENAI_KEY }) });
    const text = formatDoctor(await doctor()).join("\n");
    expect(text).to.match(new RegExp(`^FAIL {2}model:openai +secret ${OPENAI_KEY_ARN} has no string field "openai"$`, "m"));
    expect(text).to.not.contain(OPENAI_KEY);
    expect(fetchCalls).to.deep.equal([]);
  });

  it("warns, naming the refused call, when the operator may not read the key, and still checks the rest", async () => {
    live(modelsTaskDefinition(75));
    secrets
      .on(GetSecretValueCommand)
      .rejects(awsError("AccessDeniedException", "User: arn:aws:iam::123456789012:user/ro is not authorized to perform: secretsmanager:GetSecretValue"));
    const r = await doctor();
    const lines = formatDoctor(r);
    expect(line(lines, "WARN  model:openai")).to.contain(
      `cannot check https://api.openai.com/v1: access denied calling secretsmanager:GetSecretValue on ${OPENAI_KEY_ARN} in ${REGION}`,
    );
    expect(line(lines, "PASS  model:bedrock")).to.not.equal("");
    expect(r.healthy).to.equal(true);
  });

  it("fails when the gateway container is unhealthy, and warns while it is still starting", async () => {
    live(modelsTaskDefinition(76, { openai: false }), [runningTask("aaaa1111", "HEALTHY"), runningTask("bbbb2222", "UNHEALTHY")]);
    const failing = formatDoctor(await doctor());
    expect(line(failing, "FAIL  model:bedrock")).to.contain("gateway not healthy; 2/2 Bedrock model(s) available");
    expect(failing).to.include("      bedrock-gateway: healthy in 1/2 running task(s) (RUNNING/HEALTHY, RUNNING/UNHEALTHY)");
    live(modelsTaskDefinition(76, { openai: false }), [runningTask("aaaa1111", "UNKNOWN")]);
    expect(line(formatDoctor(await doctor()), "WARN  model:bedrock")).to.contain("gateway not healthy");
    live(modelsTaskDefinition(76, { openai: false }), [runningTask("aaaa1111", "UNKNOWN", "STOPPED")]);
    expect(line(formatDoctor(await doctor()), "FAIL  model:bedrock")).to.not.equal("");
  });

  it("tells what keeps a Bedrock model from being used, with the step that fixes it", async () => {
    live(modelsTaskDefinition(77, { openai: false }));
    bedrock
      .on(GetFoundationModelAvailabilityCommand, { modelId: HAIKU })
      .resolves({ ...AVAILABLE, entitlementAvailability: "NOT_AVAILABLE", agreementAvailability: { status: "NOT_AVAILABLE" } });
    bedrock.on(GetInferenceProfileCommand).rejects(awsError("ResourceNotFoundException", "The inference profile was not found."));
    const r = await doctor();
    const lines = formatDoctor(r);
    expect(line(lines, "FAIL  model:bedrock")).to.contain(`0/2 Bedrock model(s) available in ${BEDROCK_REGION}`);
    expect(lines).to.include(
      `      ${HAIKU}: no entitlement (for Anthropic models, submit the use-case details once in the Bedrock console); ` +
        "no AWS Marketplace subscription: invoke it once (e.g. in the console playground) as someone allowed aws-marketplace:Subscribe",
    );
    expect(lines).to.include(`      ${NOVA_PROFILE}: Bedrock has no such inference profile in ${BEDROCK_REGION}`);
  });

  it("warns while a Marketplace subscription is pending", async () => {
    live(modelsTaskDefinition(78, { openai: false }));
    bedrock.on(GetFoundationModelAvailabilityCommand).resolves({ ...AVAILABLE, agreementAvailability: { status: "PENDING" } });
    const lines = formatDoctor(await doctor());
    expect(line(lines, "WARN  model:bedrock")).to.contain("gateway healthy; 0/2 Bedrock model(s) available");
    expect(lines).to.include(`      ${HAIKU}: AWS Marketplace subscription still pending`);
  });

  it("warns that no model is connected when the stack configures none", async () => {
    live(taskDefinition(79));
    const r = await doctor();
    expect(line(formatDoctor(r), "WARN  models")).to.contain("no model connection configured by the stack (pluto:models)");
    expect(r.healthy).to.equal(true);
    // Running tasks are listed once, for the versions check; no model check asks again.
    expect(m.ecs.commandCalls(ListTasksCommand).map((c) => c.args[0].input.desiredStatus)).to.deep.equal(["STOPPED", "RUNNING"]);
  });

  it("runs as `pluto doctor`, exit 1 when a connection fails", async () => {
    live(modelsTaskDefinition(80, { openai: false }));
    bedrock.on(GetFoundationModelAvailabilityCommand).resolves({ ...AVAILABLE, regionAvailability: "NOT_AVAILABLE" });
    const r = await pluto(["doctor", "--region", REGION]);
    expect(r.code).to.equal(1);
    expect(r.out).to.match(/^FAIL {2}model:bedrock +gateway healthy; 0\/2 Bedrock model\(s\) available in us-east-1$/m);
    expect(r.out).to.contain(`${HAIKU}: not offered in us-east-1`);
    expect(r.out).to.match(/^unhealthy: model:bedrock failed$/m);
    expect(JSON.parse((await pluto(["doctor", "--region", REGION, "--json"])).out).checks.map((c: { name: string }) => c.name)).to.include("model:bedrock");
  });
});
