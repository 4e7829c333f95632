/**
 * `pluto:alarms`: the thresholds of the alarms that tell the operator the workspace is down or
 * degraded (components/monitoring.ts). Pure: the raw value in, the thresholds and every problem
 * (each naming its key) out.
 */
import { z } from "zod";
import { jsonMap, problemsOf, report, unknownFields, wholeNumber } from "./schema/fields";

export interface AlarmThresholds {
  /** 5xx answers the load balancer itself gives (no healthy target, timeouts) in 5 minutes. Defaults to 10. */
  elb5xxPer5Minutes: number;
  /** 5xx answers from the tasks (oauth2-proxy, Open WebUI, n8n) in 5 minutes. Defaults to 10. */
  target5xxPer5Minutes: number;
  /** Minutes in a row a target group has an unhealthy target before the alarm fires. Defaults to 5. */
  unhealthyTargetMinutes: number;
  /**
   * Minutes in a row a service runs fewer tasks than desired before the alarm fires. Defaults to 15:
   * a new Open WebUI task may take up to its 10-minute health check grace period to start.
   */
  tasksBelowDesiredMinutes: number;
  /** Average database CPU % over 15 minutes. Defaults to 80. */
  dbCpuPercent: number;
  /** Free database storage (GiB) below which the alarm fires. Defaults to 2. */
  dbFreeStorageGiB: number;
  /** Freeable database memory (MiB) below which the alarm fires, over 15 minutes. Defaults to 64. */
  dbFreeMemoryMiB: number;
  /** Share of requests (%) the WAF blocks in 5 minutes, when at least 100 arrived. Defaults to 25. */
  wafBlockedPercent: number;
  /** Model calls through the Bedrock gateway that end in an error, in 5 minutes. Defaults to 5. */
  modelErrorsPer5Minutes: number;
  /** Model calls through the Bedrock gateway that Bedrock throttles, in 5 minutes. Defaults to 3. */
  modelThrottlesPer5Minutes: number;
}

export const ALARM_DEFAULTS: AlarmThresholds = {
  elb5xxPer5Minutes: 10,
  target5xxPer5Minutes: 10,
  unhealthyTargetMinutes: 5,
  tasksBelowDesiredMinutes: 15,
  dbCpuPercent: 80,
  dbFreeStorageGiB: 2,
  dbFreeMemoryMiB: 64,
  wafBlockedPercent: 25,
  modelErrorsPer5Minutes: 5,
  modelThrottlesPer5Minutes: 3,
};

/**
 * Allowed range of each field. Minutes stop at 60 because CloudWatch evaluates at most one day of
 * data points and these alarms use one-minute periods (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
 * "Evaluation Periods" × "Period" ≤ 1 day); a longer wait would no longer tell anyone in time.
 */
export const ALARM_LIMITS: Record<keyof AlarmThresholds, [number, number]> = {
  elb5xxPer5Minutes: [1, 1_000_000],
  target5xxPer5Minutes: [1, 1_000_000],
  unhealthyTargetMinutes: [1, 60],
  tasksBelowDesiredMinutes: [1, 60],
  dbCpuPercent: [1, 100],
  dbFreeStorageGiB: [1, 65536],
  dbFreeMemoryMiB: [1, 1_048_576],
  wafBlockedPercent: [1, 100],
  modelErrorsPer5Minutes: [1, 1_000_000],
  modelThrottlesPer5Minutes: [1, 1_000_000],
};

const known = Object.keys(ALARM_DEFAULTS) as (keyof AlarmThresholds)[];
const isKnown = (field: string): field is keyof AlarmThresholds => (known as string[]).includes(field);
const fieldSchemas = Object.fromEntries(known.map((k) => [k, wholeNumber(...ALARM_LIMITS[k])]));

/**
 * `pluto:alarms` as parsed: JSON text of an object (unset or empty reads as `{}`), each field a
 * whole number in its range, reported in the order given.
 */
export const alarmsSchema = z
  .string()
  .optional()
  .transform((raw) => (raw === "" ? undefined : raw))
  .pipe(
    jsonMap("pluto:alarms", (field, value, ctx) => {
      if (!isKnown(field)) {
        unknownFields(known)({ [field]: value }, ctx);
        return undefined;
      }
      // `pulumi config set --path` stores text; a number in YAML arrives as a number.
      const result = fieldSchemas[field].safeParse(value);
      if (!result.success) for (const issue of result.error.issues) report(ctx, issue.message, [field]);
      return result.success ? (result.data ?? undefined) : undefined;
    }),
  );

/** The thresholds with every default applied; a wrong field reads as its default. */
export function resolveAlarms(f: Partial<Record<string, number>> | null | undefined): AlarmThresholds {
  const out: AlarmThresholds = { ...ALARM_DEFAULTS };
  for (const k of known) out[k] = f?.[k] ?? ALARM_DEFAULTS[k];
  return out;
}

/**
 * The thresholds from `pluto:alarms` as Pulumi hands it over (JSON text of an object, or undefined
 * when unset). Fields left out keep their defaults; `problems` gets one line per wrong field.
 */
export function parseAlarms(raw: string | undefined, problems: string[]): AlarmThresholds {
  const result = z.object({ alarms: alarmsSchema }).safeParse({ alarms: raw });
  if (result.success) return resolveAlarms(result.data.alarms);
  problems.push(...problemsOf(result.error.issues));
  return { ...ALARM_DEFAULTS };
}
