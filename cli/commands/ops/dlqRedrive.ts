import { Command } from "commander";
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListMessageMoveTasksCommand,
  ListMessageMoveTasksResultEntry,
  StartMessageMoveTaskCommand,
} from "@aws-sdk/client-sqs";
import { Io } from "../../io";
import { CliError, EXIT } from "../../errors";
import { aws } from "./awsErrors";
import { emit } from "./format";
import { CommonOptions, OpsDeps, OpsSession, openSession, withCommonOptions } from "./options";

export interface DlqRedriveOptions extends CommonOptions {
  dryRun?: boolean;
  wait?: boolean;
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
}

const FINISHED = new Set(["COMPLETED", "CANCELLED", "FAILED"]);
export const POLL_MS = 2_000;
export const MAX_POLLS = 150;

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

/** The DLQ "manual intervention": move every dead message back to the provisioning queue. */
export async function runDlqRedrive(opts: DlqRedriveOptions, deps: Pick<OpsDeps, "clients" | "sleep">): Promise<DlqRedriveResult> {
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
  if (opts.dryRun) return { ...base, action: "dry-run" };
  const started = await aws({ ...session.ctx, queue: dlqName }, "sqs:StartMessageMoveTask", () =>
    session.clients.sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlq.arn, DestinationArn: queue.arn })),
  );
  const result: DlqRedriveResult = { ...base, action: "started", taskHandle: started.TaskHandle };
  if (!opts.wait) return result;
  for (let i = 0; i < MAX_POLLS; i++) {
    await deps.sleep(POLL_MS);
    // SQS returns TaskHandle only while a task runs, newest task first. Only one task may run per
    // source queue and we just started one, so once ours has finished it is the newest entry.
    const tasks = await moveTasks(session, dlqName, dlq.arn);
    const task = tasks.find((t) => t.TaskHandle === started.TaskHandle) ?? tasks[0];
    if (task && FINISHED.has(task.Status ?? "")) {
      return { ...result, moved: task.ApproximateNumberOfMessagesMoved ?? 0, status: task.Status, ...(task.FailureReason ? { failureReason: task.FailureReason } : {}) };
    }
  }
  return { ...result, status: "RUNNING" };
}

export function formatDlqRedrive(r: DlqRedriveResult): string[] {
  switch (r.action) {
    case "already-running":
      return [`a message move task is already running on ${r.dlq} (${r.moved ?? 0} moved so far); not starting another`];
    case "empty":
      return [`${r.dlq} is empty; nothing to redrive`];
    case "dry-run":
      return [`dry run: would move ${r.messages} message(s) from ${r.dlq} to ${r.queue}`];
    case "started":
      if (r.status && r.status !== "RUNNING") {
        return [`moved ${r.moved} of ${r.messages} message(s) from ${r.dlq} to ${r.queue}: ${r.status}${r.failureReason ? ` (${r.failureReason})` : ""}`];
      }
      return [`started moving ${r.messages} message(s) from ${r.dlq} to ${r.queue} (task ${r.taskHandle ?? "?"}); the worker retries each one`];
  }
}

export function registerDlqRedrive(dlq: Command, io: Io, result: { exitCode: number }, deps: OpsDeps): void {
  withCommonOptions(
    dlq
      .command("redrive")
      .description("move the DLQ's messages back to the provisioning queue (SQS message move task) and report how many")
      .option("--dry-run", "report how many messages would move; move nothing")
      .option("--wait", "wait for the move task to finish and report how many moved")
      .option("--dlq <name>", "dead-letter queue (default: <prefix>-user-provisioning-dlq)")
      .option("--queue <name>", "destination queue (default: <prefix>-user-provisioning)"),
  ).action(async (opts: DlqRedriveOptions) => {
    const r = await runDlqRedrive(opts, deps);
    emit(io, Boolean(opts.json), r, () => formatDlqRedrive(r));
    result.exitCode = r.status === "FAILED" || r.status === "CANCELLED" ? EXIT.findings : EXIT.ok;
  });
}
