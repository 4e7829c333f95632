import { expect } from "chai";
import { runDlqRedrive } from "../../cli/commands/ops/dlqRedrive";
import { refusedUrl, startServer } from "../functions/helpers";
import type { Delivery } from "./eventSource";
import { account, ledger, ScenarioCount } from "./ledger";
import type { Availability } from "./openWebUi";
import { N8N_KEY, SCIM_TOKEN, World, startWorld } from "./world";

/** Upper bound for any one wait on the pipeline; far above what a passing run needs. */
const DEADLINE_MS = 20_000;

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
/** Cognito keeps the email as typed; the pipeline must lower-case it (Open WebUI does at sign-in). */
const typed = (email: string) => email.replace(/^./, (c) => c.toUpperCase()).replace("@example.com", "@Example.com");

describe("end-to-end sign-up on local emulators, with fault injection", function () {
  this.timeout(60_000);
  let world: World;

  before(async () => {
    world = await startWorld();
  });
  after(async () => {
    await world?.close();
  });
  beforeEach(async () => {
    await world.reset();
  });
  afterEach(function () {
    if (this.currentTest?.state === "failed") {
      process.stderr.write(`--- handler logs of the failed scenario (last 40 lines) ---\n${world.logs.slice(-40).join("\n")}\n`);
    }
  });

  /** Counts a scenario's outcome into the ledger from the user table and the DLQ as they are now. */
  async function settle(scenario: string, signedUp: string[]): Promise<ScenarioCount & { dlq: string[] }> {
    const dlq = await world.queues.peek(world.artefacts.dlqName);
    const count = account(scenario, signedUp, world.openWebUi.users.keys(), dlq);
    ledger.push(count);
    return { ...count, dlq };
  }

  /** How many times Open WebUI answered `status` for each email. */
  function answers(status: number): Map<string, number> {
    const byEmail = new Map<string, number>();
    for (const a of world.openWebUi.attempts.filter((x) => x.status === status)) byEmail.set(a.email, (byEmail.get(a.email) ?? 0) + 1);
    return byEmail;
  }

  /** Each message's deliveries by receive count (overlapping invocations finish in any order), as [receiveCount, failed]. */
  function deliveriesByMessage(deliveries: Delivery[]): Map<string, [number, boolean][]> {
    const byId = new Map<string, [number, boolean][]>();
    for (const d of deliveries) byId.set(d.messageId, [...(byId.get(d.messageId) ?? []), [d.receiveCount, d.failed]]);
    for (const list of byId.values()) list.sort((a, b) => a[0] - b[0]);
    return byId;
  }

  const emailsOf = (bodies: string[]) => bodies.map((b) => JSON.parse(b).email as string).sort();

  async function signUpAll(emails: string[]): Promise<Map<string, string>> {
    const subs = new Map<string, string>();
    for (const email of emails) subs.set(email, await world.signUp(typed(email), `User ${email.split("@")[0]}`));
    return subs;
  }

  it("1. 50 users sign up and confirm: 50 SCIM users, each created exactly once; DLQ empty", async () => {
    const emails = range(50).map((i) => `s1-user${i}@example.com`);
    const source = world.startEventSource(world.loadWorker());
    // The mapping polls while people sign up, as it does in AWS.
    const subs = await signUpAll(emails);
    await world.waitForDrainedQueue(DEADLINE_MS);
    await source.stop();
    const outcome = await settle("1. 50 sign-ups", emails);

    expect(outcome.lost).to.equal(0);
    expect([...world.openWebUi.users.keys()].sort()).to.deep.equal([...emails].sort());
    for (const email of emails) {
      const user = world.openWebUi.users.get(email)!;
      expect(user, email).to.include({ externalId: subs.get(email), displayName: `User ${email.split("@")[0]}`, role: "user" });
    }
    expect([...answers(201).values()]).to.have.length(50).and.satisfy((counts: number[]) => counts.every((n) => n === 1));
    expect(outcome.dlq).to.deep.equal([]);
  });

  it("2. Open WebUI refuses connections, then answers 503, for each message's first 2 receives, then is back: every user created exactly once, none in the DLQ", async () => {
    const faultyReceives = 2;
    const emails = range(20).map((i) => `s2-user${i}@example.com`);
    await world.openWebUi.setAvailability("down");
    await signUpAll(emails);
    // Open WebUI's state follows the receive count of the batches the mapping delivers: refused on
    // the 1st receive, 503 up to the k-th, healthy after. The phase only moves forward.
    const availability = (receive: number): Availability => (receive === 1 ? "down" : receive <= faultyReceives ? "503" : "up");
    let phase = 1;
    const source = world.startEventSource(world.loadWorker(), async (records) => {
      const lowest = Math.min(...records.map((r) => Number(r.attributes?.ApproximateReceiveCount)));
      if (lowest > phase) {
        phase = lowest;
        await world.openWebUi.setAvailability(availability(lowest));
      }
    });
    await world.waitForDrainedQueue(DEADLINE_MS);
    await source.stop();
    const outcome = await settle("2. Open WebUI down then 503", emails);

    expect(outcome.lost).to.equal(0);
    expect(outcome.dlq).to.deep.equal([]);
    expect([...world.openWebUi.users.keys()].sort()).to.deep.equal([...emails].sort());
    const byMessage = deliveriesByMessage(source.deliveries);
    expect(byMessage.size).to.equal(emails.length);
    for (const deliveries of byMessage.values()) expect(deliveries).to.deep.equal([[1, true], [2, true], [3, false]]);
    // The 1st receive never reached Open WebUI (refused); the 2nd got 503, the 3rd created the user.
    for (const email of emails) {
      expect(world.openWebUi.attempts.filter((a) => a.email === email).map((a) => a.status), email).to.deep.equal([503, 201]);
    }
  });

  it("3. a wrong SCIM token (401 forever) dead-letters every message after 5 receives; `pluto dlq redrive` after the fix creates them all", async () => {
    const emails = range(10).map((i) => `s3-user${i}@example.com`);
    world.openWebUi.token = "the-token-open-webui-was-started-with";
    await signUpAll(emails);
    const worker = world.loadWorker();
    const first = world.startEventSource(worker);
    await world.waitForDrainedQueue(DEADLINE_MS);
    await first.stop();

    const dead = await world.queues.peek(world.artefacts.dlqName);
    expect(emailsOf(dead)).to.deep.equal([...emails].sort());
    expect(world.openWebUi.users.size).to.equal(0);
    expect(account("3. (before redrive)", emails, world.openWebUi.users.keys(), dead).lost).to.equal(0);
    const maxReceiveCount = world.artefacts.maxReceiveCount;
    for (const deliveries of deliveriesByMessage(first.deliveries).values()) {
      expect(deliveries).to.deep.equal(range(maxReceiveCount).map((n) => [n, true]));
    }
    expect([...answers(401).values()]).to.deep.equal(emails.map(() => maxReceiveCount));

    // The operator fixes Open WebUI's token, then runs the runbook's redrive against the emulator.
    world.openWebUi.token = SCIM_TOKEN;
    const redrive = await runDlqRedrive({ prefix: "pluto", region: world.queues.region, wait: true, yes: true },
      { clients: () => world.opsClients(), sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 20))) });
    expect(redrive).to.include({ action: "started", messages: emails.length, moved: emails.length, status: "COMPLETED", dlq: world.artefacts.dlqName, queue: world.artefacts.queueName });
    const second = world.startEventSource(worker);
    await world.waitUntil("the DLQ to empty", async () => (await world.queues.peek(world.artefacts.dlqName)).length === 0, DEADLINE_MS);
    await world.waitForDrainedQueue(DEADLINE_MS);
    await second.stop();
    const outcome = await settle("3. wrong SCIM token, then redrive", emails);

    expect(outcome.lost).to.equal(0);
    expect(outcome.dlq).to.deep.equal([]);
    expect([...world.openWebUi.users.keys()].sort()).to.deep.equal([...emails].sort());
    expect([...answers(201).values()]).to.deep.equal(emails.map(() => 1));
    // Moved messages start counting receives again, so none is dead-lettered at once.
    expect(second.deliveries.map((d) => [d.receiveCount, d.failed])).to.deep.equal(emails.map(() => [1, false]));
  });

  it("4. duplicate delivery of one message, a message sent twice, and a user who already exists: one user each, all successful", async () => {
    const existing = "s4-existing@example.com";
    const redelivered = "s4-redelivered@example.com";
    const sentTwice = "s4-sent-twice@example.com";
    const emails = [existing, redelivered, sentTwice];
    world.openWebUi.users.set(existing, { id: "owui-existing", email: existing, displayName: "Signed in before", externalId: "", role: "user" });
    await signUpAll(emails);
    // SQS delivers at least once: the same body can arrive as a second message.
    const queued = await world.queues.peek(world.artefacts.queueName);
    await world.queues.send(world.pair.queueUrl, queued.find((b) => JSON.parse(b).email === sentTwice)!);
    // Open WebUI writes the user but answers after the 1 s visibility timeout, so the message
    // comes back and a second invocation provisions it while the first is still waiting.
    world.openWebUi.delayFirstResponse.set(redelivered, 1500);
    const source = world.startEventSource(world.loadWorker());
    await world.waitForDrainedQueue(DEADLINE_MS);
    await source.stop();
    const outcome = await settle("4. duplicates and an existing user", emails);

    expect(outcome.lost).to.equal(0);
    expect(outcome.dlq).to.deep.equal([]);
    expect([...world.openWebUi.users.keys()].sort()).to.deep.equal([...emails].sort());
    expect(world.openWebUi.users.get(existing)!.id).to.equal("owui-existing");
    // The slow answer holds its whole batch past the visibility timeout, so its batch-mates may
    // come back too: whatever was delivered again met 409, and no email was created twice.
    const statuses = (email: string) => world.openWebUi.attempts.filter((a) => a.email === email).map((a) => a.status);
    expect(statuses(existing)).to.have.length.of.at.least(1).and.satisfy((all: number[]) => all.every((s) => s === 409));
    for (const email of [redelivered, sentTwice]) {
      expect(statuses(email).filter((s) => s === 201), email).to.have.length(1);
      expect(statuses(email).filter((s) => s !== 201), email).to.have.length.of.at.least(1).and.satisfy((rest: number[]) => rest.every((s) => s === 409));
    }
    const redeliveredId = source.deliveries.find((d) => JSON.parse(d.body).email === redelivered)!.messageId;
    expect(deliveriesByMessage(source.deliveries).get(redeliveredId)).to.deep.equal([[1, false], [2, false]]);
    expect(source.deliveries.every((d) => !d.failed)).to.equal(true);
  });

  for (const n8nFault of ["answers 404", "is down"] as const) {
    it(`5. n8n ${n8nFault}: Open WebUI users are still created, nothing in the DLQ`, async () => {
      const emails = range(5).map((i) => `s5-${n8nFault === "is down" ? "down" : "404"}-user${i}@example.com`);
      const n8n = n8nFault === "answers 404" ? await startServer(() => ({ status: 404, body: { message: "The requested resource could not be found." } })) : undefined;
      try {
        const source = world.startEventSource(world.loadWorker(n8n?.url ?? (await refusedUrl())));
        await signUpAll(emails);
        await world.waitForDrainedQueue(DEADLINE_MS);
        await source.stop();
        const outcome = await settle(`5. n8n ${n8nFault}`, emails);

        expect(outcome.lost).to.equal(0);
        expect(outcome.dlq).to.deep.equal([]);
        expect([...world.openWebUi.users.keys()].sort()).to.deep.equal([...emails].sort());
        expect(source.deliveries.map((d) => [d.receiveCount, d.failed])).to.deep.equal(emails.map(() => [1, false]));
        if (n8n) {
          // The invitation was attempted for each user, with the key from Secrets Manager.
          expect(n8n.requests.map((r) => JSON.parse(r.body)[0].email).sort()).to.deep.equal([...emails].sort());
          expect(n8n.requests.every((r) => r.headers["x-n8n-api-key"] === N8N_KEY)).to.equal(true);
        }
      } finally {
        await n8n?.close();
      }
    });
  }

  it("6. PostConfirmation_ConfirmForgotPassword enqueues nothing", async () => {
    const email = "s6-user@example.com";
    const source = world.startEventSource(world.loadWorker());
    await signUpAll([email]);
    await world.waitForDrainedQueue(DEADLINE_MS);
    await source.stop();

    await world.resetPassword(typed(email));
    const trigger = world.lambda.invocations.at(-1)!;
    expect(trigger).to.deep.include({ functionName: world.artefacts.producer.name });
    expect(trigger.event.triggerSource).to.equal("PostConfirmation_ConfirmForgotPassword");
    expect(trigger.error).to.equal(undefined);
    expect(await world.queues.peek(world.artefacts.queueName)).to.deep.equal([]);
    const outcome = await settle("6. forgot-password confirmation", [email]);

    expect(outcome.lost).to.equal(0);
    expect(outcome.dlq).to.deep.equal([]);
    expect(world.openWebUi.attempts.map((a) => a.status)).to.deep.equal([201]);
    expect(world.lambda.invocations.map((i) => i.event.triggerSource)).to.deep.equal(["PostConfirmation_ConfirmSignUp", "PostConfirmation_ConfirmForgotPassword"]);
  });

  it("7. a malformed message body lands in the DLQ; the other messages of its batch succeed", async () => {
    const emails = range(4).map((i) => `s7-user${i}@example.com`);
    const malformed = '{"email": "s7-truncated@example.com", "na';
    await signUpAll(emails);
    await world.queues.send(world.pair.queueUrl, malformed);
    const source = world.startEventSource(world.loadWorker());
    await world.waitForDrainedQueue(DEADLINE_MS);
    await source.stop();
    const outcome = await settle("7. malformed message", emails);

    expect(outcome.lost).to.equal(0);
    expect(outcome.dlq).to.deep.equal([malformed]);
    expect([...world.openWebUi.users.keys()].sort()).to.deep.equal([...emails].sort());
    const firstBatch = source.deliveries.filter((d) => d.batch === source.deliveries.find((x) => x.body === malformed)!.batch);
    expect(firstBatch.map((d) => [d.body === malformed, d.failed]).sort()).to.deep.equal([[false, false], [false, false], [false, false], [false, false], [true, true]]);
    expect(source.deliveries.filter((d) => d.body === malformed).map((d) => d.receiveCount)).to.deep.equal(range(world.artefacts.maxReceiveCount));
  });
});
