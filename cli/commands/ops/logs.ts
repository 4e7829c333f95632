import { Command } from "commander";
import { FilterLogEventsCommand, FilteredLogEvent } from "@aws-sdk/client-cloudwatch-logs";
import { Io } from "../../io";
import { CliError, EXIT } from "../../errors";
import { aws } from "./awsErrors";
import { emit, table } from "./format";
import { StackNames } from "./names";
import { CommonOptions, OpsDeps, OpsSession, openSession, withCommonOptions } from "./options";

export const LOG_SOURCES = ["openwebui", "oauth2-proxy", "worker", "producer", "presignup", "name-claim"] as const;
export type LogSource = (typeof LOG_SOURCES)[number];

export interface LogsOptions extends CommonOptions {
  since: string;
  container?: string;
  filter?: string;
  limit: string;
  follow?: boolean;
}

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `--since` as `aws logs tail` takes it: a duration back from now (30s, 5m, 1h, 2d, 1w) or an ISO time. */
export function parseSince(since: string, now: Date): number {
  const m = /^(\d+)\s*([smhdw])$/.exec(since.trim());
  if (m) return now.getTime() - Number(m[1]) * UNIT_MS[m[2]];
  if (/^\d{4}-\d{2}-\d{2}/.test(since)) {
    const t = Date.parse(since);
    if (!Number.isNaN(t)) return t;
  }
  throw new CliError(`--since "${since}" is not a duration like 30s, 5m, 1h, 2d or an ISO time`);
}

/**
 * Where each source logs. The ECS containers share `/<prefix>/ecs` and differ by stream prefix
 * (awslogs streams are `<stream prefix>/<container>/<task id>`), which is why the guide's
 * `--filter-pattern "openwebui"` (a match on the message text) did not select a container.
 */
export function logTarget(source: string | undefined, names: StackNames): { logGroupName: string; logStreamNamePrefix?: string } {
  switch (source) {
    case undefined:
      return { logGroupName: names.ecsLogGroup };
    case "openwebui":
    case "oauth2-proxy":
      return { logGroupName: names.ecsLogGroup, logStreamNamePrefix: `${source}/` };
    case "worker":
      return { logGroupName: names.workerLogGroup };
    case "producer":
      return { logGroupName: names.producerLogGroup };
    case "presignup":
      return { logGroupName: names.preSignUpLogGroup };
    case "name-claim":
      return { logGroupName: names.nameClaimLogGroup };
    default:
      throw new CliError(`--container "${source}" is not one of ${LOG_SOURCES.join(", ")}`);
  }
}

export interface LogLine {
  time: string;
  source: string;
  stream: string;
  message: string;
}

/** A short label for an event: `openwebui/3f2a9c1e` for ECS streams, the function role for Lambda. */
export function sourceOf(stream: string, source: string | undefined): string {
  if (source !== undefined && source !== "openwebui" && source !== "oauth2-proxy") return source;
  const parts = stream.split("/");
  return parts.length >= 3 ? `${parts[0]}/${parts[parts.length - 1].slice(0, 8)}` : stream;
}

export interface LogsResult {
  events: LogLine[];
  /** More events matched than `--limit` allowed; the oldest were kept, as `aws logs tail` prints them. */
  truncated: boolean;
}

/** Every event of `target` from `startTime` on (all pages, up to `limit`), oldest first; names a missing log group. */
async function fetchEvents(
  session: OpsSession,
  target: ReturnType<typeof logTarget>,
  startTime: number,
  filter: string | undefined,
  limit: number,
): Promise<{ events: FilteredLogEvent[]; more: boolean }> {
  const events: FilteredLogEvent[] = [];
  let nextToken: string | undefined;
  do {
    const out = await aws(session.ctx, "logs:FilterLogEvents", async () => {
      try {
        return await session.clients.logs.send(
          new FilterLogEventsCommand({
            ...target,
            startTime,
            ...(filter ? { filterPattern: filter } : {}),
            ...(nextToken ? { nextToken } : {}),
          }),
        );
      } catch (e) {
        if ((e as Error).name === "ResourceNotFoundException") {
          throw new CliError(
            `log group ${target.logGroupName} not found in ${session.ctx.region} (is the stack deployed with --prefix ${session.prefix}?)`,
            EXIT.cannotCheck,
          );
        }
        throw e;
      }
    });
    events.push(...(out.events ?? []));
    nextToken = out.nextToken;
  } while (nextToken && events.length < limit);
  events.sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
  return { events, more: Boolean(nextToken) || events.length > limit };
}

function toLine(e: FilteredLogEvent, source: string | undefined): LogLine {
  return {
    time: new Date(e.timestamp ?? 0).toISOString(),
    source: sourceOf(e.logStreamName ?? "", source),
    stream: e.logStreamName ?? "",
    message: (e.message ?? "").replace(/\s+$/, ""),
  };
}

function parseLimit(raw: string): number {
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1) throw new CliError(`--limit "${raw}" is not a positive whole number`);
  return limit;
}

export async function runLogs(opts: LogsOptions, deps: Pick<OpsDeps, "clients" | "now"> & Partial<OpsDeps>): Promise<LogsResult> {
  const limit = parseLimit(opts.limit);
  const startTime = parseSince(opts.since, deps.now());
  const session = await openSession(opts, deps);
  const target = logTarget(opts.container, session.names);
  const { events, more } = await fetchEvents(session, target, startTime, opts.filter, limit);
  return { events: events.slice(0, limit).map((e) => toLine(e, opts.container)), truncated: more };
}

/** How often `--follow` asks CloudWatch Logs for new events. */
export const FOLLOW_POLL_MS = 2_000;

/**
 * `logs --follow`, like `aws logs tail --follow`: prints what matched since `--since`, then keeps
 * asking for newer events until `stop` is aborted (Ctrl-C ends the process). Events sharing the last
 * timestamp are fetched again on the next poll, so they are told apart by event id, never printed twice.
 */
export async function followLogs(
  opts: LogsOptions,
  deps: Pick<OpsDeps, "clients" | "now" | "sleep"> & Partial<OpsDeps>,
  print: (lines: LogLine[]) => void,
  stop?: AbortSignal,
): Promise<void> {
  let startTime = parseSince(opts.since, deps.now());
  const session = await openSession(opts, deps);
  const target = logTarget(opts.container, session.names);
  let seen = new Set<string>();
  while (!stop?.aborted) {
    const { events } = await fetchEvents(session, target, startTime, opts.filter, Infinity);
    const fresh = events.filter((e) => !seen.has(e.eventId ?? `${e.timestamp}/${e.logStreamName}/${e.message}`));
    if (fresh.length) print(fresh.map((e) => toLine(e, opts.container)));
    if (events.length) {
      startTime = events[events.length - 1].timestamp ?? startTime;
      // Only the events at the new start time can come back; forget the rest.
      seen = new Set(events.filter((e) => e.timestamp === startTime).map((e) => e.eventId ?? `${e.timestamp}/${e.logStreamName}/${e.message}`));
    }
    if (stop?.aborted) break;
    await deps.sleep(FOLLOW_POLL_MS);
  }
}

export function registerLogs(program: Command, io: Io, result: { exitCode: number }, deps: OpsDeps): void {
  withCommonOptions(
    program
      .command("logs")
      .description("recent log lines of the ECS containers or the provisioning Lambdas (runbook step 1, Debugging Lambda)")
      .option("--since <time>", "how far back: 30s, 5m, 1h, 2d, or an ISO time", "5m")
      .option("--container <name>", `one source: ${LOG_SOURCES.join(" | ")} (default: both ECS containers)`)
      .option("--filter <pattern>", "CloudWatch Logs filter pattern, e.g. ERROR or '\"trusted header\"'")
      .option("--limit <n>", "print at most this many lines, oldest first (without --follow)", "500")
      .option("-f, --follow", "keep printing new lines as they arrive, until Ctrl-C (--json: one JSON object per line)"),
  ).action(async (opts: LogsOptions) => {
    if (opts.follow) {
      const rows = (lines: LogLine[]) => (opts.json ? lines.map((l) => JSON.stringify(l)) : lines.map((l) => `${l.time}  ${l.source}  ${l.message}`));
      await followLogs(opts, deps, (lines) => rows(lines).forEach((line) => io.out(line)));
      result.exitCode = EXIT.ok;
      return;
    }
    const logs = await runLogs(opts, deps);
    emit(io, Boolean(opts.json), logs, () => [
      ...(logs.events.length ? table(logs.events.map((l) => [l.time, l.source, l.message])) : [`no log events since ${opts.since}`]),
      ...(logs.truncated ? [`(stopped at --limit ${opts.limit}; narrow --since or --filter to see later lines)`] : []),
    ]);
    result.exitCode = EXIT.ok;
  });
}
