import { Command } from "commander";
import { FilterLogEventsCommand, FilteredLogEvent } from "@aws-sdk/client-cloudwatch-logs";
import { Io } from "../../io";
import { CliError, EXIT } from "../../errors";
import { aws } from "./awsErrors";
import { emit, table } from "./format";
import { StackNames } from "./names";
import { CommonOptions, OpsDeps, openSession, withCommonOptions } from "./options";

export const LOG_SOURCES = ["openwebui", "oauth2-proxy", "worker", "producer"] as const;
export type LogSource = (typeof LOG_SOURCES)[number];

export interface LogsOptions extends CommonOptions {
  since: string;
  container?: string;
  filter?: string;
  limit: string;
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
  if (source === "worker" || source === "producer") return source;
  const parts = stream.split("/");
  return parts.length >= 3 ? `${parts[0]}/${parts[parts.length - 1].slice(0, 8)}` : stream;
}

export interface LogsResult {
  events: LogLine[];
  /** More events matched than `--limit` allowed; the oldest were kept, as `aws logs tail` prints them. */
  truncated: boolean;
}

export async function runLogs(opts: LogsOptions, deps: Pick<OpsDeps, "clients" | "now">): Promise<LogsResult> {
  const limit = Number(opts.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new CliError(`--limit "${opts.limit}" is not a positive whole number`);
  const startTime = parseSince(opts.since, deps.now());
  const session = await openSession(opts, deps);
  const target = logTarget(opts.container, session.names);
  const events: FilteredLogEvent[] = [];
  let nextToken: string | undefined;
  do {
    const out = await aws(session.ctx, "logs:FilterLogEvents", async () => {
      try {
        return await session.clients.logs.send(
          new FilterLogEventsCommand({
            ...target,
            startTime,
            ...(opts.filter ? { filterPattern: opts.filter } : {}),
            ...(nextToken ? { nextToken } : {}),
          }),
        );
      } catch (e) {
        if ((e as Error).name === "ResourceNotFoundException") {
          throw new CliError(`log group ${target.logGroupName} not found in ${session.ctx.region} (is the stack deployed with --prefix ${opts.prefix}?)`, EXIT.cannotCheck);
        }
        throw e;
      }
    });
    events.push(...(out.events ?? []));
    nextToken = out.nextToken;
  } while (nextToken && events.length < limit);
  const lines = events
    .sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0))
    .slice(0, limit)
    .map((e) => ({
      time: new Date(e.timestamp ?? 0).toISOString(),
      source: sourceOf(e.logStreamName ?? "", opts.container),
      stream: e.logStreamName ?? "",
      message: (e.message ?? "").replace(/\s+$/, ""),
    }));
  return { events: lines, truncated: Boolean(nextToken) || events.length > limit };
}

export function registerLogs(program: Command, io: Io, result: { exitCode: number }, deps: OpsDeps): void {
  withCommonOptions(
    program
      .command("logs")
      .description("recent log lines of the ECS containers or the provisioning Lambdas (runbook step 1, Debugging Lambda)")
      .option("--since <time>", "how far back: 30s, 5m, 1h, 2d, or an ISO time", "5m")
      .option("--container <name>", `one source: ${LOG_SOURCES.join(" | ")} (default: both ECS containers)`)
      .option("--filter <pattern>", "CloudWatch Logs filter pattern, e.g. ERROR or '\"trusted header\"'")
      .option("--limit <n>", "print at most this many lines, oldest first", "500"),
  ).action(async (opts: LogsOptions) => {
    const logs = await runLogs(opts, deps);
    emit(io, Boolean(opts.json), logs, () => [
      ...(logs.events.length ? table(logs.events.map((l) => [l.time, l.source, l.message])) : [`no log events since ${opts.since}`]),
      ...(logs.truncated ? [`(stopped at --limit ${opts.limit}; narrow --since or --filter to see later lines)`] : []),
    ]);
    result.exitCode = EXIT.ok;
  });
}
