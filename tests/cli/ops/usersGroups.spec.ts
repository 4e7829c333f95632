import { expect } from "chai";
import {
  AdminAddUserToGroupCommand,
  AdminListGroupsForUserCommand,
  AdminRemoveUserFromGroupCommand,
  ListGroupsCommand,
  ListUsersCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { runUsersGroups } from "../../../cli/commands/ops/usersGroups";
import { createAwsClients } from "../../../cli/commands/ops/clients";
import { memoryIo } from "../../../cli/io";
import { awsError, awsMocks, AwsMocks, pluto, REGION, restoreMocks } from "./fixtures";
import { member, POOL } from "./usersFixtures";

const PROVIDER_GROUP = `${POOL}_Google`;

describe("pluto users groups", () => {
  let m: AwsMocks;
  const base = ["--user-pool-id", POOL, "--region", REGION];
  beforeEach(() => {
    m = awsMocks();
    m.cognito.on(ListUsersCommand).resolves({ Users: [member(1, { name: "Ada Lovelace" })] });
    m.cognito.on(AdminListGroupsForUserCommand).resolves({ Groups: [{ GroupName: PROVIDER_GROUP }, { GroupName: "research" }] });
    m.cognito.on(ListGroupsCommand).resolves({ Groups: [{ GroupName: PROVIDER_GROUP }, { GroupName: "research" }, { GroupName: "ops" }] });
    m.cognito.on(AdminAddUserToGroupCommand).resolves({});
    m.cognito.on(AdminRemoveUserFromGroupCommand).resolves({});
  });
  afterEach(() => restoreMocks(m));
  const changes = () => [...m.cognito.commandCalls(AdminAddUserToGroupCommand), ...m.cognito.commandCalls(AdminRemoveUserFromGroupCommand)];

  it("list shows the member's groups and changes nothing", async () => {
    const r = await pluto(["users", "groups", "list", "user1@example.com", ...base]);
    expect(r.code).to.equal(0);
    expect(m.cognito.commandCalls(AdminListGroupsForUserCommand).map((c) => c.args[0].input)).to.deep.equal([
      { UserPoolId: POOL, Username: "google_101", Limit: 60 },
    ]);
    expect(r.out.split("\n")).to.deep.equal(["MEMBER      GROUPS", "google_101  research"]);
    expect(changes()).to.have.length(0);
    const json = JSON.parse((await pluto(["users", "groups", "list", "user1@example.com", "--json", ...base])).out);
    expect(json.members).to.deep.equal([{ username: "google_101", groups: [PROVIDER_GROUP, "research"] }]);
  });

  it("add shows the plan and refuses off a terminal without --yes, changing nothing", async () => {
    const r = await pluto(["users", "groups", "add", "user1@example.com", "ops", ...base]);
    expect(r.code).to.equal(2);
    expect(r.out.split("\n")).to.deep.equal([`will add user1@example.com to groups in user pool ${POOL} (eu-west-1):`, "  google_101  + ops"]);
    expect(r.err).to.equal("pluto: refusing to change anything without --yes (stdin is not a terminal)");
    expect(changes()).to.have.length(0);
  });

  it("add --yes adds the member to the groups they are not in yet and says when Open WebUI applies it", async () => {
    const r = await pluto(["users", "groups", "add", "user1@example.com", "ops", "research", "--yes", ...base]);
    expect(r.code).to.equal(0);
    expect(m.cognito.commandCalls(AdminAddUserToGroupCommand).map((c) => c.args[0].input)).to.deep.equal([
      { UserPoolId: POOL, Username: "google_101", GroupName: "ops" },
    ]);
    const lines = r.out.split("\n");
    expect(lines.slice(2, 5)).to.deep.equal(["added google_101 (user1@example.com) to ops", "MEMBER      GROUPS", "google_101  research, ops"]);
    expect(r.out).to.contain("Open WebUI applies Cognito groups only when the member signs in to Open WebUI").and.contain("Admin Panel → Users → Groups");
  });

  it("remove --yes removes the member from the groups they are in", async () => {
    const r = await pluto(["users", "groups", "remove", "user1@example.com", "research", "ops", "-y", ...base]);
    expect(r.code).to.equal(0);
    expect(m.cognito.commandCalls(AdminRemoveUserFromGroupCommand).map((c) => c.args[0].input)).to.deep.equal([
      { UserPoolId: POOL, Username: "google_101", GroupName: "research" },
    ]);
    expect(m.cognito.commandCalls(ListGroupsCommand)).to.have.length(0);
    expect(r.out).to.contain("removed google_101 (user1@example.com) from research").and.contain("google_101  -");
  });

  it("changes every identity carrying the email", async () => {
    m.cognito.on(ListUsersCommand).resolves({ Users: [member(1), member(2, { email: "user1@example.com" }, { Username: "ada-native" })] });
    m.cognito.on(AdminListGroupsForUserCommand, { Username: "ada-native" }).resolves({ Groups: [] });
    const r = await pluto(["users", "groups", "add", "user1@example.com", "ops", "--yes", ...base]);
    expect(r.code).to.equal(0);
    expect(m.cognito.commandCalls(AdminAddUserToGroupCommand).map((c) => c.args[0].input.Username)).to.deep.equal(["google_101", "ada-native"]);
  });

  it("--dry-run shows the plan and changes nothing, exit 0", async () => {
    const r = await pluto(["users", "groups", "remove", "user1@example.com", "research", "--dry-run", ...base]);
    expect(r.code).to.equal(0);
    expect(r.out.split("\n")).to.deep.equal([
      `would remove user1@example.com from groups in user pool ${POOL} (eu-west-1):`,
      "  google_101  - research",
      "dry run: nothing was changed",
    ]);
    expect(changes()).to.have.length(0);
  });

  it("asks on a terminal and changes nothing when the answer is no (exit 1)", async () => {
    const questions: string[] = [];
    const err = await runUsersGroups(
      "add",
      "user1@example.com",
      ["ops"],
      { prefix: "pluto", region: REGION, userPoolId: POOL },
      { clients: createAwsClients, confirm: async (q) => (questions.push(q), false) },
      memoryIo({ isTTY: true }),
    ).catch((e) => e);
    expect(questions).to.deep.equal(["Add user1@example.com to ops?"]);
    expect(err).to.include({ message: "aborted; nothing was changed", exitCode: 1 });
    expect(changes()).to.have.length(0);
  });

  it("asks nothing when nothing would change", async () => {
    const r = await pluto(["users", "groups", "add", "user1@example.com", "research", ...base]);
    expect([r.code, r.out.split("\n")[0]]).to.deep.equal([0, "nothing to change: user1@example.com is already in research"]);
    const none = await pluto(["users", "groups", "remove", "user1@example.com", "ops", ...base]);
    expect([none.code, none.out.split("\n")[0]]).to.deep.equal([0, "nothing to change: user1@example.com is in none of ops"]);
    expect(changes()).to.have.length(0);
  });

  it("exits 2 on a group the pool lacks, a name that cannot be a group, Cognito's provider group, and a denied call", async () => {
    const missing = await pluto(["users", "groups", "add", "user1@example.com", "finance", "-y", ...base]);
    expect([missing.code, missing.err]).to.deep.equal([
      2,
      `pluto: no group finance in user pool ${POOL} (its groups: research, ops; pluto:groups creates them)`,
    ]);
    const comma = await pluto(["users", "groups", "add", "user1@example.com", "a,b", "-y", ...base]);
    expect(comma.code).to.equal(2);
    expect(comma.err).to.match(/^pluto: GROUP "a,b" contains a comma/);
    const provider = await pluto(["users", "groups", "remove", "user1@example.com", PROVIDER_GROUP, "-y", ...base]);
    expect([provider.code, provider.err]).to.deep.equal([
      2,
      `pluto: GROUP "${PROVIDER_GROUP}" is the group Cognito keeps for an identity provider; Cognito alone manages its members`,
    ]);
    const notEmail = await pluto(["users", "groups", "list", "nobody", ...base]);
    expect([notEmail.code, notEmail.err]).to.deep.equal([2, 'pluto: EMAIL "nobody" is not an email address']);
    expect(changes()).to.have.length(0);

    m.cognito.on(AdminAddUserToGroupCommand).rejects(awsError("AccessDeniedException", "no AdminAddUserToGroup for you"));
    const denied = await pluto(["users", "groups", "add", "user1@example.com", "ops", "-y", ...base]);
    expect([denied.code, denied.err]).to.deep.equal([
      2,
      "pluto: access denied calling cognito-idp:AdminAddUserToGroup in eu-west-1: no AdminAddUserToGroup for you",
    ]);
  });
});
