// What the real n8n 2.41.1 answers that the worker must not treat as a passing fault: addresses
// it refuses for good, the creation race of two invitations of one new email, and links that are
// not https. The bodies are the ones measured against the real server (tests/e2e/n8nContract.e2e.ts).
import { expect } from "chai";
import { handleProvisioningBatch, WorkerDeps } from "../../functions/worker";
import { N8N_CREATION_RACE, permanentRefusal, safeInviteLink } from "../../functions/n8n";
import type { Notice } from "../../functions/notify";
import { memoryLog, provisioningMessage, Reply, serverPool, sqsRecord } from "./helpers";

const KEY = "n8n-api-key-0123456789abcdef";
const TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJpbnZpdGVlSWQiOiJ1LTcifQ.c2lnbmF0dXJl";
const FORMAT = { message: 'request/body/0/email must match format "email"' };
const ZOD_241 = { message: "Invalid email" };
const ZOD_220 = { validation: "email", code: "invalid_string", message: "Invalid email", path: [0, "email"] };

describe("functions/n8n: what the real n8n answers", () => {
  const { serve, closeAll } = serverPool();
  afterEach(closeAll);

  async function run(reply: Reply) {
    const n8n = await serve(reply);
    const logs = memoryLog();
    const notices: Notice[] = [];
    const deps: WorkerDeps = {
      appUrl: "https://pluto.example.com",
      n8n: { url: n8n.url, apiKey: async () => KEY },
      notify: async (n) => void notices.push(n),
      fetch: (url, init) => fetch(url, init),
      httpTimeoutMs: 1000,
      log: logs.log,
    };
    const result = await handleProvisioningBatch({ Records: [sqsRecord("m-1", provisioningMessage(1))] }, deps);
    return { result, logs, notices, n8n };
  }

  for (const [what, body] of [
    ["the OpenAPI validator's format check", FORMAT],
    ["the request DTO's check (2.41.1)", ZOD_241],
    ["the request DTO's check (2.20.0, the zod issue itself)", ZOD_220],
  ] as const) {
    it(`an address n8n refuses for good (400, ${what}): the administrators are told who and why, and the message is done`, async () => {
      const { result, logs, notices, n8n } = await run(() => ({ status: 400, body }));
      expect(result.batchItemFailures).to.deep.equal([]);
      expect(n8n.requests).to.have.length(1);
      expect(notices).to.have.length(1);
      expect(notices[0].subject).to.equal("New member: user1@example.com");
      expect(notices[0].body).to.contain(`n8n: refused to invite user1@example.com for good ("${body.message}")`);
      expect(logs.entries.map((e) => [e.level, e.event])).to.deep.equal([
        ["warn", "n8n_refused"],
        ["info", "member_notified"],
      ]);
      expect(logs.entries[0]).to.include({ status: 400, reason: body.message });
    });
  }

  it("any other 400 (no owner yet, SSO on) is the operator's to fix: the record fails and is retried", async () => {
    const { result, notices, logs } = await run(() => ({ status: 400, body: { message: "You must set up your own account before inviting others" } }));
    expect(result.batchItemFailures).to.deep.equal([{ itemIdentifier: "m-1" }]);
    expect(notices).to.deep.equal([]);
    expect(logs.entries[0]).to.include({ event: "n8n_invite_failed", status: 400 });
    expect(permanentRefusal(400, "not json")).to.equal(undefined);
    expect(permanentRefusal(422, JSON.stringify(FORMAT))).to.equal(undefined);
  });

  it("the creation race (a concurrent invitation of the same new email made the user first: 500): asked again at once, n8n re-invites that pending user", async () => {
    let calls = 0;
    const { result, notices, n8n } = await run(() =>
      ++calls === 1
        ? { status: 500, body: { message: N8N_CREATION_RACE } }
        : {
            status: 201,
            body: [
              {
                user: { id: "u-7", email: "user1@example.com", emailSent: false, inviteAcceptUrl: `https://n8n.example.com/signup?token=${TOKEN}` },
                error: "",
              },
            ],
          },
    );
    expect(n8n.requests).to.have.length(2);
    expect(result.batchItemFailures).to.deep.equal([]);
    expect(notices[0].body).to.contain(`/signup?token=${TOKEN}`);
  });

  it("any other 500 is not asked again within the invocation (the queue retries it after the visibility timeout)", async () => {
    const { result, n8n } = await run(() => ({ status: 500, body: { message: "Internal Server Error" } }));
    expect(n8n.requests).to.have.length(1);
    expect(result.batchItemFailures).to.deep.equal([{ itemIdentifier: "m-1" }]);
  });

  for (const link of [
    "javascript:alert(document.cookie)//signup?token=x",
    `http://n8n.example.com/signup?token=${TOKEN}`,
    `data:text/html,<script>`,
    `https://n8n.example.com/signup?token=a\nb`,
  ]) {
    it(`refuses to pass on an invitation link that is not a plain https URL (${JSON.stringify(link.slice(0, 24))}): the notice says where to find it instead`, async () => {
      const { result, notices, logs } = await run(() => ({
        status: 201,
        body: [{ user: { id: "u-1", email: "user1@example.com", emailSent: false, inviteAcceptUrl: link }, error: "" }],
      }));
      expect(result.batchItemFailures).to.deep.equal([]);
      expect(notices[0].body).not.to.contain(link);
      expect(notices[0].body).to.contain("not an https link");
      expect(logs.entries[0]).to.include({ level: "warn", event: "n8n_invited", link: false, linkRefused: "not an https link" });
      expect(logs.text()).not.to.contain(TOKEN);
    });
  }

  it("accepts exactly https links", () => {
    expect(safeInviteLink(`https://n8n.example.com/signup?token=${TOKEN}`)).to.equal(`https://n8n.example.com/signup?token=${TOKEN}`);
    for (const bad of [undefined, 42, "", "n8n.example.com/signup", "HTTP://x/", "ftp://x/", " https://x/"])
      expect(safeInviteLink(bad), String(bad)).to.equal(undefined);
  });
});
