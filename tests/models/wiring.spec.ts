import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  anyRegionModelArn,
  bedrockInvokePolicy,
  bedrockInvokeStatements,
  describeModels,
  modelsSummary,
  onDemandProblem,
  parseBedrockModelId,
  parseSecretReference,
  secretResourceArn,
} from "../../config/models";
import {
  GATEWAY_BASE_URL,
  gatewayConfig,
  gatewayContainer,
  gatewayModels,
  liveConnections,
  openWebUiModelWiring,
  wiredConnections,
} from "../../settings/modelWiring";

const ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:pluto/openai-key-AbCdEf";
const ARN2 = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:groq-Zz99Yy";
const MASTER = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:pluto/bedrock-gateway/master-key-Qq11Ww";

/**
 * Runs a container command with a real shell in a scratch directory that stands in for the image's
 * working directory, where `files` replace the image's own scripts with ones that print what they
 * were started with: Open WebUI's `start.sh` (Dockerfile, v0.8.2 to v0.11.4: WORKDIR /app/backend, CMD
 * ["bash", "start.sh"]) and LiteLLM's `docker/prod_entrypoint.sh` (its Dockerfile: WORKDIR /app,
 * ENTRYPOINT ["docker/prod_entrypoint.sh"], which execs `litellm "$@"`).
 */
function runInScratchImage(argv: string[], env: Record<string, string>, files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pluto-wiring-"));
  try {
    for (const [name, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), text, { mode: 0o755 });
    }
    const [file, ...args] = argv.map((a) => a.split("/tmp/litellm.yaml").join(path.join(dir, "litellm.yaml")));
    // stdin closed: bash reads ~/.bashrc when stdin is a socket, taking the command for a remote shell.
    return execFileSync(file, args, {
      cwd: dir,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Open WebUI config.py (v0.8.2; the same semicolon lists in v0.11.4's docs): both lists split on ';' and stripped, matched by index. */
function openWebUiReads(env: Record<string, string>): { url: string; key: string }[] {
  const urls = env.OPENAI_API_BASE_URLS.split(";").map((u) => u.trim());
  const keys = env.OPENAI_API_KEYS.split(";").map((k) => k.trim());
  return urls.map((url, i) => ({ url, key: keys[i] }));
}

describe("model wiring", () => {
  describe("Open WebUI's OpenAI connections", () => {
    it("wires nothing without connections", () => {
      expect(openWebUiModelWiring([])).to.deep.equal({ environment: {}, secrets: {} });
    });

    it("passes a single key straight through ECS secrets as OPENAI_API_KEYS and keeps the image's command", () => {
      const w = openWebUiModelWiring([{ name: "openai", baseUrl: "https://api.openai.com/v1", keyValueFrom: ARN }]);
      expect(w).to.deep.equal({
        environment: { OPENAI_API_BASE_URLS: "https://api.openai.com/v1", PLUTO_MODEL_CONNECTIONS: "openai" },
        secrets: { OPENAI_API_KEYS: ARN },
      });
    });

    it("joins several keys in URL order before starting Open WebUI, so each URL gets its own key", () => {
      const w = openWebUiModelWiring(
        wiredConnections(
          [
            { name: "openai", baseUrl: "https://api.openai.com/v1", keyValueFrom: ARN },
            { name: "groq", baseUrl: "https://api.groq.com/openai/v1", keyValueFrom: `${ARN2}:key::` },
          ],
          MASTER,
        ),
      );
      expect(w.environment).to.deep.equal({
        OPENAI_API_BASE_URLS: `https://api.openai.com/v1;https://api.groq.com/openai/v1;${GATEWAY_BASE_URL}`,
        PLUTO_MODEL_CONNECTIONS: "openai;groq;bedrock",
      });
      expect(w.secrets).to.deep.equal({ PLUTO_OPENAI_API_KEY_0: ARN, PLUTO_OPENAI_API_KEY_1: `${ARN2}:key::`, PLUTO_OPENAI_API_KEY_2: MASTER });
      expect(w.command!.slice(0, 2)).to.deep.equal(["bash", "-c"]);
      // The values ECS injects for those secrets at start; the stand-in start.sh prints what Open WebUI would read.
      const injected = { PLUTO_OPENAI_API_KEY_0: "sk-openai", PLUTO_OPENAI_API_KEY_1: "gsk_groq", PLUTO_OPENAI_API_KEY_2: "sk-gateway" };
      const keys = runInScratchImage(w.command!, { ...w.environment, ...injected }, { "start.sh": 'printf "%s" "$OPENAI_API_KEYS"' });
      expect(openWebUiReads({ ...w.environment, OPENAI_API_KEYS: keys })).to.deep.equal([
        { url: "https://api.openai.com/v1", key: "sk-openai" },
        { url: "https://api.groq.com/openai/v1", key: "gsk_groq" },
        { url: GATEWAY_BASE_URL, key: "sk-gateway" },
      ]);
      // No key value is ever part of the task definition.
      expect(JSON.stringify(w)).to.not.match(/sk-openai|gsk_groq|sk-gateway/);
    });

    it("reads a live task definition back into its connections, names and key references", () => {
      const w = openWebUiModelWiring(wiredConnections([{ name: "openai", baseUrl: "https://api.openai.com/v1", keyValueFrom: ARN }], MASTER));
      const gw = gatewayContainer({ models: ["us.amazon.nova-lite-v1:0"], region: "us-east-1", gatewayImage: "ghcr.io/berriai/litellm:v1.104.2" }, MASTER);
      expect(
        liveConnections([
          { name: "openwebui", environment: { ...w.environment, WEBUI_URL: "https://x" }, secrets: w.secrets },
          { name: gw.name, environment: gw.environment, secrets: gw.secrets },
        ]),
      ).to.deep.equal([
        { name: "openai", baseUrl: "https://api.openai.com/v1", keyVariable: "PLUTO_OPENAI_API_KEY_0", keyValueFrom: ARN },
        {
          name: "bedrock",
          baseUrl: GATEWAY_BASE_URL,
          keyVariable: "PLUTO_OPENAI_API_KEY_1",
          keyValueFrom: MASTER,
          gateway: { container: "bedrock-gateway", region: "us-east-1", models: ["us.amazon.nova-lite-v1:0"] },
        },
      ]);
      expect(liveConnections([{ name: "openwebui", environment: { WEBUI_URL: "https://x" }, secrets: {} }])).to.deep.equal([]);
    });
  });

  describe("the Bedrock gateway sidecar", () => {
    const bedrock = {
      models: ["anthropic.claude-3-5-haiku-20241022-v1:0", "us.amazon.nova-lite-v1:0"],
      region: "us-east-1",
      gatewayImage: "ghcr.io/berriai/litellm:v1.104.2",
    };

    it("serves exactly the configured models through LiteLLM's bedrock/ provider in the configured region, behind the master key", () => {
      expect(gatewayConfig(bedrock)).to.deep.equal({
        model_list: [
          {
            model_name: "anthropic.claude-3-5-haiku-20241022-v1:0",
            litellm_params: { model: "bedrock/anthropic.claude-3-5-haiku-20241022-v1:0", aws_region_name: "us-east-1" },
          },
          { model_name: "us.amazon.nova-lite-v1:0", litellm_params: { model: "bedrock/us.amazon.nova-lite-v1:0", aws_region_name: "us-east-1" } },
        ],
        litellm_settings: { drop_params: true },
        general_settings: { master_key: "os.environ/LITELLM_MASTER_KEY" },
      });
      expect(gatewayModels(JSON.stringify(gatewayConfig(bedrock)))).to.deep.equal({ region: "us-east-1", models: bedrock.models });
      expect(gatewayModels("not json")).to.deep.equal({ models: [] });
    });

    it("starts the image's entrypoint on loopback with the config it was given", () => {
      const c = gatewayContainer(bedrock, MASTER);
      const out = runInScratchImage(
        [...c.entryPoint, ...c.command],
        { ...c.environment, LITELLM_MASTER_KEY: "sk-test" },
        {
          "docker/prod_entrypoint.sh": '#!/bin/sh\nprintf "%s\\n" "$*"; cat "$2"',
        },
      );
      const [args, config] = [out.slice(0, out.indexOf("\n")), out.slice(out.indexOf("\n") + 1)];
      expect(args).to.match(/^--config \S+\/litellm\.yaml --host 127\.0\.0\.1 --port 4000$/);
      expect(JSON.parse(config)).to.deep.equal(gatewayConfig(bedrock));
    });

    it("listens on loopback only, takes its key from Secrets Manager and carries no AWS credentials", () => {
      const c = gatewayContainer(bedrock, MASTER);
      expect(c.entryPoint).to.deep.equal(["/bin/sh", "-c"]);
      expect(c.command).to.have.length(1);
      expect(c.command[0]).to.equal(
        `printf '%s' "$PLUTO_LITELLM_CONFIG" > /tmp/litellm.yaml && exec docker/prod_entrypoint.sh --config /tmp/litellm.yaml --host 127.0.0.1 --port 4000`,
      );
      expect(c.secrets).to.deep.equal({ LITELLM_MASTER_KEY: MASTER });
      expect(Object.keys(c.environment).sort()).to.deep.equal(["LITELLM_LOCAL_MODEL_COST_MAP", "LITELLM_MODE", "PLUTO_LITELLM_CONFIG"]);
      expect(JSON.stringify(c)).to.not.match(/AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN|aws_access_key_id/);
      expect(c).to.include({ essential: false });
      expect(c.restartPolicy).to.deep.equal({ enabled: true, restartAttemptPeriod: 60 });
      expect(c.healthCheck.command[1]).to.contain("http://127.0.0.1:4000/health/liveliness");
    });
  });

  describe("Bedrock identifiers and IAM", () => {
    it("tells model ids from inference profile ids", () => {
      expect(parseBedrockModelId("anthropic.claude-3-5-haiku-20241022-v1:0")).to.deep.equal({
        kind: "foundation-model",
        id: "anthropic.claude-3-5-haiku-20241022-v1:0",
      });
      expect(parseBedrockModelId("amazon.titan-text-express-v1")).to.deep.include({ kind: "foundation-model" });
      expect(parseBedrockModelId("eu.anthropic.claude-3-5-sonnet-20240620-v1:0")).to.deep.equal({
        kind: "inference-profile",
        id: "eu.anthropic.claude-3-5-sonnet-20240620-v1:0",
        prefix: "eu",
        foundationModelId: "anthropic.claude-3-5-sonnet-20240620-v1:0",
      });
      expect(parseBedrockModelId("global.anthropic.claude-sonnet-4-5-20250929-v1:0")).to.deep.include({ kind: "inference-profile", prefix: "global" });
      for (const bad of ["claude", "Anthropic.Claude", "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0", "us.", "amazon.nova lite", ""])
        expect(parseBedrockModelId(bad), bad).to.equal(undefined);
    });

    const profile = {
      id: "us.amazon.nova-lite-v1:0",
      arn: "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-lite-v1:0",
      modelArns: ["us-east-1", "us-east-2", "us-west-2"].map((r) => `arn:aws:bedrock:${r}::foundation-model/amazon.nova-lite-v1:0`),
    };

    it("grants InvokeModel and InvokeModelWithResponseStream on exactly the models, and profile models only through the profiles", () => {
      const statements = bedrockInvokeStatements(["arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0"], [profile]);
      expect(statements).to.deep.equal([
        {
          Sid: "InvokeFoundationModels",
          Effect: "Allow",
          Action: ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
          Resource: ["arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0"],
        },
        { Sid: "InvokeInferenceProfiles", Effect: "Allow", Action: ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"], Resource: [profile.arn] },
        {
          Sid: "InvokeModelsThroughProfiles",
          Effect: "Allow",
          Action: ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
          Resource: ["arn:aws:bedrock:*::foundation-model/amazon.nova-lite-v1:0"],
          Condition: { StringEquals: { "bedrock:InferenceProfileArn": [profile.arn] } },
        },
      ]);
      for (const s of statements) for (const r of s.Resource) expect(r).to.not.equal("*");
    });

    it("writes only the statements that are needed", () => {
      expect(bedrockInvokeStatements(["arn:aws:bedrock:us-east-1::foundation-model/a.b-v1:0"], []).map((s) => s.Sid)).to.deep.equal(["InvokeFoundationModels"]);
      expect(bedrockInvokeStatements([], [profile]).map((s) => s.Sid)).to.deep.equal(["InvokeInferenceProfiles", "InvokeModelsThroughProfiles"]);
    });

    it("covers a global profile's Region-less model ARN and refuses a profile with no models", () => {
      expect(anyRegionModelArn("arn:aws:bedrock:::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0")).to.equal(
        "arn:aws:bedrock:*::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0",
      );
      expect(anyRegionModelArn("arn:aws-us-gov:bedrock:us-gov-west-1::foundation-model/x.y-v1:0")).to.equal(
        "arn:aws-us-gov:bedrock:*::foundation-model/x.y-v1:0",
      );
      expect(() => bedrockInvokeStatements([], [{ ...profile, modelArns: [] }])).to.throw(/us\.amazon\.nova-lite-v1:0 lists no foundation models/);
    });

    it("refuses a policy IAM would refuse (10,240 characters of inline policy per role)", () => {
      const many = Array.from({ length: 40 }, (_, i) => ({
        id: `us.vendor.model-number-${i}-v1:0`,
        arn: `arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.vendor.model-number-${i}-v1:0`,
        modelArns: [`arn:aws:bedrock:us-east-1::foundation-model/vendor.model-number-${i}-v1:0`],
      }));
      expect(() => bedrockInvokePolicy([], many)).to.throw(
        /^pluto:models\.bedrock\.models: the Bedrock invoke policy would be \d+ characters; a role's inline policies may hold 10240/,
      );
      expect(JSON.parse(bedrockInvokePolicy([], many.slice(0, 25))).Version).to.equal("2012-10-17");
    });

    it("names the inference profile to use when a model cannot be called on demand", () => {
      expect(onDemandProblem("amazon.nova-lite-v1:0", "us-east-1", ["ON_DEMAND"])).to.equal(undefined);
      expect(onDemandProblem("anthropic.claude-3-7-sonnet-20250219-v1:0", "us-east-1", ["INFERENCE_PROFILE"])).to.equal(
        "pluto:models.bedrock.models: anthropic.claude-3-7-sonnet-20250219-v1:0 does not support on-demand calls in us-east-1 (it supports INFERENCE_PROFILE); " +
          "use one of its inference profile ids instead, e.g. us.anthropic.claude-3-7-sonnet-20250219-v1:0",
      );
    });
  });

  describe("Secrets Manager references", () => {
    it("parses the full ARN and ECS's json-key:version-stage:version-id suffix", () => {
      expect(parseSecretReference(ARN)).to.deep.equal({ arn: ARN, region: "eu-west-1", account: "123456789012", name: "pluto/openai-key" });
      expect(parseSecretReference(`${ARN}:api_key::`)).to.deep.equal({
        arn: ARN,
        region: "eu-west-1",
        account: "123456789012",
        name: "pluto/openai-key",
        jsonKey: "api_key",
      });
      expect(parseSecretReference(`${ARN}::AWSPREVIOUS:`)).to.deep.include({ versionStage: "AWSPREVIOUS" });
      for (const bad of [
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:short",
        `${ARN}:::`,
        `${ARN}:a:b`,
        "sk-123",
        "arn:aws:ssm:eu-west-1:123456789012:parameter/x",
      ])
        expect(parseSecretReference(bad), bad).to.equal(undefined);
    });

    it("gives IAM the secret's ARN without the ECS suffix", () => {
      expect(secretResourceArn(`${ARN}:api_key::`)).to.equal(ARN);
      expect(secretResourceArn(ARN)).to.equal(ARN);
    });
  });

  describe("what synth says", () => {
    it("says that no model is connected", () => {
      expect(describeModels(modelsSummary({ openai: [] }, GATEWAY_BASE_URL))).to.match(
        /^models: none connected; Open WebUI will list no model until pluto:models is set/,
      );
      expect(describeModels(undefined)).to.match(/^models: none connected/);
    });

    it("lists each connection without keys", () => {
      const summary = modelsSummary(
        {
          bedrock: { models: ["amazon.nova-lite-v1:0"], region: "us-east-1", gatewayImage: "x:1" },
          openai: [{ name: "openai", baseUrl: "https://api.openai.com/v1", apiKeySecretArn: ARN }],
        },
        GATEWAY_BASE_URL,
      );
      expect(describeModels(summary)).to.equal(
        "models: openai (https://api.openai.com/v1), bedrock (1 Bedrock model in us-east-1, through the gateway sidecar)",
      );
      expect(JSON.stringify(summary)).to.not.contain("secretsmanager");
    });
  });
});
