import { HOURS_PER_MONTH, PRICES_AS_OF, pricesFor } from "./prices";

/** What the cost estimate reads from a synthesised resource. */
export interface PricedResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

/** Usage the stack's resources cannot tell; each appears in the summary with its value. */
export interface Assumptions {
  /** GB stored on each EFS file system (Standard class). */
  efsGb: number;
  /** GB of logs ingested per month, all log groups together. */
  logsGb: number;
  /** GB per month through the NAT gateways (image pulls, model API calls). */
  natGb: number;
  /** Average load balancer capacity units in use. */
  albLcu: number;
  /** Millions of requests per month through the web ACL. */
  wafMillionRequests: number;
  /** Share of an EFS file system that changes per day, in percent (incremental backups keep the changes). */
  backupDailyChangePercent: number;
}

export const DEFAULT_ASSUMPTIONS: Assumptions = {
  efsGb: 5,
  logsGb: 5,
  natGb: 20,
  albLcu: 1,
  wafMillionRequests: 1,
  backupDailyChangePercent: 2,
};

export interface CostItem {
  item: string;
  /** How the amount was computed, e.g. "1 task × 1 vCPU × 730 h × $0.04048". */
  detail: string;
  monthly: number;
}

export interface CostEstimate {
  region: string;
  /** The region whose prices were used (differs from `region` when it had none). */
  priceRegion: string;
  pricesAsOf: string;
  items: CostItem[];
  total: number;
  assumptions: Assumptions;
  warnings: string[];
  /** Charges the estimate leaves out, so nobody reads the total as the whole bill. */
  notEstimated: string[];
}

/** A unit price as the price table holds it (no rounding: $0.04048, not $0.04). */
const usd = (n: number) => `$${n}`;
const round = (n: number) => Math.round(n * 100) / 100;
const num = (v: unknown, fallback = 0) => (v === undefined || v === null || v === "" || isNaN(Number(v)) ? fallback : Number(v));
const isTrue = (v: unknown) => v === true || v === "true";
const str = (v: unknown, fallback = "") => (typeof v === "string" ? v : fallback);

function ofType(resources: PricedResource[], type: string): PricedResource[] {
  return resources.filter((r) => r.type === type);
}

/** NAT gateways (each with its Elastic IP): those the program creates, and those inside an awsx VPC by its strategy. */
function natGateways(resources: PricedResource[]): number {
  return ofType(resources, "awsx:ec2:Vpc").reduce((n, vpc) => {
    const strategy = (vpc.inputs.natGateways as { strategy?: string } | undefined)?.strategy ?? "OnePerAz";
    const azs = num(vpc.inputs.numberOfAvailabilityZones, 3);
    return n + (strategy === "None" ? 0 : strategy === "Single" ? 1 : azs);
  }, ofType(resources, "aws:ec2/natGateway:NatGateway").length);
}

/** Tasks each service keeps running, with the size of its task definition. */
function services(resources: PricedResource[]) {
  const defs = ofType(resources, "aws:ecs/taskDefinition:TaskDefinition");
  return ofType(resources, "aws:ecs/service:Service").map((s) => {
    const family = /task-definition\/([^:]+)/.exec(str(s.inputs.taskDefinition))?.[1];
    const td = defs.find((d) => d.inputs.family === family) ?? (defs.length === 1 ? defs[0] : undefined);
    return {
      name: str(s.inputs.name, s.name),
      tasks: num(s.inputs.desiredCount, 1),
      vcpu: num(td?.inputs.cpu) / 1024,
      gb: num(td?.inputs.memory) / 1024,
      publicIp: isTrue((s.inputs.networkConfiguration as { assignPublicIp?: unknown } | undefined)?.assignPublicIp),
      found: td !== undefined,
    };
  });
}

/**
 * The monthly On-Demand cost of the stack's billable resources in `region`, itemised. Pure: reads
 * the synthesised resources, the dated price table and the usage assumptions.
 */
export function estimateMonthlyCost(resources: PricedResource[], region: string, assumptions: Assumptions = DEFAULT_ASSUMPTIONS): CostEstimate {
  const { prices: p, priceRegion, warning } = pricesFor(region);
  const warnings = warning ? [warning] : [];
  const items: CostItem[] = [];
  const add = (item: string, detail: string, monthly: number) => items.push({ item, detail, monthly: round(monthly) });
  const h = HOURS_PER_MONTH;

  for (const s of services(resources)) {
    if (!s.found) {
      warnings.push(`service ${s.name}: no task definition found; its Fargate cost is not counted`);
      continue;
    }
    add(`Fargate vCPU (${s.name})`, `${s.tasks} task × ${s.vcpu} vCPU × ${h} h × ${usd(p.fargateVcpuHour)}`, s.tasks * s.vcpu * h * p.fargateVcpuHour);
    add(`Fargate memory (${s.name})`, `${s.tasks} task × ${s.gb} GB × ${h} h × ${usd(p.fargateGbHour)}`, s.tasks * s.gb * h * p.fargateGbHour);
  }

  const albs = ofType(resources, "aws:lb/loadBalancer:LoadBalancer");
  if (albs.length) {
    add("Application Load Balancer", `${albs.length} × ${h} h × ${usd(p.albHour)}`, albs.length * h * p.albHour);
    add(
      "Load balancer capacity units",
      `${albs.length} × ${assumptions.albLcu} LCU × ${h} h × ${usd(p.albLcuHour)}`,
      albs.length * assumptions.albLcu * h * p.albLcuHour,
    );
  }

  const nat = natGateways(resources);
  if (nat) {
    add("NAT gateways", `${nat} × ${h} h × ${usd(p.natHour)}`, nat * h * p.natHour);
    add("NAT data processed", `${assumptions.natGb} GB × ${usd(p.natGb)}`, assumptions.natGb * p.natGb);
  }

  // AWS charges every public IPv4 address: one per ALB subnet, one per NAT gateway, one per task with a public IP.
  const albIps = albs.reduce((n, a) => n + (Array.isArray(a.inputs.subnets) ? a.inputs.subnets.length : 2), 0);
  const taskIps = services(resources)
    .filter((s) => s.publicIp)
    .reduce((n, s) => n + s.tasks, 0);
  const ips = albIps + nat + taskIps;
  if (ips) add("Public IPv4 addresses", `${ips} (ALB ${albIps}, NAT ${nat}, tasks ${taskIps}) × ${h} h × ${usd(p.publicIpv4Hour)}`, ips * h * p.publicIpv4Hour);

  for (const db of ofType(resources, "aws:rds/instance:Instance")) {
    const cls = String(db.inputs.instanceClass);
    const az = isTrue(db.inputs.multiAz) ? 2 : 1;
    const hourly = p.rdsPostgresHour[cls];
    if (hourly === undefined) warnings.push(`RDS instance class ${cls} is not in the price table; the instance is not counted (its storage is)`);
    else add(`RDS PostgreSQL ${cls}${az === 2 ? " Multi-AZ" : ""}`, `${az} × ${h} h × ${usd(hourly)}`, az * h * hourly);
    const gb = num(db.inputs.allocatedStorage, 20);
    add("RDS gp3 storage", `${gb} GB${az === 2 ? " × 2 (Multi-AZ)" : ""} × ${usd(p.rdsGp3GbMonth)}`, az * gb * p.rdsGp3GbMonth);
  }

  const fileSystems = ofType(resources, "aws:efs/fileSystem:FileSystem").length;
  if (fileSystems)
    add(
      "EFS Standard storage",
      `${fileSystems} file system(s) × ${assumptions.efsGb} GB × ${usd(p.efsStandardGbMonth)}`,
      fileSystems * assumptions.efsGb * p.efsStandardGbMonth,
    );

  for (const rg of ofType(resources, "aws:elasticache/replicationGroup:ReplicationGroup")) {
    const type = String(rg.inputs.nodeType);
    const nodes = num(rg.inputs.numCacheClusters, 1);
    const hourly = p.elasticacheHour[type];
    if (hourly === undefined) warnings.push(`ElastiCache node type ${type} is not in the price table; it is not counted`);
    else add(`ElastiCache ${type}`, `${nodes} node × ${h} h × ${usd(hourly)}`, nodes * h * hourly);
  }

  if (ofType(resources, "aws:cloudwatch/logGroup:LogGroup").length) {
    add("CloudWatch Logs ingestion", `${assumptions.logsGb} GB × ${usd(p.logsIngestGb)}`, assumptions.logsGb * p.logsIngestGb);
    add("CloudWatch Logs storage", `${assumptions.logsGb} GB kept × ${usd(p.logsStoreGbMonth)}`, assumptions.logsGb * p.logsStoreGbMonth);
  }
  const alarms = ofType(resources, "aws:cloudwatch/metricAlarm:MetricAlarm").length;
  if (alarms) add("CloudWatch alarms", `${alarms} × ${usd(p.alarmMonth)}`, alarms * p.alarmMonth);

  const secrets = ofType(resources, "aws:secretsmanager/secret:Secret").length;
  if (secrets) add("Secrets Manager secrets", `${secrets} × ${usd(p.secretMonth)}`, secrets * p.secretMonth);

  const keys = ofType(resources, "aws:kms/key:Key").length;
  if (keys) add("KMS customer managed keys", `${keys} × ${usd(p.kmsKeyMonth)}`, keys * p.kmsKeyMonth);

  for (const acl of ofType(resources, "aws:wafv2/webAcl:WebAcl")) {
    const rules = Array.isArray(acl.inputs.rules) ? acl.inputs.rules.length : 0;
    add("WAF web ACL", `1 × ${usd(p.wafAclMonth)}`, p.wafAclMonth);
    add("WAF rules", `${rules} × ${usd(p.wafRuleMonth)}`, rules * p.wafRuleMonth);
    add("WAF requests", `${assumptions.wafMillionRequests} million × ${usd(p.wafMillionRequests)}`, assumptions.wafMillionRequests * p.wafMillionRequests);
  }

  const plans = ofType(resources, "aws:backup/plan:Plan");
  if (plans.length && fileSystems) {
    const rules = (plan: PricedResource) => (Array.isArray(plan.inputs.rules) ? plan.inputs.rules : []) as { lifecycle?: { deleteAfter?: unknown } }[];
    const days = Math.max(...plans.flatMap((plan) => rules(plan).map((r) => num(r.lifecycle?.deleteAfter, 35))), 1);
    // The first backup copies everything; later ones are incremental (AWS Backup keeps only changes).
    const gb = fileSystems * assumptions.efsGb * (1 + (assumptions.backupDailyChangePercent / 100) * days);
    add(
      "AWS Backup (EFS warm storage)",
      `${fileSystems} × ${assumptions.efsGb} GB × (1 + ${assumptions.backupDailyChangePercent}% × ${days} days) = ${gb.toFixed(1)} GB × ${usd(p.backupEfsGbMonth)}`,
      gb * p.backupEfsGbMonth,
    );
  }

  return {
    region,
    priceRegion,
    pricesAsOf: PRICES_AS_OF,
    items,
    total: round(items.reduce((n, i) => n + i.monthly, 0)),
    assumptions,
    warnings,
    notEstimated: [
      "data transfer out to the internet",
      "Lambda, SQS and SNS requests (a small team stays within their free tiers)",
      "Cognito monthly active users beyond the free tier",
      "ECS Container Insights metrics and performance logs (enabled on the cluster)",
      "RDS automated backups and snapshots beyond the free allowance (100% of the database's storage)",
      "EFS Infrequent Access and elastic throughput charges",
    ],
  };
}

/** Parses `--assume key=value` pairs; throws naming the key or value that is wrong. */
export function parseAssumptions(pairs: string[]): Assumptions {
  const out: Assumptions = { ...DEFAULT_ASSUMPTIONS };
  const problems: string[] = [];
  for (const pair of pairs) {
    const [key, value, ...rest] = pair.split("=");
    if (!(key in DEFAULT_ASSUMPTIONS)) problems.push(`--assume ${pair}: unknown assumption "${key}" (known: ${Object.keys(DEFAULT_ASSUMPTIONS).join(", ")})`);
    else if (value === undefined || rest.length || value.trim() === "" || !Number.isFinite(Number(value)) || Number(value) < 0)
      problems.push(`--assume ${pair}: expected ${key}=<a number ≥ 0>`);
    else out[key as keyof Assumptions] = Number(value);
  }
  if (problems.length) throw new Error(problems.join("\n"));
  return out;
}
