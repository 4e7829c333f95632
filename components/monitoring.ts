import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { AlarmThresholds } from "../config/alarms";

/** A service behind the load balancer: its ECS service and its target group. */
export interface MonitoredService<V = pulumi.Input<string>> {
  /** Short name used in alarm names, e.g. `openwebui`, `n8n`. */
  app: string;
  serviceName: V;
  /** The target group's ARN suffix (`targetgroup/<name>/<id>`), the TargetGroup dimension. */
  targetGroupArnSuffix: V;
}

/** What the alarms watch: names and ARN suffixes other components output. */
export interface MonitoredStack<V = pulumi.Input<string>> {
  namePrefix: string;
  region: string;
  clusterName: V;
  /** The load balancer's ARN suffix (`app/<name>/<id>`), the LoadBalancer dimension. */
  loadBalancerArnSuffix: V;
  services: MonitoredService<V>[];
  /** The RDS instance identifier. */
  dbInstanceId: V;
  /** The web ACL's metric name (its `visibilityConfig.metricName`); set only when the WAF is enabled. */
  webAclMetricName?: V;
  /** The log group the Bedrock gateway writes to; set only when `pluto:models.bedrock` is configured. */
  gatewayLogGroupName?: V;
}

export interface MetricRef<V> {
  namespace: string;
  metricName: string;
  dimensions: Record<string, V>;
  stat: "Sum" | "Average" | "Minimum" | "Maximum";
  /** Seconds. */
  period: number;
}

/** One alarm, independent of Pulumi: the component creates it and the dashboard draws it. */
export interface AlarmDefinition<V = pulumi.Input<string>> {
  /** `<namePrefix>-<role>` is the alarm's name. */
  role: string;
  name: string;
  title: string;
  /** What happened and what to do; CloudWatch puts it in the email. */
  description: string;
  comparison: "GreaterThanOrEqualToThreshold" | "LessThanThreshold";
  threshold: number;
  evaluationPeriods: number;
  treatMissingData: "notBreaching" | "missing" | "breaching";
  /** A single metric, or metric math: `metrics` keyed by id and `expression` over them. */
  metric?: MetricRef<V>;
  metrics?: Record<string, MetricRef<V>>;
  expression?: string;
}

/** A metric filter the model alarms count from (LiteLLM publishes no CloudWatch metrics of its own). */
export interface LogMetric<V = pulumi.Input<string>> {
  role: string;
  logGroupName: V;
  pattern: string;
  namespace: string;
  metricName: string;
}

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;
/** Below this many requests in 5 minutes a blocked share says nothing (3 of 5 is 60 %). */
export const WAF_MIN_REQUESTS = 100;
export const MODEL_METRIC_NAMESPACE = "Pluto/Models";

/**
 * What LiteLLM's proxy logs when a model call fails: `_handle_llm_api_exception` in
 * litellm/proxy/common_request_processing.py logs `litellm.proxy.proxy_server._handle_llm_api_exception():
 * Exception occured - <error>` at ERROR for every failed call (BerriAI/litellm, checked at commit
 * 0f08a1221f1f; the v1.104.2 tag itself was not available to read). Bedrock's ThrottlingException
 * reaches that line as `litellm.RateLimitError` (LiteLLM's exception mapping: 429 → RateLimitError).
 * Quoted terms in a filter pattern must all occur in the line.
 */
export const GATEWAY_ERROR_PATTERN = '"_handle_llm_api_exception(): Exception occured"';
export const GATEWAY_THROTTLE_PATTERN = `${GATEWAY_ERROR_PATTERN} "RateLimitError"`;

/** The metric filters on the gateway's log lines; none without the gateway. */
export function logMetrics<V>(s: MonitoredStack<V>): LogMetric<V>[] {
  if (s.gatewayLogGroupName === undefined) return [];
  const p = s.namePrefix;
  return [
    {
      role: "model-errors",
      logGroupName: s.gatewayLogGroupName,
      pattern: GATEWAY_ERROR_PATTERN,
      namespace: MODEL_METRIC_NAMESPACE,
      metricName: `${p}-model-errors`,
    },
    {
      role: "model-throttles",
      logGroupName: s.gatewayLogGroupName,
      pattern: GATEWAY_THROTTLE_PATTERN,
      namespace: MODEL_METRIC_NAMESPACE,
      metricName: `${p}-model-throttles`,
    },
  ];
}

/**
 * Every alarm of the stack: what an operator must act on, with the thresholds from `pluto:alarms`.
 * Pure, so the dashboard and the tests read the same definitions the component creates.
 */
export function alarmDefinitions<V>(s: MonitoredStack<V>, t: AlarmThresholds): AlarmDefinition<V>[] {
  const p = s.namePrefix;
  const alb = (metricName: string, stat: MetricRef<V>["stat"], period: number, extra: Record<string, V> = {}): MetricRef<V> => ({
    namespace: "AWS/ApplicationELB",
    metricName,
    dimensions: { ...extra, LoadBalancer: s.loadBalancerArnSuffix },
    stat,
    period,
  });
  const rds = (metricName: string, stat: MetricRef<V>["stat"]): MetricRef<V> => ({
    namespace: "AWS/RDS",
    metricName,
    dimensions: { DBInstanceIdentifier: s.dbInstanceId },
    stat,
    period: 300,
  });
  const defs: AlarmDefinition<V>[] = [
    {
      role: "alb-5xx",
      name: `${p}-alb-5xx`,
      title: "Load balancer 5xx",
      description: `The load balancer answered ${t.elb5xxPer5Minutes} or more requests with its own 5xx in 5 minutes (502/503/504: no healthy task, or a task did not answer). Run \`pluto doctor\` and \`pluto logs\`.`,
      comparison: "GreaterThanOrEqualToThreshold",
      threshold: t.elb5xxPer5Minutes,
      evaluationPeriods: 1,
      treatMissingData: "notBreaching",
      metric: alb("HTTPCode_ELB_5XX_Count", "Sum", 300),
    },
    {
      role: "target-5xx",
      name: `${p}-target-5xx`,
      title: "Task 5xx",
      description: `The tasks (oauth2-proxy, the apps behind it) answered ${t.target5xxPer5Minutes} or more requests with 5xx in 5 minutes. Look at \`pluto logs\` for the app's errors.`,
      comparison: "GreaterThanOrEqualToThreshold",
      threshold: t.target5xxPer5Minutes,
      evaluationPeriods: 1,
      treatMissingData: "notBreaching",
      metric: alb("HTTPCode_Target_5XX_Count", "Sum", 300),
    },
  ];
  for (const svc of s.services) {
    const tg = { TargetGroup: svc.targetGroupArnSuffix };
    // Container Insights service metrics (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-metrics-ECS.html):
    // RunningTaskCount and DesiredTaskCount per ClusterName and ServiceName, each minute.
    const insights = (metricName: string, stat: MetricRef<V>["stat"]): MetricRef<V> => ({
      namespace: "ECS/ContainerInsights",
      metricName,
      dimensions: { ClusterName: s.clusterName, ServiceName: svc.serviceName },
      stat,
      period: 60,
    });
    defs.push(
      {
        role: `${svc.app}-unhealthy-targets`,
        name: `${p}-${svc.app}-unhealthy-targets`,
        title: `${svc.app}: unhealthy targets`,
        description: `A ${svc.app} task failed the load balancer's health check for ${t.unhealthyTargetMinutes} minutes in a row. Run \`pluto doctor\` (stopped tasks, deployments) and \`pluto logs\`.`,
        comparison: "GreaterThanOrEqualToThreshold",
        threshold: 1,
        evaluationPeriods: t.unhealthyTargetMinutes,
        treatMissingData: "notBreaching",
        metric: alb("UnhealthyHostCount", "Maximum", 60, tg),
      },
      {
        // ECS deregisters a stopped task, so a service with no task at all has no unhealthy target either.
        role: `${svc.app}-no-healthy-target`,
        name: `${p}-${svc.app}-no-healthy-target`,
        title: `${svc.app}: healthy targets`,
        description: `${svc.app} had no healthy task behind the load balancer for ${t.tasksBelowDesiredMinutes} minutes: the app is down for everyone. Run \`pluto doctor\`.`,
        comparison: "LessThanThreshold",
        threshold: 1,
        evaluationPeriods: t.tasksBelowDesiredMinutes,
        treatMissingData: "breaching",
        metric: alb("HealthyHostCount", "Minimum", 60, tg),
      },
      {
        role: `${svc.app}-tasks-below-desired`,
        name: `${p}-${svc.app}-tasks-below-desired`,
        title: `${svc.app}: tasks missing`,
        description: `${svc.app} ran fewer tasks than desired for ${t.tasksBelowDesiredMinutes} minutes (tasks fail to start or keep stopping). Run \`pluto doctor\` (stopped tasks and why).`,
        comparison: "GreaterThanOrEqualToThreshold",
        threshold: 1,
        evaluationPeriods: t.tasksBelowDesiredMinutes,
        treatMissingData: "missing",
        metrics: { desired: insights("DesiredTaskCount", "Maximum"), running: insights("RunningTaskCount", "Minimum") },
        expression: "desired - running",
      },
    );
  }
  defs.push(
    {
      role: "db-cpu",
      name: `${p}-db-cpu`,
      title: "Database CPU %",
      description: `The database's CPU averaged ${t.dbCpuPercent} % or more for 15 minutes. On a burstable class (db.t4g) it may run out of CPU credits: consider a larger pluto:database.instanceClass.`,
      comparison: "GreaterThanOrEqualToThreshold",
      threshold: t.dbCpuPercent,
      evaluationPeriods: 3,
      treatMissingData: "missing",
      metric: rds("CPUUtilization", "Average"),
    },
    {
      role: "db-free-storage",
      name: `${p}-db-free-storage`,
      title: "Database free storage (bytes)",
      description: `The database has less than ${t.dbFreeStorageGiB} GiB of free storage. Storage autoscaling stops at pluto:database.maxAllocatedStorage: raise it (or allocatedStorage) and run \`pulumi up\`.`,
      comparison: "LessThanThreshold",
      threshold: t.dbFreeStorageGiB * GIB,
      evaluationPeriods: 1,
      treatMissingData: "missing",
      metric: rds("FreeStorageSpace", "Minimum"),
    },
    {
      role: "db-freeable-memory",
      name: `${p}-db-freeable-memory`,
      title: "Database freeable memory (bytes)",
      description: `The database has had less than ${t.dbFreeMemoryMiB} MiB of freeable memory for 15 minutes; it will swap and slow every page. Consider a larger pluto:database.instanceClass.`,
      comparison: "LessThanThreshold",
      threshold: t.dbFreeMemoryMiB * MIB,
      evaluationPeriods: 3,
      treatMissingData: "missing",
      metric: rds("FreeableMemory", "Minimum"),
    },
  );
  if (s.webAclMetricName !== undefined) {
    // WAF metrics per web ACL (https://docs.aws.amazon.com/waf/latest/developerguide/waf-metrics.html):
    // dimensions Region, Rule (ALL for the whole ACL) and WebACL, the ACL's metric name.
    const waf = (metricName: string): MetricRef<V> => ({
      namespace: "AWS/WAFV2",
      metricName,
      dimensions: { Region: s.region as V, Rule: "ALL" as V, WebACL: s.webAclMetricName! },
      stat: "Sum",
      period: 300,
    });
    defs.push({
      role: "waf-blocked-share",
      name: `${p}-waf-blocked-share`,
      title: "WAF blocked share %",
      description: `The WAF blocked ${t.wafBlockedPercent} % or more of at least ${WAF_MIN_REQUESTS} requests in 5 minutes: an attack, or a rule blocking members. Look at the web ACL's sampled requests to see which rule.`,
      comparison: "GreaterThanOrEqualToThreshold",
      threshold: t.wafBlockedPercent,
      evaluationPeriods: 1,
      treatMissingData: "notBreaching",
      metrics: { blocked: waf("BlockedRequests"), allowed: waf("AllowedRequests") },
      // No data point means no request of that kind: FILL makes it 0 so the share is still computed.
      expression: `IF(FILL(blocked, 0) + FILL(allowed, 0) >= ${WAF_MIN_REQUESTS}, 100 * FILL(blocked, 0) / (FILL(blocked, 0) + FILL(allowed, 0)), 0)`,
    });
  }
  for (const lm of logMetrics(s)) {
    const throttles = lm.role === "model-throttles";
    const threshold = throttles ? t.modelThrottlesPer5Minutes : t.modelErrorsPer5Minutes;
    defs.push({
      role: lm.role,
      name: `${p}-${lm.role}`,
      title: throttles ? "Model calls throttled" : "Model calls failed",
      description: throttles
        ? `Bedrock throttled ${threshold} or more model calls in 5 minutes: the account's quota for a model is too low for the team. Ask for a higher Bedrock quota or use a cross-Region inference profile.`
        : `${threshold} or more model calls through the Bedrock gateway failed in 5 minutes. \`pluto logs\` shows the gateway's errors (container bedrock-gateway); \`pluto doctor\` checks the model connections.`,
      comparison: "GreaterThanOrEqualToThreshold",
      threshold,
      evaluationPeriods: 1,
      treatMissingData: "notBreaching",
      metric: { namespace: lm.namespace, metricName: lm.metricName, dimensions: {}, stat: "Sum", period: 300 },
    });
  }
  return defs;
}

type Widget = { type: string; x: number; y: number; width: number; height: number; properties: Record<string, unknown> };

/** A metric in the dashboard's array form: namespace, name, dimension name/value pairs, then options. */
function metricRow(m: MetricRef<string>, options: Record<string, unknown>): unknown[] {
  return [m.namespace, m.metricName, ...Object.entries(m.dimensions).flat(), { stat: m.stat, period: m.period, ...options }];
}

/**
 * The CloudWatch dashboard body (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html):
 * the alarms' states at the top, then one graph per alarm with its threshold drawn. Pure.
 */
export function dashboardBody(defs: AlarmDefinition<string>[], region: string, alarmArns: string[] = []): string {
  const widgets: Widget[] = [];
  let y = 0;
  if (alarmArns.length) {
    widgets.push({ type: "alarm", x: 0, y, width: 24, height: 3, properties: { title: "Alarms", alarms: alarmArns } });
    y += 3;
  }
  defs.forEach((d, i) => {
    const metrics = d.metric
      ? [metricRow(d.metric, {})]
      : [[{ expression: d.expression, label: d.title, id: "e1" }], ...Object.entries(d.metrics ?? {}).map(([id, m]) => metricRow(m, { id, visible: false }))];
    widgets.push({
      type: "metric",
      x: (i % 3) * 8,
      y: y + Math.floor(i / 3) * 6,
      width: 8,
      height: 6,
      properties: {
        title: d.title,
        region,
        view: "timeSeries",
        stacked: false,
        metrics,
        annotations: { horizontal: [{ label: `alarm ${d.comparison === "LessThanThreshold" ? "<" : "≥"} ${d.threshold}`, value: d.threshold }] },
      },
    });
  });
  return JSON.stringify({ widgets });
}

export interface MonitoringArgs {
  stack: MonitoredStack;
  thresholds: AlarmThresholds;
  /** The SNS topic the alarms (and their recovery) are sent to. */
  alarmTopicArn: pulumi.Input<string>;
  tags?: Record<string, string>;
}

/**
 * The alarms that tell an operator the workspace is down or degraded, sent to the stack's alarm
 * topic (which emails `pluto:alarmEmail`), and a CloudWatch dashboard `<prefix>-workspace` of the same metrics.
 */
export class Monitoring extends pulumi.ComponentResource {
  readonly alarms: aws.cloudwatch.MetricAlarm[];
  readonly dashboard: aws.cloudwatch.Dashboard;
  readonly alarmNames: string[];

  constructor(name: string, args: MonitoringArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("pluto:monitoring:Monitoring", name, {}, opts);
    const tags = { Name: name, ...args.tags };
    const defs = alarmDefinitions(args.stack, args.thresholds);

    const filters = logMetrics(args.stack).map(
      (lm) =>
        new aws.cloudwatch.LogMetricFilter(
          `${name}-${lm.role}`,
          {
            name: lm.metricName,
            logGroupName: lm.logGroupName,
            pattern: lm.pattern,
            metricTransformation: { namespace: lm.namespace, name: lm.metricName, value: "1", unit: "Count" },
          },
          { parent: this },
        ),
    );

    const metricQuery = (id: string, m: MetricRef<pulumi.Input<string>>) => ({
      id,
      returnData: false,
      metric: { namespace: m.namespace, metricName: m.metricName, dimensions: m.dimensions, stat: m.stat, period: m.period },
    });
    this.alarms = defs.map(
      (d) =>
        new aws.cloudwatch.MetricAlarm(
          `${name}-${d.role}`,
          {
            name: d.name,
            alarmDescription: d.description,
            comparisonOperator: d.comparison,
            threshold: d.threshold,
            evaluationPeriods: d.evaluationPeriods,
            treatMissingData: d.treatMissingData,
            ...(d.metric
              ? {
                  namespace: d.metric.namespace,
                  metricName: d.metric.metricName,
                  dimensions: d.metric.dimensions,
                  statistic: d.metric.stat,
                  period: d.metric.period,
                }
              : {
                  metricQueries: [
                    { id: "e1", expression: d.expression, label: d.title, returnData: true },
                    ...Object.entries(d.metrics ?? {}).map(([id, m]) => metricQuery(id, m)),
                  ],
                }),
            alarmActions: [args.alarmTopicArn],
            // The recovery is news too: the operator learns the workspace is back without looking.
            okActions: [args.alarmTopicArn],
            tags,
          },
          { parent: this, dependsOn: filters },
        ),
    );
    this.alarmNames = defs.map((d) => d.name);

    const resolved = pulumi.output(args.stack) as pulumi.Output<MonitoredStack<string>>;
    this.dashboard = new aws.cloudwatch.Dashboard(
      `${name}-dashboard`,
      {
        dashboardName: `${args.stack.namePrefix}-workspace`,
        dashboardBody: pulumi
          .all([resolved, pulumi.all(this.alarms.map((a) => a.arn))])
          .apply(([stack, arns]) => dashboardBody(alarmDefinitions(stack, args.thresholds), args.stack.region, arns)),
      },
      { parent: this },
    );

    this.registerOutputs({ alarmNames: this.alarmNames, dashboardName: this.dashboard.dashboardName });
  }
}
