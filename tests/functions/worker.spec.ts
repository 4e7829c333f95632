import { expect } from "chai";
import { handleProvisioningBatch, WorkerDeps } from "../../functions/worker";
import { LocalServer, memoryLog, provisioningMessage, refusedUrl, Reply, sqsRecord, startServer } from "./helpers";

const TOKEN = "scimTOKENabcdefghijklmnopqrstuvwxyz0123456789ABCD";
const N8N_KEY = "n8n-api-key-0123456789abcdef";
/** A server that echoes the request headers back, as a misbehaving proxy might. */
const echoHeaders = (status: number): Reply => (req) => ({ status, body: { detail: "nope", headers: req.headers } });

describe("functions/worker: handleProvisioningBatch against a SCIM server on 127.0.0.1", () => {
  const servers: LocalServer[] = [];
  const serve = async (reply: Reply) => {
    const s = await startServer(reply);
    servers.push(s);
    return s;
  };
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  function deps(openWebUiUrl: string, extra: Partial<WorkerDeps> = {}) {
    const logs = memoryLog();
    const d: WorkerDeps = {
      openWebUiUrl,
      scimToken: async () => TOKEN,
      fetch: (url, init) => fetch(url, init),
      httpTimeoutMs: 300,
      log: logs.log,
      ...extra,
    };
    return { logs, deps: d };
  }

  it("POSTs the SCIM user with the bearer token and reports no failure on 201", async () => {
    const scim = await serve(() => ({ status: 201, body: { id: "u-1" } }));
    const { logs, deps: d } = deps(`${scim.url}/`);
    const result = await handleProvisioningBatch({ Records: [sqsRecord("m-1", { email: "ada@example.com", name: "Ada King Lovelace", sub: "sub-ada" })] }, d);
    expect(result).to.deep.equal({ batchItemFailures: [] });
    expect(scim.requests).to.have.length(1);
    const [req] = scim.requests;
    expect(req.method).to.equal("POST");
    expect(req.url).to.equal("/api/v1/scim/v2/Users");
    expect(req.headers.authorization).to.equal(`Bearer ${TOKEN}`);
    expect(req.headers["content-type"]).to.equal("application/json");
    expect(JSON.parse(req.body)).to.deep.equal({
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
      userName: "ada@example.com",
      externalId: "sub-ada",
      displayName: "Ada King Lovelace",
      name: { formatted: "Ada King Lovelace", givenName: "Ada", familyName: "King Lovelace" },
      emails: [{ value: "ada@example.com", primary: true }],
      active: true,
    });
    expect(logs.entries).to.deep.equal([{ level: "info", event: "user_created", messageId: "m-1", receiveCount: 1, sub: "sub-ada" }]);
  });

  it("treats 409 (already exists) as success, so redelivered messages are harmless", async () => {
    const scim = await serve(() => ({ status: 409, body: { detail: "User with email ada@example.com already exists" } }));
    const { logs, deps: d } = deps(scim.url);
    expect(await handleProvisioningBatch({ Records: [sqsRecord("m-1", provisioningMessage(1), 3)] }, d)).to.deep.equal({ batchItemFailures: [] });
    expect(logs.entries[0]).to.include({ event: "user_exists", receiveCount: 3 });
  });

  for (const status of [400, 401, 403, 404, 500, 502, 503]) {
    it(`fails the record on ${status}, logging the status without the token`, async () => {
      const scim = await serve(echoHeaders(status));
      const { logs, deps: d } = deps(scim.url);
      expect(await handleProvisioningBatch({ Records: [sqsRecord("m-1", provisioningMessage(1))] }, d)).to.deep.equal({ batchItemFailures: [{ itemIdentifier: "m-1" }] });
      expect(logs.entries).to.have.length(1);
      expect(logs.entries[0]).to.include({ level: "error", event: "scim_failed", status, sub: "sub-1" });
      expect(String(logs.entries[0].error)).to.contain(`SCIM answered ${status}`).and.contain("[redacted]");
      expect(logs.text()).not.to.contain(TOKEN);
    });
  }

  it("fails the record with the 302 when oauth2-proxy redirects to sign-in, without following it", async () => {
    const login = await serve(() => ({ status: 200, body: "<html>Sign in</html>" }));
    const scim = await serve(() => ({ status: 302, headers: { location: `${login.url}/oauth2/start` } }));
    const { logs, deps: d } = deps(scim.url);
    expect(await handleProvisioningBatch({ Records: [sqsRecord("m-1", provisioningMessage(1))] }, d)).to.deep.equal({ batchItemFailures: [{ itemIdentifier: "m-1" }] });
    expect(login.requests).to.have.length(0);
    expect(logs.entries[0]).to.include({ event: "scim_failed", status: 302 });
  });

  it("fails the record when SCIM does not answer within the timeout", async () => {
    const scim = await serve(() => undefined);
    const { logs, deps: d } = deps(scim.url, { httpTimeoutMs: 100 });
    expect(await handleProvisioningBatch({ Records: [sqsRecord("m-1", provisioningMessage(1))] }, d)).to.deep.equal({ batchItemFailures: [{ itemIdentifier: "m-1" }] });
    expect(logs.entries[0]).to.include({ event: "scim_failed" });
    expect(String(logs.entries[0].error)).to.match(/TimeoutError/);
  });

  it("fails the record when the connection is refused", async () => {
    const { logs, deps: d } = deps(await refusedUrl());
    expect(await handleProvisioningBatch({ Records: [sqsRecord("m-1", provisioningMessage(1))] }, d)).to.deep.equal({ batchItemFailures: [{ itemIdentifier: "m-1" }] });
    expect(String(logs.entries[0].error)).to.contain("ECONNREFUSED");
  });

  it("fails the record when the SCIM token cannot be read", async () => {
    const scim = await serve(() => ({ status: 201 }));
    const { logs, deps: d } = deps(scim.url, { scimToken: async () => { throw new Error("AccessDeniedException"); } });
    expect(await handleProvisioningBatch({ Records: [sqsRecord("m-1", provisioningMessage(1))] }, d)).to.deep.equal({ batchItemFailures: [{ itemIdentifier: "m-1" }] });
    expect(scim.requests).to.have.length(0);
    expect(logs.entries[0]).to.include({ event: "scim_failed", error: "Error: AccessDeniedException" });
  });

  for (const body of ["", "not json", '{"email":"a@b.c"}', '{"email":"nope","name":"n","sub":"s"}', "[]"]) {
    it(`fails a malformed body (${JSON.stringify(body)}) without calling SCIM, so it reaches the DLQ`, async () => {
      const scim = await serve(() => ({ status: 201 }));
      const { logs, deps: d } = deps(scim.url);
      expect(await handleProvisioningBatch({ Records: [sqsRecord("bad", body)] }, d)).to.deep.equal({ batchItemFailures: [{ itemIdentifier: "bad" }] });
      expect(scim.requests).to.have.length(0);
      expect(logs.entries[0]).to.include({ level: "error", event: "invalid_message", messageId: "bad" });
    });
  }

  it("reports exactly the failed message ids in a mixed batch", async () => {
    const statusByEmail: Record<string, number> = { "user1@example.com": 201, "user2@example.com": 409, "user3@example.com": 500, "user4@example.com": 401, "user5@example.com": 201 };
    const scim = await serve((req) => ({ status: statusByEmail[JSON.parse(req.body).userName] }));
    const { deps: d } = deps(scim.url);
    const records = [1, 2, 3, 4, 5].map((n) => sqsRecord(`m-${n}`, provisioningMessage(n)));
    records.splice(2, 0, sqsRecord("m-bad", "{oops"));
    const result = await handleProvisioningBatch({ Records: records }, d);
    expect(result.batchItemFailures.map((f) => f.itemIdentifier)).to.have.members(["m-3", "m-4", "m-bad"]).and.have.length(3);
    expect(scim.requests).to.have.length(5);
  });

  it("answers an empty or odd event with no failures", async () => {
    const { deps: d } = deps("http://127.0.0.1:9");
    expect(await handleProvisioningBatch({ Records: [] }, d)).to.deep.equal({ batchItemFailures: [] });
    expect(await handleProvisioningBatch({} as never, d)).to.deep.equal({ batchItemFailures: [] });
  });

  describe("n8n invitation (non-blocking)", () => {
    const withN8n = (scimUrl: string, n8nUrl: string, extra: Partial<WorkerDeps> = {}) =>
      deps(scimUrl, { n8n: { url: n8nUrl, apiKey: async () => N8N_KEY }, ...extra });

    it("invites the user through n8n's public API after SCIM succeeds", async () => {
      const scim = await serve(() => ({ status: 201 }));
      const n8n = await serve(() => ({ status: 201, body: [{ user: { id: "n1", email: "user1@example.com", emailSent: true } }] }));
      const { logs, deps: d } = withN8n(scim.url, `${n8n.url}/`);
      expect(await handleProvisioningBatch({ Records: [sqsRecord("m-1", provisioningMessage(1))] }, d)).to.deep.equal({ batchItemFailures: [] });
      expect(n8n.requests).to.have.length(1);
      expect(n8n.requests[0]).to.include({ method: "POST", url: "/api/v1/users" });
      expect(n8n.requests[0].headers["x-n8n-api-key"]).to.equal(N8N_KEY);
      expect(JSON.parse(n8n.requests[0].body)).to.deep.equal([{ email: "user1@example.com", role: "global:member" }]);
      expect(logs.entries.map((e) => e.event)).to.deep.equal(["user_created", "n8n_invited"]);
    });

    it("invites on 409 too (a redelivery after an earlier invite failure)", async () => {
      const scim = await serve(() => ({ status: 409 }));
      const n8n = await serve(() => ({ status: 201, body: [] }));
      const { deps: d } = withN8n(scim.url, n8n.url);
      await handleProvisioningBatch({ Records: [sqsRecord("m-1", provisioningMessage(1))] }, d);
      expect(n8n.requests).to.have.length(1);
    });

    it("does not invite when SCIM failed (the retry will)", async () => {
      const scim = await serve(() => ({ status: 503 }));
      const n8n = await serve(() => ({ status: 201, body: [] }));
      const { deps: d } = withN8n(scim.url, n8n.url);
      await handleProvisioningBatch({ Records: [sqsRecord("m-1", provisioningMessage(1))] }, d);
      expect(n8n.requests).to.have.length(0);
    });

    it("logs a 404 from n8n as a warning without failing the record or leaking the key", async () => {
      const scim = await serve(() => ({ status: 201 }));
      const n8n = await serve(echoHeaders(404));
      const { logs, deps: d } = withN8n(scim.url, n8n.url);
      expect(await handleProvisioningBatch({ Records: [sqsRecord("m-1", provisioningMessage(1))] }, d)).to.deep.equal({ batchItemFailures: [] });
      expect(logs.entries[1]).to.include({ level: "warn", event: "n8n_invite_failed", status: 404 });
      expect(logs.text()).not.to.contain(N8N_KEY);
    });

    it("logs n8n being down (refused, or hanging past the timeout) without failing the record", async () => {
      const scim = await serve(() => ({ status: 201 }));
      const hanging = await serve(() => undefined);
      for (const n8nUrl of [await refusedUrl(), hanging.url]) {
        const { logs, deps: d } = withN8n(scim.url, n8nUrl, { httpTimeoutMs: 100 });
        expect(await handleProvisioningBatch({ Records: [sqsRecord("m-1", provisioningMessage(1))] }, d)).to.deep.equal({ batchItemFailures: [] });
        expect(logs.entries[1]).to.include({ level: "warn", event: "n8n_invite_failed" });
        expect(String(logs.entries[1].error)).to.match(/ECONNREFUSED|TimeoutError/);
      }
    });

    it("logs a per-user error n8n reports inside a 2xx body, and an unreadable API key, as warnings", async () => {
      const scim = await serve(() => ({ status: 201 }));
      const n8n = await serve(() => ({ status: 201, body: [{ user: { email: "user1@example.com" }, error: "Email could not be sent" }] }));
      const first = withN8n(scim.url, n8n.url);
      expect(await handleProvisioningBatch({ Records: [sqsRecord("m-1", provisioningMessage(1))] }, first.deps)).to.deep.equal({ batchItemFailures: [] });
      expect(first.logs.entries[1]).to.include({ event: "n8n_invite_failed", error: "n8n: Email could not be sent" });

      const second = withN8n(scim.url, n8n.url, {});
      second.deps.n8n = { url: n8n.url, apiKey: async () => { throw new Error("ResourceNotFoundException"); } };
      expect(await handleProvisioningBatch({ Records: [sqsRecord("m-1", provisioningMessage(1))] }, second.deps)).to.deep.equal({ batchItemFailures: [] });
      expect(second.logs.entries[1]).to.include({ event: "n8n_invite_failed", error: "Error: ResourceNotFoundException" });
    });
  });
});
