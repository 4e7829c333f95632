import { GATEWAY_CONFIG_VARIABLE, GATEWAY_CONTAINER, gatewayModels } from "../../settings/modelWiring";
import { HOURS_PER_MONTH, MODEL_PRICES_AS_OF, MODEL_PRICES_SOURCE, modelPrice, PRICES_AS_OF, pricesFor, RegionPrices } from "./prices";

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
  /** Members who use the workspace in a month. */
  members: number;
  /**
   * Millions of input tokens per member per month, all Bedrock models together. The default, 2, is
   * about 1,000 messages a month (50 a working day) of 2,000 tokens of prompt, history and documents each.
   */
  millionTokensInPerMember: number;
  /** Millions of output tokens per member per month; the default, 0.4, is those 1,000 answers of 400 tokens. */
  millionTokensOutPerMember: number;
  /** GB of Container Insights performance log events per running task per month. */
  insightsGbPerTask: number;
}

export const DEFAULT_ASSUMPTIONS: Assumptions = {
  efsGb: 5,
  logsGb: 5,
  natGb: 20,
  albLcu: 1,
  wafMillionRequests: 1,
  backupDailyChangePercent: 2,
  members: 20,
  millionTokensInPerMember: 2,
  millionTokensOutPerMember: 0.4,
  insightsGbPerTask: 0.1,
};

export interface CostItem {
  item: string;
  /** How the amount was computed, e.g. "1 task × 1 vCPU × 730 h × $0.04048". */
  detail: string;
  monthly: number;
  /** Set when the amount grows with autoscaling: the amount with every service at its maximum task count. */
  monthlyMax?: number;
}

/** A configuration change that lowers the bill, and what it gives up. */
export interface Saving {
  /** The `pluto:` key to change. */
  key: string;
  change: string;
  monthly: number;
  tradeoff: string;
}

export interface CostEstimate {
  region: string;
  /** The region whose prices were used (differs from `region` when it had none). */
  priceRegion: string;
  pricesAsOf: string;
  items: CostItem[];
  /** At each service's desired task count. */
  total: number;
  /** With every autoscaled service at its maximum task count (equals `total` without autoscaling). */
  totalMax: number;
  /** The date and source of the Bedrock model prices (they change apart from the region table). */
  modelPricesAsOf: string;
  modelPricesSource: string;
  /** Changes that would lower the bill, largest first. */
  savings: Saving[];
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
    const name = str(s.inputs.name, s.name);
    const tasks = num(s.inputs.desiredCount, 1);
    const scaling = ofType(resources, "aws:appautoscaling/target:Target").find((t) => str(t.inputs.resourceId).endsWith(`/${name}`));
    return {
      name,
      tasks,
      maxTasks: scaling ? Math.max(tasks, num(scaling.inputs.maxCapacity, tasks)) : tasks,
      family,
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
  const add = (item: string, detail: string, monthly: number, monthlyMax?: number) =>
    items.push({ item, detail, monthly: round(monthly), ...(monthlyMax !== undefined && monthlyMax > monthly ? { monthlyMax: round(monthlyMax) } : {}) });
  const h = HOURS_PER_MONTH;

  for (const s of services(resources)) {
    if (!s.found) {
      warnings.push(`service ${s.name}: no task definition found; its Fargate cost is not counted`);
      continue;
    }
    // An autoscaled service costs anything from its desired to its maximum task count.
    const tasks = s.maxTasks > s.tasks ? `${s.tasks}–${s.maxTasks} tasks` : `${s.tasks} task`;
    const vcpu = s.vcpu * h * p.fargateVcpuHour;
    const gb = s.gb * h * p.fargateGbHour;
    add(`Fargate vCPU (${s.name})`, `${tasks} × ${s.vcpu} vCPU × ${h} h × ${usd(p.fargateVcpuHour)}`, s.tasks * vcpu, s.maxTasks * vcpu);
    add(`Fargate memory (${s.name})`, `${tasks} × ${s.gb} GB × ${h} h × ${usd(p.fargateGbHour)}`, s.tasks * gb, s.maxTasks * gb);
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
  // CloudWatch bills an alarm per metric it reads: a metric math alarm counts each of its metrics.
  const alarmList = ofType(resources, "aws:cloudwatch/metricAlarm:MetricAlarm");
  const alarmMetrics = alarmList.reduce(
    (n, a) => n + Math.max(1, (Array.isArray(a.inputs.metricQueries) ? (a.inputs.metricQueries as { metric?: unknown }[]) : []).filter((q) => q.metric).length),
    0,
  );
  if (alarmList.length)
    add(
      "CloudWatch alarms",
      `${alarmList.length} alarm(s)${alarmMetrics > alarmList.length ? `, ${alarmMetrics} metrics` : ""} × ${usd(p.alarmMonth)}`,
      alarmMetrics * p.alarmMonth,
    );

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

  const insights = containerInsights(resources, assumptions, p);
  for (const i of insights.items) add(i.item, i.detail, i.monthly, i.monthlyMax);
  warnings.push(...insights.warnings);
  const models = modelSpend(resources, assumptions);
  for (const i of models.items) add(i.item, i.detail, i.monthly);
  warnings.push(...models.warnings);

  return {
    region,
    priceRegion,
    pricesAsOf: PRICES_AS_OF,
    items,
    total: round(items.reduce((n, i) => n + i.monthly, 0)),
    totalMax: round(items.reduce((n, i) => n + (i.monthlyMax ?? i.monthly), 0)),
    modelPricesAsOf: MODEL_PRICES_AS_OF,
    modelPricesSource: MODEL_PRICES_SOURCE,
    savings: savings(resources, assumptions, p),
    assumptions,
    warnings,
    notEstimated: [
      "data transfer out to the internet",
      "Lambda, SQS and SNS requests (a small team stays within their free tiers)",
      "Cognito monthly active users beyond the free tier",
      "model calls to OpenAI-compatible connections (billed by their provider)",
      "RDS automated backups and snapshots beyond the free allowance (100% of the database's storage)",
      "EFS Infrequent Access and elastic throughput charges",
    ],
  };
}

/**
 * Container Insights metrics per dimension set, counted from the ECS table of
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-metrics-ECS.html
 * (Fargate rows; ClusterName, ClusterName+ServiceName, ClusterName+TaskDefinitionFamily). Each
 * is billed as a custom metric; the counts are approximate, as the estimate says.
 */
export const INSIGHTS_METRICS = { perCluster: 12, perService: 14, perTaskFamily: 9 };

/** Container Insights on the clusters that enable it: its custom metrics and its performance log events. */
function containerInsights(resources: PricedResource[], a: Assumptions, p: RegionPrices): { items: CostItem[]; warnings: string[] } {
  const warnings: string[] = [];
  const setting = (c: PricedResource) =>
    (Array.isArray(c.inputs.settings) ? (c.inputs.settings as { name?: string; value?: string }[]) : []).find((x) => x.name === "containerInsights")?.value;
  const clusters = ofType(resources, "aws:ecs/cluster:Cluster").filter((c) => ["enabled", "enhanced"].includes(setting(c) ?? ""));
  if (!clusters.length) return { items: [], warnings };
  if (clusters.some((c) => setting(c) === "enhanced"))
    warnings.push("Container Insights with enhanced observability publishes more metrics than counted here (priced as the standard level)");
  const svcs = services(resources).filter((x) => x.found);
  const families = new Set(svcs.map((x) => x.family)).size;
  const metrics = clusters.length * INSIGHTS_METRICS.perCluster + svcs.length * INSIGHTS_METRICS.perService + families * INSIGHTS_METRICS.perTaskFamily;
  const tasks = svcs.reduce((n, x) => n + x.tasks, 0);
  const maxTasks = svcs.reduce((n, x) => n + x.maxTasks, 0);
  const perTask = a.insightsGbPerTask * (p.logsIngestGb + p.logsStoreGbMonth);
  return {
    items: [
      {
        item: "Container Insights metrics",
        detail: `~${metrics} metrics (${clusters.length} cluster, ${svcs.length} service(s), ${families} task famil${families === 1 ? "y" : "ies"}) × ${usd(p.customMetricMonth)}`,
        monthly: metrics * p.customMetricMonth,
      },
      {
        item: "Container Insights performance logs",
        detail: `${maxTasks > tasks ? `${tasks}–${maxTasks}` : tasks} task(s) × ${a.insightsGbPerTask} GB × (${usd(p.logsIngestGb)} + ${usd(p.logsStoreGbMonth)})`,
        monthly: tasks * perTask,
        monthlyMax: maxTasks * perTask,
      },
    ],
    warnings,
  };
}

/** The Bedrock models the gateway serves, read from its container's config in the task definitions. */
export function gatewayModelIds(resources: PricedResource[]): string[] {
  const ids: string[] = [];
  for (const td of ofType(resources, "aws:ecs/taskDefinition:TaskDefinition")) {
    let containers: { name?: string; environment?: { name: string; value: string }[] }[] = [];
    try {
      const parsed: unknown = JSON.parse(str(td.inputs.containerDefinitions, "[]"));
      if (Array.isArray(parsed)) containers = parsed as typeof containers;
    } catch {
      continue;
    }
    const gateway = containers.find((c) => c.name === GATEWAY_CONTAINER);
    const config = gateway?.environment?.find((e) => e.name === GATEWAY_CONFIG_VARIABLE)?.value;
    ids.push(...gatewayModels(config).models);
  }
  return [...new Set(ids)];
}

/**
 * Bedrock spend: members × tokens per member, spread evenly over the configured models (nothing
 * tells which one members pick), at each model's On-Demand price. A model the table lacks is named.
 */
function modelSpend(resources: PricedResource[], a: Assumptions): { items: CostItem[]; warnings: string[] } {
  const ids = gatewayModelIds(resources);
  const items: CostItem[] = [];
  const warnings: string[] = [];
  for (const id of ids) {
    const price = modelPrice(id);
    if (!price) {
      warnings.push(`Bedrock model ${id} is not in the model price table (cli/plan/prices.ts); its spend is not counted`);
      continue;
    }
    const share = ids.length > 1 ? ` ÷ ${ids.length} models` : "";
    const tokensIn = (a.members * a.millionTokensInPerMember) / ids.length;
    const tokensOut = (a.members * a.millionTokensOutPerMember) / ids.length;
    items.push({
      item: `Bedrock ${id}`,
      detail: `${a.members} members × (${a.millionTokensInPerMember}M in × ${usd(price.inputPerMillion)} + ${a.millionTokensOutPerMember}M out × ${usd(price.outputPerMillion)}) per 1M tokens${share}`,
      monthly: tokensIn * price.inputPerMillion + tokensOut * price.outputPerMillion,
    });
  }
  return { items, warnings };
}

/** What the two costliest structural choices (NAT per AZ, a database standby) would save if undone, largest first. */
function savings(resources: PricedResource[], a: Assumptions, p: RegionPrices): Saving[] {
  const h = HOURS_PER_MONTH;
  const out: Saving[] = [];
  const nat = natGateways(resources);
  const natMonth = h * (p.natHour + p.publicIpv4Hour);
  if (nat > 1)
    out.push({
      key: "natGateways",
      change: "perAz → single",
      monthly: round((nat - 1) * natMonth),
      tradeoff: `${nat - 1} fewer NAT gateways and addresses; the tasks' outbound traffic then depends on one AZ`,
    });
  else if (nat === 1) {
    const tasks = services(resources).reduce((n, x) => n + x.tasks, 0);
    out.push({
      key: "natGateways",
      change: "single → none",
      monthly: round(natMonth + a.natGb * p.natGb - tasks * h * p.publicIpv4Hour),
      tradeoff: "tasks run in public subnets with public IPs; their security groups still admit only the load balancer",
    });
  }
  for (const db of ofType(resources, "aws:rds/instance:Instance").filter((d) => isTrue(d.inputs.multiAz))) {
    const hourly = p.rdsPostgresHour[String(db.inputs.instanceClass)];
    if (hourly === undefined) continue;
    out.push({
      key: "database.multiAz",
      change: "true → false",
      monthly: round(h * hourly + num(db.inputs.allocatedStorage, 20) * p.rdsGp3GbMonth),
      tradeoff: "no standby: an AZ failure or a maintenance reboot stops the database for minutes",
    });
  }
  return out.filter((x) => x.monthly > 0).sort((x, y) => y.monthly - x.monthly);
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
