import { expect } from "chai";
import { AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { workerFactory } from "../../functions/runtime";
import { captureConsole, LocalServer, provisioningMessage, sqsRecord, startServer } from "./helpers";

const SCIM_ARN = "arn:aws:secretsmanager:us-west-2:123456789012:secret:pluto/scim-token-AbCdEf";
const N8N_ARN = "arn:aws:secretsmanager:us-west-2:123456789012:secret:pluto/n8n-api-key-GhIjKl";

describe("functions/runtime: workerFactory (Secrets Manager mocked, real HTTP)", () => {
  // Installed in before(), not at load time: a mock made while mocha loads files would leak into other files' tests.
  let secrets: AwsClientStub<SecretsManagerClient>;
  const saved = { ...process.env };
  before(() => { secrets = mockClient(SecretsManagerClient); });
  let scim: LocalServer;
  let n8n: LocalServer;

  beforeEach(async () => {
    secrets.reset();
    secrets.on(GetSecretValueCommand, { SecretId: SCIM_ARN }).resolves({ SecretString: "the-scim-token" });
    secrets.on(GetSecretValueCommand, { SecretId: N8N_ARN }).resolves({ SecretString: "the-n8n-key" });
    scim = await startServer(() => ({ status: 201 }));
    n8n = await startServer(() => ({ status: 201, body: [] }));
    Object.assign(process.env, {
      AWS_REGION: "us-west-2", AWS_ACCESS_KEY_ID: "AKIDTEST", AWS_SECRET_ACCESS_KEY: "secret-test",
      OPEN_WEBUI_URL: scim.url, SCIM_TOKEN_SECRET_ARN: SCIM_ARN, HTTP_TIMEOUT_MS: "500",
    });
    delete process.env.N8N_URL;
    delete process.env.N8N_API_KEY_SECRET_ARN;
  });
  afterEach(async () => {
    process.env = { ...saved };
    await Promise.all([scim.close(), n8n.close()]);
  });
  after(() => secrets.restore());

  it("reads the SCIM token by ARN once per container and uses it on every record", async () => {
    const handler = workerFactory();
    const { result, lines } = await captureConsole(async () => {
      await handler({ Records: [sqsRecord("m-1", provisioningMessage(1)), sqsRecord("m-2", provisioningMessage(2))] });
      return handler({ Records: [sqsRecord("m-3", provisioningMessage(3))] });
    });
    expect(result).to.deep.equal({ batchItemFailures: [] });
    expect(secrets.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input)).to.deep.equal([{ SecretId: SCIM_ARN }]);
    expect(scim.requests.map((r) => r.headers.authorization)).to.deep.equal(Array(3).fill("Bearer the-scim-token"));
    expect(lines.join("\n")).not.to.contain("the-scim-token");
    expect(n8n.requests).to.have.length(0);
  });

  it("invites to n8n only when N8N_URL is set, with the key read from its own ARN", async () => {
    process.env.N8N_URL = n8n.url;
    process.env.N8N_API_KEY_SECRET_ARN = N8N_ARN;
    const handler = workerFactory();
    const { lines } = await captureConsole(() => handler({ Records: [sqsRecord("m-1", provisioningMessage(1))] }));
    expect(n8n.requests.map((r) => r.headers["x-n8n-api-key"])).to.deep.equal(["the-n8n-key"]);
    expect(lines.join("\n")).not.to.match(/the-n8n-key|the-scim-token/);
  });

  it("fails records (not the cold start) while the secret is unreadable, and recovers once it is", async () => {
    secrets.on(GetSecretValueCommand, { SecretId: SCIM_ARN }).rejectsOnce(new Error("AccessDeniedException")).resolves({ SecretString: "the-scim-token" });
    const handler = workerFactory();
    const first = await captureConsole(() => handler({ Records: [sqsRecord("m-1", provisioningMessage(1))] }));
    expect(first.result).to.deep.equal({ batchItemFailures: [{ itemIdentifier: "m-1" }] });
    const second = await captureConsole(() => handler({ Records: [sqsRecord("m-1", provisioningMessage(1))] }));
    expect(second.result).to.deep.equal({ batchItemFailures: [] });
  });

  it("fails the cold start naming the missing variable", () => {
    delete process.env.OPEN_WEBUI_URL;
    expect(() => workerFactory()).to.throw("environment variable OPEN_WEBUI_URL is not set");
    process.env.OPEN_WEBUI_URL = "https://pluto.example.com";
    process.env.N8N_URL = "https://n8n.example.com";
    expect(() => workerFactory()).to.throw("environment variable N8N_API_KEY_SECRET_ARN is not set");
  });
});
