import { ecsNoPlaintextSecrets } from "../../policies/taskPolicies";
import { goldenDefinitions, withCommand, withEnv, withSecret, EcsContainerDefinition } from "../fixtures/policies/golden";
import { gatewayContainer, openWebUiModelWiring } from "../../settings/modelWiring";
import { toEnvList, toSecretList } from "../../settings/golden";
import { assertHasViolation, assertNoViolations, resourceOf, SHAPES } from "./util";

const ARN = "arn:aws:secretsmanager:us-west-2:123456789012:secret:pluto/openai-key-AbCdEf";

/** The golden task plus the gateway sidecar exactly as the program generates it. */
function withGateway(defs: EcsContainerDefinition[], mutate: (gw: EcsContainerDefinition) => void = () => undefined): EcsContainerDefinition[] {
  const spec = gatewayContainer({ models: ["amazon.nova-lite-v1:0"], region: "us-east-1", gatewayImage: "ghcr.io/berriai/litellm:v1.104.2" }, ARN);
  const gw = { ...spec, environment: toEnvList(spec.environment), secrets: toSecretList(spec.secrets) } as unknown as EcsContainerDefinition;
  mutate(gw);
  return [...defs, gw];
}

describe("ecs-no-plaintext-secrets and model keys", () => {
  const leaks: [string, (d: EcsContainerDefinition[]) => EcsContainerDefinition[], string][] = [
    ["Open WebUI's ';'-joined OPENAI_API_KEYS", (d) => (withEnv(d[0], "OPENAI_API_KEYS", "sk-a;sk-b"), d), "OPENAI_API_KEYS has a literal value"],
    ["a per-connection PLUTO_OPENAI_API_KEY_0", (d) => (withEnv(d[0], "PLUTO_OPENAI_API_KEY_0", "sk-a"), d), "PLUTO_OPENAI_API_KEY_0 has a literal value"],
    [
      "the gateway's LITELLM_MASTER_KEY",
      (d) => withGateway(d, (gw) => withEnv(gw, "LITELLM_MASTER_KEY", "sk-1234")),
      "LITELLM_MASTER_KEY has a literal value in the environment of container bedrock-gateway",
    ],
    ["LiteLLM's LITELLM_SALT_KEY", (d) => withGateway(d, (gw) => withEnv(gw, "LITELLM_SALT_KEY", "sk-5678")), "LITELLM_SALT_KEY has a literal value"],
    [
      "a master key on the command line",
      (d) => withGateway(d, (gw) => withCommand(gw, "litellm", "--master-key", "sk-1234")),
      "--master-key has a literal value on the command line",
    ],
  ];
  for (const [title, mutate, message] of leaks) {
    it(`flags ${title} in plain environment or flags, in every resource shape`, async () => {
      for (const shape of SHAPES)
        await assertHasViolation(ecsNoPlaintextSecrets, [resourceOf(shape, mutate(goldenDefinitions()))], { message, level: "mandatory" });
    });
  }

  it("passes the wiring the program generates: keys as ECS secrets, the rest plain", async () => {
    const defs = withGateway(goldenDefinitions());
    const w = openWebUiModelWiring([
      { name: "openai", baseUrl: "https://api.openai.com/v1", keyValueFrom: ARN },
      { name: "bedrock", baseUrl: "http://127.0.0.1:4000/v1", keyValueFrom: ARN },
    ]);
    for (const [name, value] of Object.entries(w.environment)) withEnv(defs[0], name, value);
    for (const name of Object.keys(w.secrets)) withSecret(defs[0], name);
    defs[0].command = w.command;
    for (const shape of SHAPES) await assertNoViolations(ecsNoPlaintextSecrets, [resourceOf(shape, defs)]);
  });
});
