import { DescribeAlarmsCommand, MetricAlarm } from "@aws-sdk/client-cloudwatch";
import { CliError } from "../../errors";
import { aws } from "./awsErrors";
import { Check } from "./checks";
import { OpsSession } from "./options";

/** One line per alarm: state, name, since when, and CloudWatch's reason when it is not OK. */
export function alarmLine(a: MetricAlarm): string {
  const since = a.StateUpdatedTimestamp ? ` since ${a.StateUpdatedTimestamp.toISOString()}` : "";
  const reason = a.StateValue !== "OK" && a.StateReason ? `: ${a.StateReason}` : "";
  return `${a.StateValue ?? "?"} ${a.AlarmName ?? "?"}${since}${reason}`;
}

/**
 * The state of every alarm of the stack. An alarm in ALARM fails (the operator must act, and its
 * email has gone to pluto:alarmEmail); INSUFFICIENT_DATA is a note (a new alarm, or a metric that
 * only reports when something happens); no alarm at all says the stack is not where we look.
 */
export function alarmsFinding(alarms: MetricAlarm[], prefix: string, region: string): Check {
  const name = "alarms";
  const sorted = [...alarms].sort((a, b) => (a.AlarmName ?? "").localeCompare(b.AlarmName ?? ""));
  const firing = sorted.filter((a) => a.StateValue === "ALARM");
  const noData = sorted.filter((a) => a.StateValue === "INSUFFICIENT_DATA");
  // Firing alarms first: they are what the operator reads the report for.
  const details = [...firing, ...noData, ...sorted.filter((a) => a.StateValue !== "ALARM" && a.StateValue !== "INSUFFICIENT_DATA")].map(alarmLine);
  if (sorted.length === 0)
    return { name, status: "warn", summary: `no alarms named ${prefix}-* in ${region} (is the stack deployed there with this --prefix?)`, details };
  if (firing.length)
    return { name, status: "fail", summary: `${firing.length} of ${sorted.length} alarms firing: ${firing.map((a) => a.AlarmName).join(", ")}`, details };
  if (noData.length)
    return {
      name,
      status: "warn",
      summary: `${sorted.length - noData.length} of ${sorted.length} alarms OK; ${noData.length} without enough data yet: ${noData.map((a) => a.AlarmName).join(", ")}`,
      details,
    };
  return { name, status: "pass", summary: `all ${sorted.length} alarms OK`, details };
}

/**
 * Every metric alarm whose name starts with `<prefix>-` (components/monitoring.ts and the
 * onboarding alarms in components/userProvisioning.ts are all named so), all pages. A call the
 * operator may not make is a warning naming it, like the other checks that read beyond ECS.
 */
export async function alarmsCheck(s: OpsSession): Promise<Check> {
  const alarms: MetricAlarm[] = [];
  try {
    let NextToken: string | undefined;
    do {
      const out = await aws(s.ctx, "cloudwatch:DescribeAlarms", () =>
        s.clients.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: `${s.prefix}-`, AlarmTypes: ["MetricAlarm"], MaxRecords: 100, NextToken })),
      );
      alarms.push(...(out?.MetricAlarms ?? []));
      NextToken = out?.NextToken;
    } while (NextToken);
  } catch (e) {
    if (!(e instanceof CliError)) throw e;
    return { name: "alarms", status: "warn", summary: `cannot check: ${e.message}`, details: [] };
  }
  return alarmsFinding(alarms, s.prefix, s.ctx.region);
}
