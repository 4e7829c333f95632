import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../cli/main";
import { memoryIo } from "../../cli/io";
import { ROOT, stackFile as exampleStack } from "../helpers/stack";
import { PRICES_AS_OF } from "../../cli/plan/prices";
import type { PlanSummary } from "../../cli/commands/planSummary";

async function pluto(args: string[]) {
  const io = memoryIo();
  const code = await main(["node", "pluto", ...args], io);
  return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
}

describe("pluto plan-summary", () => {
  let dir: string;
  const stackFile = (name: string, replace: [string, string][], extra = "") => {
    let text = fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8");
    for (const [a, b] of replace) text = text.replace(a, b);
    const file = path.join(dir, name);
    fs.writeFileSync(file, text + extra);
    return file;
  };
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "pluto-plan-"))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("reports the critical path of the dev stack as one chain of waits, and an itemised monthly cost", async () => {
    const r = await pluto(["plan-summary", "--config", exampleStack(), "--json"]);
    expect(r.code).to.equal(0);
    const s: PlanSummary = JSON.parse(r.out);
    expect(s).to.include({ project: "pluto", stack: "dev", region: "us-west-2" });
    const p = s.firstDeploy.criticalPath;
    expect(p[0]).to.include({ start: 0 });
    expect(p[0]).to.not.have.property("waitsVia");
    for (let i = 1; i < p.length; i++) {
      expect(p[i].start, p[i].name).to.equal(p[i - 1].finish);
      expect(p[i].waitsVia, p[i].name).to.match(/^(input \w|dependsOn|parent|component)/);
      expect(p[i].source, p[i].name).to.be.a("string").and.not.equal("");
    }
    expect(s.firstDeploy.totalSeconds).to.equal(p[p.length - 1].finish);
    // Today's longest chain: the VPC, the load balancer, its alias record (Cognito wants the parent
    // domain to resolve) and the hosted-UI domain.
    expect(p.map((e) => e.type)).to.include.members(["awsx:ec2:Vpc", "aws:lb/loadBalancer:LoadBalancer", "aws:cognito/userPoolDomain:UserPoolDomain"]);
    expect(p.find((e) => e.type === "aws:cognito/userPoolDomain:UserPoolDomain")!.waitsVia).to.equal("dependsOn");
    expect(p.filter((e) => e.remoteComponent).map((e) => e.type)).to.deep.equal(["awsx:ec2:Vpc"]);
    const items = s.cost.items.map((i) => i.item);
    expect(items).to.include.members([
      "Fargate vCPU (pluto-openwebui)",
      "Application Load Balancer",
      "NAT gateways",
      "RDS PostgreSQL db.t4g.micro",
      "EFS Standard storage",
      "Secrets Manager secrets",
      "KMS customer managed keys",
      "AWS Backup (EFS warm storage)",
    ]);
    expect(items.some((i) => i.startsWith("WAF"))).to.equal(false);
    expect(s.cost).to.include({ priceRegion: "us-west-2", pricesAsOf: PRICES_AS_OF });
    expect(s.cost.warnings).to.deep.equal([]);
  });

  it("prints the path with start, duration and why each step waited, the sources, and the dated cost", async () => {
    const r = await pluto(["plan-summary", "--config", exampleStack(), "--assume", "efsGb=50"]);
    expect(r.code).to.equal(0);
    expect(r.out).to.match(/^pluto \(dev\) in us-west-2: \d+ resources$/m);
    expect(r.out).to.match(/^First deploy, estimated: \d+:\d\d \(min:s\) along the critical path$/m);
    expect(r.out).to.match(/^ +\d+:\d\d +\d+:\d\d +UserPoolDomain pluto-identity-domain +dependsOn +documented$/m);
    expect(r.out).to.match(/^ {2}- UserPoolDomain: AWS: "Your custom domain is online within five minutes"/m);
    expect(r.out).to.match(/^ {2}Note: awsx:ec2:Vpc pluto-vpc is a remote component; whatever uses any of its outputs waits until all of its children exist/m);
    expect(r.out).to.contain(`as of ${PRICES_AS_OF}; AWS changes prices`);
    expect(r.out).to.match(/^ {2}EFS Standard storage +\$15\.00 +1 file system\(s\) × 50 GB × \$0\.3$/m);
    expect(r.out).to.match(/^ {2}assumptions \(--assume key=value\): efsGb=50, /m);
    expect(r.out).to.match(/^ {2}not estimated: data transfer out/m);
  });

  it("adds the web ACL when WAF is enabled, priced for the stack's region", async () => {
    const file = stackFile("waf.yaml", [["aws:region: us-west-2", "aws:region: eu-central-1"]], "  pluto:waf:\n    enabled: true\n");
    const s: PlanSummary = JSON.parse((await pluto(["plan-summary", "--config", file, "--json"])).out);
    expect(s.region).to.equal("eu-central-1");
    expect(s.cost.priceRegion).to.equal("eu-central-1");
    const waf = s.cost.items.filter((i) => i.item.startsWith("WAF"));
    expect(waf.map((i) => [i.item, i.monthly])).to.deep.equal([
      ["WAF web ACL", 5],
      ["WAF rules", 4],
      ["WAF requests", 0.6],
    ]);
  });

  it("prices the gateway's models per member, autoscaling as a range, Container Insights, and names the largest saving", async () => {
    const file = stackFile(
      "models.yaml",
      [
        ["    desiredCount: 1\n", "    desiredCount: 1\n    autoscaling:\n      maxCount: 3\n"],
        ["  pluto:natGateways: single", "  pluto:natGateways: perAz"],
      ],
      "  pluto:models:\n    bedrock:\n      models:\n        - amazon.nova-lite-v1:0\n",
    );
    const r = await pluto(["plan-summary", "--config", file, "--assume", "members=10"]);
    expect(r.code, r.err).to.equal(0);
    expect(r.out).to.match(/^Monthly cost, estimated: \$[\d.]+ at the desired task count, up to \$[\d.]+ with autoscaling at its maximum \(On-Demand/m);
    expect(r.out).to.match(/^ {2}Fargate vCPU \(pluto-openwebui\) +\$[\d.]+–\$[\d.]+ +1–3 tasks × 1 vCPU/m);
    expect(r.out).to.match(/^ {2}Bedrock amazon\.nova-lite-v1:0 +\$[\d.]+ +10 members × \(2M in × \$0\.06 \+ 0\.4M out × \$0\.24\) per 1M tokens$/m);
    expect(r.out).to.match(
      /^ {2}model prices: Bedrock On-Demand per million tokens in us-east-1 as of \d{4}-\d\d-\d\d \(https:\/\/aws\.amazon\.com\/bedrock\/pricing\/\)/m,
    );
    expect(r.out).to.match(/^ {2}Container Insights metrics +\$[\d.]+ +~\d+ metrics/m);
    expect(r.out).to.match(/^ {2}largest saving: pluto:natGateways perAz → single saves about \$[\d.]+ a month/m);
    expect(r.out).to.match(/members=10, millionTokensInPerMember=2, millionTokensOutPerMember=0\.4/);
  });

  it("warns and uses us-east-1 prices for a region without its own", async () => {
    const file = stackFile("mumbai.yaml", [["aws:region: us-west-2", "aws:region: ap-south-1"]]);
    const r = await pluto(["plan-summary", "--config", file]);
    expect(r.code).to.equal(0);
    expect(r.out).to.contain("prices for us-east-1 as of");
    expect(r.out).to.match(/^warning: no prices for ap-south-1 in cli\/plan\/prices\.ts/m);
  });

  it("exits 2 naming a bad --assume, without a stack trace", async () => {
    const r = await pluto(["plan-summary", "--config", exampleStack(), "--assume", "efsGigs=3"]);
    expect(r.code).to.equal(2);
    expect(r.err).to.match(/pluto: --assume efsGigs=3: unknown assumption "efsGigs"/);
    expect(r.err).to.not.match(/\n\s+at /);
  });

  it("synth --json lists, per resource, the created resources it waits for", async () => {
    const file = path.join(dir, "dev.json");
    expect((await pluto(["synth", "-q", "--config", exampleStack(), "--json", file])).code).to.equal(0);
    const doc = JSON.parse(fs.readFileSync(file, "utf8"));
    const byName = (type: string, name: string) => doc.resources.find((r: any) => r.type === type && r.name === name);
    const svc = byName("aws:ecs/service:Service", "pluto-openwebui-svc-service");
    const urnOf = (type: string, name: string) => byName(type, name).urn;
    expect(svc.dependencies).to.include.members([
      urnOf("aws:lb/listenerRule:ListenerRule", "pluto-openwebui-svc-host"),
      urnOf("aws:efs/mountTarget:MountTarget", "pluto-openwebui-data-mount-0"),
      urnOf("aws:ecs/taskDefinition:TaskDefinition", "pluto-openwebui-svc-taskdef"),
    ]);
    expect(byName("aws:lb/listener:Listener", "pluto-ingress-https").dependencies).to.include(
      urnOf("aws:acm/certificateValidation:CertificateValidation", "pluto-ingress-tls-validation"),
    );
    // Never a component of ours: waiting on one means waiting on what it contains.
    const components = new Set(doc.resources.filter((r: any) => r.type.startsWith("pluto:")).map((r: any) => r.urn));
    for (const r of doc.resources) for (const d of r.dependencies) expect(components.has(d), `${r.name} -> ${d}`).to.equal(false);
  });
});
