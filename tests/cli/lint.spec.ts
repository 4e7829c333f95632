import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../cli/main";
import { memoryIo } from "../../cli/io";

const FIXTURES = path.join(__dirname, "..", "fixtures", "policies");
const f = (name: string) => path.join(FIXTURES, name);

async function lint(...args: string[]) {
  const io = memoryIo();
  const code = await main(["node", "pluto", "lint", ...args], io);
  return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
}

describe("pluto lint", () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pluto-lint-"));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("exits 0 with `ok` for the golden task definition (describe-task-definition output)", async () => {
    const r = await lint(f("describe-golden.json"));
    expect(r).to.deep.equal({ code: 0, out: `${f("describe-golden.json")}: ok`, err: "" });
  });

  it("exits 0 when the only findings are advisory (bare task definition)", async () => {
    const r = await lint(f("bare-default-role-pending.json"));
    expect(r.code).to.equal(0);
    expect(r.out).to.contain("2 findings (0 mandatory)");
    expect(r.out).to.match(/ADVISORY {2}app-listens-on-loopback +openwebui {2}Open WebUI \(container openwebui\) listens on "0\.0\.0\.0"/);
    expect(r.out).to.match(/ADVISORY {2}openwebui-default-user-role {2}openwebui {2}DEFAULT_USER_ROLE="pending"/);
  });

  it("exits 1 on TD 51 (WEBUI_AUTH=false), one aligned line per finding", async () => {
    const r = await lint(f("describe-td51-webui-auth-false.json"));
    expect(r.code).to.equal(1);
    const lines = r.out.split("\n");
    expect(lines[0]).to.equal(`${f("describe-td51-webui-auth-false.json")}: 9 findings (6 mandatory)`);
    expect(lines[1]).to.match(/^ {2}MANDATORY {2}openwebui-no-webui-auth {18}openwebui {5}WEBUI_AUTH="false" is set/);
    expect(lines[4]).to.match(/^ {2}MANDATORY {2}oauth2-proxy-skip-auth-routes-allowlist {2}oauth2-proxy {2}Skip-auth route "\^\/api\/v1\/scim\/v2\/"/);
    expect(lines[5]).to.match(/^ {2}ADVISORY {3}openwebui-signout-redirect {15}openwebui {5}WEBUI_AUTH_SIGNOUT_REDIRECT_URL is not set/);
  });

  it("exits 1 on the guide's 'working' oauth2-proxy pattern given as a list of container definitions", async () => {
    const r = await lint(f("containers-guide-working-pattern.json"), "--json");
    expect(r.code).to.equal(1);
    const [doc] = JSON.parse(r.out);
    expect(doc.file).to.equal(f("containers-guide-working-pattern.json"));
    expect(doc.findings.map((x: any) => [x.policy, x.level, x.container])).to.deep.equal([
      ["oauth2-proxy-no-prefer-email-to-user", "mandatory", "oauth2-proxy"],
      ["oauth2-proxy-no-forwarded-header-trust", "mandatory", "oauth2-proxy"],
      ["openwebui-trusted-header-mode", "mandatory", "openwebui"],
      ["openwebui-signup-disabled", "mandatory", "openwebui"],
      ["oauth2-proxy-skip-auth-routes-allowlist", "mandatory", "oauth2-proxy"],
      ["openwebui-trusted-header-min-version", "advisory", "openwebui"],
      ["oauth2-proxy-no-oidc-email-claim", "advisory", "oauth2-proxy"],
      ["oauth2-proxy-email-domain-any", "mandatory", "oauth2-proxy"],
      ["image-security-floor", "mandatory", "openwebui"],
      ["app-listens-on-loopback", "advisory", "openwebui"],
    ]);
    for (const x of doc.findings) expect(Object.keys(x)).to.deep.equal(["policy", "level", "container", "message"]);
  });

  it("--json prints [{file, findings}] for every checkable file, in order", async () => {
    const r = await lint("--json", f("describe-golden.json"), f("describe-td51-webui-auth-false.json"));
    expect(r.code).to.equal(1);
    const docs = JSON.parse(r.out);
    expect(docs.map((d: any) => [d.file, d.findings.length])).to.deep.equal([
      [f("describe-golden.json"), 0],
      [f("describe-td51-webui-auth-false.json"), 9],
    ]);
  });

  it("exits 2 naming each file it cannot check, still checking the others", async () => {
    const missing = path.join(dir, "missing.json");
    const r = await lint(
      f("describe-td51-webui-auth-false.json"),
      f("malformed.json"),
      f("not-a-task-definition.json"),
      missing,
      dir,
      f("describe-golden.json"),
    );
    expect(r.code).to.equal(2);
    const errors = r.err.split("\n");
    expect(errors).to.have.length(4);
    expect(errors[0]).to.match(new RegExp(`^pluto lint: ${f("malformed.json")}: not JSON \\(`));
    expect(errors[1]).to.equal(
      `pluto lint: ${f("not-a-task-definition.json")}: not a task definition: expected {"taskDefinition": {"containerDefinitions": [...]}} (aws ecs describe-task-definition), a task definition with containerDefinitions, or a list of container definitions`,
    );
    expect(errors[2]).to.equal(`pluto lint: cannot read ${missing}: no such file`);
    expect(errors[3]).to.equal(`pluto lint: cannot read ${dir}: is a directory`);
    expect(r.out).to.contain("WEBUI_AUTH");
    expect(r.out).to.contain(`${f("describe-golden.json")}: ok`);
    expect(r.err).to.not.match(/\n\s+at /); // no stack trace
  });

  it("--config applies the organisation's pack config (levels and allowlist); a bad config exits 2 naming the key", async () => {
    const cfg = path.join(dir, "policy-config.json");
    fs.writeFileSync(cfg, JSON.stringify({ all: "advisory", "openwebui-signout-redirect": "disabled" }));
    const relaxed = await lint("--config", cfg, f("describe-td51-webui-auth-false.json"));
    expect(relaxed.code).to.equal(0);
    expect(relaxed.out).to.contain("8 findings (0 mandatory)");
    fs.writeFileSync(cfg, JSON.stringify({ "openwebui-no-webui-auth": "loud" }));
    const bad = await lint("--config", cfg, f("describe-golden.json"));
    expect(bad).to.deep.equal({
      code: 2,
      out: "",
      err: `pluto: ${cfg}: openwebui-no-webui-auth: enforcement level must be one of mandatory, advisory, disabled (got "loud")`,
    });
  });

  it("exits 2 with usage when no file is given", async () => {
    const r = await lint();
    expect(r.code).to.equal(2);
    expect(r.err).to.contain("missing required argument 'files'");
  });
});
