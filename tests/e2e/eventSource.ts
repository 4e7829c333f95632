// What Lambda's SQS event source mapping does for the worker: up to `maxConcurrency` pollers each
// receive up to `batchSize` messages, invoke the function with an SQS event, and delete what
// succeeded. With `ReportBatchItemFailures` the response decides which records failed (AWS Lambda
// developer guide, "Handling errors for an SQS event source in Lambda"); failed records are left
// alone, to come back when their visibility timeout ends, and the queue's redrive policy moves
// them to the DLQ after maxReceiveCount receives.
import { DeleteMessageBatchCommand, Message, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { SqsEvent, SqsRecord } from "../../functions/events";

export interface EventSourceOptions {
  sqs: SQSClient;
  queueUrl: string;
  queueArn: string;
  region: string;
  batchSize: number;
  maxConcurrency: number;
  invoke(event: SqsEvent): Promise<unknown>;
  /** Called before each invocation (fault injection keys off receive counts). */
  beforeInvoke?(records: SqsRecord[]): Promise<void>;
}

export interface Delivery {
  /** Which invocation carried the record (1, 2, ...). */
  batch: number;
  messageId: string;
  body: string;
  receiveCount: number;
  failed: boolean;
}

export interface EventSource {
  /** Every record handed to the function, in order, and whether it was reported failed. */
  deliveries: Delivery[];
  /** Stops polling and waits for invocations in flight; rejects with the first poller error. */
  stop(): Promise<void>;
}

/**
 * The ids of the records to leave on the queue. The whole batch fails when the function throws,
 * or answers with a malformed `batchItemFailures` (an entry without a string itemIdentifier, or
 * one naming no record of the batch); an empty or absent response is full success.
 */
export function failedRecordIds(records: Pick<SqsRecord, "messageId">[], outcome: { ok: true; response: unknown } | { ok: false }): Set<string> {
  const all = new Set(records.map((r) => r.messageId));
  if (!outcome.ok) return all;
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
  const deliveries: Delivery[] = [];
  let stopping = false;
  let batches = 0;

  const pollOnce = async () => {
    const { Messages = [] } = await opts.sqs.send(new ReceiveMessageCommand({
      QueueUrl: opts.queueUrl,
      MaxNumberOfMessages: opts.batchSize,
      // Short long-polls keep stop() prompt.
      WaitTimeSeconds: 1,
      MessageSystemAttributeNames: ["All"],
    }));
    if (Messages.length === 0) return;
    const records = Messages.map((m) => toRecord(m, opts.queueArn, opts.region));
    await opts.beforeInvoke?.(records);
    let outcome: { ok: true; response: unknown } | { ok: false };
    try {
      outcome = { ok: true, response: await opts.invoke({ Records: records }) };
    } catch {
      outcome = { ok: false };
    }
    const failed = failedRecordIds(records, outcome);
    const batch = ++batches;
    for (const r of records) {
      deliveries.push({ batch, messageId: r.messageId, body: r.body, receiveCount: Number(r.attributes?.ApproximateReceiveCount), failed: failed.has(r.messageId) });
    }
    const done = records.filter((r) => !failed.has(r.messageId));
    if (done.length > 0) {
      await opts.sqs.send(new DeleteMessageBatchCommand({
        QueueUrl: opts.queueUrl,
        Entries: done.map((r, i) => ({ Id: `m${i}`, ReceiptHandle: r.receiptHandle })),
      }));
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
    async stop() {
      stopping = true;
      await Promise.all(pollers);
      if (errors.length) throw errors[0];
    },
  };
}
