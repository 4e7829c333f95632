import { expect } from "chai";
import { ListUserPoolsCommand, ListUsersCommand } from "@aws-sdk/client-cognito-identity-provider";
import { GetQueueUrlCommand, SendMessageBatchCommand } from "@aws-sdk/client-sqs";
import { runUsersSync } from "../../../cli/commands/ops/usersSync";
import { createAwsClients } from "../../../cli/commands/ops/clients";
import { memoryIo } from "../../../cli/io";
import { awsError, awsMocks, AwsMocks, pluto, REGION, restoreMocks } from "./fixtures";
import { member, POOL, QUEUE_URL } from "./usersFixtures";

describe("pluto users sync", () => {
  let m: AwsMocks;
  const base = ["--user-pool-id", POOL, "--region", REGION];
  beforeEach(() => {
    m = awsMocks();
    m.sqs.on(GetQueueUrlCommand).resolves({ QueueUrl: QUEUE_URL });
    m.sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
  });
  afterEach(() => restoreMocks(m));

  it("refuses without a selection, or with both, naming the flags (exit 2), before calling AWS", async () => {
    const none = await pluto(["users", "sync", ...base]);
    expect(none.code).to.equal(2);
    expect(none.err).to.equal(
      "pluto: choose whom to re-enqueue: --since 2d (members who joined in the last two days, or an ISO time) or --all (every member: one notice email each)",
    );
    const both = await pluto(["users", "sync", "--all", "--since", "2d", ...base]);
    expect([both.code, both.err]).to.deep.equal([2, "pluto: give either --since or --all, not both"]);
    const bad = await pluto(["users", "sync", "--since", "yesterday", ...base]);
    expect([bad.code, bad.err]).to.deep.equal([2, 'pluto: --since "yesterday" is not a duration like 30s, 5m, 1h, 2d or an ISO time']);
    expect(m.cognito.calls()).to.have.length(0);
  });

  it("--since selects members created at or after that time, shows the plan, and refuses off a terminal without --yes", async () => {
    m.cognito.on(ListUsersCommand).resolves({ Users: [1, 2, 3, 4].map((i) => member(i)) });
    const r = await pluto(["users", "sync", "--since", "2026-01-03T10:00:00Z", ...base]);
    expect(r.code).to.equal(2);
    expect(r.out.split("\n")).to.deep.equal([
      `user pool ${POOL}: 4 members, 2 selected (created since 2026-01-03T10:00:00.000Z)`,
      "will enqueue 2 onboarding messages to pluto-user-provisioning: each re-runs the n8n invitation (if deployed) and emails the administrators",
      "  enqueue  user3@example.com  User 3",
      "  enqueue  user4@example.com  User 4",
    ]);
    expect(r.err).to.equal("pluto: refusing to change anything without --yes (stdin is not a terminal)");
    expect(m.sqs.calls()).to.have.length(0);
  });

  it("with --yes enqueues the producer's message for each selected member, in batches of 10", async () => {
    m.cognito.on(ListUserPoolsCommand).resolves({ UserPools: [{ Id: POOL, Name: "pluto-users" }] });
    const users = Array.from({ length: 12 }, (_, i) => member(i + 1));
    m.cognito
      .on(ListUsersCommand)
      .resolvesOnce({ Users: users.slice(0, 7), PaginationToken: "u2" })
      .resolvesOnce({ Users: users.slice(7) });
    const r = await pluto(["users", "sync", "--all", "--yes", "--region", REGION]);
    expect(r.code).to.equal(0);
    expect(m.cognito.commandCalls(ListUsersCommand).map((c) => c.args[0].input)).to.deep.equal([
      { UserPoolId: POOL, Limit: 60 },
      { UserPoolId: POOL, Limit: 60, PaginationToken: "u2" },
    ]);
    expect(m.sqs.commandCalls(GetQueueUrlCommand)[0].args[0].input).to.deep.equal({ QueueName: "pluto-user-provisioning" });
    const batches = m.sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input);
    expect(batches.map((b) => b.Entries!.length)).to.deep.equal([10, 2]);
    expect(batches[0].QueueUrl).to.equal(QUEUE_URL);
    expect(batches[0].Entries![0]).to.deep.equal({
      Id: "0",
      MessageBody: '{"email":"user1@example.com","name":"User 1","sub":"00000001-aaaa-bbbb-cccc-000000000001"}',
    });
    expect(r.out).to.contain(`user pool ${POOL}: 12 members, 12 selected (all)`).and.contain("enqueued 12 to pluto-user-provisioning");
  });

  it("takes a duration back from now for --since", async () => {
    m.cognito.on(ListUsersCommand).resolves({ Users: [1, 2, 3].map((i) => member(i)) });
    const r = await runUsersSync(
      { prefix: "pluto", region: REGION, userPoolId: POOL, since: "1d", yes: true },
      { clients: createAwsClients, confirm: async () => true, now: () => new Date("2026-01-03T12:00:00Z") },
      memoryIo(),
    );
    expect(r).to.include({ selection: "2026-01-02T12:00:00.000Z", members: 3, selected: 1 });
    expect(r.enqueued.map((e) => e.email)).to.deep.equal(["user3@example.com"]);
  });

  it("builds names like the producer and skips what the producer would skip: disabled, unconfirmed, unverified, no email", async () => {
    m.cognito.on(ListUsersCommand).resolves({
      Users: [
        member(1, { name: "", given_name: "Ada", family_name: "Lovelace" }),
        member(2, { name: "", email: "Grace.Hopper@Example.com" }),
        member(3, { email: "" }),
        member(4, {}, { Enabled: false }),
        member(5, {}, { UserStatus: "UNCONFIRMED" }),
        member(6, { email_verified: "false" }),
      ],
    });
    const r = await pluto(["users", "sync", "--all", "-y", ...base]);
    expect(r.code).to.equal(0);
    const bodies = m.sqs.commandCalls(SendMessageBatchCommand)[0].args[0].input.Entries!.map((e) => JSON.parse(e.MessageBody!));
    expect(bodies.map((b) => [b.email, b.name])).to.deep.equal([
      ["user1@example.com", "Ada Lovelace"],
      ["grace.hopper@example.com", "grace.hopper"],
    ]);
    expect(r.out).to.match(/skip +google_103 +user attribute `email` is missing/);
    expect(r.out).to.match(/skip +google_104 +member is disabled/);
    expect(r.out).to.match(/skip +google_105 +member has not confirmed sign-up/);
    expect(r.out).to.match(/skip +google_106 +email is not verified/);
  });

  it("reports per-entry failures and exits 1", async () => {
    m.cognito.on(ListUsersCommand).resolves({ Users: [member(1), member(2), member(3)] });
    m.sqs.on(SendMessageBatchCommand).resolves({
      Successful: [
        { Id: "0", MessageId: "m0", MD5OfMessageBody: "x" },
        { Id: "2", MessageId: "m2", MD5OfMessageBody: "x" },
      ],
      Failed: [{ Id: "1", Code: "InternalError", SenderFault: false, Message: "try again" }],
    });
    const r = await pluto(["users", "sync", "--all", "--yes", "--json", ...base]);
    expect(r.code).to.equal(1);
    const doc = JSON.parse(r.out);
    expect(doc.failed).to.deep.equal([{ email: "user2@example.com", reason: "InternalError: try again" }]);
    expect(doc.enqueued.map((e: { email: string }) => e.email)).to.deep.equal(["user1@example.com", "user3@example.com"]);
    // With --json the plan goes to stderr, so stdout stays one document.
    expect(r.err).to.contain("will enqueue 3 onboarding messages");
  });

  it("--dry-run shows the plan, touches no queue, and reports the planned messages", async () => {
    m.cognito.on(ListUsersCommand).resolves({ Users: [member(1), member(2)] });
    const r = await pluto(["users", "sync", "--all", "--dry-run", "--json", ...base]);
    expect(r.code).to.equal(0);
    expect(m.sqs.calls()).to.have.length(0);
    expect(r.err).to.contain("would enqueue 2 onboarding messages");
    const doc = JSON.parse(r.out);
    expect(doc).to.include({ dryRun: true, selection: "all", members: 2, selected: 2 });
    expect(doc.planned.map((p: { email: string }) => p.email)).to.deep.equal(["user1@example.com", "user2@example.com"]);
    expect(doc.enqueued).to.deep.equal([]);
  });

  it("asks on a terminal and does nothing when the answer is no; needs no consent when nothing is selected", async () => {
    m.cognito.on(ListUsersCommand).resolves({ Users: [member(1)] });
    const questions: string[] = [];
    const deps = { clients: createAwsClients, confirm: async (q: string) => (questions.push(q), false), now: () => new Date() };
    const err = await runUsersSync({ prefix: "pluto", region: REGION, userPoolId: POOL, all: true }, deps, memoryIo({ isTTY: true })).catch((e) => e);
    expect(questions).to.deep.equal(["Enqueue 1 onboarding message to pluto-user-provisioning?"]);
    expect(err).to.include({ message: "aborted; nothing was changed", exitCode: 1 });
    expect(m.sqs.calls()).to.have.length(0);

    const empty = await runUsersSync({ prefix: "pluto", region: REGION, userPoolId: POOL, since: "2030-01-01T00:00:00Z" }, deps, memoryIo({ isTTY: true }));
    expect(empty).to.include({ selected: 0 });
    expect(questions).to.have.length(1);
  });

  it("exits 2 when no pool or several pools carry the name, on a missing queue, and on denied ListUsers", async () => {
    m.cognito.on(ListUserPoolsCommand).resolves({ UserPools: [] });
    const none = await pluto(["users", "sync", "--all", "--region", REGION]);
    expect([none.code, none.err]).to.deep.equal([2, "pluto: no Cognito user pool named pluto-users in eu-west-1 (use --user-pool-id or --prefix)"]);
    m.cognito.on(ListUserPoolsCommand).resolves({
      UserPools: [
        { Id: "a", Name: "pluto-users" },
        { Id: "b", Name: "pluto-users" },
      ],
    });
    const two = await pluto(["users", "sync", "--all", "--region", REGION]);
    expect(two.err).to.equal("pluto: 2 user pools are named pluto-users (a, b); pick one with --user-pool-id");

    m.cognito.on(ListUsersCommand).resolves({ Users: [member(1)] });
    m.sqs.on(GetQueueUrlCommand).rejects(awsError("QueueDoesNotExist", "The specified queue does not exist."));
    const q = await pluto(["users", "sync", "--all", "-y", ...base]);
    expect([q.code, q.err]).to.deep.equal([2, "pluto: queue pluto-user-provisioning not found in eu-west-1 (use --prefix or the queue flags)"]);
    m.cognito.on(ListUsersCommand).rejects(awsError("NotAuthorizedException", "not authorized"));
    const d = await pluto(["users", "sync", "--all", ...base]);
    expect([d.code, d.err]).to.deep.equal([2, "pluto: access denied calling cognito-idp:ListUsers in eu-west-1: not authorized"]);
  });
});
