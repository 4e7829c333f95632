// The stand-in Open WebUI's rules, each as upstream v0.11.4 has it (see openWebUi.ts for the
// files). If one of these changes, the e2e's first-sign-in scenario stops meaning anything.
import { expect } from "chai";
import { FakeOpenWebUi, OWUI_ERRORS, pyUnquote, startFakeOpenWebUi } from "./openWebUi";
import { NAME_HEADER, oauth2ProxyHeaders } from "./oauth2Proxy";
import { openWebUiEnvironment } from "../../settings/golden";

const TRUSTED = {
  WEBUI_AUTH_TRUSTED_EMAIL_HEADER: "X-Forwarded-Email",
  WEBUI_AUTH_TRUSTED_NAME_HEADER: NAME_HEADER,
  DEFAULT_USER_ROLE: "user",
  ENABLE_SIGNUP: "false",
};
const ADMIN = { WEBUI_ADMIN_EMAIL: "Admin@Example.com", WEBUI_ADMIN_PASSWORD: "generated" };

describe("e2e stand-in: Open WebUI accounts", () => {
  const started: FakeOpenWebUi[] = [];
  const start = async (env: Record<string, string>) => {
    const owui = await startFakeOpenWebUi(env);
    started.push(owui);
    return owui;
  };
  afterEach(async () => {
    await Promise.all(started.splice(0).map((o) => o.close()));
  });
  const post = async (owui: FakeOpenWebUi, path: string, headers: Record<string, string>, body: unknown = { email: "", password: "" }) => {
    const res = await fetch(`${owui.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as any };
  };
  const signIn = (owui: FakeOpenWebUi, headers: Record<string, string>) => post(owui, "/api/v1/auths/signin", headers);
  const me = async (owui: FakeOpenWebUi, headers: Record<string, string>) => {
    const res = await fetch(`${owui.url}/api/v1/auths/`, { headers });
    return { status: res.status, body: (await res.json()) as any };
  };
  const ada = oauth2ProxyHeaders({ sub: "8c1b7f3e-uuid", email: "Ada.Lovelace@Example.com", preferred_username: "Ada Lovelace" });

  it("creates the administrator from WEBUI_ADMIN_EMAIL on an empty database, which closes /signup", async () => {
    const owui = await start({ ...TRUSTED, ENABLE_SIGNUP: "true", ...ADMIN });
    const admin = owui.userByEmail("admin@example.com")!;
    expect(admin).to.include({ name: "Admin", role: "admin" });
    expect(owui.auths.get(admin.id)).to.include({ email: "admin@example.com", active: true });
    expect(owui.config.ENABLE_SIGNUP).to.equal(false);
  });

  it("trusted-header sign-in creates user and auth rows with the decoded name header and DEFAULT_USER_ROLE, then signs the same pair in", async () => {
    const owui = await start({ ...TRUSTED, ...ADMIN });
    const first = await signIn(owui, ada);
    expect(first.status).to.equal(200);
    expect(first.body).to.include({ email: "ada.lovelace@example.com", name: "Ada Lovelace", role: "user", token_type: "Bearer" });
    const row = owui.userByEmail("ada.lovelace@example.com")!;
    expect(owui.auths.has(row.id)).to.equal(true);
    const again = await signIn(owui, ada);
    expect([again.status, again.body.id]).to.deep.equal([200, row.id]);
    expect(owui.users.size).to.equal(2);
  });

  it("makes the first account admin when no administrator was bootstrapped", async () => {
    const owui = await start(TRUSTED);
    expect((await signIn(owui, ada)).body.role).to.equal("admin");
    expect(owui.config.ENABLE_SIGNUP).to.equal(false);
    expect((await signIn(owui, oauth2ProxyHeaders({ sub: "s2", email: "grace@example.com" }))).body.role).to.equal("user");
  });

  it("cannot sign in a user row without an auth row (what SCIM created): 400, for good", async () => {
    const owui = await start({ ...TRUSTED, ...ADMIN });
    owui.insertUserRowOnly("ada.lovelace@example.com", "Ada Lovelace");
    for (let i = 0; i < 2; i++) expect(await signIn(owui, ada)).to.deep.equal({ status: 400, body: { detail: OWUI_ERRORS.INVALID_CRED } });
  });

  it("answers 400 when the trusted email header is missing, and names the person by email without a name header", async () => {
    const owui = await start({ ...TRUSTED, ...ADMIN });
    expect(await signIn(owui, { [NAME_HEADER]: "Ada" })).to.deep.equal({ status: 400, body: { detail: OWUI_ERRORS.INVALID_TRUSTED_HEADER } });
    expect((await signIn(owui, { "X-Forwarded-Email": "grace@example.com" })).body.name).to.equal("grace@example.com");
  });

  it("honours ENABLE_SIGNUP on /signup: open, any caller gets an account and a session for any email; closed, 403", async () => {
    const open = await start({ ...TRUSTED, ENABLE_SIGNUP: "true", DEFAULT_USER_ROLE: "user" });
    await signIn(open, ada); // the first account closes signup itself...
    open.config.ENABLE_SIGNUP = true; // ...so reopen it, as a stack with ENABLE_SIGNUP stored true would be
    const hijack = await post(open, "/api/v1/auths/signup", ada, { name: "x", email: "victim@example.com", password: "pw" });
    expect(hijack.status).to.equal(200);
    expect(hijack.body).to.include({ email: "victim@example.com", role: "user" });
    expect(typeof hijack.body.token).to.equal("string");

    const closed = await start({ ...TRUSTED, ...ADMIN });
    expect(await post(closed, "/api/v1/auths/signup", ada, { name: "x", email: "victim@example.com", password: "pw" })).to.deep.equal({
      status: 403,
      body: { detail: OWUI_ERRORS.ACCESS_PROHIBITED },
    });
  });

  it("no longer gates the very first /signup on ENABLE_SIGNUP, only on the login form; the stack's bootstrap admin closes it from the start", async () => {
    const empty = await start({ ...TRUSTED, ENABLE_SIGNUP: "false" });
    const first = await post(empty, "/api/v1/auths/signup", {}, { name: "Eve", email: "eve@example.org", password: "pw" });
    expect([first.status, first.body.role]).to.deep.equal([200, "admin"]);

    const noForm = await start({ ...TRUSTED, ENABLE_LOGIN_FORM: "false" });
    expect((await post(noForm, "/api/v1/auths/signup", {}, { name: "Eve", email: "eve@example.org", password: "pw" })).status).to.equal(403);
    const bootstrap = await start({ ...TRUSTED, ENABLE_LOGIN_FORM: "false", ENABLE_INITIAL_ADMIN_SIGNUP: "true" });
    expect((await post(bootstrap, "/api/v1/auths/signup", {}, { name: "Eve", email: "eve@example.org", password: "pw" })).status).to.equal(200);

    const stack = await start({ ...TRUSTED, ...ADMIN });
    expect((await post(stack, "/api/v1/auths/signup", {}, { name: "Eve", email: "eve@example.org", password: "pw" })).status).to.equal(403);
  });

  it("checks the trusted header against the session on every request (case-insensitively), and never signs in by header alone", async () => {
    const owui = await start({ ...TRUSTED, ...ADMIN });
    const { body } = await signIn(owui, ada);
    const bearer = { authorization: `Bearer ${body.token}` };
    expect(await me(owui, { ...bearer, "X-Forwarded-Email": "ADA.LOVELACE@example.com" })).to.deep.include({ status: 200 });
    expect(await me(owui, { cookie: `token=${body.token}`, "X-Forwarded-Email": "ada.lovelace@example.com" })).to.deep.include({ status: 200 });
    expect(await me(owui, { ...bearer, "X-Forwarded-Email": "grace@example.com" })).to.deep.equal({
      status: 401,
      body: { detail: OWUI_ERRORS.USER_MISMATCH },
    });
    expect(await me(owui, { "X-Forwarded-Email": "ada.lovelace@example.com" })).to.deep.equal({
      status: 401,
      body: { detail: OWUI_ERRORS.NOT_AUTHENTICATED },
    });
  });

  it("syncs groups from the groups header at every sign-in, admins included, into existing groups only", async () => {
    const owui = await start({ ...TRUSTED, ...ADMIN, WEBUI_AUTH_TRUSTED_GROUPS_HEADER: "X-Forwarded-Groups" });
    owui.createGroup("staff");
    owui.createGroup("finance");
    const id = (await signIn(owui, { ...ada, "X-Forwarded-Groups": " staff , ghosts" })).body.id;
    expect([...owui.groups.keys()]).to.deep.equal(["staff", "finance"]);
    expect([owui.groups.get("staff")!.has(id), owui.groups.get("finance")!.has(id)]).to.deep.equal([true, false]);
    await signIn(owui, { ...ada, "X-Forwarded-Groups": "" }); // names nothing: memberships stay
    expect(owui.groups.get("staff")!.has(id)).to.equal(true);
    await signIn(owui, { ...ada, "X-Forwarded-Groups": "finance" });
    expect([owui.groups.get("staff")!.has(id), owui.groups.get("finance")!.has(id)]).to.deep.equal([false, true]);
    const admin = (await signIn(owui, { "X-Forwarded-Email": "admin@example.com", "X-Forwarded-Groups": "staff" })).body;
    expect([admin.role, owui.groups.get("staff")!.has(admin.id)]).to.deep.equal(["admin", true]);
  });

  it("takes the role from a trusted role header at every sign-in, which is why the stack names none", async () => {
    const owui = await start({ ...TRUSTED, ...ADMIN, WEBUI_AUTH_TRUSTED_ROLE_HEADER: "X-Role" });
    expect((await signIn(owui, { ...ada, "X-Role": " Admin " })).body.role).to.equal("admin");
    expect((await signIn(owui, { ...ada, "X-Role": "superuser" })).body.role).to.equal("admin");
    const plain = await start({ ...TRUSTED, ...ADMIN });
    expect((await signIn(plain, { ...ada, "X-Role": "admin" })).body.role).to.equal("user");
  });

  it("signs out with a POST that revokes the token and hands back the sign-out redirect; GET is 405", async () => {
    const owui = await start({ ...TRUSTED, ...ADMIN, WEBUI_AUTH_SIGNOUT_REDIRECT_URL: "/oauth2/sign_out?rd=x" });
    const { body } = await signIn(owui, ada);
    const bearer = { authorization: `Bearer ${body.token}` };
    expect((await fetch(`${owui.url}/api/v1/auths/signout`, { headers: bearer })).status).to.equal(405);
    expect(await post(owui, "/api/v1/auths/signout", bearer, {})).to.deep.equal({ status: 200, body: { status: true, redirect_url: "/oauth2/sign_out?rd=x" } });
    expect((await me(owui, bearer)).status).to.equal(401);
  });

  it("reads its settings as env.py and the config store do: DEFAULT_USER_ROLE defaults to pending, ENABLE_SIGNUP to true", async () => {
    const owui = await start({ WEBUI_AUTH_TRUSTED_EMAIL_HEADER: "X-Forwarded-Email" });
    expect(owui.config).to.deep.equal({ ENABLE_SIGNUP: true, DEFAULT_USER_ROLE: "pending", ENABLE_LOGIN_FORM: true });
    const off = await start({ WEBUI_AUTH: "false", ENABLE_SIGNUP: "true" });
    expect(off.config.ENABLE_SIGNUP).to.equal(false);
  });

  it("would listen on every interface by default (start.sh HOST), and on loopback only with the stack's golden environment", async () => {
    expect((await start(TRUSTED)).listenHost).to.equal("0.0.0.0");
    const golden = openWebUiEnvironment({ appUrl: "https://pluto.example.com", signOutRedirectUrl: "/oauth2/sign_out", adminEmail: "admin@example.com" });
    expect((await start({ ...golden, WEBUI_ADMIN_PASSWORD: "generated" })).listenHost).to.equal("127.0.0.1");
  });

  it("URL-decodes the name header like urllib.parse.unquote (UTF-8, bad bytes replaced, '+' kept)", () => {
    expect(pyUnquote("Jos%C3%A9%20Mar%C3%ADa")).to.equal("José María");
    expect(pyUnquote("Ada+Lovelace")).to.equal("Ada+Lovelace");
    expect(pyUnquote("%FFok")).to.equal("\ufffdok");
    expect(pyUnquote("100%")).to.equal("100%");
  });

  it("refuses a body that is not the sign-in form (FastAPI validation: 422)", async () => {
    const owui = await start(TRUSTED);
    expect((await post(owui, "/api/v1/auths/signin", ada, {})).status).to.equal(422);
  });
});
