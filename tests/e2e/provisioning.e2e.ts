import { expect } from "chai";
import { AdminGetUserCommand } from "@aws-sdk/client-cognito-identity-provider";
import { runDlqRedrive } from "../../cli/commands/ops/dlqRedrive";
import { runUsersSync } from "../../cli/commands/ops/usersSync";
import { memoryIo } from "../../cli/io";
import { REFUSAL } from "../../functions/preSignUp";
import type { Delivery } from "./eventSource";
import { account, ledger, ScenarioCount } from "./ledger";
import { filterPatternMatches } from "./logFilter";
import type { N8nAvailability } from "./n8nFront";
import { tokenOf } from "./n8nFront";
import { OWUI_ERRORS } from "./openWebUi";
import { deployedOauth2Proxy, World, startWorld } from "./world";

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
/** Cognito keeps the email as typed; the pipeline and Open WebUI lower-case it. */
const typed = (email: string) => email.replace(/^./, (c) => c.toUpperCase()).replace("@example.com", "@Example.com");
const nameOf = (email: string) => `User ${email.split("@")[0]}`;

describe("end-to-end: who may join, onboarding and first sign-in, on local emulators, with fault injection", function () {
  // A scenario that dead-letters waits out maxReceiveCount visibility timeouts (30 s each at the default scale).
  this.timeout(600_000);
  let world: World;
  /**
   * Upper bound for any one wait on the pipeline, far above what a passing run needs: a message
   * received maxReceiveCount times waits out the (scaled) visibility timeout between receives.
   */
  let DEADLINE_MS = 0;

  before(async function () {
    // The real n8n starts once per run: seconds on an idle machine, minutes on a busy one.
    this.timeout(420_000);
    const started = Date.now();
    world = await startWorld();
    const { startMs, setupMs } = world.n8n.real.timings;
    console.log(
      `      (the real n8n ${world.n8n.real.version}: ready in ${startMs} ms, owner and API key in ${setupMs} ms; the world in ${Date.now() - started} ms)`,
    );
    DEADLINE_MS = (world.artefacts.maxReceiveCount + 2) * world.timeouts.scaled.visibilityTimeoutSeconds * 1000 + 20_000;
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

  /** Counts a scenario's outcome into the ledger from the mailbox and the DLQ as they are now. */
  async function settle(scenario: string, signedUp: string[]): Promise<ScenarioCount & { dlq: string[] }> {
    const dlq = await world.queues.peek(world.artefacts.dlqName);
    const count = account(scenario, signedUp, await world.onboarded(), dlq);
    ledger.push(count);
    return { ...count, dlq };
  }

  /** n8n's answers to each email's invitations, in order. */
  const n8nStatuses = (email: string) => world.n8n.attempts.filter((a) => a.email === email).map((a) => a.status);

  /** Each message's deliveries by receive count (overlapping invocations finish in any order), as [receiveCount, failed]. */
  function deliveriesByMessage(deliveries: Delivery[]): Map<string, [number, boolean][]> {
    const byId = new Map<string, [number, boolean][]>();
    for (const d of deliveries) byId.set(d.messageId, [...(byId.get(d.messageId) ?? []), [d.receiveCount, d.failed]]);
    for (const list of byId.values()) list.sort((a, b) => a[0] - b[0]);
    return byId;
  }

  const emailsOf = (bodies: string[]) => bodies.map((b) => JSON.parse(b).email as string).sort();
  const sorted = (xs: Iterable<string>) => [...xs].sort();
  /** The n8n invitation links in the notices for `email`. */
  const linksFor = async (email: string) =>
    (await world.notices())
      .filter((n) => n.subject === `New member: ${email}`)
      .map((n) => /https:\/\/\S+\/signup\?token=\S+/.exec(n.message)?.[0])
      .filter((l): l is string => Boolean(l));
  const resolves = async (link: string) => (await fetch(`${world.n8n.real.url}/rest/resolve-signup-token?token=${tokenOf(link)}`)).status;
  /** n8n's users among `emails` (n8n keeps every scenario's users: one n8n per run). */
  const n8nUsersOf = async (emails: string[]) => {
    const users = await world.n8n.users();
    return new Map(emails.filter((e) => users.has(e)).map((e) => [e, users.get(e)!]));
  };

  async function signUpAll(emails: string[]): Promise<Map<string, string>> {
    const subs = new Map<string, string>();
    for (const email of emails) subs.set(email, await world.signUp(typed(email), nameOf(email)));
    return subs;
  }

  it("0. who may join, then the first sign-in: refused and unverified people get nothing; members are invited, announced, and get an account with their name and role user", async () => {
    const ada = "s0-ada@example.com";
    const guest = "guest@partner.org"; // admitted as a single address, not by domain
    const stranger = "eve@elsewhere.org";
    const unverified = "s0-unverified@example.com";

    const refusal = await world.signUp(stranger, "Eve").then(
      () => undefined,
      (e) => e,
    );
    // Cognito: "PreSignUp failed with error <message>."; cognito-local names the function instead of the trigger.
    expect(refusal?.name).to.equal("UserLambdaValidationException");
    expect(refusal.message)
      .to.match(/failed with error /)
      .and.contain(REFUSAL.notAllowed);
    const noUser = await world.cognito.client.send(new AdminGetUserCommand({ UserPoolId: world.userPoolId, Username: stranger })).then(
      () => undefined,
      (e) => e,
    );
    expect(noUser?.name, "a refused person has no Cognito user").to.equal("UserNotFoundException");

    await world.signUp(typed(ada), "Ada Lovelace");
    await world.signUp("Guest@Partner.org", "José Núñez");
    await world.signUp(unverified, "Una Verified", { emailVerified: false });
    const triggers = world.lambda.invocations.map((i) => [i.functionName, i.event.triggerSource, i.event.request.userAttributes.email]);
    expect(triggers).to.deep.equal([
      [world.artefacts.triggers.PreSignUp, "PreSignUp_SignUp", stranger],
      [world.artefacts.triggers.PreSignUp, "PreSignUp_SignUp", typed(ada)],
      [world.artefacts.triggers.PostConfirmation, "PostConfirmation_ConfirmSignUp", typed(ada)],
      [world.artefacts.triggers.PreSignUp, "PreSignUp_SignUp", "Guest@Partner.org"],
      [world.artefacts.triggers.PostConfirmation, "PostConfirmation_ConfirmSignUp", "Guest@Partner.org"],
      [world.artefacts.triggers.PreSignUp, "PreSignUp_SignUp", unverified],
      [world.artefacts.triggers.PostConfirmation, "PostConfirmation_ConfirmSignUp", unverified],
    ]);
    expect(world.lambda.invocations.map((i) => i.error)).to.deep.equal([REFUSAL.notAllowed, undefined, undefined, undefined, undefined, undefined, undefined]);
    expect(emailsOf(await world.queues.peek(world.artefacts.queueName)), "the unverified email was not enqueued").to.deep.equal(sorted([ada, guest]));

    // Open WebUI creates the account at the first sign-in, whether or not onboarding has run yet.
    const first = await world.signIn(typed(ada));
    expect(first.status).to.equal(200);
    expect(first.body).to.include({ email: ada, name: "Ada Lovelace", role: "user" });
    const row = world.openWebUi.userByEmail(ada)!;
    expect(world.openWebUi.auths.get(row.id), "an auth row beside the user row").to.include({ email: ada, active: true });
    expect((await world.signIn(typed(ada))).body.id, "the second sign-in finds the same account").to.equal(row.id);

    const source = world.startEventSource(world.deployWorker({ n8n: true }));
    await world.waitForDrainedQueue(DEADLINE_MS);
    await source.stop();
    const outcome = await settle("0. allow-list, onboarding, first sign-in", [ada, guest]);

    expect(outcome.lost).to.equal(0);
    expect(outcome.dlq).to.deep.equal([]);
    expect(sorted((await n8nUsersOf([world.n8n.real.owner.email, ada, guest, stranger, unverified])).keys())).to.deep.equal(
      sorted([world.n8n.real.owner.email, ada, guest]),
    );
    const notices = await world.notices();
    expect(notices.map((n) => n.subject).sort()).to.deep.equal(sorted([`New member: ${ada}`, `New member: ${guest}`]));
    expect(notices.find((n) => n.subject.endsWith(ada))!.message).to.contain("Ada Lovelace <s0-ada@example.com> has joined https://pluto.example.com.");

    // The administrator forwards the link; Ada opens it (through n8n's sign-in, as a member) and accepts.
    const [link] = await linksFor(ada);
    expect(link.startsWith(`${world.artefacts.n8nEditorBaseUrl.replace(/\/$/, "")}/signup?token=`)).to.equal(true);
    expect(await resolves(link)).to.equal(200);
    const accepted = await fetch(`${world.n8n.real.url}/rest/invitations/accept`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token: tokenOf(link), firstName: "Ada", lastName: "Lovelace", password: "Analytical-Engine-1843" }),
    });
    expect(accepted.status).to.equal(200);
    expect((await world.n8n.users()).get(ada)).to.include({ isPending: false });

    // oauth2-proxy refuses the unverified person at sign-in (providers/provider_data.go): no account.
    expect(await world.signIn(unverified)).to.deep.equal({ status: 500, body: { oauth2Proxy: `email in id_token (${unverified}) isn't verified` } });
    // The guest's first sign-in; nobody can open an account through /signup.
    // A non-ASCII name survives the whole chain: name claim trigger (percent-encoded) → header → Open WebUI (unquote).
    expect((await world.signIn("Guest@Partner.org")).body).to.include({ email: guest, name: "José Núñez", role: "user" });
    const signup = await fetch(`${world.openWebUi.url}/api/v1/auths/signup`, {
      method: "POST",
      headers: { "content-type": "application/json", "X-Forwarded-Email": guest },
      body: JSON.stringify({ name: "Mallory", email: "victim@example.com", password: "pw" }),
    });
    expect(signup.status).to.equal(403);
    expect(await signup.json()).to.deep.equal({ detail: OWUI_ERRORS.ACCESS_PROHIBITED });
    expect(sorted([...world.openWebUi.users.values()].map((u) => `${u.email} ${u.role}`))).to.deep.equal(
      sorted(["admin@example.com admin", `${ada} user`, `${guest} user`]),
    );
  });

  it("1. 50 members sign up: 50 n8n invitations and 50 notices, one each; DLQ empty; then 50 accounts at first sign-in", async () => {
    const emails = range(50).map((i) => `s1-user${i}@example.com`);
    const source = world.startEventSource(world.deployWorker({ n8n: true }));
    // The mapping polls while people sign up, as it does in AWS.
    await signUpAll(emails);
    await world.waitForDrainedQueue(DEADLINE_MS);
    await source.stop();
    const outcome = await settle("1. 50 sign-ups", emails);

    expect(outcome.lost).to.equal(0);
    expect(outcome.dlq).to.deep.equal([]);
    for (const email of emails) expect(n8nStatuses(email), email).to.deep.equal([201]);
    expect(world.n8n.attempts).to.have.length(50);
    expect(sorted(await world.onboarded())).to.deep.equal(sorted(emails));
    for (const email of emails) {
      const links = await linksFor(email);
      expect(links, email).to.have.length(1);
      expect(await resolves(links[0]), email).to.equal(200);
    }
    for (const email of emails) {
      const r = await world.signIn(typed(email));
      expect(r.body, email).to.include({ email, name: nameOf(email), role: "user" });
    }
    expect(world.openWebUi.users.size).to.equal(51);
  });

  it("2. n8n refuses connections, then answers 503, for each message's first 2 receives, then is back: every member invited and announced exactly once, none in the DLQ", async () => {
    const emails = range(20).map((i) => `s2-user${i}@example.com`);
    await world.n8n.setAvailability("down");
    await signUpAll(emails);
    // n8n's state follows the receive count of the batches the mapping delivers: refused on the
    // 1st receive, 503 on the 2nd, healthy after. The phase only moves forward.
    const availability = (receive: number): N8nAvailability => (receive === 1 ? "down" : receive === 2 ? "503" : "up");
    let phase = 1;
    const source = world.startEventSource(world.deployWorker({ n8n: true }), async (records) => {
      const lowest = Math.min(...records.map((r) => Number(r.attributes?.ApproximateReceiveCount)));
      if (lowest > phase) {
        phase = lowest;
        await world.n8n.setAvailability(availability(lowest));
      }
    });
    await world.waitForDrainedQueue(DEADLINE_MS);
    await source.stop();
    const outcome = await settle("2. n8n down then 503", emails);

    expect(outcome.lost).to.equal(0);
    expect(outcome.dlq).to.deep.equal([]);
    const byMessage = deliveriesByMessage(source.deliveries);
    expect(byMessage.size).to.equal(emails.length);
    for (const deliveries of byMessage.values())
      expect(deliveries).to.deep.equal([
        [1, true],
        [2, true],
        [3, false],
      ]);
    // The 1st receive never reached n8n (refused); the 2nd got 503, the 3rd invited.
    for (const email of emails) expect(n8nStatuses(email), email).to.deep.equal([503, 201]);
    expect(sorted(await world.onboarded())).to.deep.equal(sorted(emails));
  });

  it("3. a stale n8n API key (401 forever) dead-letters every message after 5 receives, announcing nobody; after the fix, `pluto dlq redrive` onboards them all", async () => {
    const emails = range(10).map((i) => `s3-user${i}@example.com`);
    const keyArn = world.artefacts.workerWithN8n.env.N8N_API_KEY_SECRET_ARN;
    world.secretValues[keyArn] = "a-key-n8n-no-longer-accepts";
    await signUpAll(emails);
    const first = world.startEventSource(world.deployWorker({ n8n: true }));
    await world.waitForDrainedQueue(DEADLINE_MS);
    await first.stop();

    const dead = await world.queues.peek(world.artefacts.dlqName);
    expect(emailsOf(dead)).to.deep.equal(sorted(emails));
    expect(await world.notices()).to.deep.equal([]);
    expect(account("3. (before redrive)", emails, await world.onboarded(), dead).lost).to.equal(0);
    const maxReceiveCount = world.artefacts.maxReceiveCount;
    for (const deliveries of deliveriesByMessage(first.deliveries).values()) {
      expect(deliveries).to.deep.equal(range(maxReceiveCount).map((n) => [n, true]));
    }
    for (const email of emails) expect(n8nStatuses(email), email).to.deep.equal(range(maxReceiveCount).map(() => 401));

    // The operator stores the right key. Each worker container caches the key it read, so fresh
    // containers must start (any configuration change of the function does that) before the redrive.
    world.secretValues[keyArn] = world.n8n.apiKey;
    const redrive = await runDlqRedrive(
      { prefix: "pluto", region: world.queues.region, wait: true, yes: true },
      { clients: () => world.opsClients(), sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 20))) },
    );
    expect(redrive).to.include({
      action: "started",
      messages: emails.length,
      moved: emails.length,
      status: "COMPLETED",
      dlq: world.artefacts.dlqName,
      queue: world.artefacts.queueName,
    });
    const second = world.startEventSource(world.deployWorker({ n8n: true }));
    await world.waitUntil("the DLQ to empty", async () => (await world.queues.peek(world.artefacts.dlqName)).length === 0, DEADLINE_MS);
    await world.waitForDrainedQueue(DEADLINE_MS);
    await second.stop();
    const outcome = await settle("3. stale n8n key, then redrive", emails);

    expect(outcome.lost).to.equal(0);
    expect(outcome.dlq).to.deep.equal([]);
    expect(sorted(await world.onboarded())).to.deep.equal(sorted(emails));
    const users = await world.n8n.users();
    for (const email of emails) expect(users.get(email), email).to.include({ isPending: true });
    // Moved messages start counting receives again, so none is dead-lettered at once.
    expect(second.deliveries.map((d) => [d.receiveCount, d.failed])).to.deep.equal(emails.map(() => [1, false]));
  });

  it("4. a redelivered message (n8n writes the user but answers after the worker's n8n timeout), a message sent twice, and someone already in n8n: one n8n user each, every link works, the duplicate send costs only a second notice", async () => {
    const existing = "s4-existing@example.com";
    const redelivered = "s4-redelivered@example.com";
    const sentTwice = "s4-sent-twice@example.com";
    const emails = [existing, redelivered, sentTwice];
    const member = await world.n8n.addMember(existing);
    await signUpAll(emails);
    // SQS delivers at least once: the same body can arrive as a second message.
    const queued = await world.queues.peek(world.artefacts.queueName);
    await world.queues.send(
      world.pair.queueUrl,
      queued.find((b) => JSON.parse(b).email === sentTwice)!,
    );
    // n8n writes the pending user, then answers after the worker gave up on it (its scaled n8n
    // timeout): the record fails and comes back after the visibility timeout, and n8n invites the
    // same pending user again.
    world.n8n.delayFirstResponse.set(redelivered, 2 * world.timeouts.scaled.httpTimeoutMs);
    const source = world.startEventSource(world.deployWorker({ n8n: true }));
    await world.waitForDrainedQueue(DEADLINE_MS);
    await source.stop();
    const outcome = await settle("4. duplicates and an existing n8n member", emails);

    expect(outcome.lost).to.equal(0);
    expect(outcome.dlq).to.deep.equal([]);
    expect(source.deliveries.filter((d) => d.failed).map((d) => JSON.parse(d.body).email)).to.deep.equal([redelivered]);
    const users = await n8nUsersOf(emails);
    expect(sorted(users.keys())).to.deep.equal(sorted(emails));
    expect(users.get(existing)).to.include({ id: member.id, isPending: false });
    expect(n8nStatuses(redelivered), "invited twice, as the same pending user").to.deep.equal([201, 201]);
    const existingNotices = (await world.notices()).filter((n) => n.subject.endsWith(existing));
    expect(existingNotices.length).to.be.at.least(1);
    for (const n of existingNotices) expect(n.message).to.contain("already have an n8n account");
    const redeliveredLinks = await linksFor(redelivered);
    expect(redeliveredLinks, "announced once, after the retry").to.have.length(1);
    const sentTwiceLinks = await linksFor(sentTwice);
    expect(sentTwiceLinks).to.have.length(2);
    // Each invitation's link is n8n's JWT of {inviter, invitee, iat}: the two are equal when n8n
    // signed both within one second (user.service.ts `sendEmails`), and both work either way.
    for (const link of [...redeliveredLinks, ...sentTwiceLinks]) expect(await resolves(link)).to.equal(200);
    const redeliveredId = source.deliveries.find((d) => JSON.parse(d.body).email === redelivered)!.messageId;
    expect(deliveriesByMessage(source.deliveries).get(redeliveredId)).to.deep.equal([
      [1, true],
      [2, false],
    ]);
  });

  it("5a. SNS refuses each message's first 2 publishes: n8n re-invites the same pending user, and each member is announced once, with a working link", async () => {
    const emails = range(5).map((i) => `s5a-user${i}@example.com`);
    await signUpAll(emails);
    let phase = 1;
    world.queues.setPublishFault(() => (phase < 3 ? "refuse" : undefined));
    const source = world.startEventSource(world.deployWorker({ n8n: true }), async (records) => {
      phase = Math.max(phase, Math.min(...records.map((r) => Number(r.attributes?.ApproximateReceiveCount))));
    });
    await world.waitForDrainedQueue(DEADLINE_MS);
    await source.stop();
    const outcome = await settle("5a. SNS refuses, then accepts", emails);

    expect(outcome.lost).to.equal(0);
    expect(outcome.dlq).to.deep.equal([]);
    for (const deliveries of deliveriesByMessage(source.deliveries).values())
      expect(deliveries).to.deep.equal([
        [1, true],
        [2, true],
        [3, false],
      ]);
    for (const email of emails) {
      expect(n8nStatuses(email), email).to.deep.equal([201, 201, 201]);
      const links = await linksFor(email);
      expect(links, email).to.have.length(1);
      expect(await resolves(links[0]), email).to.equal(200);
    }
    expect(
      [...(await n8nUsersOf(emails)).values()].map((u) => u.isPending),
      "one pending n8n user each",
    ).to.deep.equal(emails.map(() => true));
  });

  it("5b. n8n answers 404 for good (wrong URL, or its public API disabled): every message waits in the DLQ, nobody is announced half-onboarded", async () => {
    const emails = range(5).map((i) => `s5b-user${i}@example.com`);
    await world.n8n.setAvailability("404");
    await signUpAll(emails);
    const source = world.startEventSource(world.deployWorker({ n8n: true }));
    await world.waitForDrainedQueue(DEADLINE_MS);
    await source.stop();
    const outcome = await settle("5b. n8n answers 404", emails);

    expect(outcome.lost).to.equal(0);
    expect(emailsOf(outcome.dlq)).to.deep.equal(sorted(emails));
    expect(await world.notices()).to.deep.equal([]);
    for (const email of emails) expect(n8nStatuses(email), email).to.deep.equal(range(world.artefacts.maxReceiveCount).map(() => 404));
  });

  it("6. without n8n: the notice alone; PostConfirmation_ConfirmForgotPassword enqueues nothing", async () => {
    const email = "s6-user@example.com";
    const source = world.startEventSource(world.deployWorker());
    await signUpAll([email]);
    await world.waitForDrainedQueue(DEADLINE_MS);

    await world.resetPassword(typed(email));
    const trigger = world.lambda.invocations.at(-1)!;
    expect(trigger).to.deep.include({ functionName: world.artefacts.producer.name });
    expect(trigger.event.triggerSource).to.equal("PostConfirmation_ConfirmForgotPassword");
    expect(trigger.error).to.equal(undefined);
    expect(await world.queues.peek(world.artefacts.queueName)).to.deep.equal([]);
    await source.stop();
    const outcome = await settle("6. notice only; forgot-password confirmation", [email]);

    expect(outcome.lost).to.equal(0);
    expect(outcome.dlq).to.deep.equal([]);
    const notices = await world.notices();
    expect(notices).to.have.length(1);
    expect(notices[0].message)
      .to.contain(`${nameOf(email)} <${email}> has joined`)
      .and.not.contain("n8n");
    expect(world.n8n.attempts).to.deep.equal([]);
    expect(world.lambda.invocations.map((i) => i.event.triggerSource)).to.deep.equal([
      "PreSignUp_SignUp",
      "PostConfirmation_ConfirmSignUp",
      "PostConfirmation_ConfirmForgotPassword",
    ]);
  });

  it("7. a malformed message body lands in the DLQ; the other messages of its batch succeed", async () => {
    const emails = range(4).map((i) => `s7-user${i}@example.com`);
    const malformed = '{"email": "s7-truncated@example.com", "na';
    await signUpAll(emails);
    await world.queues.send(world.pair.queueUrl, malformed);
    const source = world.startEventSource(world.deployWorker({ n8n: true }));
    await world.waitForDrainedQueue(DEADLINE_MS);
    await source.stop();
    const outcome = await settle("7. malformed message", emails);

    expect(outcome.lost).to.equal(0);
    expect(outcome.dlq).to.deep.equal([malformed]);
    expect(sorted(await world.onboarded())).to.deep.equal(sorted(emails));
    const firstBatch = source.deliveries.filter((d) => d.batch === source.deliveries.find((x) => x.body === malformed)!.batch);
    expect(firstBatch.map((d) => [d.body === malformed, d.failed]).sort()).to.deep.equal([
      [false, false],
      [false, false],
      [false, false],
      [false, false],
      [true, true],
    ]);
    expect(source.deliveries.filter((d) => d.body === malformed).map((d) => d.receiveCount)).to.deep.equal(range(world.artefacts.maxReceiveCount));
  });
  it("8. the worker side runs under the deployed timeout rules, every duration divided by one factor: visibility stays at least 6x the worker's timeout, the n8n call well inside it; the triggers keep Cognito's 5 s", () => {
    const { deployed, scaled } = world.timeouts;
    expect(deployed.visibilityTimeoutSeconds, "deployed: visibility >= 6 x worker timeout").to.be.at.least(6 * deployed.workerTimeoutSeconds);
    expect(scaled.visibilityTimeoutSeconds * 1000, "scaled: visibility >= 6 x worker timeout").to.be.at.least(6 * scaled.workerTimeoutMs);
    expect(scaled.workerTimeoutMs).to.equal((deployed.workerTimeoutSeconds * 1000) / scaled.factor);
    expect(scaled.visibilityTimeoutSeconds).to.equal(deployed.visibilityTimeoutSeconds / scaled.factor);
    expect(scaled.httpTimeoutMs).to.equal(Math.round(deployed.httpTimeoutMs / scaled.factor));
    expect(scaled.httpTimeoutMs, "the n8n call ends well before the worker is cut off").to.be.below(scaled.workerTimeoutMs / 2);
    // What the scenarios run with: the worker cut off at the scaled timeout; the queue's scaled visibility.
    expect(world.deployWorker().timeoutMs).to.equal(scaled.workerTimeoutMs);
    expect(world.producer.timeoutMs, "the PostConfirmation trigger: Cognito's 5 s, as deployed").to.equal(5000);
    expect(world.artefacts.enqueueBudgetMs).to.be.below(world.producer.timeoutMs);
    // The mapping the poller copies: without ReportBatchItemFailures Lambda would delete every record
    // of a batch the worker partly failed, and the poller would too (eventSource.ts).
    expect(world.artefacts.functionResponseTypes).to.deep.equal(["ReportBatchItemFailures"]);
    expect(world.artefacts.appClient).to.deep.include({ generateSecret: true, explicitAuthFlows: ["ALLOW_REFRESH_TOKEN_AUTH"] });
  });

  it("9. the enqueue fails while people sign up (SQS answers 503, then stops answering): every sign-up succeeds, each failure is one enqueue_failed line the alarm's metric filter counts, and `pluto users sync --since` recovers every member", async () => {
    const start = new Date(Math.floor(Date.now() / 1000) * 1000);
    const before = range(2).map((i) => `s9-before${i}@example.com`);
    const refused = range(3).map((i) => `s9-refused${i}@example.com`);
    const stalled = range(2).map((i) => `s9-stalled${i}@example.com`);
    const source = world.startEventSource(world.deployWorker({ n8n: true }));
    await signUpAll(before);
    world.queues.setSendFault("unavailable");
    const refusedSubs = await signUpAll(refused);
    world.queues.setSendFault("stall");
    const stalledSubs = await signUpAll(stalled);
    world.queues.setSendFault(undefined);
    const failedSubs = new Set([...refusedSubs.values(), ...stalledSubs.values()]);

    // Cognito confirmed everyone: the producer returned within its 5 s every time, without an error.
    const confirmations = world.lambda.invocations.filter((i) => i.functionName === world.producer.name);
    expect(confirmations).to.have.length(before.length + refused.length + stalled.length);
    expect(confirmations.map((i) => i.error)).to.deep.equal(confirmations.map(() => undefined));
    for (const email of [...refused, ...stalled]) {
      const user = await world.cognito.client.send(new AdminGetUserCommand({ UserPoolId: world.userPoolId, Username: typed(email) }));
      expect(user.UserStatus, email).to.equal("CONFIRMED");
    }
    // The alarm's metric filter, applied to the producer's log group as Lambda stores it.
    const counted = world.producer.logs.filter((line) => filterPatternMatches(world.artefacts.enqueueFailedPattern, line));
    expect(counted, "one counted line per failed enqueue").to.have.length(failedSubs.size);
    const countedEntries = counted.map((line) => JSON.parse(line.split("\t")[3]));
    expect(sorted(countedEntries.map((e) => e.sub))).to.deep.equal(sorted(failedSubs));
    for (const e of countedEntries) expect(e).to.include({ level: "error", event: "enqueue_failed" });
    expect(
      counted.every((line) => line.split("\t")[2] === "ERROR"),
      "written as errors",
    ).to.equal(true);
    await world.waitForDrainedQueue(DEADLINE_MS);
    expect(sorted(await world.onboarded()), "only the members queued before the fault").to.deep.equal(sorted(before));

    // The operator follows the alarm: `pluto users sync --since <when it started>`.
    const sync = await runUsersSync(
      { prefix: "pluto", region: world.queues.region, userPoolId: world.userPoolId, since: start.toISOString(), yes: true },
      { clients: () => world.opsClients(), confirm: async () => true, now: () => new Date() },
      memoryIo(),
    );
    expect(sorted(sync.enqueued.map((m) => m.email))).to.deep.equal(sorted([...before, ...refused, ...stalled]));
    expect(sync.failed).to.deep.equal([]);
    await world.waitForDrainedQueue(DEADLINE_MS);
    await source.stop();
    const outcome = await settle("9. enqueue fails, then users sync", [...before, ...refused, ...stalled]);

    expect(outcome.lost).to.equal(0);
    expect(outcome.dlq).to.deep.equal([]);
    for (const email of [...refused, ...stalled]) expect(await linksFor(email), email).to.have.length(1);
    // Members onboarded before the fault were in the --since window too: a second notice each.
    for (const email of before) expect(await linksFor(email), email).to.have.length(2);
  });

  it("10. n8n answers 500: retried after the visibility timeout and then invited; a member n8n fails for good waits in the DLQ; nothing is lost", async () => {
    const emails = range(6).map((i) => `s10-user${i}@example.com`);
    const broken = "s10-broken@example.com";
    world.n8n.failFor.set(broken, 500);
    await signUpAll([...emails, broken]);
    await world.n8n.setAvailability("500");
    let phase = 1;
    const source = world.startEventSource(world.deployWorker({ n8n: true }), async (records) => {
      const lowest = Math.min(...records.map((r) => Number(r.attributes?.ApproximateReceiveCount)));
      if (lowest > phase) {
        phase = lowest;
        await world.n8n.setAvailability("up");
      }
    });
    await world.waitForDrainedQueue(DEADLINE_MS);
    await source.stop();
    const outcome = await settle("10. n8n answers 500", [...emails, broken]);

    expect(outcome.lost).to.equal(0);
    expect(emailsOf(outcome.dlq)).to.deep.equal([broken]);
    for (const email of emails) {
      expect(n8nStatuses(email), email).to.deep.equal([500, 201]);
      const links = await linksFor(email);
      expect(links, email).to.have.length(1);
      expect(await resolves(links[0]), email).to.equal(200);
    }
    expect(n8nStatuses(broken)).to.deep.equal(range(world.artefacts.maxReceiveCount).map(() => 500));
    expect(sorted(await world.onboarded()), "nobody announced without an invitation").to.deep.equal(sorted(emails));
    expect((await world.n8n.users()).has(broken)).to.equal(false);
    const byMessage = deliveriesByMessage(source.deliveries);
    for (const d of source.deliveries.filter((x) => JSON.parse(x.body).email !== broken && x.receiveCount === 1))
      expect(byMessage.get(d.messageId)).to.deep.equal([
        [1, true],
        [2, false],
      ]);
  });

  it("11. the worker is cut off at its (scaled) timeout while SNS holds the notice: the whole batch comes back only after the visibility timeout, from a fresh environment, and each member is announced once", async () => {
    const emails = range(5).map((i) => `s11-user${i}@example.com`);
    await signUpAll(emails);
    let phase = 1;
    // SNS accepts each publish and never answers during the first receive; the SDK's own attempt
    // timeouts (functions/runtime.ts, not scaled) are longer than the scaled worker timeout, so
    // Lambda's cut-off ends the invocation. Deployed, the SDK gives up after 2 x 3 s, well inside
    // the 30 s timeout, and fails each record: the same messages come back either way.
    world.queues.setPublishFault(() => (phase === 1 ? "stall" : undefined));
    const worker = world.deployWorker({ n8n: true });
    const source = world.startEventSource(worker, async (records) => {
      phase = Math.max(phase, Math.min(...records.map((r) => Number(r.attributes?.ApproximateReceiveCount))));
    });
    await world.waitForDrainedQueue(DEADLINE_MS);
    await source.stop();
    const outcome = await settle("11. worker cut off at its timeout", emails);

    expect(outcome.lost).to.equal(0);
    expect(outcome.dlq).to.deep.equal([]);
    const timedOut = `Task timed out after ${(worker.timeoutMs / 1000).toFixed(2)} seconds`;
    const first = source.deliveries.filter((d) => d.receiveCount === 1);
    expect(first.map((d) => [d.failed, d.invocationError])).to.deep.equal(emails.map(() => [true, timedOut]));
    const byMessage = deliveriesByMessage(source.deliveries);
    for (const deliveries of byMessage.values())
      expect(deliveries).to.deep.equal([
        [1, true],
        [2, false],
      ]);
    // No message was handed out again while the invocation that held it was still running.
    const position = (batch: number, event: "start" | "end") => source.timeline.findIndex((t) => t.batch === batch && t.event === event);
    for (const d of source.deliveries.filter((x) => x.receiveCount === 2)) {
      const earlier = first.find((x) => x.messageId === d.messageId)!;
      expect(position(d.batch, "start")).to.be.greaterThan(position(earlier.batch, "end"));
    }
    const cutOff = new Set(first.map((d) => d.batch)).size;
    expect(worker.stats.timeouts).to.equal(cutOff);
    expect(worker.stats.coldStarts, "the environments Lambda reset did not serve the retries").to.be.at.least(cutOff + 1);
    for (const email of emails) {
      expect(n8nStatuses(email), `${email}: invited before the cut-off, again on the retry`).to.deep.equal([201, 201]);
      const links = await linksFor(email);
      expect(links, email).to.have.length(1);
      expect(await resolves(links[0]), email).to.equal(200);
    }
    expect(
      [...(await n8nUsersOf(emails)).values()].map((u) => u.isPending),
      "one pending n8n user each",
    ).to.deep.equal(emails.map(() => true));
  });

  it("12. oauth2-proxy's half of the allow-list, on every request: a single address the operator removes is refused at the next request though its Cognito user remains; the domain still admits; an unverified email never gets through", async () => {
    const guest = "guest@partner.org";
    const member = "s12-member@example.com";
    const unverified = "s12-unverified@example.com";
    await world.signUp("Guest@Partner.org", "José Núñez").catch((e: Error) => {
      if (e.name !== "UsernameExistsException") throw e; // signed up in scenario 0
    });
    await world.signUp(member, nameOf(member));
    await world.signUp(unverified, "Una Verified", { emailVerified: false });
    expect((await world.signIn("Guest@Partner.org")).body).to.include({ email: guest, role: "user" });
    expect((await world.signIn(member)).body).to.include({ email: member, role: "user" });
    expect(world.artefacts.oauth2Proxy).to.deep.include({ emailDomains: ["example.com"], authenticatedEmails: [guest] });

    // The operator takes the guest off the list and deploys: the proxy's settings as the program now builds them.
    const narrowed = await deployedOauth2Proxy({ "pluto:allowedEmails": "[]" });
    expect(narrowed).to.deep.include({ emailDomains: ["example.com"], authenticatedEmails: [] });
    expect(await world.signIn("Guest@Partner.org", narrowed)).to.deep.equal({ status: 403, body: { oauth2Proxy: "invalid email" } });
    expect((await world.signIn(member, narrowed)).body).to.include({ email: member, role: "user" });
    for (const proxy of [world.artefacts.oauth2Proxy, narrowed])
      expect(await world.signIn(unverified, proxy)).to.deep.equal({ status: 500, body: { oauth2Proxy: `email in id_token (${unverified}) isn't verified` } });
    expect(world.openWebUi.userByEmail(unverified), "no Open WebUI account").to.equal(undefined);
  });
});
