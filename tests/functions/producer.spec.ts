import { expect } from "chai";
import { AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { EMAIL_UNVERIFIED, ENQUEUE_FAILED, handlePostConfirmation, ProducerDeps } from "../../functions/producer";
import { producerFactory } from "../../functions/runtime";
import type { ProvisioningMessage } from "../../functions/message";
import { captureConsole, memoryLog, postConfirmationEvent } from "./helpers";

function deps(enqueue: ProducerDeps["enqueue"], budgetMs = 200) {
  const logs = memoryLog();
  return { logs, deps: { enqueue, budgetMs, log: logs.log } };
}

describe("functions/producer: handlePostConfirmation", () => {
  it("enqueues {email, name, sub} on PostConfirmation_ConfirmSignUp and returns the same event", async () => {
    const sent: ProvisioningMessage[] = [];
    const { logs, deps: d } = deps(async (m) => void sent.push(m));
    const event = postConfirmationEvent();
    const snapshot = JSON.parse(JSON.stringify(event));
    const result = await handlePostConfirmation(event, d);
    expect(result).to.equal(event);
    expect(result).to.deep.equal(snapshot);
    expect(sent).to.deep.equal([{ email: "ada.lovelace@example.com", name: "Ada Lovelace", sub: "8c1b7f3e-2a4d-4e5f-9a0b-1c2d3e4f5a6b" }]);
    expect(logs.entries).to.deep.equal([{ level: "info", event: "enqueued", sub: "8c1b7f3e-2a4d-4e5f-9a0b-1c2d3e4f5a6b" }]);
  });

  for (const triggerSource of ["PostConfirmation_ConfirmForgotPassword", "PreSignUp_ExternalProvider", "PostAuthentication_Authentication", ""]) {
    it(`does not enqueue for trigger source "${triggerSource}"`, async () => {
      let calls = 0;
      const { logs, deps: d } = deps(async () => void calls++);
      const event = postConfirmationEvent({ triggerSource });
      expect(await handlePostConfirmation(event, d)).to.equal(event);
      expect(calls).to.equal(0);
      expect(logs.entries).to.deep.equal([{ level: "info", event: "trigger_skipped", triggerSource }]);
    });
  }

  it("returns the event and logs enqueue_failed naming the sub when the email attribute is missing", async () => {
    let calls = 0;
    const { logs, deps: d } = deps(async () => void calls++);
    const event = postConfirmationEvent({ userAttributes: { sub: "s-9", email_verified: "true" } });
    expect(await handlePostConfirmation(event, d)).to.equal(event);
    expect(calls).to.equal(0);
    expect(logs.entries).to.deep.equal([{ level: "error", event: "enqueue_failed", sub: "s-9", error: "user attribute `email` is missing" }]);
  });

  for (const email_verified of ["false", undefined, "", "1"]) {
    it(`enqueues nothing when email_verified is ${JSON.stringify(email_verified)}, logging a warning (no alarm) with the sub`, async () => {
      let calls = 0;
      const { logs, deps: d } = deps(async () => void calls++);
      const attributes = { ...postConfirmationEvent().request.userAttributes, email_verified };
      const event = postConfirmationEvent({ userAttributes: attributes });
      expect(await handlePostConfirmation(event, d)).to.equal(event);
      expect(calls).to.equal(0);
      expect(logs.entries).to.deep.equal([{ level: "warn", event: EMAIL_UNVERIFIED, sub: "8c1b7f3e-2a4d-4e5f-9a0b-1c2d3e4f5a6b" }]);
      expect(logs.text()).not.to.contain(ENQUEUE_FAILED);
    });
  }

  it('accepts email_verified in any letter case (Cognito sends "true")', async () => {
    const sent: ProvisioningMessage[] = [];
    const { deps: d } = deps(async (m) => void sent.push(m));
    await handlePostConfirmation(postConfirmationEvent({ userAttributes: { ...postConfirmationEvent().request.userAttributes, email_verified: "True" } }), d);
    expect(sent).to.have.length(1);
  });

  it("survives an event without request.userAttributes", async () => {
    const { logs, deps: d } = deps(async () => undefined);
    const event = { triggerSource: "PostConfirmation_ConfirmSignUp", request: {}, response: {} };
    expect(await handlePostConfirmation(event, d)).to.equal(event);
    expect(logs.entries[0]).to.include({ level: "warn", event: EMAIL_UNVERIFIED, sub: null });
  });

  it("does not throw when the enqueue fails; it logs one error line with the sub and no tokens", async () => {
    const { logs, deps: d } = deps(async () => {
      throw new Error("AccessDenied");
    });
    const event = postConfirmationEvent();
    (event.request as Record<string, unknown>).clientMetadata = { password: "hunter2-secret", idToken: "eyJsecret" };
    expect(await handlePostConfirmation(event, d)).to.equal(event);
    expect(logs.entries).to.deep.equal([
      { level: "error", event: "enqueue_failed", sub: "8c1b7f3e-2a4d-4e5f-9a0b-1c2d3e4f5a6b", error: "Error: AccessDenied" },
    ]);
    expect(logs.text()).not.to.match(/hunter2|eyJsecret|Ada/);
  });

  it("answers within its budget when the enqueue hangs", async () => {
    const { logs, deps: d } = deps(() => new Promise(() => undefined), 50);
    const event = postConfirmationEvent();
    expect(await handlePostConfirmation(event, d)).to.equal(event);
    expect(logs.entries).to.have.length(1);
    expect(logs.entries[0]).to.include({ level: "error", event: "enqueue_failed", error: "Error: enqueue timed out after 50 ms" });
  });
});

describe("functions/runtime: producerFactory (SQS client mocked)", () => {
  // Installed in before(), not at load time: a mock made while mocha loads files would leak into other files' tests.
  let sqs: AwsClientStub<SQSClient>;
  const saved = { ...process.env };
  before(() => {
    sqs = mockClient(SQSClient);
  });
  beforeEach(() => {
    sqs.reset();
    process.env.AWS_REGION = "us-west-2";
    process.env.AWS_ACCESS_KEY_ID = "AKIDTEST";
    process.env.AWS_SECRET_ACCESS_KEY = "secret-test";
    process.env.QUEUE_URL = "https://sqs.us-west-2.amazonaws.com/123456789012/pluto-user-provisioning";
    process.env.ENQUEUE_BUDGET_MS = "100";
  });
  afterEach(() => {
    process.env = { ...saved };
  });
  after(() => sqs.restore());

  it("sends one SendMessage to QUEUE_URL with the JSON message", async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: "m-1" });
    const handler = producerFactory();
    const { lines } = await captureConsole(() => handler(postConfirmationEvent()));
    const calls = sqs.commandCalls(SendMessageCommand);
    expect(calls).to.have.length(1);
    expect(calls[0].args[0].input).to.deep.equal({
      QueueUrl: process.env.QUEUE_URL,
      MessageBody: JSON.stringify({ email: "ada.lovelace@example.com", name: "Ada Lovelace", sub: "8c1b7f3e-2a4d-4e5f-9a0b-1c2d3e4f5a6b" }),
    });
    expect(lines.map((l) => JSON.parse(l).event)).to.deep.equal(["enqueued"]);
  });

  it("logs one enqueue_failed JSON line when SQS rejects", async () => {
    sqs.on(SendMessageCommand).rejects(new Error("QueueDoesNotExist"));
    const handler = producerFactory();
    const event = postConfirmationEvent();
    const { result, lines } = await captureConsole(() => handler(event));
    expect(result).to.equal(event);
    expect(lines).to.have.length(1);
    expect(JSON.parse(lines[0])).to.deep.include({ level: "error", event: "enqueue_failed", sub: "8c1b7f3e-2a4d-4e5f-9a0b-1c2d3e4f5a6b" });
    expect(lines[0]).to.contain("QueueDoesNotExist");
  });

  it("gives up after ENQUEUE_BUDGET_MS when SQS hangs", async () => {
    sqs.on(SendMessageCommand).callsFake(() => new Promise(() => undefined));
    const handler = producerFactory();
    const { lines } = await captureConsole(() => handler(postConfirmationEvent()));
    expect(JSON.parse(lines[0])).to.include({ event: "enqueue_failed", error: "Error: enqueue timed out after 100 ms" });
  });

  it("fails the cold start with a named error when QUEUE_URL is missing or the budget is not a number", () => {
    delete process.env.QUEUE_URL;
    expect(() => producerFactory()).to.throw("environment variable QUEUE_URL is not set");
    process.env.QUEUE_URL = "https://sqs.example/q";
    process.env.ENQUEUE_BUDGET_MS = "soon";
    expect(() => producerFactory()).to.throw('environment variable ENQUEUE_BUDGET_MS must be a positive integer, got "soon"');
  });
});
