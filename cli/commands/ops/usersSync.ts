import { Command } from "commander";
import { GetQueueUrlCommand, SendMessageBatchCommand } from "@aws-sdk/client-sqs";
import { messageFromAttributes, ProvisioningMessage } from "../../../functions/message";
import { Io } from "../../io";
import { CliError, EXIT } from "../../errors";
import { aws } from "./awsErrors";
import { emit, plural, table } from "./format";
import { parseSince } from "./logs";
import { OpsDeps, OpsSession, openSession } from "./options";
import { confirmChange, showPlan, withChangeFlags } from "./change";
import { listMembers, Member, resolveUserPool, UsersOptions, withUsersOptions } from "./users";

export interface UsersSyncOptions extends UsersOptions {
  since?: string;
  all?: boolean;
  dryRun?: boolean;
  yes?: boolean;
  queue?: string;
}

export interface SkippedUser {
  username: string;
  reason: string;
}

export interface FailedUser {
  email: string;
  reason: string;
}

export interface UsersSyncResult {
  userPoolId: string;
  queue: string;
  /** The selection: an ISO time (members created since then) or "all". */
  selection: string;
  dryRun: boolean;
  /** Members in the pool, and how many the selection kept. */
  members: number;
  selected: number;
  /** The messages the plan holds (also in a dry run). */
  planned: ProvisioningMessage[];
  enqueued: ProvisioningMessage[];
  skipped: SkippedUser[];
  failed: FailedUser[];
}

/** SQS takes at most 10 entries per SendMessageBatch. */
export const BATCH_SIZE = 10;

/**
 * Which selected members get an onboarding message, built exactly as the PostConfirmation
 * producer builds it; the others are listed with the reason. Left out: disabled members,
 * unconfirmed sign-ups, and unverified emails (the producer ignores those too).
 */
export function planMessages(members: Member[]): { messages: ProvisioningMessage[]; skipped: SkippedUser[] } {
  const messages: ProvisioningMessage[] = [];
  const skipped: SkippedUser[] = [];
  for (const m of members) {
    const username = m.username || "(no username)";
    if (!m.enabled) skipped.push({ username, reason: "member is disabled" });
    else if (m.status === "UNCONFIRMED") skipped.push({ username, reason: "member has not confirmed sign-up" });
    else if (!m.emailVerified) skipped.push({ username, reason: "email is not verified" });
    else {
      const built = messageFromAttributes(m.attributes);
      if (built.ok) messages.push(built.message);
      else skipped.push({ username, reason: built.reason });
    }
  }
  return { messages, skipped };
}

/**
 * `--since` (members created at or after that time) or `--all`: exactly one. Every message
 * re-runs onboarding, i.e. an n8n (re-)invitation and one notice email to the administrators
 * per member, so re-enqueueing a whole pool is never the default.
 */
export function selection(opts: Pick<UsersSyncOptions, "since" | "all">, now: Date): { since?: Date; label: string } {
  if (opts.all && opts.since) throw new CliError("give either --since or --all, not both", EXIT.cannotCheck);
  if (opts.all) return { label: "all" };
  if (!opts.since) {
    throw new CliError(
      "choose whom to re-enqueue: --since 2d (members who joined in the last two days, or an ISO time) or --all (every member: one notice email each)",
      EXIT.cannotCheck,
    );
  }
  const since = new Date(parseSince(opts.since, now));
  return { since, label: since.toISOString() };
}

async function enqueue(s: OpsSession, queueName: string, messages: ProvisioningMessage[]): Promise<{ sent: ProvisioningMessage[]; failed: FailedUser[] }> {
  const ctx = { ...s.ctx, queue: queueName };
  const { QueueUrl } = await aws(ctx, "sqs:GetQueueUrl", () => s.clients.sqs.send(new GetQueueUrlCommand({ QueueName: queueName })));
  const sent: ProvisioningMessage[] = [];
  const failed: FailedUser[] = [];
  for (let i = 0; i < messages.length; i += BATCH_SIZE) {
    const batch = messages.slice(i, i + BATCH_SIZE);
    // Entry ids only need to be unique within the batch; the index maps failures back to members.
    const out = await aws(ctx, "sqs:SendMessageBatch", () =>
      s.clients.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl,
          Entries: batch.map((m, j) => ({ Id: String(j), MessageBody: JSON.stringify({ email: m.email, name: m.name, sub: m.sub }) })),
        }),
      ),
    );
    const failedIds = new Map((out.Failed ?? []).map((f) => [f.Id, `${f.Code ?? "error"}${f.Message ? `: ${f.Message}` : ""}`]));
    batch.forEach((m, j) => {
      const reason = failedIds.get(String(j));
      if (reason) failed.push({ email: m.email, reason });
      else sent.push(m);
    });
  }
  return { sent, failed };
}

/**
 * Re-runs onboarding for members who joined while the pipeline was down (or whose enqueue
 * failed): one producer-shaped message each, after the plan has been shown and agreed to.
 */
export async function runUsersSync(opts: UsersSyncOptions, deps: Pick<OpsDeps, "clients" | "confirm" | "now">, io: Io): Promise<UsersSyncResult> {
  const chosen = selection(opts, deps.now());
  const session = await openSession(opts, deps);
  const userPoolId = await resolveUserPool(session, opts);
  const queue = opts.queue ?? session.names.queue;
  const members = await listMembers(session, userPoolId);
  const kept = chosen.since ? members.filter((m) => m.created !== "" && new Date(m.created) >= chosen.since!) : members;
  const { messages, skipped } = planMessages(kept);
  const base = {
    userPoolId,
    queue,
    selection: chosen.label,
    dryRun: Boolean(opts.dryRun),
    members: members.length,
    selected: kept.length,
    planned: messages,
    skipped,
  };
  const plan = [
    `user pool ${userPoolId}: ${plural(members.length, "member")}, ${kept.length} selected (${chosen.since ? `created since ${chosen.label}` : "all"})`,
    `${opts.dryRun ? "would enqueue" : "will enqueue"} ${plural(messages.length, "onboarding message")} to ${queue}: each re-runs the n8n invitation (if deployed) and emails the administrators`,
    ...table(messages.map((m) => ["  enqueue", m.email, m.name])),
    ...(skipped.length ? [`skipping ${skipped.length}:`, ...table(skipped.map((s) => ["  skip", s.username, s.reason]))] : []),
  ];
  // Nothing to send needs no consent: show the plan and stop.
  if (messages.length === 0) {
    showPlan(io, opts.json, plan);
    return { ...base, enqueued: [], failed: [] };
  }
  if (!(await confirmChange(io, opts, plan, `Enqueue ${plural(messages.length, "onboarding message")} to ${queue}?`, deps.confirm))) {
    return { ...base, dryRun: true, enqueued: [], failed: [] };
  }
  const { sent, failed } = await enqueue(session, queue, messages);
  return { ...base, enqueued: sent, failed };
}

export function formatUsersSync(r: UsersSyncResult): string[] {
  // A dry run's plan and its "nothing was changed" line were printed with the plan.
  if (r.dryRun) return [];
  const lines = [`enqueued ${r.enqueued.length} to ${r.queue}`];
  if (r.failed.length) lines.push(`failed ${r.failed.length}:`, ...table(r.failed.map((f) => ["  failed", f.email, f.reason])));
  return lines;
}

export function registerUsersSync(users: Command, io: Io, result: { exitCode: number }, deps: OpsDeps): void {
  withChangeFlags(
    withUsersOptions(
      users
        .command("sync")
        .description("re-enqueue onboarding (n8n invitation, notice) for members who joined while the pipeline was down")
        .option("--since <time>", "members created since then: 30m, 12h, 2d, 1w, or an ISO time")
        .option("--all", "every member of the pool (each gets an n8n re-invitation and a notice email)")
        .option("--queue <name>", "onboarding queue (default: <prefix>-user-provisioning)"),
    ),
  ).action(async (opts: UsersSyncOptions) => {
    const r = await runUsersSync(opts, deps, io);
    emit(io, Boolean(opts.json), r, () => formatUsersSync(r));
    result.exitCode = r.failed.length ? EXIT.findings : EXIT.ok;
  });
}
