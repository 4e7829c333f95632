import type { SqsBatchResponse, SqsEvent, SqsRecord } from "./events";
import { Fetch, redactAll } from "./http";
import { describeError, Logger } from "./log";
import { parseMessage, ProvisioningMessage } from "./message";
import { inviteToN8n, linkSecrets, redactN8n } from "./n8n";
import { N8nStep, newMemberNotice, Notice } from "./notify";

export interface WorkerDeps {
  /** The workspace's public URL, quoted in the notice. */
  appUrl: string;
  /** Present only when n8n is deployed. */
  n8n?: { url: string; apiKey(): Promise<string> };
  /** Publishes the notice to the administrators' topic. */
  notify(notice: Notice): Promise<void>;
  fetch: Fetch;
  /** Timeout for each HTTP call. */
  httpTimeoutMs: number;
  log: Logger;
}

/**
 * SQS handler. Records are independent: each one that is not onboarded is reported in
 * `batchItemFailures` (and only those), so SQS redelivers it and, after the queue's
 * maxReceiveCount, moves it to the DLQ. Malformed bodies fail too, so they are kept for
 * inspection instead of being dropped. It never throws, since a thrown error would return the
 * whole batch to the queue: an event without a `Records` array, and a record that is not an
 * object with a `messageId` (`null`, say), are logged and left out of `batchItemFailures`, which
 * can only name a record by its `messageId` (Lambda fails the whole batch on an entry that names
 * none: docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html).
 */
export async function handleProvisioningBatch(event: SqsEvent, deps: WorkerDeps): Promise<SqsBatchResponse> {
  const records: unknown[] = Array.isArray(event?.Records) ? event.Records : [];
  if (!Array.isArray(event?.Records)) deps.log({ level: "error", event: "invalid_event", error: "the event has no Records array" });
  const failed = await Promise.all(
    records.map(async (record, index) => {
      const messageId = (record as Partial<SqsRecord> | null)?.messageId;
      if (typeof messageId !== "string" || messageId === "") {
        deps.log({ level: "error", event: "invalid_record", index, error: "the record is not an object with a messageId" });
        return undefined;
      }
      return (await onboardRecord(record as SqsRecord, deps)) ? undefined : messageId;
    }),
  );
  return { batchItemFailures: failed.filter((id): id is string => id !== undefined).map((itemIdentifier) => ({ itemIdentifier })) };
}

/**
 * Onboards one member (the notice carries the link, so an error quoting it is redacted): the n8n invitation (when n8n is deployed), then the notice to the
 * administrators. Either failing fails the record, so a redelivery repeats both; both are safe
 * to repeat (n8n re-invites a pending user as the same user with a fresh link and skips an
 * active one; a second notice is a duplicate email, never a lost member). Resolves true when
 * both are done; never rejects.
 */
async function onboardRecord(record: SqsRecord, deps: WorkerDeps): Promise<boolean> {
  const context = { messageId: record.messageId, receiveCount: Number(record.attributes?.ApproximateReceiveCount ?? 1) };
  const parsed = parseMessage(String(record.body));
  if (!parsed.ok) {
    deps.log({ level: "error", event: "invalid_message", ...context, error: parsed.reason });
    return false;
  }
  const member = parsed.message;
  let n8nStep: N8nStep | undefined;
  if (deps.n8n) {
    n8nStep = await invite(member, deps.n8n, deps, context);
    if (!n8nStep) return false;
  }
  const secrets = n8nStep?.state === "invited" ? linkSecrets(n8nStep.acceptUrl) : [];
  try {
    await deps.notify(newMemberNotice(member, deps.appUrl, n8nStep));
    deps.log({ level: "info", event: "member_notified", ...context, sub: member.sub });
    return true;
  } catch (err) {
    deps.log({ level: "error", event: "notify_failed", ...context, sub: member.sub, error: redactN8n(redactAll(describeError(err), secrets), "") });
    return false;
  }
}

/**
 * The n8n step; undefined (logged, never thrown) when it failed and the record must be retried. An
 * address n8n refuses for good is a step of its own: the notice names the member and n8n's reason
 * and the message is done, instead of five receives into a DLQ nobody is told about. Error texts go
 * through `redactN8n`: neither the key nor an invitation token reaches a log line.
 */
async function invite(member: ProvisioningMessage, n8n: NonNullable<WorkerDeps["n8n"]>, deps: WorkerDeps, context: object): Promise<N8nStep | undefined> {
  let apiKey = "";
  try {
    apiKey = await n8n.apiKey();
    const outcome = await inviteToN8n(deps.fetch, n8n.url, apiKey, member.email, deps.httpTimeoutMs);
    if (!outcome.ok) {
      deps.log({ level: "error", event: "n8n_invite_failed", ...context, sub: member.sub, status: outcome.status, error: outcome.error });
      return undefined;
    }
    if (outcome.state === "refused") {
      deps.log({ level: "warn", event: "n8n_refused", ...context, sub: member.sub, status: outcome.status, reason: outcome.reason });
      return { state: "refused", reason: outcome.reason };
    }
    if (outcome.state === "member") {
      deps.log({ level: "info", event: "n8n_member_exists", ...context, sub: member.sub });
      return { state: "member" };
    }
    // The link is a credential: logs say only whether there was one.
    deps.log({
      level: outcome.unsafeLink ? "warn" : "info",
      event: "n8n_invited",
      ...context,
      sub: member.sub,
      emailSent: outcome.emailSent,
      link: Boolean(outcome.acceptUrl),
      ...(outcome.unsafeLink ? { linkRefused: "not an https link" } : {}),
    });
    return {
      state: "invited",
      emailSent: outcome.emailSent,
      ...(outcome.acceptUrl ? { acceptUrl: outcome.acceptUrl } : {}),
      ...(outcome.unsafeLink ? { unsafeLink: true } : {}),
    };
  } catch (err) {
    deps.log({ level: "error", event: "n8n_invite_failed", ...context, sub: member.sub, error: redactN8n(describeError(err), apiKey) });
    return undefined;
  }
}
