// pluto doctor's n8n key check: the key the onboarding worker reads, decoded as n8n 2.41.1 issues it
// (a JWT whose `exp` is the chosen expiry in seconds, no scopes inside: checked against the real n8n
// in tests/e2e/n8nContract.e2e.ts), with Secrets Manager mocked.
import { expect } from "chai";
import { mockClient } from "aws-sdk-client-mock";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { KEY_WARN_DAYS, keyExpiry, n8nKeyCheck, n8nKeyFinding } from "../../../cli/commands/ops/n8nKeyCheck";
import type { OpsSession } from "../../../cli/commands/ops/options";
import { stackNames } from "../../../cli/commands/ops/names";
import { OPERATOR_SECRET_PLACEHOLDER } from "../../../secrets/storedSecret";
import { awsError } from "./fixtures";

const NOW = new Date("2026-12-07T12:00:00Z");
const DAY = 24 * 3600 * 1000;
/** A key shaped like n8n's: header.payload.signature, payload {sub, iss, aud, jti, iat[, exp]}. */
function n8nKey(expMs?: number): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const payload = { sub: "owner-id", iss: "n8n", aud: "public-api", jti: "j", iat: Math.floor(NOW.getTime() / 1000) - 86400 };
  const exp = expMs === undefined ? {} : { exp: Math.floor(expMs / 1000) };
  return `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ ...payload, ...exp })}.c2lnbmF0dXJl`;
}

describe("pluto doctor: the n8n API key", () => {
  const secrets = mockClient(SecretsManagerClient);
  afterEach(() => secrets.reset());
  after(() => secrets.restore());
  const session = { prefix: "pluto", names: stackNames("pluto"), ctx: { region: "eu-west-1" } } as unknown as OpsSession;
  const probes: { url: string; key: string | null; body: unknown }[] = [];
  const n8nAnswering =
    (status: number): typeof fetch =>
    async (url, init) => {
      probes.push({ url: String(url), key: new Headers(init?.headers).get("x-n8n-api-key"), body: init?.body });
      return new Response(status === 201 ? "[]" : JSON.stringify({ message: "Forbidden" }), { status });
    };
  const check = (key: string | Error, opts: { n8nUrl?: string; status?: number } = {}) => {
    if (key instanceof Error) secrets.on(GetSecretValueCommand, { SecretId: "pluto/n8n/api-key" }).rejects(key);
    else secrets.on(GetSecretValueCommand, { SecretId: "pluto/n8n/api-key" }).resolves({ SecretString: key });
    return n8nKeyCheck(session, { secrets: secrets as unknown as SecretsManagerClient, fetch: n8nAnswering(opts.status ?? 201) }, NOW, opts);
  };
  beforeEach(() => (probes.length = 0));

  it("reads the expiry from the key (JWT seconds); no `exp` is no expiry", () => {
    const at = NOW.getTime() + 30 * DAY;
    expect(keyExpiry(n8nKey(at))!.getTime()).to.equal(at);
    expect(keyExpiry(n8nKey())).to.equal(null);
    for (const bad of ["n8n_api_plain", "a.b", "a.!!!.c", `a.${Buffer.from("null").toString("base64url")}.c`]) expect(keyExpiry(bad), bad).to.equal(undefined);
  });

  it("passes a key without expiry, read from <prefix>/n8n/api-key", async () => {
    const c = await check(n8nKey());
    expect(c).to.deep.include({ name: "n8n-key", status: "pass", summary: "the n8n API key never expires" });
    expect(secrets.commandCalls(GetSecretValueCommand).map((x) => x.args[0].input)).to.deep.equal([{ SecretId: "pluto/n8n/api-key" }]);
  });

  it(`warns well before the key expires (under ${KEY_WARN_DAYS} days), fails once it has, and says what to do`, async () => {
    expect((await check(n8nKey(NOW.getTime() + 30 * DAY))).status, "n8n's default 30 days, fresh").to.equal("pass");
    secrets.reset();
    const soon = await check(n8nKey(NOW.getTime() + 13 * DAY));
    expect(soon.status).to.equal("warn");
    expect(soon.summary).to.equal("the n8n API key expires in 13 day(s), at 2026-12-20T12:00:00.000Z");
    expect(soon.details.join("\n")).to.contain("No Expiration").and.contain("user:create").and.contain("pluto dlq redrive");
    secrets.reset();
    const gone = await check(n8nKey(NOW.getTime() - DAY));
    expect(gone.status).to.equal("fail");
    expect(gone.summary).to.contain("expired at 2026-12-06T12:00:00.000Z: every new member fails with 401 into the DLQ");
  });

  it("with --n8n-url, asks n8n with an empty invitation list: 201 has user:create, 403 lacks it, 401 is refused", async () => {
    const key = n8nKey();
    expect((await check(key, { n8nUrl: "https://n8n.pluto.example.com/", status: 201 })).summary).to.contain("it has the user:create scope");
    expect(probes).to.deep.equal([{ url: "https://n8n.pluto.example.com/api/v1/users", key, body: "[]" }]);
    secrets.reset();
    const lacking = await check(key, { n8nUrl: "https://n8n.pluto.example.com", status: 403 });
    expect(lacking.status).to.equal("fail");
    expect(lacking.summary).to.contain("lacks the user:create scope (n8n answers 403)");
    secrets.reset();
    expect((await check(key, { n8nUrl: "https://n8n.pluto.example.com", status: 401 })).status).to.equal("fail");
  });

  it("without --n8n-url says the scope was not checked; n8n down leaves the expiry finding standing", async () => {
    expect((await check(n8nKey())).details).to.deep.equal(["the scope was not checked (pass --n8n-url to ask n8n)"]);
    const down = n8nKeyFinding(n8nKey(), NOW, { error: "TypeError" });
    expect(down.status).to.equal("pass");
    expect(down.details).to.deep.equal(["the scope was not checked: n8n did not answer (TypeError)"]);
  });

  it("skips a stack without n8n (no secret), warns on the placeholder, on a key that is not n8n's, and on an unreadable secret", async () => {
    expect((await check(awsError("ResourceNotFoundException", "Secrets Manager can't find the specified secret."))).status).to.equal("skip");
    secrets.reset();
    expect(await check(OPERATOR_SECRET_PLACEHOLDER)).to.deep.include({ status: "warn" });
    secrets.reset();
    expect((await check("n8n_api_0123456789")).summary).to.contain("not a JWT");
    secrets.reset();
    expect((await check(awsError("AccessDeniedException", "not allowed"))).summary).to.equal("cannot read the secret pluto/n8n/api-key: AccessDeniedException");
  });
});
