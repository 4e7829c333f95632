import { expect } from "chai";
import { ALARM_DEFAULTS } from "../../config/alarms";
import {
  alarmDefinitions,
  dashboardBody,
  GATEWAY_ERROR_PATTERN,
  GATEWAY_THROTTLE_PATTERN,
  MonitoredStack,
  WAF_MIN_REQUESTS,
} from "../../components/monitoring";
import { Stack, synthStack } from "../helpers/stack";

const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const FILTER = "aws:cloudwatch/logMetricFilter:LogMetricFilter";
const DASHBOARD = "aws:cloudwatch/dashboard:Dashboard";

const STACK: MonitoredStack<string> = {
  namePrefix: "pluto",
  region: "eu-west-1",
  clusterName: "pluto-cluster",
  loadBalancerArnSuffix: "app/pluto/1",
  services: [{ app: "openwebui", serviceName: "pluto-openwebui", targetGroupArnSuffix: "targetgroup/ow/2" }],
  dbInstanceId: "pluto-openwebui",
};
const FULL: MonitoredStack<string> = {
  ...STACK,
  services: [...STACK.services, { app: "n8n", serviceName: "pluto-n8n", targetGroupArnSuffix: "targetgroup/n8n/3" }],
  webAclMetricName: "pluto-web",
  gatewayLogGroupName: "/pluto/ecs",
};

describe("monitoring: alarm definitions", () => {
  it("watches the load balancer, each service, and the database; the WAF and models only when present", () => {
    expect(alarmDefinitions(STACK, ALARM_DEFAULTS).map((d) => d.name)).to.deep.equal([
      "pluto-alb-5xx",
      "pluto-target-5xx",
      "pluto-openwebui-unhealthy-targets",
      "pluto-openwebui-no-healthy-target",
      "pluto-openwebui-tasks-below-desired",
      "pluto-db-cpu",
      "pluto-db-free-storage",
      "pluto-db-freeable-memory",
    ]);
    const full = alarmDefinitions(FULL, ALARM_DEFAULTS).map((d) => d.name);
    expect(full).to.include.members([
      "pluto-n8n-unhealthy-targets",
      "pluto-n8n-tasks-below-desired",
      "pluto-waf-blocked-share",
      "pluto-model-errors",
      "pluto-model-throttles",
    ]);
    expect(full).to.have.length(14);
  });

  it("takes every threshold from pluto:alarms, converting GiB and MiB to the bytes RDS reports", () => {
    const t = {
      ...ALARM_DEFAULTS,
      elb5xxPer5Minutes: 11,
      target5xxPer5Minutes: 12,
      unhealthyTargetMinutes: 7,
      tasksBelowDesiredMinutes: 20,
      dbCpuPercent: 90,
      dbFreeStorageGiB: 5,
      dbFreeMemoryMiB: 128,
      wafBlockedPercent: 40,
      modelErrorsPer5Minutes: 9,
      modelThrottlesPer5Minutes: 4,
    };
    const by = Object.fromEntries(alarmDefinitions(FULL, t).map((d) => [d.role, d]));
    expect(by["alb-5xx"].threshold).to.equal(11);
    expect(by["target-5xx"].threshold).to.equal(12);
    expect(by["openwebui-unhealthy-targets"]).to.include({ threshold: 1, evaluationPeriods: 7 });
    expect(by["openwebui-no-healthy-target"]).to.include({
      threshold: 1,
      evaluationPeriods: 20,
      comparison: "LessThanThreshold",
      treatMissingData: "breaching",
    });
    expect(by["openwebui-tasks-below-desired"]).to.include({ threshold: 1, evaluationPeriods: 20, expression: "desired - running" });
    expect(by["db-cpu"].threshold).to.equal(90);
    expect(by["db-free-storage"]).to.include({ threshold: 5 * 1024 ** 3, comparison: "LessThanThreshold" });
    expect(by["db-freeable-memory"]).to.include({ threshold: 128 * 1024 ** 2, comparison: "LessThanThreshold" });
    expect(by["waf-blocked-share"].threshold).to.equal(40);
    expect(by["model-errors"].threshold).to.equal(9);
    expect(by["model-throttles"].threshold).to.equal(4);
  });

  it("counts tasks from Container Insights per cluster and service", () => {
    const d = alarmDefinitions(STACK, ALARM_DEFAULTS).find((x) => x.role === "openwebui-tasks-below-desired")!;
    for (const [id, metricName] of [
      ["desired", "DesiredTaskCount"],
      ["running", "RunningTaskCount"],
    ])
      expect(d.metrics![id]).to.deep.include({
        namespace: "ECS/ContainerInsights",
        metricName,
        dimensions: { ClusterName: "pluto-cluster", ServiceName: "pluto-openwebui" },
        period: 60,
      });
  });

  it("computes the WAF's blocked share of the whole ACL, only above a minimum of requests", () => {
    const d = alarmDefinitions(FULL, ALARM_DEFAULTS).find((x) => x.role === "waf-blocked-share")!;
    expect(d.metrics!.blocked).to.deep.include({
      namespace: "AWS/WAFV2",
      metricName: "BlockedRequests",
      dimensions: { Region: "eu-west-1", Rule: "ALL", WebACL: "pluto-web" },
    });
    expect(d.metrics!.allowed.metricName).to.equal("AllowedRequests");
    expect(d.expression).to.contain(`>= ${WAF_MIN_REQUESTS}`).and.to.contain("100 * FILL(blocked, 0) / (FILL(blocked, 0) + FILL(allowed, 0))");
  });

  it("counts throttling as a kind of model error: every throttle line also matches the error pattern", () => {
    expect(GATEWAY_THROTTLE_PATTERN.startsWith(GATEWAY_ERROR_PATTERN)).to.equal(true);
    expect(GATEWAY_THROTTLE_PATTERN).to.contain('"RateLimitError"');
  });
});

describe("monitoring: dashboard body", () => {
  const defs = alarmDefinitions(FULL, ALARM_DEFAULTS);
  const body = JSON.parse(dashboardBody(defs, "eu-west-1", ["arn:aws:cloudwatch:eu-west-1:1:alarm:pluto-alb-5xx"]));

  it("shows the alarms' states first, then one graph per alarm with its threshold drawn", () => {
    expect(body.widgets[0]).to.deep.include({ type: "alarm", x: 0, y: 0, width: 24 });
    expect(body.widgets[0].properties.alarms).to.deep.equal(["arn:aws:cloudwatch:eu-west-1:1:alarm:pluto-alb-5xx"]);
    const graphs = body.widgets.slice(1);
    expect(graphs.map((w: any) => w.properties.title)).to.deep.equal(defs.map((d) => d.title));
    graphs.forEach((w: any, i: number) => {
      expect(w.properties.region).to.equal("eu-west-1");
      expect(w.properties.annotations.horizontal[0].value).to.equal(defs[i].threshold);
      expect(w.x + w.width).to.be.at.most(24);
    });
  });

  it("draws a metric in CloudWatch's array form and metric math as the expression over hidden metrics", () => {
    const graphs = body.widgets.slice(1);
    const alb = graphs[defs.findIndex((d) => d.role === "alb-5xx")];
    expect(alb.properties.metrics).to.deep.equal([
      ["AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "LoadBalancer", "app/pluto/1", { stat: "Sum", period: 300 }],
    ]);
    const tasks = graphs[defs.findIndex((d) => d.role === "n8n-tasks-below-desired")];
    expect(tasks.properties.metrics[0]).to.deep.equal([{ expression: "desired - running", label: "n8n: tasks missing", id: "e1" }]);
    expect(tasks.properties.metrics[1]).to.deep.equal([
      "ECS/ContainerInsights",
      "DesiredTaskCount",
      "ClusterName",
      "pluto-cluster",
      "ServiceName",
      "pluto-n8n",
      { stat: "Maximum", period: 60, id: "desired", visible: false },
    ]);
  });

  it("leaves the alarm widget out when there is no alarm ARN", () => {
    expect(JSON.parse(dashboardBody(defs, "eu-west-1")).widgets.every((w: any) => w.type === "metric")).to.equal(true);
  });
});

describe("monitoring in the synthesised stack", () => {
  const alarmsOf = (stack: Stack) => stack.all(ALARM).filter((r) => r.name.startsWith("pluto-monitoring-"));

  describe("the dev stack (no WAF, no models)", () => {
    let stack: Stack;
    before(async () => (stack = await synthStack()));

    it("sends every alarm and its recovery to the stack's alarm topic", () => {
      const alarms = alarmsOf(stack);
      expect(alarms.map((a) => (a.inputs as any).name)).to.have.members(alarmDefinitions(STACK, ALARM_DEFAULTS).map((d) => d.name));
      for (const a of alarms) {
        expect((a.inputs as any).alarmActions, a.name).to.deep.equal(["arn:aws:sns:us-west-2:123456789012:pluto-user-provisioning-alarms"]);
        expect((a.inputs as any).okActions, a.name).to.deep.equal((a.inputs as any).alarmActions);
      }
      expect(stack.all(FILTER).filter((f) => f.name.startsWith("pluto-monitoring-"))).to.have.length(0);
    });

    it("points the dimensions at the stack's own load balancer, target group, service and database", () => {
      const lb = stack.one("aws:lb/loadBalancer:LoadBalancer");
      const lbSuffix = lb.id.split(":loadbalancer/")[1];
      const tg = stack.all("aws:lb/targetGroup:TargetGroup").find((t) => t.name.includes("openwebui"))!;
      const tgSuffix = tg.id.split(":").pop();
      const by = (role: string) => stack.inputs(ALARM, `-monitoring-${role}`);
      expect(by("alb-5xx").dimensions).to.deep.equal({ LoadBalancer: lbSuffix });
      expect(by("openwebui-unhealthy-targets").dimensions).to.deep.equal({ LoadBalancer: lbSuffix, TargetGroup: tgSuffix });
      expect(by("db-cpu").dimensions).to.deep.equal({ DBInstanceIdentifier: "pluto-openwebui" });
      const tasks = by("openwebui-tasks-below-desired");
      expect(tasks.metricQueries[0]).to.include({ id: "e1", expression: "desired - running", returnData: true });
      expect(tasks.metricQueries[1].metric.dimensions).to.deep.equal({ ClusterName: "pluto-cluster", ServiceName: "pluto-openwebui" });
    });

    it("creates the dashboard pluto-workspace with a graph per alarm", () => {
      const d = stack.inputs(DASHBOARD);
      expect(d.dashboardName).to.equal("pluto-workspace");
      const body = JSON.parse(d.dashboardBody);
      expect(body.widgets.filter((w: any) => w.type === "metric")).to.have.length(alarmsOf(stack).length);
      expect(body.widgets[0].properties.alarms).to.have.length(alarmsOf(stack).length);
    });
  });

  describe("with the WAF, Bedrock models, n8n and pluto:alarms set", () => {
    let stack: Stack;
    before(
      async () =>
        (stack = await synthStack({
          "pluto:waf": JSON.stringify({ enabled: true }),
          "pluto:models": JSON.stringify({ bedrock: { models: ["amazon.nova-lite-v1:0"] } }),
          "pluto:n8n": JSON.stringify({ enabled: true }),
          "pluto:alarms": JSON.stringify({ dbCpuPercent: 95, modelThrottlesPer5Minutes: 2 }),
        })),
    );

    it("adds the WAF share, model errors and throttling from the gateway's log lines, and n8n's alarms", () => {
      const names = alarmsOf(stack).map((a) => (a.inputs as any).name);
      expect(names).to.include.members(["pluto-waf-blocked-share", "pluto-model-errors", "pluto-model-throttles", "pluto-n8n-tasks-below-desired"]);
      const filters = stack.all(FILTER).filter((f) => f.name.startsWith("pluto-monitoring-"));
      expect(filters.map((f) => [(f.inputs as any).logGroupName, (f.inputs as any).pattern])).to.deep.equal([
        ["/pluto/ecs", GATEWAY_ERROR_PATTERN],
        ["/pluto/ecs", GATEWAY_THROTTLE_PATTERN],
      ]);
      const waf = stack.inputs(ALARM, "-monitoring-waf-blocked-share");
      expect(waf.metricQueries.find((q: any) => q.id === "blocked").metric.dimensions.WebACL).to.equal(
        stack.inputs("aws:wafv2/webAcl:WebAcl").visibilityConfig.metricName,
      );
    });

    it("uses the operator's thresholds", () => {
      expect(stack.inputs(ALARM, "-monitoring-db-cpu").threshold).to.equal(95);
      expect(stack.inputs(ALARM, "-monitoring-model-throttles")).to.include({ threshold: 2, metricName: "pluto-model-throttles", namespace: "Pluto/Models" });
    });
  });
});
