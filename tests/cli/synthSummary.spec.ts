import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../cli/main";
import { memoryIo } from "../../cli/io";
import { outputLines, policiesRun, summaryLine } from "../../cli/synth/summary";
import { packPolicies } from "../../policies/pack";
import { ROOT, Stack, stackFile, synthStack } from "../helpers/stack";

describe("pluto synth: summary, --config DIR, the prod example", () => {
  it("ends with one summary line: resources, the pack's result and the outputs, after the outputs", async () => {
    // --quiet (the summary line alone) is checked on the real process in synth.spec.ts.
    const io = memoryIo();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pluto-summary-"));
    try {
      expect(await main(["node", "pluto", "synth", "--config", stackFile()], io)).to.equal(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const last = io.stdout[io.stdout.length - 1];
    const outputs = Object.keys((await synthStack()).result.outputs);
    expect(outputs).to.include.members(["appUrl", "clusterName", "serviceName", "logGroupName"]);
    expect(last, last).to.match(
      new RegExp(
        `^pluto \\(dev\\): \\d+ resources; policy pack: ${policiesRun(packPolicies)} policies run, 0 mandatory, 0 advisory; 0 warnings; ${outputs.length} outputs: `,
      ),
    );
    // Export order is the transpiler's (TypeScript keeps declaration order, SWC sorts), so compare as a set.
    expect(last.split("outputs: ")[1].split(", ")).to.have.members(outputs);
    expect(io.stdout.join("\n")).to.match(/\n {2}clusterName +pluto-cluster\n/);
  });

  it("counts mandatory and advisory findings and the policies that ran", () => {
    const result = { project: "p", stack: "s", resources: [{}, {}] as never[], outputs: { appUrl: "https://a" } };
    const v = (level: "mandatory" | "advisory") => ({ policy: "x", level, message: "m" });
    expect(summaryLine(result, [v("mandatory"), v("advisory"), v("advisory")], 1)).to.equal(
      "p (s): 2 resources; policy pack: 1 policy run, 1 mandatory, 2 advisory; 0 warnings; 1 output: appUrl",
    );
    expect(summaryLine({ ...result, outputs: {} }, [], 15)).to.equal(
      "p (s): 2 resources; policy pack: 15 policies run, 0 mandatory, 0 advisory; 0 warnings; 0 outputs",
    );
    expect(policiesRun([{ name: "a", enforcementLevel: "disabled" }, { name: "b" }] as never)).to.equal(1);
    expect(outputLines({ n: 1, s: "x" })).to.deep.equal(["outputs (ids and ARNs are the offline mocks' stand-ins):", "  n  1", "  s  x"]);
    expect(outputLines({})).to.deep.equal([]);
  });

  it("says --config DIR is a directory", async () => {
    const io = memoryIo();
    expect(await main(["node", "pluto", "synth", "--config", ROOT], io)).to.equal(2);
    expect(io.stderr).to.deep.equal([`pluto: cannot read stack config ${ROOT}: it is a directory (give a Pulumi.<stack>.yaml file, or --stack NAME)`]);
  });

  describe("the production-shaped example stack (Pulumi.prod.yaml)", () => {
    let stack: Stack;
    let run: { code: number; stdout: string[]; stderr: string[] };
    before(async function () {
      this.timeout(60_000);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pluto-prod-"));
      try {
        const io = memoryIo();
        const file = path.join(dir, "prod.json");
        run = {
          code: await main(["node", "pluto", "synth", "--stack", "prod", "--config", stackFile("prod"), "--quiet", "--json", file], io),
          stdout: io.stdout,
          stderr: io.stderr,
        };
        const doc = JSON.parse(fs.readFileSync(file, "utf8"));
        stack = new Stack({ ...doc, resources: doc.resources.map((r: any) => ({ ...r, parent: r.parent ?? undefined })) });
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it("passes `pluto synth --stack prod` with no finding", () => {
      expect(run.code).to.equal(0);
      expect(run.stdout[0]).to.match(/^pluto \(prod\): \d+ resources; policy pack: \d+ policies run, 0 mandatory, 0 advisory;/);
      expect(run.stderr).to.deep.equal([]);
    });

    it("keeps a multi-AZ database with deletion protection and two weeks of backups", () => {
      expect(stack.inputs("aws:rds/instance:Instance")).to.include({ multiAz: true, deletionProtection: true, backupRetentionPeriod: 14 });
    });

    it("has a NAT gateway per AZ, and two to six Open WebUI tasks with Redis", () => {
      expect(stack.all("aws:ec2/natGateway:NatGateway").map((n) => n.name)).to.deep.equal(["pluto-prod-nat-1", "pluto-prod-nat-2"]);
      expect(stack.inputs("aws:appautoscaling/target:Target")).to.include({ minCapacity: 2, maxCapacity: 6 });
      expect(stack.all("aws:elasticache/replicationGroup:ReplicationGroup")).to.have.length(1);
    });
  });
});

describe("docs/deploy.md: stack outputs", () => {
  it("describes every output the program exports, and no other", async () => {
    const withN8n = await synthStack({ "pluto:n8n": JSON.stringify({ enabled: true }) });
    const readme = fs.readFileSync(path.join(ROOT, "docs", "deploy.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Stack outputs"));
    const table = section.slice(0, section.indexOf("\n\n", section.indexOf("| output |")));
    const documented = [...table.matchAll(/^\| `([A-Za-z0-9]+)` \|/gm)].map((m) => m[1]);
    expect(documented.sort()).to.deep.equal(Object.keys(withN8n.result.outputs).sort());
  });
});
