import { expect } from "chai";
import { AdminDisableUserCommand, AdminUserGlobalSignOutCommand, ListUsersCommand } from "@aws-sdk/client-cognito-identity-provider";
import { runUsersDisable } from "../../../cli/commands/ops/usersDisable";
import { createAwsClients } from "../../../cli/commands/ops/clients";
import { memoryIo } from "../../../cli/io";
import { awsError, awsMocks, AwsMocks, pluto, REGION, restoreMocks } from "./fixtures";
import { member, POOL } from "./usersFixtures";

describe("pluto users disable", () => {
  let m: AwsMocks;
  const base = ["--user-pool-id", POOL, "--region", REGION];
  beforeEach(() => {
    m = awsMocks();
    m.cognito.on(ListUsersCommand).resolves({ Users: [member(1, { name: "Ada Lovelace" })] });
    m.cognito.on(AdminDisableUserCommand).resolves({});
    m.cognito.on(AdminUserGlobalSignOutCommand).resolves({});
  });
  afterEach(() => restoreMocks(m));
  const changes = () => [...m.cognito.commandCalls(AdminDisableUserCommand), ...m.cognito.commandCalls(AdminUserGlobalSignOutCommand)];

  it("finds the member by email, shows the plan, and refuses off a terminal without --yes, changing nothing", async () => {
    const r = await pluto(["users", "disable", "user1@example.com", ...base]);
    expect(r.code).to.equal(2);
    expect(m.cognito.commandCalls(ListUsersCommand).map((c) => c.args[0].input)).to.deep.equal([
      { UserPoolId: POOL, Limit: 60, Filter: 'email = "user1@example.com"' },
    ]);
    expect(r.out.split("\n")).to.deep.equal([
      `will disable 1 member with email user1@example.com in user pool ${POOL} (eu-west-1) and sign them out everywhere:`,
      "  google_101  Ada Lovelace  enabled  EXTERNAL_PROVIDER",
    ]);
    expect(r.err).to.equal("pluto: refusing to change anything without --yes (stdin is not a terminal)");
    expect(changes()).to.have.length(0);
  });

  it("with --yes disables the member, then signs them out everywhere, exit 0", async () => {
    const r = await pluto(["users", "disable", "user1@example.com", "--yes", ...base]);
    expect(r.code).to.equal(0);
    const input = { UserPoolId: POOL, Username: "google_101" };
    expect(m.cognito.commandCalls(AdminDisableUserCommand).map((c) => c.args[0].input)).to.deep.equal([input]);
    expect(m.cognito.commandCalls(AdminUserGlobalSignOutCommand).map((c) => c.args[0].input)).to.deep.equal([input]);
    expect(m.cognito.send.getCalls().map((c) => c.args[0].constructor.name)).to.deep.equal([
      "ListUsersCommand",
      "AdminDisableUserCommand",
      "AdminUserGlobalSignOutCommand",
    ]);
    expect(r.out).to.contain("disabled and signed out user1@example.com (google_101)").and.contain("within the hour");
  });

  it("disables every identity carrying the email, and retries the lower-cased address when the typed one matches nobody", async () => {
    m.cognito.on(ListUsersCommand, { Filter: 'email = "Ada@Example.com"' }).resolves({ Users: [] });
    m.cognito.on(ListUsersCommand, { Filter: 'email = "ada@example.com"' }).resolves({
      Users: [
        member(1, { email: "ada@example.com" }),
        member(2, { email: "ada@example.com" }, { Username: "ada-native", UserStatus: "CONFIRMED", Enabled: false }),
      ],
    });
    const r = await pluto(["users", "disable", "Ada@Example.com", "-y", ...base]);
    expect(r.code).to.equal(0);
    expect(m.cognito.commandCalls(ListUsersCommand).map((c) => c.args[0].input.Filter)).to.deep.equal([
      'email = "Ada@Example.com"',
      'email = "ada@example.com"',
    ]);
    expect(m.cognito.commandCalls(AdminDisableUserCommand).map((c) => c.args[0].input.Username)).to.deep.equal(["google_101", "ada-native"]);
    expect(m.cognito.commandCalls(AdminUserGlobalSignOutCommand).map((c) => c.args[0].input.Username)).to.deep.equal(["google_101", "ada-native"]);
    expect(r.out).to.match(/ada-native +User 2 +already disabled +CONFIRMED/);
  });

  it("--dry-run shows the plan and changes nothing, exit 0", async () => {
    const r = await pluto(["users", "disable", "user1@example.com", "--dry-run", ...base]);
    expect(r.code).to.equal(0);
    expect(r.out).to.contain("would disable 1 member").and.contain("dry run: nothing was changed");
    expect(changes()).to.have.length(0);
  });

  it("asks on a terminal and does nothing when the answer is no (exit 1)", async () => {
    const questions: string[] = [];
    const io = memoryIo({ isTTY: true });
    const err = await runUsersDisable(
      "user1@example.com",
      { prefix: "pluto", region: REGION, userPoolId: POOL },
      { clients: createAwsClients, confirm: async (q) => (questions.push(q), false) },
      io,
    ).catch((e) => e);
    expect(questions).to.deep.equal(["Disable user1@example.com and sign them out everywhere?"]);
    expect(err).to.include({ message: "aborted; nothing was changed", exitCode: 1 });
    expect(changes()).to.have.length(0);
  });

  it("goes ahead on a terminal when the answer is yes", async () => {
    const r = await runUsersDisable(
      "user1@example.com",
      { prefix: "pluto", region: REGION, userPoolId: POOL },
      { clients: createAwsClients, confirm: async () => true },
      memoryIo({ isTTY: true }),
    );
    expect(r).to.deep.equal({ userPoolId: POOL, email: "user1@example.com", dryRun: false, disabled: ["google_101"] });
  });

  it("exits 2 on an address that is not one, on an unknown member, and naming a denied call", async () => {
    const bad = await pluto(["users", "disable", 'x" or email ^= "', ...base]);
    expect([bad.code, bad.err]).to.deep.equal([2, 'pluto: EMAIL "x" or email ^= "" is not an email address']);
    expect(m.cognito.calls()).to.have.length(0);

    m.cognito.on(ListUsersCommand).resolves({ Users: [] });
    const unknown = await pluto(["users", "disable", "nobody@example.com", "-y", ...base]);
    expect([unknown.code, unknown.err]).to.deep.equal([2, `pluto: no member with email nobody@example.com in user pool ${POOL} (see \`pluto users list\`)`]);

    m.cognito.on(ListUsersCommand).resolves({ Users: [member(1)] });
    m.cognito.on(AdminUserGlobalSignOutCommand).rejects(awsError("AccessDeniedException", "no AdminUserGlobalSignOut for you"));
    const denied = await pluto(["users", "disable", "user1@example.com", "-y", ...base]);
    expect(denied.code).to.equal(2);
    expect(denied.err).to.equal("pluto: access denied calling cognito-idp:AdminUserGlobalSignOut in eu-west-1: no AdminUserGlobalSignOut for you");
  });
});
