import { expect } from "chai";
import { AdminListGroupsForUserCommand, ListUserPoolsCommand, ListUsersCommand } from "@aws-sdk/client-cognito-identity-provider";
import { awsError, awsMocks, AwsMocks, pluto, REGION, restoreMocks } from "./fixtures";
import { member, POOL } from "./usersFixtures";

describe("pluto users list", () => {
  let m: AwsMocks;
  beforeEach(() => {
    m = awsMocks();
    m.cognito.on(AdminListGroupsForUserCommand).resolves({ Groups: [] });
  });
  afterEach(() => restoreMocks(m));

  it("finds the pool by name, lists every page, and shows each member's state, oldest first", async () => {
    m.cognito.on(ListUserPoolsCommand).resolves({ UserPools: [{ Id: POOL, Name: "pluto-users" }] });
    m.cognito
      .on(ListUsersCommand)
      .resolvesOnce({
        Users: [member(3, { name: "", given_name: "Grace", family_name: "Hopper" }), member(1, { name: "Ada Lovelace" })],
        PaginationToken: "p2",
      })
      .resolvesOnce({ Users: [member(2, { email_verified: "false" }, { Enabled: false, UserStatus: "CONFIRMED" })] });
    const r = await pluto(["users", "list", "--region", REGION]);
    expect(r.code).to.equal(0);
    expect(m.cognito.commandCalls(ListUserPoolsCommand).map((c) => c.args[0].input)).to.deep.equal([{ MaxResults: 60 }]);
    expect(m.cognito.commandCalls(ListUsersCommand).map((c) => c.args[0].input)).to.deep.equal([
      { UserPoolId: POOL, Limit: 60 },
      { UserPoolId: POOL, Limit: 60, PaginationToken: "p2" },
    ]);
    expect(r.out.split("\n")).to.deep.equal([
      `user pool ${POOL}: 3 members`,
      "EMAIL              NAME          STATE     CONFIRMATION       EMAIL VERIFIED  CREATED     GROUPS",
      "user1@example.com  Ada Lovelace  enabled   EXTERNAL_PROVIDER  yes             2026-01-01  -",
      "user2@example.com  User 2        disabled  CONFIRMED          no              2026-01-02  -",
      "user3@example.com  Grace Hopper  enabled   EXTERNAL_PROVIDER  yes             2026-01-03  -",
    ]);
  });

  it("prints one JSON document with --json, without the raw attributes", async () => {
    m.cognito.on(ListUsersCommand).resolves({ Users: [member(1)] });
    const r = await pluto(["users", "list", "--user-pool-id", POOL, "--region", REGION, "--json"]);
    expect(m.cognito.commandCalls(ListUserPoolsCommand)).to.have.length(0);
    expect(JSON.parse(r.out)).to.deep.equal({
      userPoolId: POOL,
      members: [
        {
          username: "google_101",
          email: "user1@example.com",
          name: "User 1",
          sub: "00000001-aaaa-bbbb-cccc-000000000001",
          enabled: true,
          status: "EXTERNAL_PROVIDER",
          emailVerified: true,
          created: "2026-01-01T10:00:00.000Z",
          groups: [],
        },
      ],
    });
  });

  it("says so for an empty pool, and exits 2 naming the denied call", async () => {
    m.cognito.on(ListUsersCommand).resolves({ Users: [] });
    const empty = await pluto(["users", "list", "--user-pool-id", POOL, "--region", REGION]);
    expect([empty.code, empty.out]).to.deep.equal([0, `user pool ${POOL}: 0 members`]);
    m.cognito.on(ListUsersCommand).rejects(awsError("NotAuthorizedException", "not authorized"));
    const denied = await pluto(["users", "list", "--user-pool-id", POOL, "--region", REGION]);
    expect(denied.code).to.equal(2);
    expect(denied.err).to.equal("pluto: access denied calling cognito-idp:ListUsers in eu-west-1: not authorized");
  });

  it("shows each member's groups from every page, leaving out Cognito's own identity provider group in the table only", async () => {
    m.cognito.on(ListUsersCommand).resolves({ Users: [member(1), member(2)] });
    m.cognito
      .on(AdminListGroupsForUserCommand, { Username: "google_101" })
      .resolvesOnce({ Groups: [{ GroupName: `${POOL}_Google` }, { GroupName: "research" }], NextToken: "g2" })
      .resolvesOnce({ Groups: [{ GroupName: "ops" }] });
    m.cognito.on(AdminListGroupsForUserCommand, { Username: "google_102" }).resolves({ Groups: [{ GroupName: `${POOL}_Google` }] });
    const r = await pluto(["users", "list", "--user-pool-id", POOL, "--region", REGION]);
    expect(r.code).to.equal(0);
    expect(m.cognito.commandCalls(AdminListGroupsForUserCommand).map((c) => c.args[0].input)).to.deep.equal([
      { UserPoolId: POOL, Username: "google_101", Limit: 60 },
      { UserPoolId: POOL, Username: "google_101", Limit: 60, NextToken: "g2" },
      { UserPoolId: POOL, Username: "google_102", Limit: 60 },
    ]);
    expect(r.out.split("\n").slice(2)).to.deep.equal([
      "user1@example.com  User 1  enabled  EXTERNAL_PROVIDER  yes             2026-01-01  research, ops",
      "user2@example.com  User 2  enabled  EXTERNAL_PROVIDER  yes             2026-01-02  -",
    ]);
    m.cognito.on(AdminListGroupsForUserCommand, { Username: "google_101" }).resolves({ Groups: [{ GroupName: `${POOL}_Google` }, { GroupName: "research" }] });
    const json = await pluto(["users", "list", "--user-pool-id", POOL, "--region", REGION, "--json"]);
    expect(JSON.parse(json.out).members.map((x: { groups: string[] }) => x.groups)).to.deep.equal([[`${POOL}_Google`, "research"], [`${POOL}_Google`]]);
  });
});
