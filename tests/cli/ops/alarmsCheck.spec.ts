import { expect } from "chai";
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ListTasksCommand } from "@aws-sdk/client-ecs";
import { DescribeAlarmsCommand, MetricAlarm } from "@aws-sdk/client-cloudwatch";
import { alarmLine, alarmsFinding } from "../../../cli/commands/ops/alarmsCheck";
import { awsError, awsMocks, AwsMocks, pluto, REGION, restoreMocks, service, taskDefinition, tdArn } from "./fixtures";

const alarm = (name: string, state: string, extra: Partial<MetricAlarm> = {}): MetricAlarm => ({
  AlarmName: name,
  StateValue: state as MetricAlarm["StateValue"],
  ...extra,
});

describe("pluto doctor: alarm states", () => {
  describe("the finding", () => {
    it("passes when every alarm is OK", () => {
      expect(alarmsFinding([alarm("pluto-db-cpu", "OK"), alarm("pluto-alb-5xx", "OK")], "pluto", REGION)).to.deep.equal({
        name: "alarms",
        status: "pass",
        summary: "all 2 alarms OK",
        details: ["OK pluto-alb-5xx", "OK pluto-db-cpu"],
      });
    });

    it("fails on an alarm in ALARM, listing it first with CloudWatch's reason", () => {
      const since = new Date("2026-12-07T10:00:00Z");
      const c = alarmsFinding(
        [
          alarm("pluto-alb-5xx", "OK"),
          alarm("pluto-openwebui-no-healthy-target", "ALARM", { StateReason: "Threshold Crossed: 15 datapoints", StateUpdatedTimestamp: since }),
        ],
        "pluto",
        REGION,
      );
      expect(c.status).to.equal("fail");
      expect(c.summary).to.equal("1 of 2 alarms firing: pluto-openwebui-no-healthy-target");
      expect(c.details[0]).to.equal("ALARM pluto-openwebui-no-healthy-target since 2026-12-07T10:00:00.000Z: Threshold Crossed: 15 datapoints");
    });

    it("notes alarms without enough data without failing", () => {
      const c = alarmsFinding([alarm("pluto-db-cpu", "OK"), alarm("pluto-model-errors", "INSUFFICIENT_DATA")], "pluto", REGION);
      expect(c).to.include({ status: "warn", summary: "1 of 2 alarms OK; 1 without enough data yet: pluto-model-errors" });
    });

    it("warns when the stack has no alarm where it looks", () => {
      expect(alarmsFinding([], "acme", REGION)).to.include({
        status: "warn",
        summary: `no alarms named acme-* in ${REGION} (is the stack deployed there with this --prefix?)`,
      });
    });

    it("keeps the reason off an OK line", () => {
      expect(alarmLine(alarm("pluto-db-cpu", "OK", { StateReason: "Threshold Crossed: no datapoints were received" }))).to.equal("OK pluto-db-cpu");
    });
  });

  describe("end to end", () => {
    let m: AwsMocks;
    beforeEach(() => {
      m = awsMocks();
      m.ecs.on(DescribeServicesCommand).resolves({ services: [service(56)], failures: [] });
      m.ecs.on(DescribeTaskDefinitionCommand, { taskDefinition: tdArn(56) }).resolves({ taskDefinition: taskDefinition(56) });
      m.ecs.on(ListTasksCommand).resolves({ taskArns: [] });
    });
    afterEach(() => restoreMocks(m));

    it("asks CloudWatch for the stack's alarms by prefix, every page, and fails the report on one firing", async () => {
      m.cloudwatch
        .on(DescribeAlarmsCommand)
        .resolvesOnce({ MetricAlarms: [alarm("acme-alb-5xx", "OK")], NextToken: "t1" })
        .resolvesOnce({ MetricAlarms: [alarm("acme-db-free-storage", "ALARM")] });
      m.ecs.on(DescribeServicesCommand).resolves({ services: [{ ...service(56), serviceName: "acme-openwebui" }], failures: [] });
      const r = await pluto(["doctor", "--region", REGION, "--prefix", "acme"]);
      expect(m.cloudwatch.commandCalls(DescribeAlarmsCommand).map((c) => c.args[0].input)).to.deep.equal([
        { AlarmNamePrefix: "acme-", AlarmTypes: ["MetricAlarm"], MaxRecords: 100, NextToken: undefined },
        { AlarmNamePrefix: "acme-", AlarmTypes: ["MetricAlarm"], MaxRecords: 100, NextToken: "t1" },
      ]);
      expect(r.out).to.match(/^FAIL {2}alarms +1 of 2 alarms firing: acme-db-free-storage$/m);
      expect(r.out).to.match(/^ +ALARM acme-db-free-storage$/m);
      expect(r.out).to.match(/^unhealthy: .*alarms failed$/m);
      expect(r.code).to.equal(1);
    });

    it("shows a quiet stack's alarms as passing", async () => {
      const r = await pluto(["doctor", "--region", REGION]);
      expect(r.out).to.match(/^PASS {2}alarms +all 3 alarms OK$/m);
      expect(r.code).to.equal(0);
    });

    it("turns a denied DescribeAlarms into a warning naming the action, not a failure", async () => {
      m.cloudwatch.on(DescribeAlarmsCommand).rejects(awsError("AccessDenied", "User: x is not authorized to perform: cloudwatch:DescribeAlarms"));
      const r = await pluto(["doctor", "--region", REGION]);
      expect(r.out).to.match(/^WARN {2}alarms +cannot check: access denied calling cloudwatch:DescribeAlarms in /m);
      expect(r.code).to.equal(0);
    });
  });
});
