import { expect } from "chai";
import { Stack } from "../helpers/stack";
import { lambdaTaskRoot, loadHandler } from "../helpers/lambda";
import { captureConsole, LocalServer, postConfirmationEvent, provisioningMessage, sqsRecord, startServer } from "../functions/helpers";
import { FakeAws, startFakeAws } from "./fakeAws";
import { archiveAssets, synthProvisioning } from "./synth";

const LAMBDA = "aws:lambda/function:Function";
const SCIM_TOKEN = "deployedScimToken0123456789abcdefghijklmnopqrstu";
const N8N_KEY = "deployed-n8n-key-0123456789";

describe("deployed artefacts: the serialised handlers run against local servers", function () {
  let stack: Stack;
  let dir: string;
  let removeTaskRoot: () => void;
  const saved = { ...process.env };
  const servers: LocalServer[] = [];
  let fake: FakeAws;

  before(async () => {
    stack = await synthProvisioning({ "provtest:n8n": "true" });
    ({ dir, remove: removeTaskRoot } = lambdaTaskRoot());
  });
  after(() => removeTaskRoot());
  beforeEach(() => {
    Object.assign(process.env, { AWS_REGION: "us-west-2", AWS_ACCESS_KEY_ID: "AKIDFAKE", AWS_SECRET_ACCESS_KEY: "fake-secret" });
  });
  afterEach(async () => {
    process.env = { ...saved };
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  const functionEnv = (suffix: string): Record<string, string> => stack.inputs(LAMBDA, suffix).environment.variables;
  const code = async (suffix: string) => (await archiveAssets(stack.one(LAMBDA, suffix)))["__index.js"];
  const fakeAws = async (...args: Parameters<typeof startFakeAws>) => {
    fake = await startFakeAws(...args);
    servers.push(fake);
    return fake;
  };

  describe("producer (pluto-cognito-postconfirm)", () => {
    const producer = async (extraEnv: Record<string, string> = {}) => {
      // The function's own QUEUE_URL (an AWS host): the endpoint variable alone must redirect the call.
      return loadHandler(dir, await code("-producer"), { ...functionEnv("-producer"), AWS_ENDPOINT_URL_SQS: fake.url, ...extraEnv });
    };

    it("sends the new user to the queue through AWS_ENDPOINT_URL_SQS and returns the event unchanged", async () => {
      await fakeAws({});
      const handler = await producer();
      const event = postConfirmationEvent();
      const { result, lines } = await captureConsole(() => handler(event));
      expect(result).to.equal(event);
      expect(fake.calls).to.have.length(1);
      expect(fake.calls[0].target).to.equal("AmazonSQS.SendMessage");
      expect(fake.calls[0].input.QueueUrl).to.equal("https://sqs.us-west-2.amazonaws.com/123456789012/pluto-user-provisioning");
      expect(JSON.parse(String(fake.calls[0].input.MessageBody))).to.deep.equal({ email: "ada.lovelace@example.com", name: "Ada Lovelace", sub: "8c1b7f3e-2a4d-4e5f-9a0b-1c2d3e4f5a6b" });
      expect(lines.map((l) => JSON.parse(l).event)).to.deep.equal(["enqueued"]);
    });

    it("skips PostConfirmation_ConfirmForgotPassword without calling SQS", async () => {
      await fakeAws({});
      const handler = await producer();
      const event = postConfirmationEvent({ triggerSource: "PostConfirmation_ConfirmForgotPassword" });
      const { result } = await captureConsole(() => handler(event));
      expect(result).to.equal(event);
      expect(fake.calls).to.have.length(0);
    });

    it("logs enqueue_failed and still returns the event when SQS errors or hangs", async () => {
      await fakeAws({}, () => ({ status: 400, body: { __type: "com.amazonaws.sqs#QueueDoesNotExist", message: "The specified queue does not exist." } }));
      const failing = await producer();
      const event = postConfirmationEvent();
      const refused = await captureConsole(() => failing(event));
      expect(refused.result).to.equal(event);
      expect(JSON.parse(refused.lines[0])).to.include({ level: "error", event: "enqueue_failed", sub: "8c1b7f3e-2a4d-4e5f-9a0b-1c2d3e4f5a6b" });

      await fakeAws({}, () => "hang");
      const hanging = await producer({ ENQUEUE_BUDGET_MS: "200" });
      const slow = await captureConsole(() => hanging(event));
      expect(slow.result).to.equal(event);
      expect(JSON.parse(slow.lines[0])).to.include({ event: "enqueue_failed", error: "Error: enqueue timed out after 200 ms" });
    });
  });

  describe("worker (pluto-user-provisioning-worker)", () => {
    it("reads its secrets through AWS_ENDPOINT_URL_SECRETS_MANAGER, provisions over SCIM, invites to n8n, and fails exactly the bad records", async () => {
      const env = functionEnv("-worker");
      await fakeAws({ [env.SCIM_TOKEN_SECRET_ARN]: SCIM_TOKEN, [env.N8N_API_KEY_SECRET_ARN]: N8N_KEY });
      const statusByEmail: Record<string, number> = { "user1@example.com": 201, "user2@example.com": 409, "user3@example.com": 500 };
      const scim = await startServer((req) => ({ status: statusByEmail[JSON.parse(req.body).userName], body: { echoed: req.headers.authorization } }));
      const n8n = await startServer(() => ({ status: 404, body: { message: "not found" } }));
      servers.push(scim, n8n);
      const handler = loadHandler(dir, await code("-worker"), {
        ...env, OPEN_WEBUI_URL: scim.url, N8N_URL: n8n.url, AWS_ENDPOINT_URL_SECRETS_MANAGER: fake.url,
      });
      const records = [1, 2, 3].map((n) => sqsRecord(`m-${n}`, provisioningMessage(n)));
      records.push(sqsRecord("m-bad", "not json"));
      const { result, lines } = await captureConsole(() => handler({ Records: records }));

      expect(result.batchItemFailures.map((f: { itemIdentifier: string }) => f.itemIdentifier)).to.have.members(["m-3", "m-bad"]).and.have.length(2);
      expect(scim.requests).to.have.length(3);
      for (const req of scim.requests) expect(req.headers.authorization).to.equal(`Bearer ${SCIM_TOKEN}`);
      expect(n8n.requests.map((r) => r.headers["x-n8n-api-key"])).to.deep.equal([N8N_KEY, N8N_KEY]);
      const secretCalls = fake.calls.map((c) => `${c.target} ${c.input.SecretId}`);
      expect(secretCalls).to.have.members([`secretsmanager.GetSecretValue ${env.SCIM_TOKEN_SECRET_ARN}`, `secretsmanager.GetSecretValue ${env.N8N_API_KEY_SECRET_ARN}`]);
      const logs = lines.join("\n");
      expect(logs).not.to.contain(SCIM_TOKEN);
      expect(logs).not.to.contain(N8N_KEY);
      expect(lines.map((l) => JSON.parse(l).event)).to.include.members(["user_created", "user_exists", "scim_failed", "invalid_message", "n8n_invite_failed"]);
    });
  });
});
