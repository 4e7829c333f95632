import { expect } from "chai";
import { DEFAULT_ASSUMPTIONS, estimateMonthlyCost, gatewayModelIds, INSIGHTS_METRICS, parseAssumptions, PricedResource } from "../../../cli/plan/cost";
import { HOURS_PER_MONTH, MODEL_PRICES, MODEL_PRICES_AS_OF, modelPrice, PRICES, PRICES_AS_OF, pricesFor } from "../../../cli/plan/prices";
import { GATEWAY_CONFIG_VARIABLE, GATEWAY_CONTAINER, gatewayConfig } from "../../../settings/modelWiring";

const res = (type: string, inputs: Record<string, unknown> = {}, name = type.split(":").pop()!): PricedResource => ({ type, name, inputs });
const item = (e: ReturnType<typeof estimateMonthlyCost>, name: string) => {
  const found = e.items.find((i) => i.item === name);
  if (!found) throw new Error(`no item ${name} in ${e.items.map((i) => i.item).join(", ")}`);
  return found;
};

describe("plan cost estimate", () => {
  const service = [
    res("aws:ecs/taskDefinition:TaskDefinition", { family: "pluto-openwebui", cpu: "2048", memory: "4096" }),
    res("aws:ecs/service:Service", {
      name: "pluto-openwebui",
      desiredCount: 2,
      taskDefinition: "arn:aws:ecs:eu-central-1:1:task-definition/pluto-openwebui:1",
      networkConfiguration: { assignPublicIp: true },
    }),
  ];

  it("prices Fargate per task from the service's task definition, in the stack's region", () => {
    const e = estimateMonthlyCost(service, "eu-central-1");
    const p = PRICES["eu-central-1"];
    expect(item(e, "Fargate vCPU (pluto-openwebui)").monthly).to.equal(Math.round(2 * 2 * HOURS_PER_MONTH * p.fargateVcpuHour * 100) / 100);
    expect(item(e, "Fargate memory (pluto-openwebui)").monthly).to.equal(Math.round(2 * 4 * HOURS_PER_MONTH * p.fargateGbHour * 100) / 100);
    expect(item(e, "Public IPv4 addresses").detail).to.match(/^2 \(ALB 0, NAT 0, tasks 2\)/);
    expect(e).to.include({ region: "eu-central-1", priceRegion: "eu-central-1", pricesAsOf: PRICES_AS_OF });
    expect(e.total).to.equal(Math.round(e.items.reduce((n, i) => n + i.monthly, 0) * 100) / 100);
  });

  it("counts NAT gateways by the VPC's strategy, ALB addresses per subnet, RDS twice for Multi-AZ", () => {
    const e = estimateMonthlyCost(
      [
        res("awsx:ec2:Vpc", { natGateways: { strategy: "OnePerAz" }, numberOfAvailabilityZones: 2 }),
        res("aws:lb/loadBalancer:LoadBalancer", { subnets: ["a", "b"] }),
        res("aws:rds/instance:Instance", { instanceClass: "db.t4g.micro", allocatedStorage: 20, multiAz: true }),
      ],
      "us-east-1",
    );
    expect(item(e, "NAT gateways").monthly).to.equal(Math.round(2 * HOURS_PER_MONTH * 0.045 * 100) / 100);
    expect(item(e, "Public IPv4 addresses").detail).to.match(/^4 \(ALB 2, NAT 2, tasks 0\)/);
    expect(item(e, "RDS PostgreSQL db.t4g.micro Multi-AZ").monthly).to.equal(Math.round(2 * HOURS_PER_MONTH * 0.016 * 100) / 100);
    expect(item(e, "RDS gp3 storage").monthly).to.equal(Math.round(2 * 20 * 0.115 * 100) / 100);
    expect(e.items.some((i) => i.item.startsWith("NAT data"))).to.equal(true);
  });

  it("counts the NAT gateways the program creates beside a VPC that has none of its own", () => {
    const e = estimateMonthlyCost(
      [
        res("awsx:ec2:Vpc", { natGateways: { strategy: "None" }, numberOfAvailabilityZones: 3 }),
        res("aws:ec2/natGateway:NatGateway"),
        res("aws:ec2/natGateway:NatGateway"),
        res("aws:ec2/natGateway:NatGateway"),
      ],
      "us-east-1",
    );
    expect(item(e, "NAT gateways").monthly).to.equal(Math.round(3 * HOURS_PER_MONTH * 0.045 * 100) / 100);
    expect(item(e, "Public IPv4 addresses").detail).to.match(/^3 \(ALB 0, NAT 3, tasks 0\)/);
  });

  it("prices WAF per ACL, rule and requests, and backups by retention and daily change", () => {
    const e = estimateMonthlyCost(
      [
        res("aws:efs/fileSystem:FileSystem"),
        res("aws:efs/fileSystem:FileSystem"),
        res("aws:backup/plan:Plan", { rules: [{ lifecycle: { deleteAfter: 35 } }] }),
        res("aws:wafv2/webAcl:WebAcl", { rules: [{}, {}, {}, {}] }),
        res("aws:kms/key:Key"),
        res("aws:secretsmanager/secret:Secret"),
        res("aws:cloudwatch/metricAlarm:MetricAlarm"),
      ],
      "us-west-2",
      { ...DEFAULT_ASSUMPTIONS, efsGb: 10 },
    );
    expect(item(e, "WAF web ACL").monthly).to.equal(5);
    expect(item(e, "WAF rules").monthly).to.equal(4);
    expect(item(e, "WAF requests").monthly).to.equal(0.6);
    // 2 × 10 GB × (1 + 2% × 35) = 34 GB
    expect(item(e, "AWS Backup (EFS warm storage)").monthly).to.equal(Math.round(34 * 0.05 * 100) / 100);
    expect(item(e, "EFS Standard storage").monthly).to.equal(6);
    expect(item(e, "KMS customer managed keys").monthly).to.equal(1);
  });

  it("prices ElastiCache per node of the replication group", () => {
    const e = estimateMonthlyCost(
      [res("aws:elasticache/replicationGroup:ReplicationGroup", { nodeType: "cache.t4g.micro", numCacheClusters: 2 })],
      "eu-west-1",
    );
    expect(item(e, "ElastiCache cache.t4g.micro").monthly).to.equal(
      Math.round(2 * HOURS_PER_MONTH * PRICES["eu-west-1"].elasticacheHour["cache.t4g.micro"] * 100) / 100,
    );
  });

  it("falls back to us-east-1 prices with a warning for a region it has no prices for", () => {
    expect(pricesFor("ap-south-1")).to.include({ priceRegion: "us-east-1" });
    const e = estimateMonthlyCost(service, "ap-south-1");
    expect(e.priceRegion).to.equal("us-east-1");
    expect(e.warnings.join("\n")).to.match(/no prices for ap-south-1 .*showing us-east-1 prices/);
  });

  it("names what it cannot price instead of counting it as free", () => {
    const e = estimateMonthlyCost(
      [
        res("aws:rds/instance:Instance", { instanceClass: "db.x2g.16xlarge", allocatedStorage: 100 }),
        res("aws:elasticache/replicationGroup:ReplicationGroup", { nodeType: "cache.r7g.xlarge", numCacheClusters: 1 }),
        res("aws:ecs/service:Service", { name: "orphan", taskDefinition: "arn:aws:ecs:r:1:task-definition/nope:1" }),
        res("aws:ecs/taskDefinition:TaskDefinition", { family: "a" }),
        res("aws:ecs/taskDefinition:TaskDefinition", { family: "b" }),
      ],
      "us-east-1",
    );
    expect(e.warnings.join("\n"))
      .to.match(/db\.x2g\.16xlarge is not in the price table/)
      .and.match(/cache\.r7g\.xlarge/)
      .and.match(/service orphan: no task definition/);
    expect(e.notEstimated.join(" ")).to.match(/data transfer/);
  });

  it("has the same fields for every region, all positive", () => {
    const keys = Object.keys(PRICES["us-east-1"]).sort();
    for (const region of ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1"]) {
      expect(Object.keys(PRICES[region]).sort(), region).to.deep.equal(keys);
      for (const [k, v] of Object.entries(PRICES[region])) {
        for (const n of typeof v === "number" ? [v] : Object.values(v)) expect(n, `${region} ${k}`).to.be.greaterThan(0);
      }
    }
  });

  it("parses --assume pairs and names each bad one", () => {
    expect(parseAssumptions(["efsGb=50", "logsGb=0.5"])).to.include({ efsGb: 50, logsGb: 0.5, natGb: DEFAULT_ASSUMPTIONS.natGb });
    expect(() => parseAssumptions(["efs=1", "natGb=-1", "albLcu"])).to.throw(
      /unknown assumption "efs"[\s\S]*natGb=-1: expected natGb=<a number ≥ 0>[\s\S]*--assume albLcu: expected/,
    );
  });
});

describe("plan cost estimate: model spend, scale-out, Container Insights and savings", () => {
  const r2 = (n: number) => Math.round(n * 100) / 100;
  const gatewayTask = (models: string[]) =>
    res("aws:ecs/taskDefinition:TaskDefinition", {
      family: "pluto-openwebui",
      cpu: "1024",
      memory: "3072",
      containerDefinitions: JSON.stringify([
        { name: "openwebui", environment: [] },
        { name: GATEWAY_CONTAINER, environment: [{ name: GATEWAY_CONFIG_VARIABLE, value: JSON.stringify(gatewayConfig({ models, region: "us-east-1" })) }] },
      ]),
    });
  const svc = (desiredCount: number) =>
    res("aws:ecs/service:Service", { name: "pluto-openwebui", desiredCount, taskDefinition: "arn:aws:ecs:us-east-1:1:task-definition/pluto-openwebui:1" });

  it("prices each Bedrock model the gateway serves for the members' assumed tokens, split evenly, and names one it cannot price", () => {
    const models = ["amazon.nova-lite-v1:0", "us.anthropic.claude-3-5-haiku-20241022-v1:0", "acme.unknown-v1:0"];
    const e = estimateMonthlyCost([gatewayTask(models), svc(1)], "us-east-1", {
      ...DEFAULT_ASSUMPTIONS,
      members: 30,
      millionTokensInPerMember: 3,
      millionTokensOutPerMember: 0.5,
    });
    expect(gatewayModelIds([gatewayTask(models)])).to.deep.equal(models);
    expect(item(e, "Bedrock amazon.nova-lite-v1:0").monthly).to.equal(r2(((30 * 3) / 3) * 0.06 + ((30 * 0.5) / 3) * 0.24));
    expect(item(e, "Bedrock us.anthropic.claude-3-5-haiku-20241022-v1:0").monthly).to.equal(r2(((30 * 3) / 3) * 0.8 + ((30 * 0.5) / 3) * 4));
    expect(item(e, "Bedrock amazon.nova-lite-v1:0").detail).to.equal("30 members × (3M in × $0.06 + 0.5M out × $0.24) per 1M tokens ÷ 3 models");
    expect(e.warnings.join("\n")).to.match(/Bedrock model acme\.unknown-v1:0 is not in the model price table/);
    expect(e.modelPricesAsOf).to.equal(MODEL_PRICES_AS_OF);
  });

  it("has no model line without the gateway, and a dated, positive price for every model in the table", () => {
    expect(estimateMonthlyCost([gatewayTask([]), svc(1)], "us-east-1").items.some((i) => i.item.startsWith("Bedrock"))).to.equal(false);
    expect(MODEL_PRICES_AS_OF).to.match(/^\d{4}-\d{2}-\d{2}$/);
    for (const [id, p] of Object.entries(MODEL_PRICES)) expect(Math.min(p.inputPerMillion, p.outputPerMillion), id).to.be.greaterThan(0);
    expect(modelPrice("global.anthropic.claude-sonnet-4-5-20250929-v1:0")).to.deep.equal(MODEL_PRICES["anthropic.claude-sonnet-4-5-20250929-v1:0"]);
    expect(modelPrice("anthropic.claude-unknown")).to.equal(undefined);
  });

  it("prices an autoscaled service from its desired to its maximum task count", () => {
    const target = res("aws:appautoscaling/target:Target", { resourceId: "service/pluto-cluster/pluto-openwebui", minCapacity: 2, maxCapacity: 6 });
    const e = estimateMonthlyCost([gatewayTask([]), svc(2), target], "us-east-1");
    const vcpu = item(e, "Fargate vCPU (pluto-openwebui)");
    expect(vcpu).to.include({ monthly: r2(2 * HOURS_PER_MONTH * 0.04048), monthlyMax: r2(6 * HOURS_PER_MONTH * 0.04048) });
    expect(vcpu.detail).to.match(/^2–6 tasks × 1 vCPU/);
    expect(e.totalMax - e.total).to.be.closeTo(
      e.items.reduce((n, i) => n + (i.monthlyMax ?? i.monthly) - i.monthly, 0),
      0.01,
    );
    expect(estimateMonthlyCost([gatewayTask([]), svc(2)], "us-east-1").items.every((i) => i.monthlyMax === undefined)).to.equal(true);
  });

  it("prices Container Insights when the cluster enables it: custom metrics and performance logs", () => {
    const cluster = (value: string) => res("aws:ecs/cluster:Cluster", { settings: [{ name: "containerInsights", value }] });
    const e = estimateMonthlyCost([cluster("enabled"), gatewayTask([]), svc(1)], "us-east-1");
    const metrics = INSIGHTS_METRICS.perCluster + INSIGHTS_METRICS.perService + INSIGHTS_METRICS.perTaskFamily;
    expect(item(e, "Container Insights metrics").monthly).to.equal(r2(metrics * 0.3));
    expect(item(e, "Container Insights performance logs").monthly).to.equal(r2(1 * DEFAULT_ASSUMPTIONS.insightsGbPerTask * (0.5 + 0.03)));
    expect(e.notEstimated.join(" ")).to.not.match(/Container Insights/);
    expect(
      estimateMonthlyCost([cluster("disabled"), gatewayTask([]), svc(1)], "us-east-1").items.some((i) => i.item.startsWith("Container Insights")),
    ).to.equal(false);
  });

  it("points at the largest saving: a NAT gateway per AZ against one, or one against none, or the database standby", () => {
    const p = PRICES["us-east-1"];
    const perAz = estimateMonthlyCost([res("awsx:ec2:Vpc", { natGateways: { strategy: "OnePerAz" }, numberOfAvailabilityZones: 3 })], "us-east-1");
    expect(perAz.savings[0]).to.deep.include({
      key: "natGateways",
      change: "perAz → single",
      monthly: r2(2 * HOURS_PER_MONTH * (p.natHour + p.publicIpv4Hour)),
    });
    const single = estimateMonthlyCost([res("aws:ec2/natGateway:NatGateway"), gatewayTask([]), svc(1)], "us-east-1");
    expect(single.savings[0]).to.deep.include({
      key: "natGateways",
      change: "single → none",
      monthly: r2(HOURS_PER_MONTH * (p.natHour + p.publicIpv4Hour) + DEFAULT_ASSUMPTIONS.natGb * p.natGb - HOURS_PER_MONTH * p.publicIpv4Hour),
    });
    const both = estimateMonthlyCost(
      [
        res("awsx:ec2:Vpc", { natGateways: { strategy: "OnePerAz" }, numberOfAvailabilityZones: 2 }),
        res("aws:rds/instance:Instance", { instanceClass: "db.t4g.large", allocatedStorage: 100, multiAz: true }),
      ],
      "us-east-1",
    );
    expect(both.savings.map((x) => x.key)).to.deep.equal(["database.multiAz", "natGateways"]);
    expect(both.savings[0].monthly).to.equal(r2(HOURS_PER_MONTH * 0.129 + 100 * 0.115));
  });

  it("bills a metric math alarm per metric it reads", () => {
    const e = estimateMonthlyCost(
      [
        res("aws:cloudwatch/metricAlarm:MetricAlarm", { metricName: "CPUUtilization" }),
        res("aws:cloudwatch/metricAlarm:MetricAlarm", {
          metricQueries: [
            { id: "e1", expression: "a - b" },
            { id: "a", metric: {} },
            { id: "b", metric: {} },
          ],
        }),
      ],
      "us-east-1",
    );
    expect(item(e, "CloudWatch alarms")).to.include({ detail: "2 alarm(s), 3 metrics × $0.1", monthly: 0.3 });
  });

  it("takes the new assumptions from --assume", () => {
    expect(parseAssumptions(["members=50", "millionTokensInPerMember=0.5", "insightsGbPerTask=0"])).to.include({
      members: 50,
      millionTokensInPerMember: 0.5,
      insightsGbPerTask: 0,
      millionTokensOutPerMember: DEFAULT_ASSUMPTIONS.millionTokensOutPerMember,
    });
  });
});
