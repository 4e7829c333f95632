import type { SqsBatchResponse, SqsEvent, SqsRecord } from "./events";
import { Fetch, redact } from "./http";
import { describeError, Logger } from "./log";
import { parseMessage, ProvisioningMessage } from "./message";
import { inviteToN8n } from "./n8n";
import { createScimUser } from "./scim";

export interface WorkerDeps {
  /** Open WebUI's base URL as the worker reaches it (through the ALB). */
  openWebUiUrl: string;
  /** Resolves the SCIM bearer token (cached by the caller). */
  scimToken(): Promise<string>;
  /** Present only when n8n is deployed. */
  n8n?: { url: string; apiKey(): Promise<string> };
  fetch: Fetch;
  /** Timeout for each HTTP call. */
  httpTimeoutMs: number;
  log: Logger;
}

/**
 * SQS handler. Records are independent: each one that is not provisioned is reported in
 * `batchItemFailures` (and only those), so SQS redelivers it and, after the queue's
 * maxReceiveCount, moves it to the DLQ. Malformed bodies fail too, so they are kept for
 * inspection instead of being dropped.
 */
export async function handleProvisioningBatch(event: SqsEvent, deps: WorkerDeps): Promise<SqsBatchResponse> {
  const records = Array.isArray(event?.Records) ? event.Records : [];
  const outcomes = await Promise.all(records.map((record) => provisionRecord(record, deps)));
  return {
    batchItemFailures: records.filter((_, i) => !outcomes[i]).map((record) => ({ itemIdentifier: record.messageId })),
  };
}

/** Resolves true when the user exists in Open WebUI afterwards; never rejects. */
async function provisionRecord(record: SqsRecord, deps: WorkerDeps): Promise<boolean> {
  const context = { messageId: record.messageId, receiveCount: Number(record.attributes?.ApproximateReceiveCount ?? 1) };
  const parsed = parseMessage(String(record.body));
  if (!parsed.ok) {
    deps.log({ level: "error", event: "invalid_message", ...context, error: parsed.reason });
    return false;
  }
  const message = parsed.message;
  let token = "";
  try {
    token = await deps.scimToken();
    const outcome = await createScimUser(deps.fetch, deps.openWebUiUrl, token, message, deps.httpTimeoutMs);
    if (!outcome.ok) {
      deps.log({ level: "error", event: "scim_failed", ...context, sub: message.sub, status: outcome.status, error: outcome.error });
      return false;
    }
    deps.log({ level: "info", event: outcome.status === 201 ? "user_created" : "user_exists", ...context, sub: message.sub });
  } catch (err) {
    deps.log({ level: "error", event: "scim_failed", ...context, sub: message.sub, error: redact(describeError(err), token) });
    return false;
  }
  if (deps.n8n) await inviteNonBlocking(message, deps.n8n, deps);
  return true;
}

/** The n8n invitation is a convenience: its failure is logged and never fails the record. */
async function inviteNonBlocking(message: ProvisioningMessage, n8n: NonNullable<WorkerDeps["n8n"]>, deps: WorkerDeps): Promise<void> {
  let apiKey = "";
  try {
    apiKey = await n8n.apiKey();
    const outcome = await inviteToN8n(deps.fetch, n8n.url, apiKey, message.email, deps.httpTimeoutMs);
    if (outcome.ok) deps.log({ level: "info", event: "n8n_invited", sub: message.sub });
    else deps.log({ level: "warn", event: "n8n_invite_failed", sub: message.sub, status: outcome.status, error: outcome.error });
  } catch (err) {
    deps.log({ level: "warn", event: "n8n_invite_failed", sub: message.sub, error: redact(describeError(err), apiKey) });
  }
}
