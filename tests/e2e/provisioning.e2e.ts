import { expect } from "chai";
import { account, ledger, ScenarioCount } from "./ledger";
import { World, startWorld } from "./world";

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
});
