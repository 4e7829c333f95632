import { expect } from "chai";
import { Stack, synthStack } from "../helpers/stack";
import { resolveWaits } from "../../cli/plan/graph";
import { BACKUP_SERVICE_POLICIES, validateBackupArgs } from "../../components/backup";
import { COUNTED_RULES, MANAGED_RULE_GROUPS, validateWafArgs } from "../../components/waf";
import { ConfigError, parseConfig, RawConfig } from "../../config";
import * as pulumi from "@pulumi/pulumi";

const FS = "aws:efs/fileSystem:FileSystem";
const RESTORED = "/aws-backup-restore_2026-01-29T03-12-00/open-webui";
const fsArn = (id: string) => `arn:aws:elasticfilesystem:us-west-2:123456789012:file-system/${id}`;

describe("backups, WAF and what the first deploy waits for", () => {
  describe("backups (default stack)", () => {
    let stack: Stack;
    before(async () => {
      stack = await synthStack();
    });

    it("backs up Open WebUI's file system daily for 35 days into a vault encrypted with the stack's own rotating key", () => {
      const key = stack.one("aws:kms/key:Key", "pluto-backup-key");
      expect(key.inputs).to.include({ enableKeyRotation: true });
      const vault = stack.inputs("aws:backup/vault:Vault");
      expect(vault).to.include({ kmsKeyArn: `arn:aws:kms:us-west-2:123456789012:key/${key.id}` });
      expect(vault.name).to.match(/^pluto-backup-[0-9a-f]{8}$/);
      expect(stack.one("aws:backup/vault:Vault").dependencies).to.include(key.urn);
      const plan = stack.inputs("aws:backup/plan:Plan");
      expect(plan.name).to.equal("pluto-backup");
      expect(plan.rules).to.have.length(1);
      expect(plan.rules[0]).to.deep.include({ schedule: "cron(0 3 * * ? *)", targetVaultName: vault.name, lifecycle: { deleteAfter: 35 } });
      const selection = stack.inputs("aws:backup/selection:Selection");
      const fs = stack.all(FS);
      expect(fs).to.have.length(1);
      expect(selection.resources).to.deep.equal([fsArn(fs[0].id)]);
      expect(stack.result.outputs.backupVaultName).to.equal(vault.name);
    });

    it("lets AWS Backup act through the documented service-role policies, trusted by backup.amazonaws.com only", () => {
      const role = stack.one("aws:iam/role:Role", "pluto-backup-role");
      expect(stack.managedPolicyArns(role)).to.deep.equal(BACKUP_SERVICE_POLICIES);
      expect(stack.inlinePolicies(role)).to.deep.equal([]);
      expect(
        stack
          .all("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
          .filter((a) => a.parent === role.urn)
          .map((a) => (a.inputs as any).policyArn),
      ).to.have.members(BACKUP_SERVICE_POLICIES);
      expect(stack.one("aws:backup/selection:Selection").dependencies).to.include.members(
        stack.all("aws:iam/rolePolicyAttachment:RolePolicyAttachment").map((a) => a.urn),
      );
      expect(JSON.parse((role.inputs as any).assumeRolePolicy).Statement).to.deep.equal([
        { Effect: "Allow", Principal: { Service: "backup.amazonaws.com" }, Action: "sts:AssumeRole" },
      ]);
      expect(stack.inputs("aws:backup/selection:Selection").iamRoleArn).to.match(/^arn:aws:iam::\d+:role\/pluto-backup-role/);
    });

    it("keeps the vault and its key through `pulumi destroy`, under a name a recreated stack does not collide with", () => {
      // The recovery points are the only copy of the file systems once the stack is gone; AWS refuses
      // to delete a vault that holds any, and a deleted key would make them unreadable.
      expect(stack.one("aws:backup/vault:Vault").retainOnDelete).to.equal(true);
      expect(stack.one("aws:kms/key:Key", "pluto-backup-key").retainOnDelete).to.equal(true);
      expect(stack.one("random:index/randomId:RandomId", "pluto-backup-vault-id").inputs).to.include({ byteLength: 4 });
      // The plan, selection and role go with the stack: nothing of theirs outlives it.
      expect(stack.one("aws:backup/plan:Plan").retainOnDelete).to.equal(false);
    });

    it("keeps RDS automated backups and the final snapshot", () => {
      const db = stack.inputs("aws:rds/instance:Instance");
      expect(db).to.include({ backupRetentionPeriod: 7, skipFinalSnapshot: false });
      expect(db.finalSnapshotIdentifier).to.match(/^pluto-openwebui-final-[0-9a-f]{8}$/);
    });

    it("has no web ACL unless pluto:waf.enabled is true", () => {
      expect(stack.all("aws:wafv2/webAcl:WebAcl")).to.have.length(0);
      expect(stack.all("aws:wafv2/webAclAssociation:WebAclAssociation")).to.have.length(0);
    });

    it("creates the task definition (and so the service) only once DATABASE_URL has a value, i.e. after the database", () => {
      const waits = resolveWaits(stack.result.resources);
      const version = stack.one("aws:secretsmanager/secretVersion:SecretVersion", "pluto-db-url-value");
      const db = stack.one("aws:rds/instance:Instance");
      expect(waits.get(version.urn)).to.include(db.urn);
      const td = stack.all("aws:ecs/taskDefinition:TaskDefinition").find((r) => (r.inputs as any).family === "pluto-openwebui")!;
      expect(td.propertyDependencies.containerDefinitions).to.include(version.urn);
      // Every secret the task reads is a stored version's ARN, so none can be missing when a task starts.
      const versions = stack.all("aws:secretsmanager/secretVersion:SecretVersion").map((v) => v.urn);
      const secretArns: string[] = JSON.parse((td.inputs as any).containerDefinitions).flatMap((c: any) => c.secrets.map((s: any) => s.valueFrom));
      expect(secretArns.length).to.be.greaterThan(2);
      expect(td.propertyDependencies.containerDefinitions.filter((u) => versions.includes(u)).length).to.be.at.least(new Set(secretArns).size);
    });
  });

  describe("with n8n, WAF and config overrides", () => {
    let stack: Stack;
    before(async () => {
      stack = await synthStack({
        "pluto:n8n": JSON.stringify({ enabled: true }),
        "pluto:backup": JSON.stringify({ retentionDays: 14, schedule: "cron(30 1 * * ? *)", restoredDataDirectories: { openwebui: RESTORED } }),
        "pluto:waf": JSON.stringify({ enabled: true, requestsPer5Minutes: 500 }),
      });
    });

    it("backs up n8n's file system too, with the configured retention and schedule", () => {
      const arns = stack.all(FS).map((f) => fsArn(f.id));
      expect(arns).to.have.length(2);
      expect(stack.inputs("aws:backup/selection:Selection").resources).to.have.members(arns);
      expect(stack.inputs("aws:backup/plan:Plan").rules[0]).to.deep.include({ schedule: "cron(30 1 * * ? *)", lifecycle: { deleteAfter: 14 } });
    });

    it("serves a restored directory through the app's access point when the config names one (n8n keeps its own)", () => {
      const ap = (suffix: string) => stack.one("aws:efs/accessPoint:AccessPoint", suffix).inputs as any;
      expect(ap("pluto-openwebui-data-ap").rootDirectory.path).to.equal(RESTORED);
      expect(ap("pluto-n8n-data-ap").rootDirectory.path).to.equal("/n8n");
    });

    it("puts a regional web ACL on the load balancer: per-IP rate limit first, then AWS's managed groups", () => {
      const acl = stack.inputs("aws:wafv2/webAcl:WebAcl");
      expect(acl).to.include({ name: "pluto-web", scope: "REGIONAL" });
      expect(acl.defaultAction).to.deep.equal({ allow: {} });
      expect(acl.rules.map((r: any) => [r.priority, r.name])).to.deep.equal([
        [0, "rate-limit-per-ip"],
        [1, "AWSManagedRulesAmazonIpReputationList"],
        [2, "AWSManagedRulesKnownBadInputsRuleSet"],
        [3, "AWSManagedRulesCommonRuleSet"],
      ]);
      expect(acl.rules[0].action).to.deep.equal({ block: {} });
      expect(acl.rules[0].statement.rateBasedStatement).to.deep.equal({ limit: 500, aggregateKeyType: "IP", evaluationWindowSec: 300 });
      for (const r of [acl, ...acl.rules])
        expect(r.visibilityConfig, r.name ?? "acl").to.include({ cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true });
      const association = stack.inputs("aws:wafv2/webAclAssociation:WebAclAssociation");
      expect(association.resourceArn).to.equal(stack.one("aws:lb/loadBalancer:LoadBalancer").id);
    });

    it("counts instead of blocking the body and header rules that chat text, uploads, pasted code and webhook callers trip", () => {
      const acl = stack.inputs("aws:wafv2/webAcl:WebAcl");
      const crs = acl.rules.find((r: any) => r.name === "AWSManagedRulesCommonRuleSet");
      expect(crs.overrideAction).to.deep.equal({ none: {} });
      const overrides = crs.statement.managedRuleGroupStatement.ruleActionOverrides;
      expect(overrides.map((o: any) => o.name)).to.have.members([
        "SizeRestrictions_BODY",
        "CrossSiteScripting_BODY",
        "GenericLFI_BODY",
        "GenericRFI_BODY",
        // A message quoting 169.254.169.254 is chat, not an attack on a task without instance metadata.
        "EC2MetaDataSSRF_BODY",
        // Public n8n webhooks: callers without a User-Agent are machines, not attackers.
        "NoUserAgent_HEADER",
      ]);
      for (const o of overrides) expect(o.actionToUse).to.deep.equal({ count: {} });
      const bad = acl.rules.find((r: any) => r.name === "AWSManagedRulesKnownBadInputsRuleSet").statement.managedRuleGroupStatement.ruleActionOverrides;
      expect(bad.map((o: any) => o.name)).to.have.members(["Log4JRCE_BODY", "JavaDeserializationRCE_BODY"]);
      // The reputation list blocks as AWS ships it.
      expect(
        acl.rules.find((r: any) => r.name === "AWSManagedRulesAmazonIpReputationList").statement.managedRuleGroupStatement.ruleActionOverrides,
      ).to.deep.equal([]);
      expect(Object.keys(COUNTED_RULES).every((g) => MANAGED_RULE_GROUPS.includes(g))).to.equal(true);
    });
  });

  describe("validation", () => {
    const secret = pulumi.output("s");
    const base: RawConfig = {
      domain: "pluto.example.com",
      googleClientId: "1-a.apps.googleusercontent.com",
      googleClientSecret: "x",
      alarmEmail: "ops@example.com",
      adminEmail: "admin@example.com",
      allowedEmailDomains: '["example.com"]',
    };
    const problems = (extra: RawConfig) => {
      try {
        parseConfig({ ...base, ...extra }, "eu-west-1", secret);
        return [];
      } catch (e) {
        if (e instanceof ConfigError) return e.problems;
        throw e;
      }
    };

    it("defaults: backups kept 35 days from 03:00 UTC, WAF off at 2000 requests per 5 minutes", () => {
      const c = parseConfig(base, "eu-west-1", secret);
      expect(c.backup).to.deep.equal({ retentionDays: 35, schedule: "cron(0 3 * * ? *)", restoredDataDirectories: {} });
      expect(c.waf).to.deep.equal({ enabled: false, requestsPer5Minutes: 2000 });
    });

    it("names every bad backup and waf value at once", () => {
      const p = problems({
        backup: JSON.stringify({ retentionDays: 0, schedule: "daily", keep: 1 }),
        waf: JSON.stringify({ enabled: "yes", requestsPer5Minutes: 5 }),
      });
      expect(p).to.have.length(5);
      expect(p.join("\n"))
        .to.match(/pluto:backup\.retentionDays: expected a whole number from 1 to 3650, got 0/)
        .and.match(/pluto:backup\.schedule: expected an AWS Backup cron expression/)
        .and.match(/pluto:backup\.keep: unknown field/)
        .and.match(/pluto:waf\.enabled: expected true or false, got "yes"/)
        .and.match(/pluto:waf\.requestsPer5Minutes: expected a whole number from 10 to 2000000000, got 5/);
    });

    it("accepts only absolute restored directories for known apps", () => {
      const p = problems({
        backup: JSON.stringify({ restoredDataDirectories: { openwebui: "/aws-backup-restore_x/../etc", n8n: "restored/n8n", other: "/x" } }),
      });
      expect(p.join("\n"))
        .to.match(/pluto:backup\.restoredDataDirectories\.other: unknown field/)
        .and.match(/pluto:backup\.restoredDataDirectories\.openwebui: expected an absolute directory/)
        .and.match(/pluto:backup\.restoredDataDirectories\.n8n: expected an absolute directory/);
      expect(
        parseConfig({ ...base, backup: JSON.stringify({ restoredDataDirectories: { openwebui: RESTORED } }) }, "eu-west-1", secret).backup
          .restoredDataDirectories,
      ).to.deep.equal({ openwebui: RESTORED });
    });

    it("components refuse bad arguments before creating anything", () => {
      expect(validateBackupArgs({ retentionDays: 0, schedule: "rate(1 day)", resources: [] })).to.have.length(3);
      expect(validateBackupArgs({ resources: ["arn"] })).to.deep.equal([]);
      expect(validateWafArgs({ requestsPer5Minutes: 9 })).to.have.length(1);
      expect(validateWafArgs({})).to.deep.equal([]);
    });
  });
});
