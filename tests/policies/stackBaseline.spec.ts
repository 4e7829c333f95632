/**
 * Sign-in around the proxy (Cognito app clients, Lambda secrets) and the AWS baseline, each as one
 * change to the dev stack's synthesised resources; the unchanged dev and prod stacks find nothing.
 */
import { expect } from "chai";
import { runPolicies, PolicyViolation } from "../../policies/runPolicies";
import { stackPolicies } from "../../policies/stackPolicies";
import { BASELINE_POLICIES, WIRING_POLICIES } from "../../policies/stack/info";
import { checkGraph, GRAPH_RULES } from "../../policies/stack";
import { UNKNOWN_SENTINELS } from "../../policies/rules";
import { Resources, T, devResources } from "../helpers/stackResources";
import { readStackConfig } from "../../cli/synth/stackConfig";
import { synthesize } from "../../cli/synth/harness";
import * as fs from "fs";
import * as path from "path";

const UNKNOWN_STRING = UNKNOWN_SENTINELS[0];

async function found(res: Resources, policy: string): Promise<PolicyViolation[]> {
  return (await runPolicies(res.list, {}, stackPolicies)).filter((v) => v.policy === policy);
}

async function expectFinding(res: Resources, policy: string, level: "mandatory" | "advisory", pattern: RegExp): Promise<void> {
  const vs = await found(res, policy);
  expect(
    vs.map((v) => v.level),
    JSON.stringify(vs, null, 1),
  ).to.deep.equal([level]);
  expect(vs[0].message).to.match(pattern);
}

describe("stack policies: Cognito clients, Lambda secrets and the AWS baseline", function () {
  this.timeout(60_000);

  it("every graph policy has a rule, a description naming what it mirrors (baseline), and the pack runs it", () => {
    const names = stackPolicies.map((p) => p.name);
    for (const p of [...WIRING_POLICIES, ...BASELINE_POLICIES]) {
      expect(GRAPH_RULES[p.name], p.name).to.be.a("function");
      expect(names).to.include(p.name);
    }
    for (const p of BASELINE_POLICIES) expect(p.description, p.name).to.match(new RegExp(`AWS Config ${p.name}`));
  });

  it("docs/stack-policies.md lists every graph policy with its default level", () => {
    const page = fs.readFileSync(path.join(__dirname, "..", "..", "docs", "stack-policies.md"), "utf8");
    const rows = new Map([...page.matchAll(/^\| `([a-z0-9-]+)` \| (mandatory|advisory) \|/gm)].map((m) => [m[1], m[2]]));
    expect([...rows.keys()].sort()).to.deep.equal([...WIRING_POLICIES, ...BASELINE_POLICIES].map((p) => p.name).sort());
    for (const p of [...WIRING_POLICIES, ...BASELINE_POLICIES]) expect(rows.get(p.name), p.name).to.equal(p.defaultLevel);
  });

  it("fails closed: a rule that throws is a finding at its policy's level, through the pack too", async () => {
    const res = await devResources();
    const original = GRAPH_RULES["ecs-lb-targets-oauth2-proxy"];
    GRAPH_RULES["ecs-lb-targets-oauth2-proxy"] = () => {
      throw new Error("boom");
    };
    try {
      const expected = { policy: "ecs-lb-targets-oauth2-proxy", level: "mandatory" };
      expect(checkGraph(res.list)).to.deep.equal([
        {
          ...expected,
          message:
            "Could not be checked by ecs-lb-targets-oauth2-proxy: internal error (boom). The policy will check it once the value is known (pulumi up); until then nothing is verified.",
        },
      ]);
      expect((await found(res, "ecs-lb-targets-oauth2-proxy")).map((v) => [v.policy, v.level])).to.deep.equal([[expected.policy, expected.level]]);
    } finally {
      GRAPH_RULES["ecs-lb-targets-oauth2-proxy"] = original;
    }
  });

  it("the prod stack passes with no finding", async () => {
    const { config, secretKeys } = readStackConfig(path.join(__dirname, "..", "..", "Pulumi.prod.yaml"));
    const prod = await synthesize({ config, secretKeys, stack: "prod" });
    const vs = await runPolicies(
      prod.resources.map((r) => ({ type: r.type, name: r.name, urn: r.urn, props: r.inputs, propertyDependencies: r.propertyDependencies })),
      {},
      stackPolicies,
    );
    expect(vs).to.deep.equal([]);
  });

  describe("cognito-client-no-password-sign-in", () => {
    const cases: [string, (c: any) => void, RegExp][] = [
      ["password flow", (c) => c.explicitAuthFlows.push("ALLOW_USER_PASSWORD_AUTH"), /allows ALLOW_USER_PASSWORD_AUTH: anyone who knows the client id/],
      ["SRP flow", (c) => c.explicitAuthFlows.push("ALLOW_USER_SRP_AUTH"), /allows ALLOW_USER_SRP_AUTH/],
      ["admin password flow", (c) => c.explicitAuthFlows.push("ALLOW_ADMIN_USER_PASSWORD_AUTH"), /allows ALLOW_ADMIN_USER_PASSWORD_AUTH/],
      ["flows left to Cognito's default", (c) => delete c.explicitAuthFlows, /leaves explicitAuthFlows unset, and Cognito then allows ALLOW_USER_SRP_AUTH/],
      ["admin scope", (c) => c.allowedOauthScopes.push("aws.cognito.signin.user.admin"), /offers the aws\.cognito\.signin\.user\.admin scope/],
      ["implicit flow", (c) => c.allowedOauthFlows.push("implicit"), /allows the implicit flow/],
      ["COGNITO beside Google", (c) => c.supportedIdentityProviders.push("COGNITO"), /offers COGNITO as an identity provider/],
      ["no client secret", (c) => (c.generateSecret = false), /has no client secret/],
    ];
    for (const [what, change, pattern] of cases) {
      it(`refuses an app client with ${what}`, async () => {
        const res = await devResources();
        change(res.props(T.client));
        await expectFinding(res, "cognito-client-no-password-sign-in", "mandatory", pattern);
      });
    }

    it("passes the dev client, which offers Google only, and reports unknown flows as unchecked", async () => {
      const res = await devResources();
      expect(res.props(T.client).supportedIdentityProviders).to.deep.equal(["Google"]);
      expect(await found(res, "cognito-client-no-password-sign-in")).to.deep.equal([]);
      res.props(T.client).explicitAuthFlows = UNKNOWN_STRING;
      await expectFinding(res, "cognito-client-no-password-sign-in", "advisory", /^Could not be checked by cognito-client-no-password-sign-in/);
    });
  });

  describe("lambda-no-plaintext-secrets", () => {
    for (const name of ["DB_PASSWORD", "N8N_API_KEY", "GOOGLE_CLIENT_SECRET"]) {
      it(`refuses ${name} with a literal value in a Lambda's environment`, async () => {
        const res = await devResources();
        res.props(T.lambda, "provisioning-worker").environment.variables[name] = "hunter2hunter2";
        await expectFinding(
          res,
          "lambda-no-plaintext-secrets",
          "mandatory",
          new RegExp(`${name} holds a literal value in the environment of pluto-provisioning-worker`),
        );
      });
    }

    it("accepts a Secrets Manager ARN, and reports an unknown secret-named value as unchecked", async () => {
      const res = await devResources();
      const vars = res.props(T.lambda, "provisioning-worker").environment.variables;
      vars.N8N_API_KEY_SECRET = "arn:aws:secretsmanager:us-west-2:123456789012:secret:n8n-key-AbCdEf";
      expect(await found(res, "lambda-no-plaintext-secrets")).to.deep.equal([]);
      vars.SMTP_PASSWORD = UNKNOWN_STRING;
      await expectFinding(res, "lambda-no-plaintext-secrets", "advisory", /SMTP_PASSWORD .* not known until deploy/);
    });
  });

  describe("AWS baseline", () => {
    const cases: [string, "mandatory" | "advisory", (r: Resources) => void, RegExp][] = [
      ["rds-instance-public-access-check", "mandatory", (r) => (r.props(T.rds).publiclyAccessible = true), /is publicly accessible/],
      ["rds-storage-encrypted", "mandatory", (r) => (r.props(T.rds).storageEncrypted = false), /does not encrypt its storage/],
      ["db-instance-backup-enabled", "advisory", (r) => (r.props(T.rds).backupRetentionPeriod = 0), /keeps no automated backups/],
      ["efs-encrypted-check", "mandatory", (r) => (r.props(T.efs).encrypted = false), /is not encrypted at rest/],
      [
        "encrypted-volumes",
        "mandatory",
        (r) => r.add("aws:ebs/volume:Volume", "scratch", { availabilityZone: "us-west-2a", size: 10 }),
        /scratch \(aws:ebs\/volume:Volume\) is not encrypted/,
      ],
      [
        "encrypted-volumes",
        "mandatory",
        (r) => r.add("aws:ec2/instance:Instance", "bastion", { rootBlockDevice: { encrypted: false } }),
        /bastion .* has an unencrypted block device/,
      ],
      ["cmk-backing-key-rotation-enabled", "advisory", (r) => (r.props(T.kms).enableKeyRotation = false), /does not rotate its key material/],
      [
        "alb-http-to-https-redirection-check",
        "mandatory",
        (r) => (r.props(T.listener, "http").defaultActions = [{ type: "forward", targetGroupArn: r.props(T.service).loadBalancers[0].targetGroupArn }]),
        /HTTP listener pluto-ingress-http does not redirect to HTTPS/,
      ],
      [
        "alb-http-drop-invalid-header-enabled",
        "mandatory",
        (r) => (r.props(T.loadBalancer).dropInvalidHeaderFields = false),
        /passes header fields with invalid names/,
      ],
      ["elb-logging-enabled", "advisory", (r) => (r.props(T.loadBalancer).accessLogs.enabled = false), /writes no access logs/],
      [
        "elb-deletion-protection-enabled",
        "advisory",
        (r) => {
          for (const rec of r.all(T.record).filter((x) => (x.props as any).aliases)) r.remove(T.record, rec.name);
        },
        /has no deletion protection and no Route 53 alias in this stack/,
      ],
    ];
    for (const [policy, level, change, pattern] of cases) {
      it(`${policy}: ${level} finding for ${pattern.source.replace(/\\/g, "")}`, async () => {
        const res = await devResources();
        change(res);
        await expectFinding(res, policy, level, pattern);
      });
    }

    it("elb-deletion-protection-enabled accepts an alias-less load balancer with deletion protection on", async () => {
      const res = await devResources();
      for (const rec of res.all(T.record).filter((x) => (x.props as any).aliases)) res.remove(T.record, rec.name);
      res.props(T.loadBalancer).enableDeletionProtection = true;
      expect(await found(res, "elb-deletion-protection-enabled")).to.deep.equal([]);
    });

    it("reports a value unknown during preview as unchecked, never as passed", async () => {
      const res = await devResources();
      res.props(T.rds).publiclyAccessible = UNKNOWN_STRING;
      await expectFinding(res, "rds-instance-public-access-check", "advisory", /publiclyAccessible .* not known until deploy/);
    });

    it("checkGraph applies configured levels: disabled skips, advisory lowers", async () => {
      const res = await devResources();
      res.props(T.rds).publiclyAccessible = true;
      const run = (levels: Record<string, "mandatory" | "advisory" | "disabled">) =>
        checkGraph(res.list, { levels })
          .filter((f) => f.policy === "rds-instance-public-access-check")
          .map((f) => f.level);
      expect(run({})).to.deep.equal(["mandatory"]);
      expect(run({ "rds-instance-public-access-check": "advisory" })).to.deep.equal(["advisory"]);
      expect(run({ "rds-instance-public-access-check": "disabled" })).to.deep.equal([]);
    });
  });
});
