import { expect } from "chai";
import { handleProvisioningBatch, WorkerDeps } from "../../functions/worker";
import type { Notice } from "../../functions/notify";
import { OPERATOR_SECRET_PLACEHOLDER } from "../../secrets/storedSecret";
import { memoryLog, provisioningMessage, refusedUrl, Reply, serverPool, sqsRecord } from "./helpers";

const N8N_KEY = "n8n-api-key-0123456789abcdef";
const TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJpbnZpdGVySWQiOiJvIiwiaW52aXRlZUlkIjoiaSJ9.c2lnbmF0dXJl";
const APP_URL = "https://pluto.example.com";
/** A server that echoes the request headers back, as a misbehaving proxy might. */
const echoHeaders =
  (status: number): Reply =>
  (req) => ({ status, body: { detail: "nope", headers: req.headers } });
/** n8n 2.x's 201 for a new (or still pending) invitee without a mail server: the link, no email. */
const invited = (email: string, extra: Record<string, unknown> = {}) => [
  {
    user: { id: "u-1", email, emailSent: false, role: "global:member", inviteAcceptUrl: `https://n8n.example.com/signup?token=${TOKEN}`, ...extra },
    error: "",
  },
];

describe("functions/worker: handleProvisioningBatch", () => {
  const { serve, closeAll } = serverPool();
  afterEach(closeAll);

  function deps(extra: Partial<WorkerDeps> = {}) {
    const logs = memoryLog();
    const notices: Notice[] = [];
    const d: WorkerDeps = {
      appUrl: APP_URL,
      notify: async (n) => void notices.push(n),
      fetch: (url, init) => fetch(url, init),
      httpTimeoutMs: 300,
      log: logs.log,
      ...extra,
    };
    return { logs, notices, deps: d };
  }
  const withN8n = (url: string, extra: Partial<WorkerDeps> = {}) => deps({ n8n: { url, apiKey: async () => N8N_KEY }, ...extra });
  const one = (n = 1) => ({ Records: [sqsRecord(`m-${n}`, provisioningMessage(n))] });
  const failedIds = (r: { batchItemFailures: { itemIdentifier: string }[] }) => r.batchItemFailures.map((f) => f.itemIdentifier);

  describe("without n8n", () => {
    it("notifies the administrators of the new member and reports no failure", async () => {
      const { logs, notices, deps: d } = deps();
      const result = await handleProvisioningBatch({ Records: [sqsRecord("m-1", { email: "ada@example.com", name: "Ada King Lovelace", sub: "sub-ada" })] }, d);
      expect(result).to.deep.equal({ batchItemFailures: [] });
      expect(notices).to.have.length(1);
      expect(notices[0].subject).to.equal("New member: ada@example.com");
      expect(notices[0].body).to.contain("Ada King Lovelace <ada@example.com> has joined https://pluto.example.com.").and.not.contain("n8n");
      expect(logs.entries).to.deep.equal([{ level: "info", event: "member_notified", messageId: "m-1", receiveCount: 1, sub: "sub-ada" }]);
    });

    it("fails the record when the notice cannot be published, so SQS retries it", async () => {
      const { logs, deps: d } = deps({
        notify: async () => {
          throw Object.assign(new Error("Rate exceeded"), { name: "ThrottledException" });
        },
      });
      expect(failedIds(await handleProvisioningBatch(one(), d))).to.deep.equal(["m-1"]);
      expect(logs.entries).to.deep.equal([
        { level: "error", event: "notify_failed", messageId: "m-1", receiveCount: 1, sub: "sub-1", error: "ThrottledException: Rate exceeded" },
      ]);
    });
  });

  describe("with n8n", () => {
    it("invites through n8n's public API, then puts the accept link in the notice and nowhere in the logs", async () => {
      const n8n = await serve((req) => ({ status: 201, body: invited(JSON.parse(req.body)[0].email) }));
      const { logs, notices, deps: d } = withN8n(`${n8n.url}/`);
      expect(await handleProvisioningBatch(one(), d)).to.deep.equal({ batchItemFailures: [] });
      expect(n8n.requests).to.have.length(1);
      expect(n8n.requests[0]).to.include({ method: "POST", url: "/api/v1/users" });
      expect(n8n.requests[0].headers["x-n8n-api-key"]).to.equal(N8N_KEY);
      expect(JSON.parse(n8n.requests[0].body)).to.deep.equal([{ email: "user1@example.com", role: "global:member" }]);
      expect(notices[0].body).to.contain(`https://n8n.example.com/signup?token=${TOKEN}`).and.contain("valid for 90 days");
      expect(logs.entries.map((e) => e.event)).to.deep.equal(["n8n_invited", "member_notified"]);
      expect(logs.entries[0]).to.include({ emailSent: false, link: true });
      expect(logs.text()).not.to.contain(TOKEN);
      expect(logs.text()).not.to.contain(N8N_KEY);
    });

    it("says so when the member already has an n8n account (n8n answers [])", async () => {
      const n8n = await serve(() => ({ status: 201, body: [] }));
      const { logs, notices, deps: d } = withN8n(n8n.url);
      expect(await handleProvisioningBatch(one(), d)).to.deep.equal({ batchItemFailures: [] });
      expect(notices[0].body).to.contain("already have an n8n account");
      expect(logs.entries.map((e) => e.event)).to.deep.equal(["n8n_member_exists", "member_notified"]);
    });

    it("says so when n8n emailed the invitation itself (SMTP configured: no link returned)", async () => {
      const n8n = await serve(() => ({
        status: 201,
        body: [{ user: { id: "u", email: "user1@example.com", emailSent: true, role: "global:member" }, error: "" }],
      }));
      const { notices, deps: d } = withN8n(n8n.url);
      await handleProvisioningBatch(one(), d);
      expect(notices[0].body).to.contain("n8n emailed them the invitation").and.not.contain("signup?token");
    });

    for (const status of [400, 401, 403, 404, 429, 500, 502, 503]) {
      it(`fails the record on ${status} without notifying, logging the status with the key redacted`, async () => {
        const n8n = await serve(echoHeaders(status));
        const { logs, notices, deps: d } = withN8n(n8n.url);
        expect(failedIds(await handleProvisioningBatch(one(), d))).to.deep.equal(["m-1"]);
        expect(notices).to.have.length(0);
        expect(logs.entries).to.have.length(1);
        expect(logs.entries[0]).to.include({ level: "error", event: "n8n_invite_failed", status, sub: "sub-1" });
        expect(String(logs.entries[0].error)).to.contain(`n8n answered ${status}`).and.contain("[redacted]");
        expect(logs.text()).not.to.contain(N8N_KEY);
      });
    }

    it("fails the record on a per-user error inside a 2xx body, key redacted", async () => {
      const n8n = await serve(() => ({
        status: 201,
        body: [{ user: { email: "user1@example.com", emailSent: false }, error: `SMTP refused key ${N8N_KEY}` }],
      }));
      const { logs, notices, deps: d } = withN8n(n8n.url);
      expect(failedIds(await handleProvisioningBatch(one(), d))).to.deep.equal(["m-1"]);
      expect(notices).to.have.length(0);
      expect(logs.entries[0]).to.include({ event: "n8n_invite_failed", error: "n8n: SMTP refused key [redacted]" });
    });

    for (const body of ["<html>ok</html>", { data: [] }, "null"]) {
      it(`fails the record on a 2xx it cannot read (${JSON.stringify(body)})`, async () => {
        const n8n = await serve(() => ({ status: 200, body }));
        const { logs, deps: d } = withN8n(n8n.url);
        expect(failedIds(await handleProvisioningBatch(one(), d))).to.deep.equal(["m-1"]);
        expect(String(logs.entries[0].error)).to.contain("unexpected body");
      });
    }

    it("redacts the key from a 2xx it cannot read that echoes the request headers", async () => {
      const n8n = await serve(echoHeaders(200));
      const { logs, deps: d } = withN8n(n8n.url);
      expect(failedIds(await handleProvisioningBatch(one(), d))).to.deep.equal(["m-1"]);
      expect(String(logs.entries[0].error)).to.contain("unexpected body").and.contain("[redacted]");
      expect(logs.text()).not.to.contain(N8N_KEY);
    });

    it("fails the record with the 302 when oauth2-proxy redirects to sign-in, without following it", async () => {
      const login = await serve(() => ({ status: 200, body: "<html>Sign in</html>" }));
      const n8n = await serve(() => ({ status: 302, headers: { location: `${login.url}/oauth2/start` } }));
      const { logs, deps: d } = withN8n(n8n.url);
      expect(failedIds(await handleProvisioningBatch(one(), d))).to.deep.equal(["m-1"]);
      expect(login.requests).to.have.length(0);
      expect(logs.entries[0]).to.include({ event: "n8n_invite_failed", status: 302 });
    });

    it("fails the record when n8n hangs past the timeout or refuses the connection", async () => {
      const hanging = await serve(() => undefined);
      for (const [url, pattern] of [
        [hanging.url, /TimeoutError/],
        [await refusedUrl(), /ECONNREFUSED/],
      ] as const) {
        const { logs, notices, deps: d } = withN8n(url, { httpTimeoutMs: 100 });
        expect(failedIds(await handleProvisioningBatch(one(), d))).to.deep.equal(["m-1"]);
        expect(notices).to.have.length(0);
        expect(String(logs.entries[0].error)).to.match(pattern);
      }
    });

    it("fails the record when the API key cannot be read, and names the placeholder instead of calling n8n", async () => {
      const n8n = await serve(() => ({ status: 201, body: [] }));
      const unreadable = deps({
        n8n: {
          url: n8n.url,
          apiKey: async () => {
            throw new Error("AccessDeniedException");
          },
        },
      });
      expect(failedIds(await handleProvisioningBatch(one(), unreadable.deps))).to.deep.equal(["m-1"]);
      expect(unreadable.logs.entries[0]).to.include({ event: "n8n_invite_failed", error: "Error: AccessDeniedException" });

      const unset = deps({ n8n: { url: n8n.url, apiKey: async () => OPERATOR_SECRET_PLACEHOLDER } });
      expect(failedIds(await handleProvisioningBatch(one(), unset.deps))).to.deep.equal(["m-1"]);
      expect(String(unset.logs.entries[0].error)).to.contain("still holds its placeholder");
      expect(n8n.requests).to.have.length(0);
    });

    it("fails the record when publishing fails after the invitation, redacting the link from the error", async () => {
      const n8n = await serve(() => ({ status: 201, body: invited("user1@example.com") }));
      const { logs, deps: d } = withN8n(n8n.url, {
        notify: async (n) => {
          throw new Error(`InvalidParameter: Message too long: ${n.body}`);
        },
      });
      expect(failedIds(await handleProvisioningBatch(one(), d))).to.deep.equal(["m-1"]);
      expect(logs.entries.map((e) => e.event)).to.deep.equal(["n8n_invited", "notify_failed"]);
      expect(String(logs.entries[1].error)).to.contain("[redacted]");
      expect(logs.text()).not.to.contain(TOKEN);
    });
  });

  for (const body of ["", "not json", '{"email":"a@b.c"}', '{"email":"nope","name":"n","sub":"s"}', "[]"]) {
    it(`fails a malformed body (${JSON.stringify(body)}) without calling n8n or notifying, so it reaches the DLQ`, async () => {
      const n8n = await serve(() => ({ status: 201, body: [] }));
      const { logs, notices, deps: d } = withN8n(n8n.url);
      expect(failedIds(await handleProvisioningBatch({ Records: [sqsRecord("bad", body)] }, d))).to.deep.equal(["bad"]);
      expect(n8n.requests).to.have.length(0);
      expect(notices).to.have.length(0);
      expect(logs.entries[0]).to.include({ level: "error", event: "invalid_message", messageId: "bad" });
    });
  }

  it("reports exactly the failed message ids in a mixed batch", async () => {
    const statusByEmail: Record<string, number> = {
      "user1@example.com": 201,
      "user2@example.com": 201,
      "user3@example.com": 500,
      "user4@example.com": 401,
      "user5@example.com": 201,
    };
    const n8n = await serve((req) => {
      const email = JSON.parse(req.body)[0].email;
      return { status: statusByEmail[email], body: statusByEmail[email] === 201 ? invited(email) : { message: "no" } };
    });
    const { notices, deps: d } = withN8n(n8n.url);
    const records = [1, 2, 3, 4, 5].map((n) => sqsRecord(`m-${n}`, provisioningMessage(n)));
    records.splice(2, 0, sqsRecord("m-bad", "{oops"));
    const result = await handleProvisioningBatch({ Records: records }, d);
    expect(failedIds(result)).to.have.members(["m-3", "m-4", "m-bad"]).and.have.length(3);
    expect(n8n.requests).to.have.length(5);
    expect(notices.map((n) => n.subject).sort()).to.deep.equal([
      "New member: user1@example.com",
      "New member: user2@example.com",
      "New member: user5@example.com",
    ]);
  });

  it("answers an empty or odd event with no failures", async () => {
    const { deps: d } = deps();
    expect(await handleProvisioningBatch({ Records: [] }, d)).to.deep.equal({ batchItemFailures: [] });
    expect(await handleProvisioningBatch({} as never, d)).to.deep.equal({ batchItemFailures: [] });
  });
});
