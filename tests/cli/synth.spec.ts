import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../cli/main";
import { memoryIo } from "../../cli/io";
import { ROOT, stackFile } from "../helpers/stack";

const devYaml = () => fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8");

describe("pluto synth", () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pluto-synth-"));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("writes {project, stack, resources, outputs, violations} with secrets masked, and prints the tree", async () => {
    const io = memoryIo();
    const file = path.join(dir, "dev.json");
    const code = await main(["node", "pluto", "synth", "--config", stackFile(), "--json", file], io);
    expect(code).to.equal(0);
    const doc = JSON.parse(fs.readFileSync(file, "utf8"));
    expect(Object.keys(doc)).to.deep.equal(["project", "stack", "resources", "outputs", "violations"]);
    expect(doc).to.include({ project: "pluto", stack: "dev" });
    expect(doc.violations).to.deep.equal([]);
    for (const r of doc.resources) expect(Object.keys(r)).to.deep.equal(["urn", "type", "name", "parent", "dependencies", "aliases", "inputs"]);
    const service = doc.resources.find((r: any) => r.type === "aws:ecs/service:Service");
    expect(service.urn).to.match(/^urn:pulumi:dev::pluto::.*pluto:ecs:ProxiedService\$aws:ecs\/service:Service::pluto-openwebui-svc-service$/);
    expect(doc.resources.find((r: any) => r.urn === service.parent).type).to.equal("pluto:ecs:ProxiedService");
    const text = fs.readFileSync(file, "utf8");
    expect(text).to.not.contain("synth-placeholder-secret");
    expect(text).to.not.contain("M0ckRandomValue"); // generated passwords never leave as plain text
    expect(doc.outputs.clusterName).to.equal("pluto-cluster");
    for (const fn of ["pluto-cognito-postconfirm", "pluto-user-provisioning-worker", "pluto-cognito-name-claim"]) {
      const code = doc.resources.find((r: any) => r.inputs.name === fn).inputs.code;
      expect(Object.keys(code.assets), fn).to.deep.equal(["__index.js"]);
      expect(code.assets["__index.js"].text).to.match(/exports\.handler = /);
    }
    const tree = io.stdout.join("\n");
    expect(tree).to.match(/^pluto \(dev\): \d+ resources/);
    expect(tree).to.contain("pluto:ecs:ProxiedService  pluto-openwebui-svc");
    expect(io.stderr.join("\n"), "the dev stack deserves no warning").to.equal("");
  });

  it("warns on stderr, without failing, when the stack admits any Google account", async () => {
    const open = path.join(dir, "open.yaml");
    fs.writeFileSync(open, devYaml().replace(/ {2}pluto:allowedEmailDomains:\n {4}- example.com\n/, "  pluto:allowAnyGoogleAccount: true\n"));
    const io = memoryIo();
    expect(await main(["node", "pluto", "synth", "--quiet", "--config", open], io)).to.equal(0);
    expect(io.stderr).to.deep.equal([
      "WARNING  pluto:allowAnyGoogleAccount is true: anyone with a Google account can join this workspace (oauth2-proxy EMAIL_DOMAINS=*); the domain and email lists are not enforced",
    ]);
  });

  it("exits 2 naming pluto:allowedEmailDomains when the stack admits nobody", async () => {
    const closed = path.join(dir, "closed.yaml");
    fs.writeFileSync(closed, devYaml().replace(/ {2}pluto:allowedEmailDomains:\n {4}- example.com\n/, ""));
    const io = memoryIo();
    expect(await main(["node", "pluto", "synth", "--quiet", "--config", closed], io)).to.equal(2);
    expect(io.stderr.join("\n"))
      .to.contain("pluto:allowedEmailDomains: required — who may join")
      .and.not.match(/\n\s+at /);
  });

  it("exits 2 naming the key, without a stack trace, on invalid config", async () => {
    const bad = path.join(dir, "bad.yaml");
    fs.writeFileSync(
      bad,
      devYaml().replace("pluto:domain: pluto.example.com", "pluto:domain: https://pluto.example.com").replace("memory: 2048", "memory: 3000"),
    );
    const io = memoryIo();
    const code = await main(["node", "pluto", "synth", "--config", bad], io);
    expect(code).to.equal(2);
    const err = io.stderr.join("\n");
    expect(err).to.contain("pluto:domain: expected a host name");
    expect(err).to.contain("pluto:openWebUi.memory: 3000 MiB is not valid with cpu 1024");
    expect(err).to.not.match(/\n\s+at /);
  });

  it("exits 1 naming the policy when config asks for a setting the pack forbids", async () => {
    const bad = path.join(dir, "forbidden.yaml");
    fs.writeFileSync(bad, devYaml() + '  pluto:openWebUiSettings:\n    WEBUI_AUTH: "false"\n');
    const io = memoryIo();
    expect(await main(["node", "pluto", "synth", "--config", bad], io)).to.equal(1);
    const err = io.stderr.join("\n");
    expect(err).to.match(/refused by policy openwebui-no-webui-auth/);
    expect(err).to.not.match(/\n\s+at /);
  });

  it("exits 2 naming the file when the stack config is missing or not YAML", async () => {
    const io = memoryIo();
    expect(await main(["node", "pluto", "synth", "--stack", "nosuch"], io)).to.equal(2);
    expect(io.stderr.join("")).to.match(/no stack "nosuch": .*Pulumi\.nosuch\.yaml does not exist; the stacks here: dev, prod\./);
    const broken = path.join(dir, "broken.yaml");
    fs.writeFileSync(broken, "config: [unclosed");
    const io2 = memoryIo();
    expect(await main(["node", "pluto", "synth", "--config", broken], io2)).to.equal(2);
    expect(io2.stderr.join("")).to.contain(`${broken} is not valid YAML`);
  });

  it("runs as `npm run synth` in a separate process with no cloud credentials", function () {
    this.timeout(60000);
    const file = path.join(dir, "proc.json");
    const env = { ...process.env, AWS_ACCESS_KEY_ID: "", AWS_SECRET_ACCESS_KEY: "", AWS_PROFILE: "", PULUMI_ACCESS_TOKEN: "" };
    const out = execFileSync(path.join(ROOT, "bin", "pluto"), ["synth", "--quiet", "--json", file], { cwd: ROOT, env, encoding: "utf8" });
    expect(out).to.match(/^pluto \(dev\): \d+ resources; policy pack: \d+ policies run, 0 mandatory, 0 advisory; 0 warnings; \d+ outputs: .*\bappUrl\b/);
    expect(out.trim().split("\n"), "--quiet prints the summary line only").to.have.length(1);
    expect(JSON.parse(fs.readFileSync(file, "utf8")).resources.length).to.be.greaterThan(50);
  });
});
