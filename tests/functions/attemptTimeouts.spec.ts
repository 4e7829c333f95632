// Each SDK attempt the handlers make is bounded (functions/runtime.ts attemptTimeouts): with the
// SDK in use here (@smithy/node-http-handler 4.x) `requestTimeout` alone only logs a warning, so a
// stalled endpoint would hold the function until Lambda's timeout.
import { expect } from "chai";
import { AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { producerFactory, workerFactory } from "../../functions/runtime";
import { startFakeAws } from "../userProvisioning/fakeAws";
import { captureConsole, postConfirmationEvent, provisioningMessage, sqsRecord, startServer } from "./helpers";

describe("functions/runtime: every SDK attempt gives up on a stalled endpoint", () => {
  const saved = { ...process.env };
  beforeEach(() => {
    Object.assign(process.env, { AWS_REGION: "us-west-2", AWS_ACCESS_KEY_ID: "AKIDTEST", AWS_SECRET_ACCESS_KEY: "secret-test" });
  });
  afterEach(() => {
    process.env = { ...saved };
  });

  it("producer: SQS accepts the connection and never answers; the SDK aborts each 1 s attempt, well before a generous budget", async () => {
    const sqs = await startFakeAws({}, () => "hang");
    try {
      Object.assign(process.env, {
        QUEUE_URL: "https://sqs.us-west-2.amazonaws.com/123456789012/pluto-user-provisioning",
        ENQUEUE_BUDGET_MS: "4000",
        AWS_ENDPOINT_URL_SQS: sqs.url,
      });
      const { lines } = await captureConsole(() => producerFactory()(postConfirmationEvent()));
      const entry = JSON.parse(lines[0]);
      expect(entry).to.include({ level: "error", event: "enqueue_failed" });
      expect(entry.error).to.match(/^TimeoutError: .*exceeded the configured 1000 ms requestTimeout/);
      expect(sqs.calls.length, "both attempts reached SQS").to.equal(2);
    } finally {
      await sqs.close();
    }
  });

  describe("worker clients", () => {
    let secrets: AwsClientStub<SecretsManagerClient>;
    let sns: AwsClientStub<SNSClient>;
    before(() => {
      secrets = mockClient(SecretsManagerClient);
      sns = mockClient(SNSClient);
    });
    after(() => {
      secrets.restore();
      sns.restore();
    });

    it("bound Secrets Manager and SNS attempts the same way (1 s to connect, 3 s per request, then an error)", async () => {
      const n8n = await startServer(() => ({ status: 201, body: [] }));
      try {
        const arn = "arn:aws:secretsmanager:us-west-2:123456789012:secret:pluto/n8n-api-key-GhIjKl";
        secrets.on(GetSecretValueCommand).resolves({ SecretString: "key" });
        sns.on(PublishCommand).resolves({ MessageId: "m" });
        Object.assign(process.env, {
          APP_URL: "https://pluto.example.com",
          NOTICE_TOPIC_ARN: "arn:aws:sns:us-west-2:123456789012:pluto-new-members",
          N8N_URL: n8n.url,
          N8N_API_KEY_SECRET_ARN: arn,
        });
        await captureConsole(() => workerFactory()({ Records: [sqsRecord("m-1", provisioningMessage(1))] }));
        const handlerConfig = (call: { thisValue: unknown } | undefined) =>
          (call?.thisValue as { config: { requestHandler: { configProvider: Promise<Record<string, unknown>> } } }).config.requestHandler.configProvider;
        for (const [client, config] of [
          ["Secrets Manager", await handlerConfig(secrets.commandCalls(GetSecretValueCommand)[0])],
          ["SNS", await handlerConfig(sns.commandCalls(PublishCommand)[0])],
        ] as const) {
          expect(config, client).to.include({ connectionTimeout: 1000, requestTimeout: 3000, throwOnRequestTimeout: true });
        }
      } finally {
        await n8n.close();
      }
    });
  });
});
