import { expect } from "chai";
import { AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { workerFactory } from "../../functions/runtime";
import { captureConsole, LocalServer, provisioningMessage, sqsRecord, startServer } from "./helpers";

const N8N_ARN = "arn:aws:secretsmanager:us-west-2:123456789012:secret:pluto/n8n-api-key-GhIjKl";
const TOPIC_ARN = "arn:aws:sns:us-west-2:123456789012:pluto-new-members";
const TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJ4IjoxfQ.c2ln";

describe("functions/runtime: workerFactory (Secrets Manager and SNS mocked, real HTTP to n8n)", () => {
  // Installed in before(), not at load time: a mock made while mocha loads files would leak into other files' tests.
  let secrets: AwsClientStub<SecretsManagerClient>;
  let sns: AwsClientStub<SNSClient>;
  const saved = { ...process.env };
  before(() => {
    secrets = mockClient(SecretsManagerClient);
    sns = mockClient(SNSClient);
  });
  let n8n: LocalServer;

  beforeEach(async () => {
    secrets.reset();
    sns.reset();
    secrets.on(GetSecretValueCommand, { SecretId: N8N_ARN }).resolves({ SecretString: "the-n8n-key" });
    sns.on(PublishCommand).resolves({ MessageId: "sns-1" });
    n8n = await startServer((req) => ({
      status: 201,
      body: [
        {
          user: { id: "u", email: JSON.parse(req.body)[0].email, emailSent: false, inviteAcceptUrl: `https://n8n.example.com/signup?token=${TOKEN}` },
          error: "",
        },
      ],
    }));
    Object.assign(process.env, {
      AWS_REGION: "us-west-2",
      AWS_ACCESS_KEY_ID: "AKIDTEST",
      AWS_SECRET_ACCESS_KEY: "secret-test",
      APP_URL: "https://pluto.example.com",
      NOTICE_TOPIC_ARN: TOPIC_ARN,
      HTTP_TIMEOUT_MS: "500",
    });
    delete process.env.N8N_URL;
    delete process.env.N8N_API_KEY_SECRET_ARN;
  });
  afterEach(async () => {
    process.env = { ...saved };
    await n8n.close();
  });
  after(() => {
    secrets.restore();
    sns.restore();
  });

  it("without n8n: publishes one notice per member to NOTICE_TOPIC_ARN and reads no secret", async () => {
    const handler = workerFactory();
    const { result } = await captureConsole(() => handler({ Records: [sqsRecord("m-1", provisioningMessage(1)), sqsRecord("m-2", provisioningMessage(2))] }));
    expect(result).to.deep.equal({ batchItemFailures: [] });
    const published = sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
    expect(published.map((p) => [p.TopicArn, p.Subject])).to.have.deep.members([
      [TOPIC_ARN, "New member: user1@example.com"],
      [TOPIC_ARN, "New member: user2@example.com"],
    ]);
    expect(published[0].Message).to.contain("has joined https://pluto.example.com.");
    expect(secrets.calls()).to.have.length(0);
    expect(n8n.requests).to.have.length(0);
  });

  it("with n8n: reads the key once per container by its ARN, invites, and publishes the link without logging it", async () => {
    process.env.N8N_URL = n8n.url;
    process.env.N8N_API_KEY_SECRET_ARN = N8N_ARN;
    const handler = workerFactory();
    const { lines } = await captureConsole(async () => {
      await handler({ Records: [sqsRecord("m-1", provisioningMessage(1))] });
      return handler({ Records: [sqsRecord("m-2", provisioningMessage(2))] });
    });
    expect(secrets.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input)).to.deep.equal([{ SecretId: N8N_ARN }]);
    expect(n8n.requests.map((r) => r.headers["x-n8n-api-key"])).to.deep.equal(["the-n8n-key", "the-n8n-key"]);
    expect(sns.commandCalls(PublishCommand)[0].args[0].input.Message).to.contain(`/signup?token=${TOKEN}`);
    expect(lines.join("\n")).not.to.match(new RegExp(`the-n8n-key|${TOKEN}`));
  });

  it("fails records (not the cold start) while the key is unreadable or SNS refuses, and recovers once they work", async () => {
    process.env.N8N_URL = n8n.url;
    process.env.N8N_API_KEY_SECRET_ARN = N8N_ARN;
    secrets.on(GetSecretValueCommand, { SecretId: N8N_ARN }).rejectsOnce(new Error("AccessDeniedException")).resolves({ SecretString: "the-n8n-key" });
    sns.on(PublishCommand).rejectsOnce(new Error("AuthorizationError")).resolves({ MessageId: "sns-2" });
    const handler = workerFactory();
    const run = async () => (await captureConsole(() => handler({ Records: [sqsRecord("m-1", provisioningMessage(1))] }))).result;
    expect(await run()).to.deep.equal({ batchItemFailures: [{ itemIdentifier: "m-1" }] });
    expect(await run()).to.deep.equal({ batchItemFailures: [{ itemIdentifier: "m-1" }] });
    expect(await run()).to.deep.equal({ batchItemFailures: [] });
  });

  it("fails the cold start naming the missing variable", () => {
    delete process.env.APP_URL;
    expect(() => workerFactory()).to.throw("environment variable APP_URL is not set");
    process.env.APP_URL = "https://pluto.example.com";
    delete process.env.NOTICE_TOPIC_ARN;
    expect(() => workerFactory()).to.throw("environment variable NOTICE_TOPIC_ARN is not set");
    process.env.NOTICE_TOPIC_ARN = TOPIC_ARN;
    process.env.N8N_URL = "https://n8n.example.com";
    expect(() => workerFactory()).to.throw("environment variable N8N_API_KEY_SECRET_ARN is not set");
  });
});
