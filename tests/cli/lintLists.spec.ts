import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../cli/main";
import { memoryIo } from "../../cli/io";
import { ROOT } from "../helpers/stack";

const FIXTURES = path.join(__dirname, "..", "fixtures", "policies");
const fixture = (name: string) => JSON.parse(fs.readFileSync(path.join(FIXTURES, name), "utf8"));
const describeGolden = () => fixture("describe-golden.json");
const describeTd51 = () => fixture("describe-td51-webui-auth-false.json");
const bareWith = (set: Record<string, string>) => {
  const td = describeGolden().taskDefinition;
  const app = td.containerDefinitions.find((c: any) => c.name === "openwebui");
  for (const [name, value] of Object.entries(set)) app.environment.push({ name, value });
  return td;
};

async function lint(args: string[], stdin?: string) {
  const io = memoryIo({ stdin });
  const code = await main(["node", "pluto", "lint", ...args], io);
  return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
}

describe("pluto lint: lists of task definitions, standard input, unreadable files in --json", () => {
  let dir: string;
  const write = (name: string, value: unknown) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, typeof value === "string" ? value : JSON.stringify(value));
    return file;
  };
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "pluto-lint-lists-"))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("checks each task definition of a list of bare ones (WEBUI_AUTH=false no longer passes as a 'container')", async () => {
    const file = write("bare.json", [bareWith({}), bareWith({ WEBUI_AUTH: "false" })]);
    const r = await lint([file]);
    expect(r.code).to.equal(1);
    const lines = r.out.split("\n");
    expect(lines[0]).to.match(new RegExp(`^${file.replace(/[.[\]]/g, "\\$&")}\\[0\\] \\(pluto-openwebui:\\d+\\): ok$`));
    expect(lines[1]).to.match(/\[1\] \(pluto-openwebui:\d+\): 1 finding \(1 mandatory\)$/);
    expect(lines[2]).to.match(/^ {2}MANDATORY {2}openwebui-no-webui-auth {2}openwebui {2}WEBUI_AUTH="false"/);
  });

  it("checks each element of a list of describe-task-definition outputs (`jq -s`), reported with its index", async () => {
    const file = write("describe.json", [describeGolden(), describeTd51()]);
    const r = await lint(["--json", file]);
    expect(r.code).to.equal(1);
    const docs = JSON.parse(r.out);
    expect(docs.map((d: any) => [d.file, d.index, d.taskDefinition, d.findings.map((f: any) => f.policy)])).to.deep.equal([
      [file, 0, describeGolden().taskDefinition.taskDefinitionArn.split("/").pop(), []],
      [
        file,
        1,
        "pluto-openwebui:51",
        [
          "openwebui-no-webui-auth",
          "oauth2-proxy-no-forwarded-header-trust",
          "openwebui-signup-disabled",
          "oauth2-proxy-skip-auth-routes-allowlist",
          "openwebui-signout-redirect",
          "openwebui-trusted-header-min-version",
          "oauth2-proxy-email-domain-any",
          "image-security-floor",
          "app-listens-on-loopback",
        ],
      ],
    ]);
  });

  it("still reads a list of container definitions as one task", async () => {
    const file = write("containers.json", describeTd51().taskDefinition.containerDefinitions);
    const r = await lint(["--json", file]);
    expect(r.code).to.equal(1);
    const docs = JSON.parse(r.out);
    expect(docs).to.have.length(1);
    expect(docs[0]).to.not.have.property("index");
    expect(docs[0].findings.map((f: any) => f.policy)).to.include("openwebui-no-webui-auth");
  });

  it("names an element that is not a task definition, and checks the others", async () => {
    const file = write("mixed.json", [describeTd51(), { name: "stray-container", image: "x:1" }]);
    const r = await lint([file]);
    expect(r.code).to.equal(2);
    expect(r.err).to.equal(`pluto lint: ${file}[1]: not a task definition (the list mixes task definitions with something else)`);
    expect(r.out).to.contain(`${file}[0] (pluto-openwebui:51): 9 findings (6 mandatory)`);
  });

  it("reads standard input for `-`", async () => {
    const r = await lint(["--json", "-"], JSON.stringify(describeTd51()));
    expect(r.code).to.equal(1);
    expect(JSON.parse(r.out)[0]).to.include({ file: "<stdin>", taskDefinition: "pluto-openwebui:51" });
    const empty = await lint(["-"], "");
    expect(empty).to.deep.include({ code: 2 });
    expect(empty.err).to.match(/^pluto lint: <stdin>: not JSON \(/);
  });

  it("reads standard input in a real process (`aws ecs describe-task-definition ... | pluto lint -`)", function () {
    this.timeout(30_000);
    const out = execFileSync(path.join(ROOT, "bin", "pluto"), ["lint", "--json", "-"], { input: JSON.stringify(describeGolden()), encoding: "utf8" });
    expect(JSON.parse(out)).to.deep.equal([
      { file: "<stdin>", taskDefinition: describeGolden().taskDefinition.taskDefinitionArn.split("/").pop(), findings: [] },
    ]);
  });

  it("lists an unreadable or unparseable file in --json output with its error, in order", async () => {
    const missing = path.join(dir, "missing.json");
    const broken = write("broken.json", "{");
    const golden = write("golden.json", describeGolden());
    const r = await lint(["--json", missing, broken, golden]);
    expect(r.code).to.equal(2);
    const docs = JSON.parse(r.out);
    expect(docs[0]).to.deep.equal({ file: missing, error: `cannot read ${missing}: no such file` });
    expect(docs[1].file).to.equal(broken);
    expect(docs[1].error).to.match(/^.*broken\.json: not JSON \(/);
    expect(docs[2]).to.deep.include({ file: golden, findings: [] });
    expect(r.err.split("\n")).to.have.length(2);
  });
});
