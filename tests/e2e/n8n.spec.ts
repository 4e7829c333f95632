// The n8n model's invitation rules, as n8n 2.41.1 implements them (see n8n.ts for the files; the
// contract test tests/e2e/n8nContract.e2e.ts holds the model to the real n8n).
import { expect } from "chai";
import { FakeN8n, startFakeN8n, tokenOf } from "./n8n";
import { inviteToN8n } from "../../functions/n8n";

const KEY = "n8n-key";

describe("e2e stand-in: n8n invitations", () => {
  let n8n: FakeN8n;
  before(async () => {
    n8n = await startFakeN8n({ apiKey: KEY, editorBaseUrl: "https://n8n.pluto.example.com/" });
  });
  beforeEach(() => n8n.reset());
  after(() => n8n.close());
  const invite = (email: string, key = KEY) => inviteToN8n((url, init) => fetch(url, init), n8n.url, key, email, 1000);
  const resolve = async (link: string) => (await fetch(`${n8n.url}/rest/resolve-signup-token?token=${tokenOf(link)}`)).status;
  const accept = async (link: string) =>
    (
      await fetch(`${n8n.url}/rest/invitations/accept`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ token: tokenOf(link), firstName: "Ada", lastName: "L", password: "Secret-123" }),
      })
    ).status;

  it("invites an unknown email as a pending member and returns the link under the editor's base URL", async () => {
    const outcome = await invite("ada@example.com");
    expect(outcome).to.deep.include({ ok: true, state: "invited", emailSent: false });
    const link = (outcome as { acceptUrl: string }).acceptUrl;
    expect(link).to.match(/^https:\/\/n8n\.pluto\.example\.com\/signup\?token=eyJ/);
    expect(n8n.users.get("ada@example.com")).to.include({ pending: true, role: "global:member" });
  });

  it("re-invites a pending member as the same user with a fresh link; every link works until one is accepted", async () => {
    const first = (await invite("ada@example.com")) as { acceptUrl: string };
    const second = (await invite("ada@example.com")) as { acceptUrl: string };
    expect(second.acceptUrl).not.to.equal(first.acceptUrl);
    expect([...n8n.users.keys()].filter((e) => e === "ada@example.com")).to.have.length(1);
    expect([await resolve(first.acceptUrl), await resolve(second.acceptUrl)]).to.deep.equal([200, 200]);
    expect(await accept(first.acceptUrl)).to.equal(200);
    expect(n8n.users.get("ada@example.com")).to.include({ pending: false, firstName: "Ada" });
    expect([await resolve(second.acceptUrl), await accept(second.acceptUrl)]).to.deep.equal([400, 400]);
  });

  it("leaves an active member out of the answer ([]), which the worker reads as 'already a member'", async () => {
    const link = ((await invite("ada@example.com")) as { acceptUrl: string }).acceptUrl;
    await accept(link);
    expect(await invite("ada@example.com")).to.deep.equal({ ok: true, status: 201, state: "member" });
  });

  it("refuses a wrong API key (401), and on a fresh install, before the owner exists, every key (401: none can exist yet)", async () => {
    expect(await invite("ada@example.com", "wrong")).to.include({ ok: false, status: 401 });
    n8n.ownerSetUp = false;
    const r = await invite("ada@example.com");
    expect(r).to.include({ ok: false, status: 401 });
    expect((r as { error: string }).error).to.contain("unauthorized");
  });

  it("refuses malformed addresses for good, in the validator's words or the DTO's", async () => {
    expect(await invite("not-an-email")).to.deep.include({ ok: true, status: 400, state: "refused", reason: 'request/body/0/email must match format "email"' });
    expect(await invite("josé@exämple.com")).to.deep.include({ ok: true, status: 400, state: "refused", reason: "Invalid email" });
  });
});
