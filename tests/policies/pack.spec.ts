import { expect } from "chai";
import { packPolicies, PACK_NAME } from "../../policies/pack";
import { runPolicies, PolicyResourceInput } from "../../policies/runPolicies";
import { sqsDlqAlarmed } from "../../policies/stackPolicies";
import { oauth2ProxyNoForwardedHeaderTrust, oauth2ProxySkipAuthRoutesAllowlist, openwebuiNoWebuiAuth } from "../../policies/taskPolicies";
import { DEFAULT_SKIP_AUTH_ROUTE_ALLOWLIST, STACK_POLICIES, TASK_POLICIES } from "../../policies/rules";
import { GRAPH_POLICIES } from "../../policies/stack/info";
import { rulesConfigFromPackConfig } from "../../policies/config";
import { goldenDefinitions, goldenN8nDefinitions, withEnv } from "../fixtures/policies/golden";
import { assertHasViolation, assertNoViolations, resourceOf, violationsOf } from "./util";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const ARN = "arn:aws:sqs:us-west-2:123456789012";
const urn = (type: string, name: string) => `urn:pulumi:dev::pluto::${type}::${name}`;

function res(type: string, name: string, props: Record<string, unknown>, propertyDependencies?: Record<string, string[]>): PolicyResourceInput {
  return { type, name, urn: urn(type, name), props, ...(propertyDependencies ? { propertyDependencies } : {}) };
}

/** The provisioning pipeline's queues as the program declares them: a happy-path factory to mutate. */
function provisioning(): PolicyResourceInput[] {
  return [
    res("aws:sqs/queue:Queue", "provisioning-dlq", { name: "pluto-user-provisioning-dlq", messageRetentionSeconds: 1209600 }),
    res("aws:sqs/queue:Queue", "provisioning-queue", {
      name: "pluto-user-provisioning",
      redrivePolicy: JSON.stringify({ deadLetterTargetArn: `${ARN}:pluto-user-provisioning-dlq`, maxReceiveCount: 5 }),
    }),
    res("aws:cloudwatch/metricAlarm:MetricAlarm", "provisioning-dlq-alarm", {
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: "pluto-user-provisioning-dlq" },
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      threshold: 1,
    }),
  ];
}

describe("policy pack", () => {
  it("holds every rule of rules.ts once, with the rules' levels and descriptions", () => {
    expect(PACK_NAME).to.match(/^[a-zA-Z0-9-_.]{1,100}$/);
    expect(packPolicies.map((p) => [p.name, p.enforcementLevel, p.description])).to.deep.equal(
      [...TASK_POLICIES, ...STACK_POLICIES, ...GRAPH_POLICIES].map((p) => [p.name, p.defaultLevel, p.description]),
    );
  });

  it("reports nothing for the golden tasks through every policy", async () => {
    expect(await runPolicies([resourceOf("aws", goldenDefinitions()), resourceOf("aws", goldenN8nDefinitions()), ...provisioning()])).to.deep.equal([]);
  });

  it("reports a mandatory policy's weaker finding as advisory, and the pack config can still disable it", async () => {
    const defs = goldenDefinitions();
    withEnv(withEnv(defs[1], "OAUTH2_PROXY_REVERSE_PROXY", "true"), "OAUTH2_PROXY_TRUSTED_PROXY_IPS", "10.0.0.0/16");
    const task = [resourceOf("aws", defs)];
    await assertHasViolation(oauth2ProxyNoForwardedHeaderTrust, task, { message: "an ALB passes", level: "advisory" });
    await assertHasViolation(oauth2ProxyNoForwardedHeaderTrust, task, { message: "an ALB passes", level: "advisory" }, { all: "mandatory" });
    await assertNoViolations(oauth2ProxyNoForwardedHeaderTrust, task, { "oauth2-proxy-no-forwarded-header-trust": "disabled" });
  });

  it("reports a task it cannot read during preview as advisory, once per policy, never as a pass", async () => {
    const unknownTask = res("aws:ecs/taskDefinition:TaskDefinition", "task", { family: "pluto-openwebui", containerDefinitions: UNKNOWN });
    const vs = await runPolicies([unknownTask]);
    expect(vs.map((v) => v.policy)).to.deep.equal(TASK_POLICIES.map((p) => p.name));
    for (const v of vs) {
      expect(v.level).to.equal("advisory");
      expect(v.urn).to.equal(unknownTask.urn);
      expect(v.message).to.match(/^Could not be checked by .*containerDefinitions is not known until deploy/);
    }
  });

  it("takes per-policy levels and the `all` key from the pack config", async () => {
    const defs = goldenDefinitions();
    withEnv(defs[0], "WEBUI_AUTH", "false");
    const task = [resourceOf("aws", defs)];
    await assertHasViolation(openwebuiNoWebuiAuth, task, { message: "WEBUI_AUTH", level: "advisory" }, { "openwebui-no-webui-auth": "advisory" });
    await assertHasViolation(openwebuiNoWebuiAuth, task, { message: "WEBUI_AUTH", level: "advisory" }, { all: "advisory" });
    await assertHasViolation(
      openwebuiNoWebuiAuth,
      task,
      { message: "WEBUI_AUTH", level: "mandatory" },
      { all: "advisory", "openwebui-no-webui-auth": { enforcementLevel: "mandatory" } },
    );
    await assertNoViolations(openwebuiNoWebuiAuth, task, { "openwebui-no-webui-auth": "disabled" });
  });

  it("reads the skip-auth allowlist from the policy's config", async () => {
    const defs = goldenN8nDefinitions();
    withEnv(defs[1], "OAUTH2_PROXY_SKIP_AUTH_ROUTES", "POST=^/api/v1/users$,GET=^/ping$");
    const task = [resourceOf("awsx-fargate-service", defs)];
    await assertHasViolation(oauth2ProxySkipAuthRoutesAllowlist, task, { message: '"GET=^/ping$"' });
    await assertNoViolations(oauth2ProxySkipAuthRoutesAllowlist, task, {
      "oauth2-proxy-skip-auth-routes-allowlist": { allowlist: ["POST=^/api/v1/users$", "GET=^/ping$"] },
    });
    expect(oauth2ProxySkipAuthRoutesAllowlist.configSchema?.properties.allowlist).to.deep.include({
      type: "array",
      default: [...DEFAULT_SKIP_AUTH_ROUTE_ALLOWLIST],
    });
  });

  describe("pack config files (for pluto lint --config)", () => {
    it("turns levels, `all` and the allowlist into the rules' config", () => {
      const c = rulesConfigFromPackConfig({
        all: "advisory",
        "ecs-image-pinned": "disabled",
        "oauth2-proxy-skip-auth-routes-allowlist": { enforcementLevel: "remediate", allowlist: ["^/x"] },
      });
      expect(c.levels!["openwebui-no-webui-auth"]).to.equal("advisory");
      expect(c.levels!["ecs-image-pinned"]).to.equal("disabled");
      expect(c.levels!["oauth2-proxy-skip-auth-routes-allowlist"]).to.equal("mandatory");
      expect(c.skipAuthRouteAllowlist).to.deep.equal(["^/x"]);
    });
    it("names the key that is wrong", () => {
      expect(() => rulesConfigFromPackConfig([])).to.throw(/must be a JSON object/);
      expect(() => rulesConfigFromPackConfig({ "no-such-policy": "mandatory" })).to.throw(/^no-such-policy: no such policy/);
      expect(() => rulesConfigFromPackConfig({ "ecs-image-pinned": "loud" })).to.throw(/^ecs-image-pinned: enforcement level must be/);
      expect(() => rulesConfigFromPackConfig({ "oauth2-proxy-skip-auth-routes-allowlist": { allowlist: "^/x" } })).to.throw(
        /allowlist must be a list of strings/,
      );
      expect(() => rulesConfigFromPackConfig({ "ecs-image-pinned": { tags: [] } })).to.throw(/^ecs-image-pinned\.tags: unknown option/);
    });
  });

  describe("#sqs-dlq-alarmed (stack policy)", () => {
    it("passes the provisioning pipeline with its DLQ alarm", async () => {
      await assertNoViolations(sqsDlqAlarmed, provisioning());
    });

    it("fails when the DLQ has no alarm", async () => {
      const v = await assertHasViolation(sqsDlqAlarmed, provisioning().slice(0, 2), {
        message: "Dead-letter queue pluto-user-provisioning-dlq has no CloudWatch alarm",
      });
      expect(v.urn).to.equal(urn("aws:sqs/queue:Queue", "provisioning-dlq"));
    });

    it("fails when the alarm watches another queue or another metric", async () => {
      const otherQueue = provisioning();
      (otherQueue[2].props.dimensions as Record<string, string>).QueueName = "pluto-user-provisioning";
      await assertHasViolation(sqsDlqAlarmed, otherQueue, { message: "has no CloudWatch alarm" });
      const otherMetric = provisioning();
      otherMetric[2].props.metricName = "NumberOfMessagesSent";
      await assertHasViolation(sqsDlqAlarmed, otherMetric, { message: "has no CloudWatch alarm" });
    });

    it("finds DLQs behind aws.sqs.RedrivePolicy and Lambda dead-letter configs", async () => {
      const viaResource = [
        res("aws:sqs/queue:Queue", "q", { name: "jobs" }),
        res("aws:sqs/queue:Queue", "dlq", { name: "jobs-dlq" }),
        res("aws:sqs/redrivePolicy:RedrivePolicy", "rp", {
          queueUrl: "https://sqs.us-west-2.amazonaws.com/123456789012/jobs",
          redrivePolicy: JSON.stringify({ deadLetterTargetArn: `${ARN}:jobs-dlq`, maxReceiveCount: 3 }),
        }),
      ];
      await assertHasViolation(sqsDlqAlarmed, viaResource, { message: "jobs-dlq" });
      const viaLambda = [res("aws:lambda/function:Function", "fn", { deadLetterConfig: { targetArn: `${ARN}:fn-dlq` } })];
      await assertHasViolation(sqsDlqAlarmed, viaLambda, { message: "fn-dlq" });
    });

    it("accepts an alarm written with metricQueries", async () => {
      const rs = provisioning();
      rs[2] = res("aws:cloudwatch/metricAlarm:MetricAlarm", "a", {
        metricQueries: [
          {
            id: "m1",
            returnData: true,
            metric: {
              namespace: "AWS/SQS",
              metricName: "ApproximateNumberOfMessagesVisible",
              dimensions: { QueueName: "pluto-user-provisioning-dlq" },
              period: 60,
              stat: "Maximum",
            },
          },
        ],
      });
      await assertNoViolations(sqsDlqAlarmed, rs);
    });

    it("matches through property dependencies while ARNs and names are unknown (preview)", async () => {
      const rs = provisioning();
      const dlqUrn = rs[0].urn;
      rs[0].props.name = UNKNOWN;
      rs[1].props.redrivePolicy = UNKNOWN;
      rs[1].propertyDependencies = { redrivePolicy: [dlqUrn] };
      rs[2].props.dimensions = { QueueName: UNKNOWN };
      rs[2].propertyDependencies = { dimensions: [dlqUrn] };
      await assertNoViolations(sqsDlqAlarmed, rs);
      delete rs[2].propertyDependencies;
      await assertHasViolation(sqsDlqAlarmed, rs, { message: "has no CloudWatch alarm" });
    });

    it("says (advisory) when a redrive target cannot be found during preview", async () => {
      const rs = provisioning();
      rs[1].props.redrivePolicy = UNKNOWN;
      await assertHasViolation(sqsDlqAlarmed, rs, { message: "redrive policy of provisioning-queue is not known until deploy", level: "advisory" });
    });

    it("flags an unalarmed DLQ through runPolicies with the whole pack", async () => {
      const vs = await runPolicies(provisioning().slice(0, 2));
      expect(vs.map((v) => [v.policy, v.level])).to.deep.equal([["sqs-dlq-alarmed", "mandatory"]]);
      expect(await violationsOf(sqsDlqAlarmed, [])).to.deep.equal([]);
    });
  });
});
