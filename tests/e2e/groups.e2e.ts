// Groups end to end, on 127.0.0.1: the program synthesised with `pluto:groups`, its Cognito groups
// created in cognito-local, members signed in with the ID tokens cognito-local issues (5.3.0 puts
// the member's groups in `cognito:groups`: lib/services/tokenGenerator.js `generate`), the headers
// oauth2-proxy would add from them with the deployed proxy settings (oauth2ProxyGroups.ts), and the
// Open WebUI stand-in booted from the deployed environment (openWebUi.ts: `signin`'s groups header and
// `sync_groups_by_group_names`, as at open-webui 841c9045). Membership is
// changed the way an operator changes it: `pluto users groups`, against cognito-local.
import { expect } from "chai";
import {
  AdminAddUserToGroupCommand,
  AdminGetUserCommand,
  ConfirmSignUpCommand,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
  SignUpCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { ECSClient } from "@aws-sdk/client-ecs";
import { runUsersGroups } from "../../cli/commands/ops/usersGroups";
import type { AwsClients } from "../../cli/commands/ops/clients";
import { memoryIo } from "../../cli/io";
import { env, Stack, synthStack } from "../helpers/stack";
import { CognitoLocal, startCognitoLocal } from "./cognito";
import { IdTokenClaims, oauth2ProxyHeaders } from "./oauth2Proxy";
import { withoutClientCopies } from "./oauth2ProxyGroups";
import { FakeOpenWebUi, startFakeOpenWebUi } from "./openWebUi";
import { FAKE_CREDENTIALS } from "./queue";

const PASSWORD = "Corr3ct-Horse-Battery";
const REGION = "us-west-2";
const GROUPS = [{ name: "research", description: "Research team" }, { name: "ops" }, { name: "finance" }];

describe("end-to-end: Cognito groups reach Open WebUI at sign-in", function () {
  this.timeout(120_000);
  let stack: Stack;
  let cognito: CognitoLocal;
  let owui: FakeOpenWebUi;
  let userPoolId = "";
  let clientId = "";
  let proxyEnv: Record<string, string> = {};
  let openWebUiEnv: Record<string, string> = {};

  before(async () => {
    stack = await synthStack({ "pluto:groups": JSON.stringify(GROUPS) });
    proxyEnv = env(stack.container("pluto-openwebui", "oauth2-proxy"));
    const app = stack.container("pluto-openwebui", "openwebui");
    // Secrets reach the container by ARN; only their presence matters to the rules modelled.
    openWebUiEnv = { ...env(app), ...Object.fromEntries(app.secrets.map((s) => [s.name, `e2e-${s.name.toLowerCase()}`])) };
    cognito = await startCognitoLocal({ lambdaEndpoint: "http://127.0.0.1:9", triggerFunctions: {} });
    const pool = stack.inputs("aws:cognito/userPool:UserPool");
    const created = await cognito.client.send(
      new CreateUserPoolCommand({ PoolName: pool.name, UsernameAttributes: pool.usernameAttributes, AutoVerifiedAttributes: pool.autoVerifiedAttributes }),
    );
    userPoolId = created.UserPool!.Id!;
    clientId = (await cognito.client.send(new CreateUserPoolClientCommand({ UserPoolId: userPoolId, ClientName: "e2e" }))).UserPoolClient!.ClientId!;
    // The groups as the program declares them (AccessGroups), created in the pool.
    for (const g of stack.all("aws:cognito/userGroup:UserGroup")) {
      const inputs = g.inputs as { name: string; description?: string };
      await cognito.client.send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName: inputs.name, Description: inputs.description }));
    }
    // Cognito puts every user who signs in through Google in the group it keeps for the provider,
    // `<user pool id>_Google`, which `cognito:groups` lists too (Cognito guide, "Adding groups to a
    // user pool"); cognito-local has no federation, so the scenarios put members in it themselves.
    await cognito.client.send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName: `${userPoolId}_Google` }));
  });
  after(async () => {
    await owui?.close();
    await cognito?.close();
  });
  beforeEach(async () => {
    await owui?.close();
    owui = await startFakeOpenWebUi(openWebUiEnv);
  });

  const usernameOf = async (email: string) => (await cognito.client.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: email }))).Username!;
  const addToGroup = async (email: string, group: string) =>
    cognito.client.send(new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: await usernameOf(email), GroupName: group }));

  /** The Open WebUI groups `userId` is in, sorted. */
  const namesOf = (userId: string) =>
    [...owui.groups]
      .filter(([, members]) => members.has(userId))
      .map(([name]) => name)
      .sort();

  /** A member who signed in through Google: in Cognito, and in the provider's group. */
  async function member(email: string, opts: { google?: boolean } = {}): Promise<void> {
    await cognito.client.send(
      new SignUpCommand({ ClientId: clientId, Username: email, Password: PASSWORD, UserAttributes: [{ Name: "email_verified", Value: "true" }] }),
    );
    const code = cognito.confirmationCode(userPoolId, await usernameOf(email));
    await cognito.client.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: email, ConfirmationCode: code }));
    if (opts.google ?? true) await addToGroup(email, `${userPoolId}_Google`);
  }

  /** The ID token's claims cognito-local issues now (a sign-in, or oauth2-proxy's refresh). */
  async function claimsOf(email: string): Promise<IdTokenClaims> {
    const auth = await cognito.client.send(
      new InitiateAuthCommand({ ClientId: clientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: email, PASSWORD } }),
    );
    return JSON.parse(Buffer.from(auth.AuthenticationResult!.IdToken!.split(".")[1], "base64url").toString("utf8"));
  }

  /** Open WebUI's sign-in (POST /api/v1/auths/signin) behind oauth2-proxy with the deployed settings. */
  async function signIn(email: string): Promise<{ id: string }> {
    const headers = oauth2ProxyHeaders(await claimsOf(email), proxyEnv);
    const res = await fetch(`${owui.url}/api/v1/auths/signin`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ email: "", password: "" }),
    });
    expect(res.status, `sign-in of ${email}`).to.equal(200);
    return (await res.json()) as { id: string };
  }

  /** `pluto users groups add|remove EMAIL GROUP --yes` against cognito-local. */
  async function operator(action: "add" | "remove", email: string, group: string) {
    const clients = { cognito: cognito.client, ecs: new ECSClient({ region: REGION, credentials: FAKE_CREDENTIALS }) } as unknown as AwsClients;
    return runUsersGroups(
      action,
      email,
      [group],
      { prefix: "pluto", region: REGION, userPoolId, yes: true },
      { clients: () => clients, confirm: async () => true },
      memoryIo(),
    );
  }

  it("a member in a group signs in and lands in Open WebUI's group of that name; groups Open WebUI lacks are skipped", async () => {
    // The administrator created research and ops in Open WebUI (Admin Panel → Groups), not finance.
    owui.createGroup("research");
    owui.createGroup("ops");
    await member("ada@example.com");
    await operator("add", "ada@example.com", "research");
    await operator("add", "ada@example.com", "finance");
    const claims = await claimsOf("ada@example.com");
    expect(claims["cognito:groups"]).to.have.members([`${userPoolId}_Google`, "research", "finance"]);
    expect(oauth2ProxyHeaders(claims, proxyEnv)["X-Forwarded-Groups"].split(",")).to.have.members([`${userPoolId}_Google`, "research", "finance"]);

    const { id } = await signIn("ada@example.com");
    expect(namesOf(id)).to.deep.equal(["research"]);
    expect([...owui.groups.keys()].sort(), "no group was created").to.deep.equal(["ops", "research"]);
  });

  it("a member removed from a group keeps it in Open WebUI until their next sign-in, then loses it", async () => {
    owui.createGroup("research");
    owui.createGroup("ops");
    await member("grace@example.com");
    await operator("add", "grace@example.com", "research");
    await operator("add", "grace@example.com", "ops");
    const { id } = await signIn("grace@example.com");
    expect(namesOf(id)).to.deep.equal(["ops", "research"]);

    const removed = await operator("remove", "grace@example.com", "research");
    expect(removed.removed.map((r) => r.group)).to.deep.equal(["research"]);
    // Cognito's next token no longer lists it, but Open WebUI reads the header only at sign-in.
    expect((await claimsOf("grace@example.com"))["cognito:groups"]).to.not.include("research");
    expect(namesOf(id), "before the next sign-in").to.deep.equal(["ops", "research"]);

    expect((await signIn("grace@example.com")).id).to.equal(id);
    expect(namesOf(id), "after it").to.deep.equal(["ops"]);
  });

  it("a Google member removed from their last group loses it too, since the provider's group keeps the header non-empty", async () => {
    owui.createGroup("ops");
    await member("alan@example.com");
    await operator("add", "alan@example.com", "ops");
    const { id } = await signIn("alan@example.com");
    expect(namesOf(id)).to.deep.equal(["ops"]);
    await operator("remove", "alan@example.com", "ops");
    await signIn("alan@example.com");
    expect(namesOf(id)).to.deep.equal([]);
  });

  it("sign-in takes the member out of groups an administrator added them to by hand in Open WebUI", async () => {
    owui.createGroup("research");
    owui.createGroup("reviewers");
    await member("edsger@example.com");
    await operator("add", "edsger@example.com", "research");
    const { id } = await signIn("edsger@example.com");
    owui.groups.get("reviewers")!.add(id);
    await signIn("edsger@example.com");
    expect(namesOf(id)).to.deep.equal(["research"]);
  });

  it("a member with no group at all gets no header, and Open WebUI then leaves their groups as they were", async () => {
    owui.createGroup("reviewers");
    await member("barbara@example.com", { google: false });
    const claims = await claimsOf("barbara@example.com");
    expect(claims).to.not.have.property("cognito:groups");
    expect(oauth2ProxyHeaders(claims, proxyEnv)).to.not.have.property("X-Forwarded-Groups");
    const { id } = await signIn("barbara@example.com");
    owui.groups.get("reviewers")!.add(id);
    await signIn("barbara@example.com");
    expect(namesOf(id)).to.deep.equal(["reviewers"]);
  });

  it("a groups header the client sends never reaches Open WebUI: oauth2-proxy strips it and sends the token's", async () => {
    owui.createGroup("finance");
    owui.createGroup("ops");
    await member("mallory@example.com");
    await operator("add", "mallory@example.com", "ops");
    await member("trudy@example.com", { google: false });
    const forged = { "X-Forwarded-Groups": "finance", x_forwarded_groups: "finance" };
    const signInSending = async (email: string) => {
      const sent = { ...withoutClientCopies(forged), ...oauth2ProxyHeaders(await claimsOf(email), proxyEnv) };
      const res = await fetch(`${owui.url}/api/v1/auths/signin`, {
        method: "POST",
        headers: { "content-type": "application/json", ...sent },
        body: JSON.stringify({ email: "", password: "" }),
      });
      return ((await res.json()) as { id: string }).id;
    };
    expect(namesOf(await signInSending("mallory@example.com"))).to.deep.equal(["ops"]);
    expect(namesOf(await signInSending("trudy@example.com"))).to.deep.equal([]);
  });
});
