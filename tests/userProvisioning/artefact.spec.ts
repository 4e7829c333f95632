import { expect } from "chai";
import { Stack } from "../helpers/stack";
import { lambdaTaskRoot, loadHandler } from "../helpers/lambda";
import { captureConsole, LocalServer, postConfirmationEvent, preSignUpEvent, provisioningMessage, sqsRecord, startServer } from "../functions/helpers";
import { REFUSAL } from "../../functions/preSignUp";
import { FakeAws, snsError, startFakeAws } from "./fakeAws";
import { archiveAssets, synthProvisioning } from "./synth";

const LAMBDA = "aws:lambda/function:Function";
const N8N_KEY = "deployed-n8n-key-0123456789";
const TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJpbnZpdGVlSWQiOiJ1In0.c2ln";

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

  describe("PreSignUp trigger (pluto-cognito-presignup)", () => {
    it("admits the stack's allow-list and refuses everyone else with the message Cognito shows", async () => {
      const handler = loadHandler(dir, await code("-presignup"), functionEnv("-presignup"));
      const allowed = preSignUpEvent();
      expect((await captureConsole(() => handler(allowed))).result).to.equal(allowed);
      const refused = await captureConsole(() =>
        handler(preSignUpEvent({ userAttributes: { email: "eve@evil.org", email_verified: "true" } })).catch((e: Error) => e),
      );
      // What Lambda's runtime reports for a thrown error (errorType/errorMessage) and Cognito wraps.
      expect(refused.result).to.be.instanceOf(Error);
      expect(refused.result).to.include({ name: "SignUpRefused", message: REFUSAL.notAllowed });
      expect(refused.lines.map((l) => JSON.parse(l).event)).to.deep.equal(["signup_refused"]);
    });

    it("with requireGoogleWorkspace, refuses a domain member without the matching custom:hd and admits one with it", async () => {
      const env = functionEnv("-presignup");
      const list = { ...JSON.parse(env.ALLOW_LIST), requireGoogleWorkspace: true };
      const handler = loadHandler(dir, await code("-presignup"), { ...env, ALLOW_LIST: JSON.stringify(list) });
      const email = `someone@${list.domains[0]}`;
      const workspace = preSignUpEvent({ userAttributes: { email, email_verified: "true", "custom:hd": list.domains[0] } });
      expect((await captureConsole(() => handler(workspace))).result).to.equal(workspace);
      const personal = await captureConsole(() => handler(preSignUpEvent({ userAttributes: { email, email_verified: "true" } })).catch((e: Error) => e));
      expect(personal.result).to.include({ name: "SignUpRefused", message: REFUSAL.notWorkspace });
    });
  });

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
      expect(JSON.parse(String(fake.calls[0].input.MessageBody))).to.deep.equal({
        email: "ada.lovelace@example.com",
        name: "Ada Lovelace",
        sub: "8c1b7f3e-2a4d-4e5f-9a0b-1c2d3e4f5a6b",
      });
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
    it("reads the n8n key through AWS_ENDPOINT_URL_SECRETS_MANAGER, invites, publishes through AWS_ENDPOINT_URL_SNS, and fails exactly the bad records", async () => {
      const env = functionEnv("-worker");
      await fakeAws({ [env.N8N_API_KEY_SECRET_ARN]: N8N_KEY }, (call) =>
        // Publishing for user3 is refused: that record must fail, and only it.
        call.target === "sns.Publish" && String(call.input.Subject).includes("user3@") ? snsError(403, "AuthorizationError", "not authorized") : undefined,
      );
      const n8n = await startServer((req) => {
        const email = JSON.parse(req.body)[0].email;
        return email === "user2@example.com"
          ? { status: 503, body: { message: "busy", echoed: req.headers["x-n8n-api-key"] } }
          : {
              status: 201,
              body: [
                {
                  user: { id: "u", email, emailSent: false, role: "global:member", inviteAcceptUrl: `https://n8n.example.com/signup?token=${TOKEN}` },
                  error: "",
                },
              ],
            };
      });
      servers.push(n8n);
      const handler = loadHandler(dir, await code("-worker"), {
        ...env,
        N8N_URL: n8n.url,
        AWS_ENDPOINT_URL_SECRETS_MANAGER: fake.url,
        AWS_ENDPOINT_URL_SNS: fake.url,
      });
      const records = [1, 2, 3].map((n) => sqsRecord(`m-${n}`, provisioningMessage(n)));
      records.push(sqsRecord("m-bad", "not json"));
      const { result, lines } = await captureConsole(() => handler({ Records: records }));

      expect(result.batchItemFailures.map((f: { itemIdentifier: string }) => f.itemIdentifier))
        .to.have.members(["m-2", "m-3", "m-bad"])
        .and.have.length(3);
      expect(n8n.requests.map((r) => r.headers["x-n8n-api-key"])).to.deep.equal([N8N_KEY, N8N_KEY, N8N_KEY]);
      const publishes = fake.calls.filter((c) => c.target === "sns.Publish");
      // user2 never got as far as the notice (n8n failed); user3's was refused (403 is not retried).
      expect(publishes.map((c) => [c.input.TopicArn, c.input.Subject]).sort()).to.deep.equal([
        [env.NOTICE_TOPIC_ARN, "New member: user1@example.com"],
        [env.NOTICE_TOPIC_ARN, "New member: user3@example.com"],
      ]);
      const delivered = publishes.find((c) => String(c.input.Subject) === "New member: user1@example.com")!;
      expect(String(delivered.input.Message)).to.contain(`https://n8n.example.com/signup?token=${TOKEN}`);
      expect(fake.calls.filter((c) => c.target === "secretsmanager.GetSecretValue").map((c) => c.input.SecretId)).to.deep.equal([env.N8N_API_KEY_SECRET_ARN]);
      const logs = lines.join("\n");
      expect(logs).not.to.contain(N8N_KEY);
      expect(logs).not.to.contain(TOKEN);
      expect(lines.map((l) => JSON.parse(l).event)).to.include.members([
        "n8n_invited",
        "member_notified",
        "n8n_invite_failed",
        "notify_failed",
        "invalid_message",
      ]);
    });
  });
});
