// The input rules as uploaded: the serialised producer and worker (Pulumi's closure serialisation
// must keep the Unicode-aware pattern intact) refuse what functions/message.ts refuses.
import { expect } from "chai";
import { Stack } from "../helpers/stack";
import { lambdaTaskRoot, loadHandler } from "../helpers/lambda";
import { captureConsole, LocalServer, postConfirmationEvent, provisioningMessage, sqsRecord } from "../functions/helpers";
import { FakeAws, startFakeAws } from "./fakeAws";
import { archiveAssets, synthProvisioning } from "./synth";

const LAMBDA = "aws:lambda/function:Function";

describe("deployed artefacts: input rules in the serialised handlers", function () {
  let stack: Stack;
  let dir: string;
  let removeTaskRoot: () => void;
  const saved = { ...process.env };
  let fake: FakeAws | undefined;

  before(async () => {
    stack = await synthProvisioning();
    ({ dir, remove: removeTaskRoot } = lambdaTaskRoot());
  });
  after(() => removeTaskRoot());
  beforeEach(async () => {
    Object.assign(process.env, { AWS_REGION: "us-west-2", AWS_ACCESS_KEY_ID: "AKIDFAKE", AWS_SECRET_ACCESS_KEY: "fake-secret" });
    fake = await startFakeAws({});
  });
  afterEach(async () => {
    process.env = { ...saved };
    await (fake as LocalServer | undefined)?.close();
  });

  const load = async (suffix: string, env: Record<string, string>) =>
    loadHandler(dir, (await archiveAssets(stack.one(LAMBDA, suffix)))["__index.js"], { ...stack.inputs(LAMBDA, suffix).environment.variables, ...env });

  it("producer: refuses an email with a control character (nothing sent, enqueue_failed) and replaces a bidi-override name", async () => {
    const producer = await load("-producer", { AWS_ENDPOINT_URL_SQS: fake!.url });
    const refused = await captureConsole(() =>
      producer(postConfirmationEvent({ userAttributes: { sub: "s-1", email: "ada\u0007@example.com", email_verified: "true" } })),
    );
    expect(fake!.calls).to.deep.equal([]);
    expect(refused.lines.map((l) => JSON.parse(l))).to.deep.equal([
      { level: "error", event: "enqueue_failed", sub: "s-1", error: "user attribute `email` contains U+0007 (a control character)" },
    ]);

    const adjusted = await captureConsole(() =>
      producer(
        postConfirmationEvent({ userAttributes: { sub: "s-2", email: "eve@example.com", email_verified: "true", name: "Eve\u2066x", given_name: "Eve" } }),
      ),
    );
    expect(fake!.calls.map((c) => JSON.parse(String(c.input.MessageBody)))).to.deep.equal([{ email: "eve@example.com", name: "Eve", sub: "s-2" }]);
    expect(adjusted.lines.map((l) => JSON.parse(l).event)).to.deep.equal(["name_adjusted", "enqueued"]);
  });

  it("worker: a null record and a hand-sent message with a line separator in its name neither throw nor get announced", async () => {
    const worker = await load("-worker", { AWS_ENDPOINT_URL_SNS: fake!.url });
    const records = [null, sqsRecord("m-1", provisioningMessage(1)), sqsRecord("m-2", { ...provisioningMessage(2), name: "Two\u2028Lines" })];
    const { result, lines } = await captureConsole(() => worker({ Records: records }));
    expect(result).to.deep.equal({ batchItemFailures: [{ itemIdentifier: "m-2" }] });
    expect(fake!.calls.map((c) => c.input.Subject)).to.deep.equal(["New member: user1@example.com"]);
    expect(lines.map((l) => JSON.parse(l).event).sort()).to.deep.equal(["invalid_message", "invalid_record", "member_notified"]);
  });
});
