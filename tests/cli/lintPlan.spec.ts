/**
 * `pluto lint` over whole plans: the dev stack's `pluto synth --json` and a first `pulumi preview
 * --json` of it (tests/fixtures/plans, written by generate.ts there), each unchanged and with one
 * change of the security review's; exit codes as for task definitions.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../cli/main";
import { memoryIo } from "../../cli/io";
import { readPlan } from "../../cli/commands/lintPlan";
import { UNKNOWN_SENTINELS } from "../../policies/rules";
import { runPolicies } from "../../policies/runPolicies";
import { packPolicies } from "../../policies/pack";

const PLANS = path.join(__dirname, "..", "fixtures", "plans");
const load = (name: string) => JSON.parse(fs.readFileSync(path.join(PLANS, name), "utf8"));

async function lint(...args: string[]) {
  const io = memoryIo();
  const code = await main(["node", "pluto", "lint", ...args], io);
  return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
}

describe("pluto lint over a plan", function () {
  this.timeout(30_000);
  let dir: string;
  const write = (name: string, doc: unknown) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, JSON.stringify(doc));
    return file;
  };
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pluto-lint-plan-"));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  describe("pluto synth --json", () => {
    it("exits 0 with `ok` for the dev stack, having followed its references", async () => {
      const file = path.join(PLANS, "dev-synth.json");
      expect(await lint(file)).to.deep.equal({ code: 0, out: `${file}: ok`, err: "" });
      const plan = readPlan(load("dev-synth.json"));
      if (typeof plan !== "object") throw new Error(String(plan));
      // The mocks' ids are rebuilt: the task security group is known by the id its rules name.
      const taskSg = plan.resources.find((r) => r.name === "pluto-task")!;
      const rule = plan.resources.find((r) => r.name === "pluto-task-in-proxy")!;
      expect((taskSg.props as any).id).to.equal((rule.props as any).securityGroupId);
    });

    it("exits 1 when the service's load balancer entry points at Open WebUI", async () => {
      const doc = load("dev-synth.json");
      const svc = doc.resources.find((r: any) => r.type === "aws:ecs/service:Service");
      Object.assign(svc.inputs.loadBalancers[0], { containerName: "openwebui", containerPort: 8080 });
      const file = write("lb.json", doc);
      const r = await lint(file);
      expect(r.code).to.equal(1);
      expect(r.out).to.match(
        new RegExp(
          `^${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\[\\d+\\] \\(aws:ecs/service:Service::pluto-openwebui-svc-service\\): 1 finding \\(1 mandatory\\)`,
          "m",
        ),
      );
      expect(r.out).to.match(/MANDATORY {2}ecs-lb-targets-oauth2-proxy .*container openwebui \(Open WebUI\) on port 8080/);
    });

    it("exits 1 for a task rule finding inside the plan, and `--config` levels apply to both kinds", async () => {
      const doc = load("dev-synth.json");
      const td = doc.resources.find((r: any) => r.type === "aws:ecs/taskDefinition:TaskDefinition");
      const defs = JSON.parse(td.inputs.containerDefinitions);
      defs.find((c: any) => c.name === "openwebui").environment.push({ name: "WEBUI_AUTH", value: "false" });
      td.inputs.containerDefinitions = JSON.stringify(defs);
      doc.resources.find((r: any) => r.type === "aws:cognito/userPoolClient:UserPoolClient").inputs.explicitAuthFlows.push("ALLOW_USER_PASSWORD_AUTH");
      const file = write("task.json", doc);
      const r = await lint(file, "--json");
      expect(r.code).to.equal(1);
      const policies = JSON.parse(r.out).flatMap((e: any) => e.findings.filter((f: any) => f.level === "mandatory").map((f: any) => f.policy));
      expect(policies).to.include.members(["openwebui-no-webui-auth", "cognito-client-no-password-sign-in"]);
      const cfg = write("cfg.json", { "openwebui-no-webui-auth": "advisory", "cognito-client-no-password-sign-in": "disabled" });
      expect((await lint(file, "--config", cfg)).code).to.equal(0);
    });
  });

  describe("pulumi preview --json", () => {
    it("exits 0 for a first preview of the dev stack, reporting what cannot be known yet instead of passing it", async () => {
      const r = await lint(path.join(PLANS, "dev-preview.json"), "--json");
      expect(r.code).to.equal(0);
      const findings = JSON.parse(r.out).flatMap((e: any) => e.findings);
      expect(findings.filter((f: any) => f.level === "mandatory")).to.deep.equal([]);
      expect(findings.map((f: any) => f.policy)).to.include("ecs-lb-targets-oauth2-proxy");
      for (const f of findings) expect(f.message).to.match(/not known until deploy/);
    });

    it("the pack's own policy objects run over the same first preview without throwing, reporting unknowns as advisory", async () => {
      const plan = readPlan(load("dev-preview.json"));
      if (typeof plan !== "object") throw new Error(String(plan));
      const vs = await runPolicies(
        plan.resources.map((r) => ({ ...r, props: r.props as Record<string, unknown> })),
        {},
        packPolicies,
      );
      expect(vs.filter((v) => v.level === "mandatory")).to.deep.equal([]);
      expect(vs.length).to.be.greaterThan(0);
      for (const v of vs) expect(v.message).to.match(/not known until deploy/);
    });

    it("exits 1 when the X-Forwarded-Uri refusal rule is deleted (followed through propertyDependencies)", async () => {
      const doc = load("dev-preview.json");
      doc.steps = doc.steps.filter((s: any) => !s.urn.endsWith("refuse-forwarded-uri"));
      const r = await lint(write("refuse.json", doc));
      expect(r.code).to.equal(1);
      expect(r.out).to.match(/MANDATORY {2}alb-refuses-forwarded-headers .*no rule answering requests with a X-Forwarded-Uri header/);
    });

    it("exits 1 when a new rule opens the task security group to the internet, its group id still unknown", async () => {
      const doc = load("dev-preview.json");
      const sg = doc.steps.find((s: any) => s.urn.endsWith("::pluto-task")).urn;
      const urn = "urn:pulumi:dev::pluto::aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::open";
      doc.steps.push({
        op: "create",
        urn,
        newState: {
          urn,
          custom: true,
          type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
          inputs: { cidrIpv4: "0.0.0.0/0", fromPort: 0, toPort: 65535, ipProtocol: "tcp", securityGroupId: UNKNOWN_SENTINELS[0] },
          propertyDependencies: { securityGroupId: [sg] },
        },
      });
      // A first preview: the task's containers are not known, so it may not be a proxied task: reported, not refused.
      const first = await lint(write("open.json", doc));
      expect(first.code).to.equal(0);
      expect(first.out).to.match(/ADVISORY +ecs-task-ingress-proxy-only .*admits 0\.0\.0\.0\/0 on ports 0-65535/);
      // An update preview: the task definition is unchanged, so its containers are known.
      const known = load("dev-synth.json").resources.find((r: any) => r.type === "aws:ecs/taskDefinition:TaskDefinition");
      doc.steps.find((s: any) => s.urn === known.urn).newState.inputs.containerDefinitions = known.inputs.containerDefinitions;
      const r = await lint(write("open.json", doc));
      expect(r.code).to.equal(1);
      expect(r.out).to.match(/MANDATORY {2}ecs-task-ingress-proxy-only .*admits 0\.0\.0\.0\/0 on ports 0-65535/);
    });

    it("leaves out resources a step deletes, and reads a `pulumi stack export` the same way", async () => {
      const doc = load("dev-preview.json");
      const client = doc.steps.find((s: any) => s.newState.type === "aws:cognito/userPoolClient:UserPoolClient");
      client.newState.inputs.allowedOauthScopes = ["openid", "aws.cognito.signin.user.admin"];
      expect((await lint(write("scope.json", doc))).code).to.equal(1);
      doc.steps.push({ op: "delete", urn: client.urn, oldState: client.newState });
      expect((await lint(write("deleted.json", doc))).code).to.equal(0);
      const state = { version: 3, deployment: { resources: load("dev-preview.json").steps.map((s: any) => ({ ...s.newState, id: "x" })) } };
      expect((await lint(write("state.json", state))).code).to.equal(0);
    });
  });

  describe("unusable plans exit 2 with a line naming the problem", () => {
    const cases: [string, unknown, RegExp][] = [
      ["steps not a list", { steps: "x" }, /not a usable plan: steps is not a list/],
      ["a step without op", { steps: [{}] }, /steps\[0\] is not a preview step/],
      [
        "a preview with only deletions",
        { steps: [{ op: "delete", urn: "u" }] },
        /preview has no steps with a new state \(run pulumi preview --json --show-sames\)/,
      ],
      ["a synth resource without inputs", { resources: [{ urn: "u", type: "t" }] }, /resources\[0\] is not a synthesised resource/],
      ["a state resource without urn", { deployment: { resources: [{ type: "t" }] } }, /deployment\.resources\[0\] has no urn/],
    ];
    for (const [what, doc, pattern] of cases) {
      it(what, async () => {
        const r = await lint(write("bad.json", doc));
        expect(r.code).to.equal(2);
        expect(r.err).to.match(pattern);
      });
    }
  });
});
