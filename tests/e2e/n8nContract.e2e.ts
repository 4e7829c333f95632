// The e2e's n8n is the real one at the pinned version, and the n8n model (n8n.ts) answers as it
// does: the same requests go to both, and each answer must have the same status and body shape.
// Then what only the real n8n shows: the creation race of two concurrent invitations of one new
// email, API key expiry and scopes, and what a fresh install answers before the owner exists.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { inviteToN8n, N8N_CREATION_RACE } from "../../functions/n8n";
import { keyExpiry } from "../../cli/commands/ops/n8nKeyCheck";
import { FakeN8n, startFakeN8n, tokenOf } from "./n8n";
import { N8N_NODE_MAJOR, n8nInstallDir, n8nVersionOf, RealN8n, sharedRealN8n } from "./realN8n";
import { deployedN8n } from "./world";

/** A value's shape: keys and value types, recursively (array items by their first item). */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.length ? [shape(value[0])] : [];
  if (value && typeof value === "object")
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, shape((value as Record<string, unknown>)[k])]),
    );
  return typeof value;
}

interface Answer {
  status: number;
  body: any;
}

async function call(base: string, method: string, route: string, opts: { key?: string; body?: unknown } = {}): Promise<Answer> {
  const res = await fetch(`${base}${route}`, {
    method,
    headers: { "content-type": "application/json", ...(opts.key ? { "x-n8n-api-key": opts.key } : {}) },
    ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
  });
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) };
  } catch {
    return { status: res.status, body: text };
  }
}

describe("the real n8n, and the n8n model held to it", function () {
  this.timeout(120_000);
  let real: RealN8n;
  let fake: FakeN8n;
  let image = "";
  let editorBaseUrl = "";

  before(async function () {
    this.timeout(420_000);
    const deployed = await deployedN8n();
    image = deployed.image;
    editorBaseUrl = deployed.env.N8N_EDITOR_BASE_URL;
    real = await sharedRealN8n(deployed.env, deployed.init);
    fake = await startFakeN8n({ apiKey: real.apiKey, editorBaseUrl });
  });
  after(() => fake?.close());

  it("is n8n at exactly the version of the image the stack deploys, on the Node.js its engines ask for", async () => {
    expect(real.version).to.equal(n8nVersionOf(image));
    const pkg = JSON.parse(fs.readFileSync(path.join(n8nInstallDir(real.version), "node_modules", "n8n", "package.json"), "utf8"));
    expect(pkg.engines.node).to.equal(`>=${N8N_NODE_MAJOR}.0.0`);
    const settings = await real.asOwner("GET", "/rest/settings");
    expect(settings.body.data.versionCli, "the running server's own version").to.equal(n8nVersionOf(image));
  });

  it("answers the same requests as the model, with the same status and body shape", async () => {
    const email = `contract-${Date.now()}@example.com`;
    const both = async (method: string, route: string, opts: { key: "right" | "wrong" | "none"; body?: unknown }) => {
      const key = () => (opts.key === "right" ? real.apiKey : opts.key === "wrong" ? "eyJ-not-a-key" : undefined);
      const [r, f] = [
        await call(real.url, method, route, { key: key(), body: opts.body }),
        await call(fake.url, method, route, { key: key(), body: opts.body }),
      ];
      return { r, f };
    };
    const invite = (e: string, key: "right" | "wrong" | "none" = "right") =>
      both("POST", "/api/v1/users", { key, body: [{ email: e, role: "global:member" }] });
    const same = (what: string, { r, f }: { r: Answer; f: Answer }) => {
      expect([r.status, shape(r.body)], `${what}: real ${JSON.stringify(r.body).slice(0, 200)}`).to.deep.equal([f.status, shape(f.body)]);
      return { r, f };
    };

    const first = same("a new email", await invite(email));
    expect(first.r.status).to.equal(201);
    expect(first.r.body[0].user.inviteAcceptUrl.startsWith(`${editorBaseUrl.replace(/\/$/, "")}/signup?token=`)).to.equal(true);
    const again = same("the same email, still pending", await invite(email));
    expect(again.r.body[0].user.id, "the same n8n user").to.equal(first.r.body[0].user.id);
    // The link is a JWT of {inviterId, inviteeId, iat, exp} (user.service.ts `sendEmails`): a new one
    // once a second has passed (iat), the same one within the same second.

    const tokens = { r: tokenOf(first.r.body[0].user.inviteAcceptUrl), f: tokenOf(first.f.body[0].user.inviteAcceptUrl) };
    const resolve = async () => ({
      r: await call(real.url, "GET", `/rest/resolve-signup-token?token=${tokens.r}`),
      f: await call(fake.url, "GET", `/rest/resolve-signup-token?token=${tokens.f}`),
    });
    expect(same("resolving the link", await resolve()).r.status).to.equal(200);
    const acceptBody = (token: string) => ({ token, firstName: "Ada", lastName: "Contract", password: "Analytical-Engine-1843" });
    const accepted = {
      r: await call(real.url, "POST", "/rest/invitations/accept", { body: acceptBody(tokens.r) }),
      f: await call(fake.url, "POST", "/rest/invitations/accept", { body: acceptBody(tokens.f) }),
    };
    expect([accepted.r.status, accepted.f.status]).to.deep.equal([200, 200]);
    expect(same("resolving a claimed link", await resolve()).r.status).to.equal(400);
    expect(same("an active member", await invite(email)).r.body).to.deep.equal([]);

    expect(same("a wrong key", await invite(email, "wrong")).r).to.deep.equal({ status: 401, body: { message: "unauthorized" } });
    expect(same("no key", await invite(email, "none")).r).to.deep.equal({ status: 401, body: { message: "'X-N8N-API-KEY' header required" } });
    expect(same("a malformed address", await invite("not an email")).r).to.deep.equal({
      status: 400,
      body: { message: 'request/body/0/email must match format "email"' },
    });
    expect(same("a non-ASCII address", await invite("josé@exämple.com")).r).to.deep.equal({ status: 400, body: { message: "Invalid email" } });
  });

  it("on a fresh install, before the owner exists, refuses every key with 401 (not the 400 of user.service.ts), like the model", async () => {
    expect(real.beforeOwner).to.deep.equal({ status: 401, body: { message: "unauthorized" } });
    fake.ownerSetUp = false;
    const f = await call(fake.url, "POST", "/api/v1/users", { key: real.apiKey, body: [{ email: "first@example.com", role: "global:member" }] });
    expect(f).to.deep.equal(real.beforeOwner);
  });

  it("two concurrent invitations of one new email: n8n answers the second 500; the worker asks again and both end with the same pending user, nobody twice", async () => {
    const raw = `race-raw-${Date.now()}@example.com`;
    const answers = await Promise.all(
      [1, 2].map(() => call(real.url, "POST", "/api/v1/users", { key: real.apiKey, body: [{ email: raw, role: "global:member" }] })),
    );
    const statuses = answers.map((a) => a.status).sort();
    // SQLite may serialise the two so that the second finds the first's user: then both are 201.
    if (statuses[1] === 500) expect(answers.find((a) => a.status === 500)!.body).to.deep.equal({ message: N8N_CREATION_RACE });
    else expect(statuses).to.deep.equal([201, 201]);

    const email = `race-worker-${Date.now()}@example.com`;
    const outcomes = await Promise.all([1, 2, 3].map(() => inviteToN8n((u, i) => fetch(u, i), real.url, real.apiKey, email, 10_000)));
    for (const o of outcomes) expect(o).to.deep.include({ ok: true, state: "invited", emailSent: false });
    const ids = outcomes.map((o) => (o as { userId?: string }).userId);
    expect(new Set(ids).size, "one n8n user").to.equal(1);
    const users = await real.users();
    expect(users.get(email)).to.include({ id: ids[0], isPending: true });
    expect([...users.keys()].filter((e) => e === email)).to.have.length(1);
  });

  it("API keys: the JWT n8n issues carries its expiry and not its scopes; an expired key and a key without user:create are refused", async () => {
    // The key form's expiry, in Unix seconds as the editor sends it (create-api-key-request.dto).
    const in30Days = Math.floor(Date.now() / 1000) + 30 * 24 * 3600;
    const expiring = await real.createApiKey({ label: "thirty-days", scopes: ["user:create"], expiresAt: in30Days });
    const payload = JSON.parse(Buffer.from(expiring.split(".")[1], "base64url").toString("utf8"));
    expect(payload).to.include({ iss: "n8n", aud: "public-api" }).and.not.have.property("scopes");
    const expiry = keyExpiry(expiring);
    expect(Math.abs(expiry!.getTime() - in30Days * 1000), "read back by pluto doctor").to.be.below(5_000);
    expect(keyExpiry(real.apiKey), "the operator's key: no expiry").to.equal(null);

    const body = [{ email: `scope-${Date.now()}@example.com`, role: "global:member" }];
    const listOnly = await real.createApiKey({ label: "list-only", scopes: ["user:list"], expiresAt: null });
    expect(await call(real.url, "POST", "/api/v1/users", { key: listOnly, body })).to.deep.equal({ status: 403, body: { message: "Forbidden" } });
    // pluto doctor's scope probe: an empty invitation list creates nothing and answers by scope.
    expect(await call(real.url, "POST", "/api/v1/users", { key: real.apiKey, body: [] })).to.deep.equal({ status: 201, body: [] });
    expect((await call(real.url, "POST", "/api/v1/users", { key: listOnly, body: [] })).status).to.equal(403);

    const shortLived = await real.createApiKey({ label: "short", scopes: ["user:create"], expiresAt: Math.floor(Date.now() / 1000) + 2 });
    await new Promise((r) => setTimeout(r, 3500));
    expect(await call(real.url, "POST", "/api/v1/users", { key: shortLived, body })).to.deep.equal({ status: 401, body: { message: "unauthorized" } });
  });
});
