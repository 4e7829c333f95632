/**
 * Typical time AWS (through the Pulumi AWS provider, which waits for the states below) takes to
 * create one resource of each type on a first `pulumi up`. Every row names where its figure comes
 * from: an AWS document, a publicly reported measurement (`terraform apply` logs print "Creation
 * complete after …" per resource; the Pulumi AWS provider wraps the same Terraform provider code and
 * waits for the same states), or "estimate" with the reason there is none.
 */

export interface Duration {
  seconds: number;
  /** Where the figure comes from: a URL, a repository file, or "estimate: <why>". */
  source: string;
}

const MEASURED_VPC = "measured: github.com/bshehram/devops-aws-tf SAMPLE_TF_APPLY.md (terraform apply, 2024)";
const MEASURED_APP = "measured: github.com/bshehram/myservice-devops-aws-tf SAMPLE_TF_APPLY.md (terraform apply, 2024)";
const ONE_CALL = "estimate: one control-plane call that answers at once; the provider waits for no state";

/** A NAT gateway: 1m24s–1m54s in the measured apply (four of them, in parallel). */
export const NAT_GATEWAY_SECONDS = 100;

/** Rows by resource type. Types missing here get `DEFAULT_DURATION`. */
export const DURATIONS: Record<string, Duration> = {
  "aws:lb/loadBalancer:LoadBalancer": { seconds: 162, source: `${MEASURED_APP}: aws_alb 2m42s (the provider waits until the load balancer is active)` },
  "aws:route53/record:Record": {
    seconds: 45,
    source: `${MEASURED_APP}: 35-57 s per record (the provider waits for INSYNC); AWS: "Changes generally propagate to all Route 53 name servers within 60 seconds" (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-editing.html)`,
  },
  "aws:acm/certificate:Certificate": { seconds: 5, source: `${MEASURED_APP}: aws_acm_certificate 5s` },
  "aws:acm/certificateValidation:CertificateValidation": {
    seconds: 30,
    source: `estimate: waits until ACM has seen the validation record; 0s in ${MEASURED_APP.slice(10)} once the record was INSYNC, ACM re-checks DNS on its own schedule`,
  },
  "aws:rds/instance:Instance": {
    seconds: 300,
    source:
      "estimate: public terraform apply logs of single-AZ instances found by code search show 4m45s-8m03s (no one canonical source); the provider waits for `available`, which includes the first automated backup",
  },
  "aws:rds/subnetGroup:SubnetGroup": { seconds: 1, source: `${MEASURED_APP}: aws_db_subnet_group 1s` },
  "aws:cognito/userPoolDomain:UserPoolDomain": {
    seconds: 300,
    source:
      'AWS: "Your custom domain is online within five minutes" (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolDomain.html); the provider waits for ACTIVE (up to 60 min); hashicorp/terraform-provider-aws#11665 reports 1-2 h in 2020, "a few minutes" in 2023',
  },
  "aws:efs/mountTarget:MountTarget": {
    seconds: 90,
    source: 'https://alchemy.run/providers/aws/efs/mounttarget: the mount target reaches `available` "typically 1-2 minutes"',
  },
  "aws:efs/fileSystem:FileSystem": { seconds: 10, source: "estimate: the provider waits for `available`, which a new file system reaches within seconds" },
  "aws:efs/accessPoint:AccessPoint": { seconds: 5, source: "estimate: the provider waits for `available` (seconds)" },
  "aws:elasticache/replicationGroup:ReplicationGroup": {
    seconds: 600,
    source:
      "estimate: no public measurement found for a single-node TLS Redis group; creating ElastiCache nodes takes minutes (the provider waits for `available`, 60 min timeout)",
  },
  "aws:ec2/natGateway:NatGateway": {
    seconds: NAT_GATEWAY_SECONDS,
    source: `${MEASURED_VPC}: aws_nat_gateway 1m24s-1m54s (the provider waits until it is available)`,
  },
  "aws:ec2/route:Route": { seconds: 1, source: `${MEASURED_VPC}: aws_route 1s` },
  "aws:ec2/securityGroup:SecurityGroup": { seconds: 2, source: `${MEASURED_APP}: aws_security_group 2s` },
  "aws:iam/role:Role": { seconds: 1, source: `${MEASURED_APP}: aws_iam_role 0s` },
  "aws:lb/targetGroup:TargetGroup": { seconds: 1, source: `${MEASURED_APP}: aws_alb_target_group 0s` },
  "aws:lb/listener:Listener": { seconds: 1, source: `${MEASURED_APP}: aws_alb_listener 0s` },
  "aws:lb/listenerRule:ListenerRule": { seconds: 1, source: `${MEASURED_APP}: aws_alb_listener_rule 0s` },
  "aws:ecs/cluster:Cluster": { seconds: 10, source: "estimate: the provider waits for ACTIVE, seconds" },
  "aws:ecs/service:Service": {
    seconds: 10,
    source: "estimate: created with waitForSteadyState=false, so only CreateService is waited for; tasks start afterwards",
  },
  "aws:lambda/function:Function": { seconds: 10, source: "estimate: the provider waits until the function is Active (seconds for a zip package)" },
  "aws:lambda/eventSourceMapping:EventSourceMapping": { seconds: 30, source: "estimate: the provider waits until the mapping is Enabled (tens of seconds)" },
  "aws:sqs/queue:Queue": {
    seconds: 25,
    source:
      'estimate: the provider waits until the attributes read back; AWS: attribute changes "can take up to 60 seconds" to propagate (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html)',
  },
  "aws:wafv2/webAclAssociation:WebAclAssociation": { seconds: 30, source: "estimate: the provider retries while a new web ACL propagates (tens of seconds)" },
  "aws:kms/key:Key": { seconds: 5, source: "estimate: the provider waits for the key to be Enabled and its policy to read back (seconds)" },
  "pulumi:providers:aws": { seconds: 0, source: "no AWS call (a provider is configuration only)" },
};

/** Anything not in the table. */
export const DEFAULT_DURATION: Duration = { seconds: 1, source: ONE_CALL };

/**
 * How long one resource takes to create. Most rows depend on the type only; these depend on inputs:
 * - `awsx:ec2:Vpc` is one unit to us (a remote component answers when all its children exist):
 *   VPC + subnets + route tables, plus NAT gateways in parallel when the strategy has any;
 * - an RDS instance with `multiAz` also creates and synchronises a standby;
 * - a Cognito domain without a certificate is a prefix domain ("might take up to one minute").
 */
export function creationTime(type: string, inputs: Record<string, unknown> = {}): Duration {
  if (type.startsWith("random:")) return { seconds: 0, source: "no AWS call (generated by the Pulumi engine)" };
  if (type === "awsx:ec2:Vpc") {
    const strategy = (inputs.natGateways as { strategy?: string } | undefined)?.strategy ?? "OnePerAz";
    const base = 12 + 11 + 2; // VPC 12s, subnets 11s, route tables and routes 1s each
    return strategy === "None"
      ? { seconds: base, source: `${MEASURED_VPC}: aws_vpc 12s, aws_subnet 11s, route tables 1s; no NAT gateway` }
      : { seconds: base + NAT_GATEWAY_SECONDS, source: `${MEASURED_VPC}: aws_vpc 12s, aws_subnet 11s, aws_nat_gateway 1m24s-1m54s, routes 1s` };
  }
  if (type === "aws:rds/instance:Instance" && (inputs.multiAz === true || inputs.multiAz === "true")) {
    return {
      seconds: 780,
      source: "estimate: a public Multi-AZ terraform apply log found by code search shows 13m47s (the standby is created and synchronised before `available`)",
    };
  }
  if (type === "aws:cognito/userPoolDomain:UserPoolDomain" && !inputs.certificateArn) {
    return { seconds: 60, source: 'AWS: "Your prefix domain might take up to one minute to take effect" (API_CreateUserPoolDomain)' };
  }
  return DURATIONS[type] ?? DEFAULT_DURATION;
}

/** Whether a figure was measured, is stated in a published document (with its URL), or is our estimate. */
export function sourceKind(d: Pick<Duration, "source">): "measured" | "documented" | "estimate" | "none" {
  if (d.source.startsWith("estimate")) return "estimate";
  if (d.source.startsWith("measured")) return "measured";
  if (d.source.startsWith("no ")) return "none";
  return "documented";
}

export interface ServingWait extends Duration {
  /** The longest the service waits for a healthy task before it replaces it (its health-check grace period). */
  upToSeconds: number;
}

/** Open WebUI's first start, after ECS has the task running: see `servingAfterUp`. */
export const APP_FIRST_START_SECONDS = 300;

/**
 * How long after `pulumi up` ends the app starts answering. The services are created with
 * waitForSteadyState=false, so `up` returns once ECS has accepted them; the tasks start afterwards.
 * Undefined when no service is created that way.
 */
export function servingAfterUp(resources: { type: string; inputs: Record<string, unknown> }[]): ServingWait | undefined {
  const services = resources.filter((r) => r.type === "aws:ecs/service:Service" && r.inputs.waitForSteadyState === false);
  if (services.length === 0) return undefined;
  const grace = Math.max(...services.map((s) => Number(s.inputs.healthCheckGracePeriodSeconds ?? 0)));
  return {
    seconds: Math.min(APP_FIRST_START_SECONDS, grace || APP_FIRST_START_SECONDS),
    upToSeconds: grace || APP_FIRST_START_SECONDS,
    source:
      "estimate: Fargate places the task and pulls the images (Open WebUI's is over 1 GB), Open WebUI creates its tables in the new database on first start, and the load balancer needs 2 passing health checks 15 s apart; no public measurement found",
  };
}
