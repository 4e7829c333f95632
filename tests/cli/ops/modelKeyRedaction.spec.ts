// `pluto doctor` reads each model connection's key from Secrets Manager and calls GET /models with
// it. The one path that prints text a failure produced, the request that never got an answer,
// must not print the key even when the error quotes it: undici refuses a header value holding a
// line break and quotes the value (`Headers.append: "<value>" is an invalid header value.`).
import { expect } from "chai";
import { mockClient } from "aws-sdk-client-mock";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { BedrockClient } from "@aws-sdk/client-bedrock";
import { modelChecks } from "../../../cli/commands/ops/modelChecks";
import { createAwsClients } from "../../../cli/commands/ops/clients";
import { stackNames } from "../../../cli/commands/ops/names";
import { openWebUiModelWiring, wiredConnections } from "../../../settings/modelWiring";
import { toEnvList, toSecretList } from "../../../settings/golden";
import { REGION, secretArn, taskDefinition } from "./fixtures";

const KEY_ARN = secretArn("openai-key");
const [FIRST, SECOND] = ["sk-proj-first-line-5b1d9e", "second-line-a27c04"];

describe("pluto doctor: a model key quoted by a failed request is never printed", () => {
  let secrets: ReturnType<typeof mockClient>;
  beforeEach(() => {
    secrets = mockClient(SecretsManagerClient);
  });
  afterEach(() => secrets.restore());

  it("prints the failure with the key replaced", async () => {
    // A key stored with a line break inside (pasted from a two-line file, say).
    secrets.on(GetSecretValueCommand, { SecretId: KEY_ARN }).resolves({ SecretString: `${FIRST}\n${SECOND}\n` });
    const td = taskDefinition(80);
    const w = openWebUiModelWiring(wiredConnections([{ name: "openai", baseUrl: "https://api.openai.com/v1", keyValueFrom: KEY_ARN }], undefined));
    td.containerDefinitions![0].environment!.push(...toEnvList(w.environment));
    td.containerDefinitions![0].secrets!.push(...toSecretList(w.secrets));
    const session = { clients: createAwsClients({ region: REGION }), prefix: "pluto", names: stackNames("pluto"), ctx: { region: REGION } };
    // The real fetch: it refuses the header before opening any connection.
    const checks = await modelChecks(session, td, [], {
      secrets: new SecretsManagerClient({ region: REGION }),
      bedrock: () => new BedrockClient({ region: REGION }),
      fetch: globalThis.fetch,
    });
    expect(checks).to.have.length(1);
    expect(checks[0]).to.include({ name: "model:openai", status: "fail" });
    expect(checks[0].summary).to.equal('GET https://api.openai.com/v1/models: no answer: Headers.append: "Bearer <hidden>" is an invalid header value.');
    const printed = JSON.stringify(checks);
    expect(printed).not.to.contain(FIRST).and.not.to.contain(SECOND);
  });
});
