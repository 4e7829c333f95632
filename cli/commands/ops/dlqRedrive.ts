import { Command } from "commander";
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListMessageMoveTasksCommand,
  ListMessageMoveTasksResultEntry,
  StartMessageMoveTaskCommand,
} from "@aws-sdk/client-sqs";
import { Io, memoryIo } from "../../io";
import { CliError, EXIT } from "../../errors";
import { aws } from "./awsErrors";
import { ChangeFlags, confirmChange, showPlan, withChangeFlags } from "./change";
import { emit } from "./format";
import { CommonOptions, OpsDeps, OpsSession, openSession, withCommonOptions } from "./options";

export interface DlqRedriveOptions extends CommonOptions, ChangeFlags {
  wait?: boolean;
  /** Seconds `--wait` waits for the move task (as the flag's text). Defaults to 300. */
  timeout?: string;
  queue?: string;
  dlq?: string;
}

export interface DlqRedriveResult {
  dlq: string;
  queue: string;
  /** ApproximateNumberOfMessages of the DLQ before anything moved. */
  messages: number;
  action: "started" | "dry-run" | "empty" | "already-running";
  taskHandle?: string;
  /** From the move task: how many moved so far, and its final status when `--wait` was given. */
  moved?: number;
  status?: string;
  failureReason?: string;
  /** `--wait` gave up while the move task was still running (it goes on in the background). */
  timedOut?: boolean;
  /** Seconds waited. */
  waitedSeconds?: number;
}

const FINISHED = new Set(["COMPLETED", "CANCELLED", "FAILED"]);
export const POLL_MS = 2_000;
export const DEFAULT_WAIT_SECONDS = 300;
/** While waiting, a progress line at least this often even when the count has not moved. */
export const PROGRESS_EVERY_POLLS = 15;

function waitSeconds(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_WAIT_SECONDS;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`--timeout "${raw}" is not a positive whole number of seconds`);
  return n;
}

async function queueInfo(s: OpsSession, queueName: string): Promise<{ url: string; arn: string; messages: number }> {
  const ctx = { ...s.ctx, queue: queueName };
  const { QueueUrl } = await aws(ctx, "sqs:GetQueueUrl", () => s.clients.sqs.send(new GetQueueUrlCommand({ QueueName: queueName })));
  const { Attributes } = await aws(ctx, "sqs:GetQueueAttributes", () =>
    s.clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn", "ApproximateNumberOfMessages"] })),
  );
  if (!QueueUrl || !Attributes?.QueueArn) throw new CliError(`queue ${queueName} did not report its ARN`, EXIT.cannotCheck);
  return { url: QueueUrl, arn: Attributes.QueueArn, messages: Number(Attributes.ApproximateNumberOfMessages ?? 0) };
}

async function moveTasks(s: OpsSession, dlqName: string, sourceArn: string): Promise<ListMessageMoveTasksResultEntry[]> {
  const out = await aws({ ...s.ctx, queue: dlqName }, "sqs:ListMessageMoveTasks", () =>
    s.clients.sqs.send(new ListMessageMoveTasksCommand({ SourceArn: sourceArn, MaxResults: 10 })),
  );
  return out.Results ?? [];
}

/**
 * The DLQ "manual intervention": move every dead message back to the provisioning queue. Like every
 * changing command it shows its plan and needs consent (`--yes` off a terminal); `--wait` reports
 * progress on `io` and gives up, saying so, after `--timeout` seconds.
 */
export async function runDlqRedrive(
  opts: DlqRedriveOptions,
  deps: Pick<OpsDeps, "clients" | "sleep"> & Partial<OpsDeps>,
  io: Io = memoryIo(),
): Promise<DlqRedriveResult> {
  const limit = waitSeconds(opts.timeout);
  const session = await openSession(opts, deps);
  const dlqName = opts.dlq ?? session.names.dlq;
  const queueName = opts.queue ?? session.names.queue;
  const dlq = await queueInfo(session, dlqName);
  const queue = await queueInfo(session, queueName);
  const base = { dlq: dlqName, queue: queueName, messages: dlq.messages };
  // SQS allows one active move task per source queue; a second start would fail.
  const running = (await moveTasks(session, dlqName, dlq.arn)).find((t) => t.Status === "RUNNING");
  if (running) {
    return { ...base, action: "already-running", taskHandle: running.TaskHandle, moved: running.ApproximateNumberOfMessagesMoved, status: running.Status };
  }
  if (dlq.messages === 0) return { ...base, action: "empty" };
  const go = await confirmChange(
    io,
    opts,
    [`will move ${dlq.messages} message(s) from ${dlqName} to ${queueName} (SQS message move task)`],
    `Move ${dlq.messages} message(s) back to ${queueName}?`,
    deps.confirm ?? (async () => false),
  );
  if (!go) return { ...base, action: "dry-run" };
  const started = await aws({ ...session.ctx, queue: dlqName }, "sqs:StartMessageMoveTask", () =>
    session.clients.sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlq.arn, DestinationArn: queue.arn })),
  );
  const result: DlqRedriveResult = { ...base, action: "started", taskHandle: started.TaskHandle };
  if (!opts.wait) return result;
  const polls = Math.ceil((limit * 1000) / POLL_MS);
  let moved = 0;
  for (let i = 1; i <= polls; i++) {
    await deps.sleep(POLL_MS);
    // SQS returns TaskHandle only while a task runs, newest task first. Only one task may run per
    // source queue and we just started one, so once ours has finished it is the newest entry.
    const tasks = await moveTasks(session, dlqName, dlq.arn);
    const task = tasks.find((t) => t.TaskHandle === started.TaskHandle) ?? tasks[0];
    const waited = Math.round((i * POLL_MS) / 1000);
    if (task && FINISHED.has(task.Status ?? "")) {
      return {
        ...result,
        moved: task.ApproximateNumberOfMessagesMoved ?? 0,
        status: task.Status,
        waitedSeconds: waited,
        ...(task.FailureReason ? { failureReason: task.FailureReason } : {}),
      };
    }
    const now = task?.ApproximateNumberOfMessagesMoved ?? moved;
    if (now !== moved || i % PROGRESS_EVERY_POLLS === 0) showPlan(io, opts.json, [`  moving: ${now} of ${dlq.messages} moved after ${waited} s`]);
    moved = now;
  }
  return { ...result, moved, status: "RUNNING", timedOut: true, waitedSeconds: limit };
}

export function formatDlqRedrive(r: DlqRedriveResult): string[] {
  switch (r.action) {
    case "already-running":
      return [`a message move task is already running on ${r.dlq} (${r.moved ?? 0} moved so far); not starting another`];
    case "empty":
      return [`${r.dlq} is empty; nothing to redrive`];
    case "dry-run":
      return [];
    case "started":
      if (r.timedOut) {
        return [
          `the move task is still running after ${r.waitedSeconds} s (${r.moved ?? 0} of ${r.messages} moved); it goes on in the background, and \`pluto dlq redrive\` shows its progress`,
        ];
      }
      if (r.status && r.status !== "RUNNING") {
        return [`moved ${r.moved} of ${r.messages} message(s) from ${r.dlq} to ${r.queue}: ${r.status}${r.failureReason ? ` (${r.failureReason})` : ""}`];
      }
      return [`started moving ${r.messages} message(s) from ${r.dlq} to ${r.queue} (task ${r.taskHandle ?? "?"}); the worker retries each one`];
  }
}

export function registerDlqRedrive(dlq: Command, io: Io, result: { exitCode: number }, deps: OpsDeps): void {
  withChangeFlags(
    withCommonOptions(
      dlq
        .command("redrive")
        .description("move the DLQ's messages back to the provisioning queue (SQS message move task) and report how many")
        .option("--wait", "wait for the move task to finish, printing progress, and report how many moved")
        .option("--timeout <seconds>", `with --wait: give up waiting after this long, exit 1 (default: ${DEFAULT_WAIT_SECONDS})`)
        .option("--dlq <name>", "dead-letter queue (default: <prefix>-user-provisioning-dlq)")
        .option("--queue <name>", "destination queue (default: <prefix>-user-provisioning)"),
    ),
  ).action(async (opts: DlqRedriveOptions) => {
    const r = await runDlqRedrive(opts, deps, io);
    emit(io, Boolean(opts.json), r, () => formatDlqRedrive(r));
    result.exitCode = r.timedOut || r.status === "FAILED" || r.status === "CANCELLED" ? EXIT.findings : EXIT.ok;
  });
}
