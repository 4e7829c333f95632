import { expect } from "chai";
import { runPolicies } from "../../policies/runPolicies";
import { ACCOUNT_ID } from "../../cli/synth/mocks";
import { GATEWAY_BASE_URL } from "../../settings/modelWiring";
import { secretResourceArn } from "../../config/models";
import { ContainerDefinition } from "../../settings/golden";
import { env, Stack, synthStack } from "../helpers/stack";

// The dev stack runs in us-west-2 (Pulumi.dev.yaml).
const OPENAI_KEY = `arn:aws:secretsmanager:us-west-2:${ACCOUNT_ID}:secret:pluto/openai-key-AbCdEf`;
const GROQ_KEY = `arn:aws:secretsmanager:us-west-2:${ACCOUNT_ID}:secret:providers-Zz99Yy`;
const FAMILY = "pluto-openwebui";

const secretsOf = (c: ContainerDefinition) => Object.fromEntries(c.secrets.map((s) => [s.name, s.valueFrom]));
const throughPack = (s: Stack) =>
  runPolicies(s.result.resources.map((r) => ({ type: r.type, name: r.name, urn: r.urn, props: r.inputs, propertyDependencies: r.propertyDependencies })));
const rolePolicies = (s: Stack, suffix: string): Record<string, any> =>
  Object.fromEntries(s.inlinePolicies(s.one("aws:iam/role:Role", suffix)).map((p) => [p.name, JSON.parse(p.policy)]));

describe("model connections in the stack", () => {
  describe("without pluto:models (the dev stack)", () => {
    let stack: Stack;
    before(async () => {
      stack = await synthStack();
    });

    it("deploys no gateway and sets no connection, and says so in the stack output", () => {
      expect(stack.all("pluto:models:BedrockGateway")).to.have.length(0);
      expect(stack.containers(FAMILY).map((c) => c.name)).to.deep.equal(["openwebui", "oauth2-proxy"]);
      expect(env(stack.container(FAMILY, "openwebui"))).to.not.have.any.keys("OPENAI_API_BASE_URLS", "PLUTO_MODEL_CONNECTIONS");
      expect(stack.container(FAMILY, "openwebui").command).to.equal(undefined);
      expect(stack.result.outputs.models).to.deep.equal({ connections: [] });
      expect(Object.keys(rolePolicies(stack, "pluto-openwebui-svc-task"))).to.deep.equal(["mount-data-volume"]);
    });
  });

  describe("Bedrock and two OpenAI-compatible endpoints together", () => {
    let stack: Stack;
    before(async () => {
      stack = await synthStack({
        // Sizing without `memory`, so the default applies.
        "pluto:openWebUi": JSON.stringify({ cpu: 1024, desiredCount: 1 }),
        "pluto:models": JSON.stringify({
          bedrock: { models: ["anthropic.claude-3-5-haiku-20241022-v1:0", "us.amazon.nova-lite-v1:0"], region: "us-east-1" },
          openai: [
            { name: "openai", baseUrl: "https://api.openai.com/v1", apiKeySecretArn: OPENAI_KEY },
            { name: "groq", baseUrl: "https://api.groq.com/openai/v1", apiKeySecretArn: `${GROQ_KEY}:groq::` },
          ],
        }),
      });
    });

    it("gives Open WebUI every connection, the gateway last, with keys only as ECS secrets", () => {
      const ow = stack.container(FAMILY, "openwebui");
      expect(env(ow)).to.include({
        OPENAI_API_BASE_URLS: `https://api.openai.com/v1;https://api.groq.com/openai/v1;${GATEWAY_BASE_URL}`,
        PLUTO_MODEL_CONNECTIONS: "openai;groq;bedrock",
      });
      const masterKey = stack.one("aws:secretsmanager/secret:Secret", "bedrock-master-key");
      expect(secretsOf(ow)).to.include({
        PLUTO_OPENAI_API_KEY_0: OPENAI_KEY,
        PLUTO_OPENAI_API_KEY_1: `${GROQ_KEY}:groq::`,
        PLUTO_OPENAI_API_KEY_2: stack.storedValueFrom(masterKey),
      });
      expect(ow.command).to.deep.equal([
        "bash",
        "-c",
        'export OPENAI_API_KEYS="${PLUTO_OPENAI_API_KEY_0};${PLUTO_OPENAI_API_KEY_1};${PLUTO_OPENAI_API_KEY_2}" && exec bash start.sh',
      ]);
      expect(ow.environment.map((e) => e.name)).to.not.include.members(["OPENAI_API_KEYS", "OPENAI_API_KEY"]);
    });

    it("keeps the generated master key in Secrets Manager as sk-…, the form LiteLLM requires", () => {
      expect(stack.inputs("aws:secretsmanager/secret:Secret", "bedrock-master-key").namePrefix).to.equal("pluto/bedrock-gateway/master-key-");
      // A Pulumi secret on the wire: {<signature>: …, value}.
      expect((stack.one("aws:secretsmanager/secretVersion:SecretVersion", "bedrock-master-key-value").rawInputs.secretString as any).value).to.match(
        /^sk-M0ckRandomValue/,
      );
      expect(stack.inputs("aws:secretsmanager/secretVersion:SecretVersion", "bedrock-master-key-value").secretString).to.equal("[secret]");
    });

    it("runs the gateway as a sidecar that no load balancer or security group rule can reach", () => {
      const gw = stack.container(FAMILY, "bedrock-gateway");
      expect(gw.portMappings).to.equal(undefined);
      expect((gw as any).entryPoint).to.deep.equal(["/bin/sh", "-c"]);
      expect(gw.command![0]).to.contain("--host 127.0.0.1 --port 4000");
      expect(gw.image).to.equal("ghcr.io/berriai/litellm:v1.104.2");
      expect(gw).to.include({ essential: false });
      expect(gw.logConfiguration.options).to.include({ "awslogs-group": "/pluto/ecs", "awslogs-stream-prefix": "bedrock-gateway" });
      expect(secretsOf(gw)).to.deep.equal({ LITELLM_MASTER_KEY: stack.storedValueFrom(stack.one("aws:secretsmanager/secret:Secret", "bedrock-master-key")) });
      // The service still registers only oauth2-proxy's port with the load balancer, and the task
      // security group admits the load balancer on that port only.
      expect(stack.inputs("aws:ecs/service:Service", "pluto-openwebui-svc-service").loadBalancers).to.deep.equal([
        { targetGroupArn: stack.one("aws:lb/targetGroup:TargetGroup", "pluto-openwebui-svc-tg").id, containerName: "oauth2-proxy", containerPort: 4180 },
      ]);
      const taskSg = stack.one("aws:ec2/securityGroup:SecurityGroup", "pluto-task");
      const ingress = stack
        .all("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
        .map((r) => r.inputs as any)
        .filter((r) => r.securityGroupId === taskSg.id);
      expect(ingress.map((r) => [r.fromPort, r.toPort])).to.deep.equal([[4180, 4180]]);
      // Open WebUI's task gets more memory by default, since the gateway shares it.
      expect(stack.inputs("aws:ecs/taskDefinition:TaskDefinition").memory).to.equal("3072");
    });

    it("lets the execution role read exactly the task's secrets, the operator's keys by their ARN", () => {
      const policy = rolePolicies(stack, "pluto-openwebui-svc-execution")["read-task-secrets"];
      const taskSecrets = stack.containers(FAMILY).flatMap((c) => c.secrets.map((x) => secretResourceArn(x.valueFrom)));
      expect(policy.Statement).to.have.length(1);
      expect(policy.Statement[0].Action).to.deep.equal(["secretsmanager:GetSecretValue"]);
      expect([...policy.Statement[0].Resource].sort()).to.deep.equal([...new Set(taskSecrets)].sort());
      expect(policy.Statement[0].Resource).to.include.members([OPENAI_KEY, GROQ_KEY]);
      expect(policy.Statement[0].Resource).to.not.include(`${GROQ_KEY}:groq::`);
    });

    it("lets the task role invoke exactly the configured models, and nothing on *", () => {
      const policy = rolePolicies(stack, "pluto-openwebui-svc-task")["invoke-bedrock-models"];
      const actions = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"];
      const profile = `arn:aws:bedrock:us-east-1:${ACCOUNT_ID}:inference-profile/us.amazon.nova-lite-v1:0`;
      expect(policy.Statement).to.deep.equal([
        {
          Sid: "InvokeFoundationModels",
          Effect: "Allow",
          Action: actions,
          Resource: ["arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0"],
        },
        { Sid: "InvokeInferenceProfiles", Effect: "Allow", Action: actions, Resource: [profile] },
        {
          Sid: "InvokeModelsThroughProfiles",
          Effect: "Allow",
          Action: actions,
          Resource: ["arn:aws:bedrock:*::foundation-model/amazon.nova-lite-v1:0"],
          Condition: { StringEquals: { "bedrock:InferenceProfileArn": [profile] } },
        },
      ]);
      // Credentials come from this role: no access key anywhere in the task.
      expect(JSON.stringify(stack.containers(FAMILY))).to.not.match(/AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY/);
      expect(stack.all("aws:iam/user:User")).to.have.length(0);
      expect(stack.all("aws:iam/accessKey:AccessKey")).to.have.length(0);
    });

    it("passes every policy of the pack (the gateway's LiteLLM pin is below its security floor: advisory, inside the task)", async () => {
      const violations = await throughPack(stack);
      const floor = (v: { policy: string; level: string; message: string }) =>
        v.policy === "image-security-floor" && v.level === "advisory" && /LiteLLM/.test(v.message);
      expect(violations.filter((v) => !floor(v))).to.deep.equal([]);
    });

    it("reports the connections, without keys, in the stack output", () => {
      expect(stack.result.outputs.models).to.deep.equal({
        connections: [
          { name: "openai", baseUrl: "https://api.openai.com/v1" },
          { name: "groq", baseUrl: "https://api.groq.com/openai/v1" },
          { name: "bedrock", baseUrl: GATEWAY_BASE_URL, models: ["anthropic.claude-3-5-haiku-20241022-v1:0", "us.amazon.nova-lite-v1:0"], region: "us-east-1" },
        ],
      });
    });
  });

  describe("Bedrock alone", () => {
    it("passes the gateway's key straight through as OPENAI_API_KEYS and leaves Open WebUI's command alone", async () => {
      const stack = await synthStack({ "pluto:models": JSON.stringify({ bedrock: { models: ["amazon.nova-lite-v1:0"] } }) });
      const ow = stack.container(FAMILY, "openwebui");
      expect(env(ow)).to.include({ OPENAI_API_BASE_URLS: GATEWAY_BASE_URL, PLUTO_MODEL_CONNECTIONS: "bedrock" });
      expect(secretsOf(ow).OPENAI_API_KEYS).to.equal(stack.storedValueFrom(stack.one("aws:secretsmanager/secret:Secret", "bedrock-master-key")));
      expect(ow.command).to.equal(undefined);
      // The stack's region by default.
      expect(JSON.parse(env(stack.container(FAMILY, "bedrock-gateway")).PLUTO_LITELLM_CONFIG).model_list[0].litellm_params.aws_region_name).to.equal(
        "us-west-2",
      );
    });
  });
});
