// What Lambda's SQS event source mapping does for the worker: up to `maxConcurrency` pollers each
// receive up to `batchSize` messages, invoke the function with an SQS event, and delete what
// succeeded. With `ReportBatchItemFailures` among the mapping's `functionResponseTypes` (read from
// the synthesised mapping) the response decides which records failed (AWS Lambda developer guide,
// "Handling errors for an SQS event source in Lambda", services-sqs-errorhandling.html); without
// it Lambda ignores the response and deletes every record of a batch whose invocation succeeded
// (the whole batch is the unit: "Lambda deletes the messages from the queue" once the function
// returns successfully, services-sqs-configure.html / with-sqs.html). Failed records are left
// alone, to come back when their visibility timeout ends, and the queue's redrive policy moves
// them to the DLQ after maxReceiveCount receives. An invocation that fails (an error, or the
// function timing out) returns the whole batch. The mapping is refused, as AWS refuses it, when the
// queue's visibility timeout is below the function's timeout.
import { DeleteMessageBatchCommand, Message, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { SqsEvent, SqsRecord } from "../../functions/events";
import type { InvocationResult } from "./lambdaRuntime";

export interface EventSourceOptions {
  sqs: SQSClient;
  queueUrl: string;
  queueArn: string;
  region: string;
  batchSize: number;
  maxConcurrency: number;
  /** The mapping's `functionResponseTypes` as deployed; only `ReportBatchItemFailures` means anything. */
  functionResponseTypes: string[];
  /** The function's timeout and the queue's visibility timeout, checked as CreateEventSourceMapping checks them. */
  functionTimeoutMs: number;
  visibilityTimeoutSeconds: number;
  invoke(event: SqsEvent): Promise<InvocationResult>;
  /** Called before each invocation (fault injection keys off receive counts). */
  beforeInvoke?(records: SqsRecord[]): Promise<void>;
}

export interface Delivery {
  /** Which invocation carried the record (1, 2, ...), numbered as they start. */
  batch: number;
  /** Why the whole invocation failed (e.g. "Task timed out after 1.00 seconds"), if it did. */
  invocationError?: string;
  messageId: string;
  body: string;
  receiveCount: number;
  failed: boolean;
}

export interface EventSource {
  /** Every record handed to the function, in order, and whether it was reported failed. */
  deliveries: Delivery[];
  /** Invocations starting and ending, in the order they happened. */
  timeline: { batch: number; event: "start" | "end" }[];
  /** Stops polling and waits for invocations in flight; rejects with the first poller error. */
  stop(): Promise<void>;
}

/**
 * The ids of the records to leave on the queue. The whole batch fails when the function throws.
 * Only with `reportBatchItemFailures` does the response count: then a malformed `batchItemFailures`
 * (an entry without a string itemIdentifier, or one naming no record of the batch) fails the whole
 * batch, and an empty or absent response is full success; without it every record is deleted.
 */
export function failedRecordIds(
  records: Pick<SqsRecord, "messageId">[],
  outcome: { ok: true; response: unknown } | { ok: false },
  reportBatchItemFailures = true,
): Set<string> {
  const all = new Set(records.map((r) => r.messageId));
  if (!outcome.ok) return all;
  if (!reportBatchItemFailures) return new Set();
  const response = outcome.response;
  if (response === null || response === undefined || response === "") return new Set();
  if (typeof response !== "object") return all;
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === null || failures === undefined) return new Set();
  if (!Array.isArray(failures)) return all;
  const failed = new Set<string>();
  for (const entry of failures) {
    const id = (entry as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== "string" || !all.has(id)) return all;
    failed.add(id);
  }
  return failed;
}

/**
 * Why AWS refuses the mapping, or undefined: "Your function's timeout must be less than or equal
 * to the queue's visibility timeout. Lambda validates this requirement when you create or update
 * an event source mapping" (docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html); the
 * text is the one CloudFormation reports (getlift/lift issue 388).
 */
export function mappingRefusal(functionTimeoutMs: number, visibilityTimeoutSeconds: number): string | undefined {
  if (visibilityTimeoutSeconds * 1000 >= functionTimeoutMs) return undefined;
  return `InvalidParameterValueException: Queue visibility timeout: ${visibilityTimeoutSeconds} seconds is less than Function timeout: ${functionTimeoutMs / 1000} seconds`;
}

/** The record Lambda builds from a received message. */
export function toRecord(m: Message, queueArn: string, region: string): SqsRecord & Record<string, unknown> {
  return {
    messageId: m.MessageId!,
    receiptHandle: m.ReceiptHandle!,
    body: m.Body ?? "",
    attributes: { ...(m.Attributes as Record<string, string>) },
    messageAttributes: {},
    md5OfBody: m.MD5OfBody ?? "",
    eventSource: "aws:sqs",
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

export function startEventSource(opts: EventSourceOptions): EventSource {
  const refusal = mappingRefusal(opts.functionTimeoutMs, opts.visibilityTimeoutSeconds);
  if (refusal) throw new Error(refusal);
  const deliveries: Delivery[] = [];
  const timeline: EventSource["timeline"] = [];
  let stopping = false;
  let batches = 0;
  const reportsItems = opts.functionResponseTypes.includes("ReportBatchItemFailures");

  const pollOnce = async () => {
    const { Messages = [] } = await opts.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: opts.queueUrl,
        MaxNumberOfMessages: opts.batchSize,
        // Short long-polls keep stop() prompt.
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ["All"],
      }),
    );
    if (Messages.length === 0) return;
    const records = Messages.map((m) => toRecord(m, opts.queueArn, opts.region));
    await opts.beforeInvoke?.(records);
    const batch = ++batches;
    timeline.push({ batch, event: "start" });
    const result = await opts.invoke({ Records: records });
    timeline.push({ batch, event: "end" });
    const failed = failedRecordIds(records, result.ok ? { ok: true, response: result.result } : { ok: false }, reportsItems);
    const invocationError = result.ok ? undefined : result.errorMessage;
    for (const r of records) {
      deliveries.push({
        batch,
        messageId: r.messageId,
        body: r.body,
        receiveCount: Number(r.attributes?.ApproximateReceiveCount),
        failed: failed.has(r.messageId),
        ...(invocationError ? { invocationError } : {}),
      });
    }
    const done = records.filter((r) => !failed.has(r.messageId));
    if (done.length > 0) {
      await opts.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: opts.queueUrl,
          Entries: done.map((r, i) => ({ Id: `m${i}`, ReceiptHandle: r.receiptHandle })),
        }),
      );
    }
  };

  const errors: unknown[] = [];
  const poller = async () => {
    try {
      while (!stopping) await pollOnce();
    } catch (err) {
      errors.push(err);
    }
  };
  const pollers = Array.from({ length: opts.maxConcurrency }, poller);
  return {
    deliveries,
    timeline,
    async stop() {
      stopping = true;
      await Promise.all(pollers);
      if (errors.length) throw errors[0];
    },
  };
}
