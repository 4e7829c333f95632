import { expect } from "chai";
import { ListUserPoolsCommand, ListUsersCommand, UserType } from "@aws-sdk/client-cognito-identity-provider";
import { GetQueueUrlCommand, SendMessageBatchCommand } from "@aws-sdk/client-sqs";
import { awsError, awsMocks, AwsMocks, pluto, REGION, restoreMocks } from "./fixtures";

const POOL = "eu-west-1_Ab12Cd34E";
const QUEUE_URL = "https://sqs.eu-west-1.amazonaws.com/123456789012/pluto-user-provisioning";

function user(i: number, attrs: Record<string, string> = {}, extra: Partial<UserType> = {}): UserType {
  const sub = `0000000${i}-aaaa-bbbb-cccc-${String(i).padStart(12, "0")}`;
  const base: Record<string, string> = { sub, email: `user${i}@example.com`, name: `User ${i}`, ...attrs };
  return {
    Username: `google_10${i}`,
    Enabled: true,
    UserStatus: "EXTERNAL_PROVIDER",
    Attributes: Object.entries(base).filter(([, v]) => v !== "").map(([Name, Value]) => ({ Name, Value })),
    ...extra,
  };
}

describe("pluto users sync", () => {
  let m: AwsMocks;
  beforeEach(() => {
    m = awsMocks();
    m.sqs.on(GetQueueUrlCommand).resolves({ QueueUrl: QUEUE_URL });
  });
  afterEach(() => restoreMocks(m));

  it("finds the pool by name across pages, lists every user across pages, and enqueues in batches of 10", async () => {
    m.cognito
      .on(ListUserPoolsCommand)
      .resolvesOnce({ UserPools: [{ Id: "eu-west-1_other", Name: "other-users" }], NextToken: "pools2" })
      .resolvesOnce({ UserPools: [{ Id: POOL, Name: "pluto-users" }] });
    const users = Array.from({ length: 12 }, (_, i) => user(i + 1));
    m.cognito.on(ListUsersCommand).resolvesOnce({ Users: users.slice(0, 7), PaginationToken: "u2" }).resolvesOnce({ Users: users.slice(7) });
    m.sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });

    const r = await pluto(["users", "sync", "--region", REGION]);
    expect(r.code).to.equal(0);
    expect(m.cognito.commandCalls(ListUserPoolsCommand).map((c) => c.args[0].input)).to.deep.equal([{ MaxResults: 60 }, { MaxResults: 60, NextToken: "pools2" }]);
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
    expect(r.out).to.include(`user pool ${POOL}: 12 user(s)`).and.include("enqueued 12 to pluto-user-provisioning");
  });

  it("builds names like the producer, skips users without email, disabled or unconfirmed, and reports them", async () => {
    m.cognito.on(ListUsersCommand).resolves({
      Users: [
        user(1, { name: "", given_name: "Ada", family_name: "Lovelace" }),
        user(2, { name: "", email: "Grace.Hopper@Example.com" }),
        user(3, { email: "" }),
        user(4, {}, { Enabled: false }),
        user(5, {}, { UserStatus: "UNCONFIRMED" }),
      ],
    });
    m.sqs.on(SendMessageBatchCommand).resolves({});
    const r = await pluto(["users", "sync", "--user-pool-id", POOL, "--region", REGION]);
    expect(m.cognito.commandCalls(ListUserPoolsCommand)).to.have.length(0);
    const bodies = m.sqs.commandCalls(SendMessageBatchCommand)[0].args[0].input.Entries!.map((e) => JSON.parse(e.MessageBody!));
    expect(bodies.map((b) => [b.email, b.name])).to.deep.equal([
      ["user1@example.com", "Ada Lovelace"],
      ["grace.hopper@example.com", "grace.hopper"],
    ]);
    expect(r.out).to.match(/skipped +google_103 +user attribute `email` is missing/);
    expect(r.out).to.match(/skipped +google_104 +user is disabled/);
    expect(r.out).to.match(/skipped +google_105 +user has not confirmed sign-up/);
    expect(r.code).to.equal(0);
  });

  it("reports per-entry failures and exits 1", async () => {
    m.cognito.on(ListUsersCommand).resolves({ Users: [user(1), user(2), user(3)] });
    m.sqs.on(SendMessageBatchCommand).resolves({
      Successful: [{ Id: "0", MessageId: "m0", MD5OfMessageBody: "x" }, { Id: "2", MessageId: "m2", MD5OfMessageBody: "x" }],
      Failed: [{ Id: "1", Code: "InternalError", SenderFault: false, Message: "try again" }],
    });
    const r = await pluto(["users", "sync", "--user-pool-id", POOL, "--region", REGION, "--json"]);
    expect(r.code).to.equal(1);
    const doc = JSON.parse(r.out);
    expect(doc.failed).to.deep.equal([{ email: "user2@example.com", reason: "InternalError: try again" }]);
    expect(doc.enqueued.map((e: { email: string }) => e.email)).to.deep.equal(["user1@example.com", "user3@example.com"]);
  });

  it("--dry-run lists who would be enqueued and touches no queue", async () => {
    m.cognito.on(ListUsersCommand).resolves({ Users: [user(1), user(2)] });
    const r = await pluto(["users", "sync", "--dry-run", "--user-pool-id", POOL, "--region", REGION]);
    expect(r.code).to.equal(0);
    expect(m.sqs.calls()).to.have.length(0);
    expect(r.out).to.include("dry run: would enqueue 2 to pluto-user-provisioning");
    expect(r.out).to.match(/would enqueue +user2@example\.com +User 2/);
  });

  it("exits 2 when no pool or several pools carry the name", async () => {
    m.cognito.on(ListUserPoolsCommand).resolves({ UserPools: [] });
    const none = await pluto(["users", "sync", "--region", REGION]);
    expect(none.code).to.equal(2);
    expect(none.err).to.equal("pluto: no Cognito user pool named pluto-users in eu-west-1 (use --user-pool-id or --prefix)");
    m.cognito.on(ListUserPoolsCommand).resolves({ UserPools: [{ Id: "a", Name: "pluto-users" }, { Id: "b", Name: "pluto-users" }] });
    const two = await pluto(["users", "sync", "--region", REGION]);
    expect(two.err).to.equal("pluto: 2 user pools are named pluto-users (a, b); pick one with --user-pool-id");
  });

  it("exits 2 on a missing queue and on denied ListUsers", async () => {
    m.cognito.on(ListUsersCommand).resolves({ Users: [user(1)] });
    m.sqs.on(GetQueueUrlCommand).rejects(awsError("QueueDoesNotExist", "The specified queue does not exist."));
    const q = await pluto(["users", "sync", "--user-pool-id", POOL, "--region", REGION]);
    expect(q.err).to.equal("pluto: queue pluto-user-provisioning not found in eu-west-1 (use --prefix or the queue flags)");
    m.cognito.on(ListUsersCommand).rejects(awsError("NotAuthorizedException", "not authorized"));
    const d = await pluto(["users", "sync", "--user-pool-id", POOL, "--region", REGION]);
    expect(d.code).to.equal(2);
    expect(d.err).to.equal("pluto: access denied calling cognito-idp:ListUsers in eu-west-1: not authorized");
  });
});
