import { expect } from "chai";
import { namePrefixProblems } from "../../config";
import { AUTO_NAME_SUFFIX_LENGTH, modelledAutoName } from "../../naming/names";
import { SynthResource } from "../../cli/synth/harness";
import { Stack, synthStack } from "../helpers/stack";

/** Letters, digits and single hyphens, starting with a letter, not ending with a hyphen (RDS, ElastiCache identifiers). */
const IDENTIFIER = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
/** Alphanumerics and hyphens, not beginning or ending with a hyphen (load balancers, target groups). */
const ELB_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;
const ALNUM_DASH_UNDERSCORE = /^[A-Za-z0-9_-]+$/;
const IAM_NAME = /^[\w+=,.@-]+$/;

interface NameRule {
  /** Input that holds the physical name. */
  field: string;
  /** Pulumi generates `<logical name>-<7 random>` when `field` is not set. */
  autoNamed?: boolean;
  /** Input holding a prefix to which the provider appends `prefixSuffixLength` characters. */
  prefixField?: string;
  prefixSuffixLength?: number;
  max: number;
  pattern: RegExp;
  /** A further rule: returns what is wrong, if anything. */
  also?: (name: string) => string | undefined;
  /** Where AWS states the limit. */
  doc: string;
}

/**
 * The AWS limit on every physical name the stack chooses, each from the API reference that states it.
 * A resource type the stack creates that is in neither table fails the test: add its row.
 */
const LIMITS: Record<string, NameRule[]> = {
  "aws:lb/loadBalancer:LoadBalancer": [
    {
      field: "name",
      autoNamed: true,
      max: 32,
      pattern: ELB_NAME,
      also: (n) => (n.startsWith("internal-") ? 'may not begin with "internal-"' : undefined),
      doc: "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html",
    },
  ],
  "aws:lb/targetGroup:TargetGroup": [
    {
      field: "name",
      autoNamed: true,
      max: 32,
      pattern: ELB_NAME,
      doc: "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html",
    },
  ],
  "aws:rds/instance:Instance": [
    {
      field: "identifier",
      autoNamed: true,
      max: 63,
      pattern: IDENTIFIER,
      doc: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html",
    },
    {
      field: "finalSnapshotIdentifier",
      max: 255,
      pattern: IDENTIFIER,
      doc: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteDBInstance.html",
    },
  ],
  "aws:rds/subnetGroup:SubnetGroup": [
    {
      field: "name",
      autoNamed: true,
      max: 255,
      pattern: /^[a-z0-9 ._-]+$/,
      also: (n) => (n === "default" ? 'may not be "default"' : undefined),
      doc: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBSubnetGroup.html",
    },
  ],
  "aws:rds/parameterGroup:ParameterGroup": [
    {
      field: "name",
      autoNamed: true,
      max: 255,
      pattern: IDENTIFIER,
      doc: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBParameterGroup.html",
    },
  ],
  "aws:elasticache/replicationGroup:ReplicationGroup": [
    {
      field: "replicationGroupId",
      autoNamed: true,
      max: 40,
      pattern: IDENTIFIER,
      doc: "https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateReplicationGroup.html",
    },
  ],
  "aws:elasticache/subnetGroup:SubnetGroup": [
    {
      field: "name",
      autoNamed: true,
      max: 255,
      pattern: /^[a-z0-9-]+$/,
      doc: "https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateCacheSubnetGroup.html",
    },
  ],
  "aws:iam/role:Role": [
    { field: "name", autoNamed: true, max: 64, pattern: IAM_NAME, doc: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html" },
  ],
  "aws:iam/rolePolicy:RolePolicy": [
    { field: "name", autoNamed: true, max: 128, pattern: IAM_NAME, doc: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html" },
  ],
  "aws:lambda/function:Function": [
    { field: "name", autoNamed: true, max: 64, pattern: ALNUM_DASH_UNDERSCORE, doc: "https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html" },
  ],
  "aws:lambda/permission:Permission": [
    {
      field: "statementId",
      autoNamed: true,
      max: 100,
      pattern: /^[a-zA-Z0-9_-]+$/,
      doc: "https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html",
    },
  ],
  "aws:cloudwatch/logGroup:LogGroup": [
    {
      field: "name",
      autoNamed: true,
      max: 512,
      pattern: /^[.\-_/#A-Za-z0-9]+$/,
      doc: "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html",
    },
  ],
  "aws:cloudwatch/logMetricFilter:LogMetricFilter": [
    {
      field: "name",
      autoNamed: true,
      max: 512,
      pattern: /^[^:*]+$/,
      doc: "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutMetricFilter.html",
    },
  ],
  "aws:cloudwatch/metricAlarm:MetricAlarm": [
    {
      field: "name",
      autoNamed: true,
      max: 255,
      pattern: /^[\x20-\x7e]+$/,
      doc: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html",
    },
  ],
  "aws:cloudwatch/dashboard:Dashboard": [
    {
      field: "dashboardName",
      max: 255,
      pattern: ALNUM_DASH_UNDERSCORE,
      doc: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html",
    },
  ],
  "aws:sns/topic:Topic": [
    { field: "name", autoNamed: true, max: 256, pattern: ALNUM_DASH_UNDERSCORE, doc: "https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html" },
  ],
  "aws:sqs/queue:Queue": [
    {
      field: "name",
      autoNamed: true,
      max: 80,
      pattern: ALNUM_DASH_UNDERSCORE,
      doc: "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html",
    },
  ],
  // With `namePrefix` the AWS provider appends a 26-character unique id (terraform-provider-aws `id.PrefixedUniqueId`).
  "aws:secretsmanager/secret:Secret": [
    {
      field: "name",
      prefixField: "namePrefix",
      prefixSuffixLength: 26,
      max: 512,
      pattern: /^[A-Za-z0-9/_+=.@-]+$/,
      doc: "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html",
    },
  ],
  "aws:ecs/cluster:Cluster": [
    {
      field: "name",
      autoNamed: true,
      max: 255,
      pattern: ALNUM_DASH_UNDERSCORE,
      doc: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateCluster.html",
    },
  ],
  "aws:ecs/service:Service": [
    {
      field: "name",
      autoNamed: true,
      max: 255,
      pattern: ALNUM_DASH_UNDERSCORE,
      doc: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html",
    },
  ],
  "aws:ecs/taskDefinition:TaskDefinition": [
    {
      field: "family",
      max: 255,
      pattern: ALNUM_DASH_UNDERSCORE,
      doc: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html",
    },
  ],
  "aws:ec2/securityGroup:SecurityGroup": [
    {
      field: "name",
      autoNamed: true,
      max: 255,
      pattern: /^[\x20-\x7e]+$/,
      also: (n) => (n.startsWith("sg-") ? 'may not begin with "sg-"' : undefined),
      doc: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html",
    },
  ],
  "aws:efs/fileSystem:FileSystem": [
    { field: "creationToken", autoNamed: true, max: 64, pattern: /^.+$/, doc: "https://docs.aws.amazon.com/efs/latest/ug/API_CreateFileSystem.html" },
  ],
  "aws:cognito/userPool:UserPool": [
    {
      field: "name",
      autoNamed: true,
      max: 128,
      pattern: /^[\w\s+=,.@-]+$/,
      doc: "https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPool.html",
    },
  ],
  "aws:cognito/userPoolClient:UserPoolClient": [
    {
      field: "name",
      autoNamed: true,
      max: 128,
      pattern: /^[\w\s+=,.@-]+$/,
      doc: "https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html",
    },
  ],
  "aws:cognito/identityProvider:IdentityProvider": [
    {
      field: "providerName",
      max: 32,
      pattern: /^[^_\s][\p{L}\p{M}\p{S}\p{N}\p{P}]*$/u,
      doc: "https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateIdentityProvider.html",
    },
  ],
  "aws:appautoscaling/policy:Policy": [
    {
      field: "name",
      autoNamed: true,
      max: 256,
      pattern: /^[\x20-\x7e]+$/,
      doc: "https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScalingPolicy.html",
    },
  ],
  "aws:kms/alias:Alias": [
    {
      field: "name",
      max: 256,
      pattern: /^alias\/[a-zA-Z0-9/_-]+$/,
      also: (n) => (n.startsWith("alias/aws/") ? 'may not begin with "alias/aws/" (reserved for AWS managed keys)' : undefined),
      doc: "https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html",
    },
  ],
  "aws:backup/vault:Vault": [
    { field: "name", max: 50, pattern: /^[a-zA-Z0-9_-]{2,50}$/, doc: "https://docs.aws.amazon.com/aws-backup/latest/devguide/API_CreateBackupVault.html" },
  ],
  "aws:backup/plan:Plan": [
    { field: "name", max: 50, pattern: /^[a-zA-Z0-9_.-]{1,50}$/, doc: "https://docs.aws.amazon.com/aws-backup/latest/devguide/API_BackupPlanInput.html" },
  ],
  "aws:backup/selection:Selection": [
    { field: "name", max: 50, pattern: /^[a-zA-Z0-9_.-]{1,50}$/, doc: "https://docs.aws.amazon.com/aws-backup/latest/devguide/API_BackupSelection.html" },
  ],
  "aws:wafv2/webAcl:WebAcl": [
    { field: "name", max: 128, pattern: /^[\w-]+$/, doc: "https://docs.aws.amazon.com/waf/latest/APIReference/API_CreateWebACL.html" },
  ],
  "aws:s3/bucket:Bucket": [
    {
      field: "bucket",
      autoNamed: true,
      max: 63,
      pattern: /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
      also: (n) => (/\.\.|^xn--|^sthree-|-s3alias$|--ol-s3$|--x-s3$|--table-s3$/.test(n) ? "uses a reserved form" : undefined),
      doc: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html",
    },
  ],
};

/** Types whose resources have no physical name that the stack chooses (DNS names, ids AWS assigns, attachments). */
const NO_CHOSEN_NAME = new Set([
  "pulumi:providers:aws",
  "awsx:ec2:Vpc",
  // Named by the ids AWS assigns (eipalloc-, nat-) or by their route table and destination; a Name tag is only a tag.
  "aws:ec2/eip:Eip",
  "aws:ec2/natGateway:NatGateway",
  "aws:ec2/route:Route",
  "aws:acm/certificate:Certificate",
  "aws:acm/certificateValidation:CertificateValidation",
  "aws:route53/record:Record",
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  // Attachments of a role: named by the role and the policies they list.
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  "aws:iam/rolePoliciesExclusive:RolePoliciesExclusive",
  "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
  "aws:efs/mountTarget:MountTarget",
  "aws:efs/accessPoint:AccessPoint",
  "aws:efs/fileSystemPolicy:FileSystemPolicy",
  "aws:lb/listener:Listener",
  "aws:lb/listenerRule:ListenerRule",
  "aws:secretsmanager/secretVersion:SecretVersion",
  "aws:sns/topicSubscription:TopicSubscription",
  "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy",
  "aws:lambda/eventSourceMapping:EventSourceMapping",
  "aws:appautoscaling/target:Target",
  "aws:cognito/userPoolDomain:UserPoolDomain",
  "aws:cognito/managedLoginBranding:ManagedLoginBranding",
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  "aws:s3/bucketPolicy:BucketPolicy",
  // A KMS key has no name (its alias has); a web ACL association names nothing.
  "aws:kms/key:Key",
  "aws:wafv2/webAclAssociation:WebAclAssociation",
]);

/** The name AWS will see, as Pulumi and the provider would produce it. */
function physicalName(r: SynthResource, rule: NameRule): string | undefined {
  const inputs = r.inputs;
  const value = inputs[rule.field];
  if (typeof value === "string") return value;
  const prefix = rule.prefixField ? inputs[rule.prefixField] : undefined;
  if (typeof prefix === "string") return prefix + "x".repeat(rule.prefixSuffixLength ?? 0);
  return rule.autoNamed ? modelledAutoName(r.name) : undefined;
}

function violations(stack: Stack): string[] {
  const found: string[] = [];
  for (const r of stack.result.resources) {
    if (r.type.startsWith("pluto:") || r.type.startsWith("random:") || NO_CHOSEN_NAME.has(r.type)) continue;
    const rules = LIMITS[r.type];
    if (!rules) {
      found.push(`${r.type} (${r.name}) is in neither table: add its AWS name limit, with the document that states it`);
      continue;
    }
    for (const rule of rules) {
      const name = physicalName(r, rule);
      const where = `${r.type} ${r.name} ${rule.field}`;
      if (name === undefined) found.push(`${where}: no name set and not auto-named`);
      else if (name.length > rule.max) found.push(`${where}: "${name}" has ${name.length} characters, AWS allows ${rule.max} (${rule.doc})`);
      else if (!rule.pattern.test(name)) found.push(`${where}: "${name}" does not match ${rule.pattern} (${rule.doc})`);
      else if (rule.also?.(name)) found.push(`${where}: "${name}" ${rule.also(name)} (${rule.doc})`);
    }
  }
  // Inline policy names of roles: 128 characters (https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html).
  for (const role of stack.all("aws:iam/role:Role"))
    for (const p of stack.inlinePolicies(role))
      if (p.name !== undefined && !(p.name.length <= 128 && IAM_NAME.test(p.name))) found.push(`inline policy ${p.name} of ${role.name}`);
  return found;
}

/** Every optional resource present: n8n, Redis, autoscaling, the web application firewall and the Bedrock gateway. */
const everything = (prefix: string) =>
  synthStack({
    "pluto:models": JSON.stringify({ bedrock: { models: ["anthropic.claude-3-5-haiku-20241022-v1:0", "us.amazon.nova-lite-v1:0"] } }),
    "pluto:namePrefix": prefix,
    "pluto:openWebUi": JSON.stringify({ desiredCount: 2, autoscaling: { minCount: 2, maxCount: 4 } }),
    "pluto:n8n": JSON.stringify({ enabled: true }),
    "pluto:waf": JSON.stringify({ enabled: true }),
  });

describe("physical names within AWS limits, for every namePrefix the config accepts", () => {
  it("models Pulumi's auto-names as the logical name, a dash and 7 random characters", () => {
    expect(modelledAutoName("pluto-ingress-alb")).to.equal("pluto-ingress-alb-xxxxxxx");
    expect(AUTO_NAME_SUFFIX_LENGTH).to.equal(8);
  });

  // Names only grow with the prefix: the longest one (20) bounds every length; the shortest shows the other end.
  for (const prefix of ["acme-platform-prod-x", "a", "pluto"]) {
    it(`gives every resource a valid name with the ${prefix.length}-character prefix "${prefix}"`, async () => {
      expect(namePrefixProblems(prefix)).to.deep.equal([]);
      const stack = await everything(prefix);
      expect(stack.all("aws:elasticache/replicationGroup:ReplicationGroup"), "Redis is present").to.have.length(1);
      expect(stack.all("aws:appautoscaling/policy:Policy"), "autoscaling is present").to.have.length(2);
      expect(violations(stack)).to.deep.equal([]);
    });
  }

  it("names load balancer and target groups itself when Pulumi's auto-name would not fit, and leaves them to Pulumi when it would", async () => {
    const long = await everything("acme-platform-prod-x");
    for (const r of [...long.all("aws:lb/targetGroup:TargetGroup"), ...long.all("aws:lb/loadBalancer:LoadBalancer")]) {
      const name = (r.inputs as any).name as string;
      expect(name, r.name)
        .to.be.a("string")
        .and.match(/^acme-platform-prod-x-.*-[a-z0-9]{7}$/);
      expect(name.length, name).to.be.at.most(32);
    }
    // The random part is regenerated when the target group must be replaced, like an auto-name.
    const suffix = long.all("random:index/randomString:RandomString").find((r) => r.name === "acme-platform-prod-x-openwebui-svc-tg-name")!;
    expect(Object.keys((suffix.inputs as any).keepers).sort()).to.deep.equal(["port", "protocol", "targetType", "vpcId"]);
    // The default prefix keeps Pulumi's names, so existing stacks keep their load balancer and target groups.
    const dflt = await everything("pluto");
    for (const r of [...dflt.all("aws:lb/targetGroup:TargetGroup"), ...dflt.all("aws:lb/loadBalancer:LoadBalancer")])
      expect((r.inputs as any).name, r.name).to.equal(undefined);
  });

  it("would have caught the load balancer and target group names the issue reports", () => {
    const stackOf = (resources: Partial<SynthResource>[]) => new Stack({ project: "p", stack: "s", outputs: {}, resources: resources as SynthResource[] });
    const before = stackOf([
      { type: "aws:lb/loadBalancer:LoadBalancer", name: "acme-platform-prod-x-ingress-alb", inputs: {} },
      { type: "aws:lb/targetGroup:TargetGroup", name: "acme-platform-prod-x-openwebui-svc-tg", inputs: {} },
      { type: "aws:rds/instance:Instance", name: "db", inputs: { identifier: "acme--ai-openwebui", finalSnapshotIdentifier: "acme--ai-openwebui-final" } },
    ]);
    const found = violations(before).join("\n");
    expect(found).to.match(/LoadBalancer acme-platform-prod-x-ingress-alb name: ".*" has 40 characters, AWS allows 32/);
    expect(found).to.match(/TargetGroup acme-platform-prod-x-openwebui-svc-tg name: ".*" has 45 characters/);
    expect(found).to.match(/identifier: "acme--ai-openwebui" does not match/);
  });
});

describe("pluto:namePrefix", () => {
  it("refuses what RDS, ElastiCache or the load balancer would refuse, naming the key", () => {
    expect(namePrefixProblems("acme--ai")[0]).to.match(/^pluto:namePrefix: "acme--ai" contains "--"/);
    expect(namePrefixProblems("acme-")[0]).to.match(/^pluto:namePrefix: expected .* not ending with a dash/);
    expect(namePrefixProblems("internal")[0]).to.match(/may not begin with "internal-"/);
    expect(namePrefixProblems("internal-tools")[0]).to.match(/may not begin with "internal-"/);
    expect(namePrefixProblems("a".repeat(21))[0]).to.match(/expected 1-20/);
    for (const ok of ["pluto", "a", "internals", "acme-ai-2", "x".repeat(20)]) expect(namePrefixProblems(ok), ok).to.deep.equal([]);
  });
});

// ECS refuses a task definition over 64 KiB ("Task definition size", Amazon ECS service quotas:
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-quotas.html). n8n's task
// carries its database set-up program and the region's RDS certificate authorities.
export const TASK_DEFINITION_MAX_BYTES = 64 * 1024;

describe("task definitions within ECS's size limit", () => {
  it("keeps every task definition under 64 KiB with everything turned on and a long allow-list", async () => {
    const stack = await synthStack({
      "pluto:models": JSON.stringify({ bedrock: { models: ["anthropic.claude-3-5-haiku-20241022-v1:0", "us.amazon.nova-lite-v1:0"] } }),
      "pluto:n8n": JSON.stringify({ enabled: true, publicWebhooks: true }),
      "pluto:allowedEmails": JSON.stringify(Array.from({ length: 50 }, (_, i) => `member-${i}@partner.example`)),
    });
    const sizes = stack.all("aws:ecs/taskDefinition:TaskDefinition").map((t) => {
      const { family, ...rest } = t.inputs as { family: string };
      return { family, bytes: Buffer.byteLength(JSON.stringify({ family, ...rest })) };
    });
    expect(sizes.map((s) => s.family).sort()).to.deep.equal(["pluto-n8n", "pluto-openwebui"]);
    for (const s of sizes) expect(s.bytes, `${s.family}: ${s.bytes} bytes`).to.be.below(TASK_DEFINITION_MAX_BYTES);
    // The n8n task is the largest (about 31 KB: the set-up program and three CA certificates, in both
    // of its n8n containers); a quarter of the limit stays free for operators' own settings.
    expect(sizes.find((s) => s.family === "pluto-n8n")!.bytes).to.be.below((TASK_DEFINITION_MAX_BYTES * 3) / 4);
  });
});
