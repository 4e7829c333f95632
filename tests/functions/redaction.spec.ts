// The README promises that credentials are never logged. Each place in functions/ that puts an
// error or a response into a log line redacts the credentials it holds, and each has its own test
// here, with the credential echoed back the way a real failure echoes it: removing any one
// redaction fails exactly its test. The sites:
//   n8n.ts   inviteToN8n: a non-2xx body, an unreadable 2xx body, a per-user error (the API key)
//   http.ts  excerpt: redaction before the cut (a key across the 300-character boundary)
//   http.ts  redactAll: every occurrence, not the first
//   worker.ts invite: a thrown error (the API key; undici echoes an invalid header value)
//   worker.ts notify: a thrown error (the invitation link, and its token on its own)
//   worker.ts n8n_invited: the link is logged as a boolean only
//   n8n.ts   redactN8n: an invitation link or token (any JWT) in a non-2xx body, an unreadable 2xx
//            body, a per-user error or a refusal reason; worker.ts: in a thrown error and in a
//            notify error that quotes a token n8n handed out earlier (not this answer's link)
// What the logs must not hold is checked in the raw entries and in the JSON lines Lambda writes.
import { expect } from "chai";
import { handleProvisioningBatch, WorkerDeps } from "../../functions/worker";
import type { LogEntry } from "../../functions/log";
import { memoryLog, provisioningMessage, Reply, serverPool, sqsRecord } from "./helpers";

const KEY = "n8n_api_3f9c2b7e41d04a6f9e0b";
const TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJpbnZpdGVlSWQiOiJ1LTEifQ.bXVzdC1ub3QtbGVhaw";
const LINK = `https://n8n.example.com/signup?token=${TOKEN}`;

/** Every string an entry holds, however deep, as it would be logged. */
function strings(entries: LogEntry[]): string {
  return entries.map((e) => JSON.stringify(e)).join("\n") + "\n" + entries.flatMap((e) => Object.values(e).map(String)).join("\n");
}

describe("credentials never reach a log line (one test per redaction site)", () => {
  const { serve, closeAll } = serverPool();
  afterEach(closeAll);

  async function run(opts: { reply?: Reply; apiKey?: string; notify?: WorkerDeps["notify"]; fetch?: WorkerDeps["fetch"] }) {
    const n8n = await serve(
      opts.reply ?? (() => ({ status: 201, body: [{ user: { id: "u-1", email: "user1@example.com", emailSent: false, inviteAcceptUrl: LINK }, error: "" }] })),
    );
    const logs = memoryLog();
    const deps: WorkerDeps = {
      appUrl: "https://pluto.example.com",
      n8n: { url: n8n.url, apiKey: async () => opts.apiKey ?? KEY },
      notify: opts.notify ?? (async () => undefined),
      fetch: opts.fetch ?? ((url, init) => fetch(url, init)),
      httpTimeoutMs: 2000,
      log: logs.log,
    };
    const result = await handleProvisioningBatch({ Records: [sqsRecord("m-1", provisioningMessage(1))] }, deps);
    return { result, entries: logs.entries, text: strings(logs.entries), n8n };
  }

  it("n8n.ts, a non-2xx answer: the key is cut from the body, at every place it is echoed", async () => {
    const { result, entries, text } = await run({
      reply: (req) => ({
        status: 401,
        body: { message: `invalid key ${req.headers["x-n8n-api-key"]}`, headers: { "x-n8n-api-key": req.headers["x-n8n-api-key"] } },
      }),
    });
    expect(result.batchItemFailures).to.have.length(1);
    expect(entries[0]).to.include({ event: "n8n_invite_failed", status: 401 });
    expect(String(entries[0].error)).to.contain("invalid key [redacted]").and.contain('"x-n8n-api-key":"[redacted]"');
    expect(text).not.to.contain(KEY);
  });

  it("n8n.ts, a 2xx answer it cannot read: the key is cut from the body", async () => {
    const { entries, text } = await run({
      reply: (req) => ({ status: 200, body: `<html>proxy login for ${req.headers["x-n8n-api-key"]}</html>`, headers: { "content-type": "text/html" } }),
    });
    expect(String(entries[0].error)).to.contain("unexpected body").and.contain("proxy login for [redacted]");
    expect(text).not.to.contain(KEY);
  });

  it("n8n.ts, a per-user error inside a 2xx answer: the key is cut from the error", async () => {
    const { entries, text } = await run({
      reply: (req) => ({
        status: 201,
        body: [{ user: { email: "user1@example.com" }, error: `mailer rejected request signed with ${req.headers["x-n8n-api-key"]}` }],
      }),
    });
    expect(entries[0]).to.include({ event: "n8n_invite_failed", error: "n8n: mailer rejected request signed with [redacted]" });
    expect(text).not.to.contain(KEY);
  });

  it("http.ts excerpt: the key is cut before the body is shortened, so no prefix of it survives at the 300-character boundary", async () => {
    const { entries, text } = await run({ reply: (req) => ({ status: 500, body: `${"x".repeat(290)}${req.headers["x-n8n-api-key"]} trailing` }) });
    expect(String(entries[0].error)).to.match(/^n8n answered 500: x{290}\[redacted\]/);
    expect(text).not.to.contain(KEY.slice(0, 10));
  });

  it("worker.ts invite: a thrown error that carries the key (undici echoes a header value it refuses) is redacted", async () => {
    // A key stored with a line break inside: undici refuses the header and quotes it in the error
    // (`Headers.append: "<value>" is an invalid header value.`), before any connection is made.
    const [first, second] = ["n8n_api_line_one_7d1e", "line_two_a9c4"];
    const { entries, text, n8n } = await run({ apiKey: `${first}\n${second}` });
    expect(n8n.requests).to.have.length(0);
    expect(entries).to.have.length(1);
    expect(entries[0]).to.include({ event: "n8n_invite_failed", error: 'TypeError: Headers.append: "[redacted]" is an invalid header value.' });
    expect(text).not.to.contain(first).and.not.to.contain(second);
  });

  it("worker.ts notify: a thrown error that quotes the whole invitation link is redacted, even a link that has no `token` parameter", async () => {
    // n8n before 1.x linked /signup?inviterId=<id>&inviteeId=<id>: the whole URL is the credential.
    const oldStyle = "https://n8n.example.com/signup?inviterId=5e1c-owner&inviteeId=77b2-invitee";
    const { entries, text } = await run({
      reply: () => ({ status: 201, body: [{ user: { id: "u-1", email: "user1@example.com", emailSent: false, inviteAcceptUrl: oldStyle }, error: "" }] }),
      notify: async (notice) => {
        throw new Error(`InvalidParameter: Message too long: ${notice.body}`);
      },
    });
    expect(entries.map((e) => e.event)).to.deep.equal(["n8n_invited", "notify_failed"]);
    expect(String(entries[1].error)).to.contain("[redacted]");
    expect(text).not.to.contain("77b2-invitee");
  });

  it("worker.ts notify: the link's token is redacted on its own too (an error that quotes the link percent-encoded)", async () => {
    const { entries, text } = await run({
      notify: async () => {
        throw new Error(`Throttling: rate exceeded for ${encodeURIComponent(LINK)}`);
      },
    });
    expect(String(entries[1].error)).to.equal(`Error: Throttling: rate exceeded for ${encodeURIComponent("https://n8n.example.com/signup?token=")}[redacted]`);
    expect(text).not.to.contain(TOKEN);
  });

  it("worker.ts n8n_invited: says whether there was a link, never the link", async () => {
    const { entries, text } = await run({});
    expect(entries[0]).to.deep.include({ event: "n8n_invited", link: true });
    expect(text).not.to.contain(TOKEN);
  });

  describe("invitation links and tokens (n8n's own, echoed where the worker does not expect them)", () => {
    const other = "eyJhbGciOiJIUzI1NiJ9.eyJpbnZpdGVlSWQiOiJ1LTIifQ.b3RoZXItdG9rZW4";
    const linkOf = (token: string) => `https://n8n.example.com/signup?token=${token}`;

    it("n8n.ts, a non-2xx answer that quotes a link: its token is cut", async () => {
      const { entries, text } = await run({ reply: () => ({ status: 502, body: `upstream sent ${linkOf(TOKEN)} then failed` }) });
      expect(entries[0]).to.include({ event: "n8n_invite_failed", status: 502 });
      expect(String(entries[0].error)).to.contain("signup?token=[redacted]");
      expect(text).not.to.contain(TOKEN);
    });

    it("n8n.ts, a 2xx answer it cannot read that carries a link (an object, not n8n's array): its token is cut", async () => {
      const { entries, text } = await run({ reply: () => ({ status: 201, body: { user: { email: "user1@example.com", inviteAcceptUrl: linkOf(TOKEN) } } }) });
      expect(String(entries[0].error)).to.contain("unexpected body");
      expect(text).not.to.contain(TOKEN);
    });

    it("n8n.ts, a per-user error that quotes the link it could not mail (percent-encoded): the token is cut", async () => {
      const { entries, text } = await run({
        reply: () => ({
          status: 201,
          body: [{ user: { email: "user1@example.com", emailSent: false }, error: `SMTP 550 for ${encodeURIComponent(linkOf(TOKEN))}` }],
        }),
      });
      expect(entries[0]).to.include({ event: "n8n_invite_failed" });
      expect(String(entries[0].error)).to.contain("token%3D[redacted]");
      expect(text).not.to.contain(TOKEN);
    });

    it("n8n.ts, a refusal reason that quotes a token: cut before it is logged and put in the notice", async () => {
      const notices: string[] = [];
      const { entries, text } = await run({
        reply: () => ({ status: 400, body: { message: `request/body/0/email must match format "email" (${other})` } }),
        notify: async (n) => void notices.push(n.body),
      });
      expect(entries.map((e) => e.event)).to.deep.equal(["n8n_refused", "member_notified"]);
      expect(text).not.to.contain(other);
      expect(notices.join("\n")).not.to.contain(other);
    });

    it("worker.ts invite: a thrown error that quotes a token (any JWT, such as the API key itself) is cut", async () => {
      const { entries, text } = await run({
        fetch: async () => {
          throw new Error(`socket hang up after ${linkOf(other)}`);
        },
      });
      expect(entries[0]).to.include({ event: "n8n_invite_failed" });
      expect(text).not.to.contain(other);
    });

    it("worker.ts notify: an error that quotes a link n8n handed out before (not this invitation's) is cut too", async () => {
      const { entries, text } = await run({
        notify: async () => {
          throw new Error(`InvalidParameter: duplicate of message with ${linkOf(other)}`);
        },
      });
      expect(entries.map((e) => e.event)).to.deep.equal(["n8n_invited", "notify_failed"]);
      expect(text).not.to.contain(other);
    });
  });
});
