import { Command } from "commander";
import { ListUserPoolsCommand, ListUsersCommand, UserType } from "@aws-sdk/client-cognito-identity-provider";
import { GetQueueUrlCommand, SendMessageBatchCommand } from "@aws-sdk/client-sqs";
import { messageFromAttributes, ProvisioningMessage } from "../../../functions/message";
import { Io } from "../../io";
import { CliError, EXIT } from "../../errors";
import { aws } from "./awsErrors";
import { emit, table } from "./format";
import { CommonOptions, OpsDeps, OpsSession, openSession, withCommonOptions } from "./options";

export interface UsersSyncOptions extends CommonOptions {
  dryRun?: boolean;
  userPoolId?: string;
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
  dryRun: boolean;
  users: number;
  enqueued: ProvisioningMessage[];
  skipped: SkippedUser[];
  failed: FailedUser[];
}

/** SQS takes at most 10 entries per SendMessageBatch. */
export const BATCH_SIZE = 10;

/** The pool named `<prefix>-users`; more than one with that name is ambiguous, so the operator must pick. */
export async function findUserPool(s: OpsSession, name: string): Promise<string> {
  const matches: string[] = [];
  let nextToken: string | undefined;
  do {
    const out = await aws(s.ctx, "cognito-idp:ListUserPools", () =>
      s.clients.cognito.send(new ListUserPoolsCommand({ MaxResults: 60, ...(nextToken ? { NextToken: nextToken } : {}) })),
    );
    for (const pool of out.UserPools ?? []) if (pool.Name === name && pool.Id) matches.push(pool.Id);
    nextToken = out.NextToken;
  } while (nextToken);
  if (matches.length === 0) throw new CliError(`no Cognito user pool named ${name} in ${s.ctx.region} (use --user-pool-id or --prefix)`, EXIT.cannotCheck);
  if (matches.length > 1) throw new CliError(`${matches.length} user pools are named ${name} (${matches.join(", ")}); pick one with --user-pool-id`, EXIT.cannotCheck);
  return matches[0];
}

async function listUsers(s: OpsSession, userPoolId: string): Promise<UserType[]> {
  const users: UserType[] = [];
  let token: string | undefined;
  do {
    const out = await aws(s.ctx, "cognito-idp:ListUsers", () =>
      s.clients.cognito.send(new ListUsersCommand({ UserPoolId: userPoolId, Limit: 60, ...(token ? { PaginationToken: token } : {}) })),
    );
    users.push(...(out.Users ?? []));
    token = out.PaginationToken;
  } while (token);
  return users;
}

/**
 * Which users get a provisioning message, built exactly as the PostConfirmation producer builds
 * it. Disabled and unconfirmed users are left out: neither could sign in yet.
 */
export function planMessages(users: UserType[]): { messages: ProvisioningMessage[]; skipped: SkippedUser[] } {
  const messages: ProvisioningMessage[] = [];
  const skipped: SkippedUser[] = [];
  for (const u of users) {
    const username = u.Username ?? "(no username)";
    if (u.Enabled === false) skipped.push({ username, reason: "user is disabled" });
    else if (u.UserStatus === "UNCONFIRMED") skipped.push({ username, reason: "user has not confirmed sign-up" });
    else {
      const attrs = Object.fromEntries((u.Attributes ?? []).map((a) => [a.Name, a.Value]));
      const built = messageFromAttributes(attrs);
      if (built.ok) messages.push(built.message);
      else skipped.push({ username, reason: built.reason });
    }
  }
  return { messages, skipped };
}

async function enqueue(s: OpsSession, queueName: string, messages: ProvisioningMessage[]): Promise<{ sent: ProvisioningMessage[]; failed: FailedUser[] }> {
  const ctx = { ...s.ctx, queue: queueName };
  const { QueueUrl } = await aws(ctx, "sqs:GetQueueUrl", () => s.clients.sqs.send(new GetQueueUrlCommand({ QueueName: queueName })));
  const sent: ProvisioningMessage[] = [];
  const failed: FailedUser[] = [];
  for (let i = 0; i < messages.length; i += BATCH_SIZE) {
    const batch = messages.slice(i, i + BATCH_SIZE);
    // Entry ids only need to be unique within the batch; the index maps failures back to users.
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

/** Backfill: one provisioning message per Cognito user; the worker's SCIM create answers 409 for existing ones. */
export async function runUsersSync(opts: UsersSyncOptions, deps: Pick<OpsDeps, "clients">): Promise<UsersSyncResult> {
  const session = await openSession(opts, deps);
  const userPoolId = opts.userPoolId ?? (await findUserPool(session, session.names.userPoolName));
  const queue = opts.queue ?? session.names.queue;
  const users = await listUsers(session, userPoolId);
  const { messages, skipped } = planMessages(users);
  const base = { userPoolId, queue, dryRun: Boolean(opts.dryRun), users: users.length, skipped };
  if (opts.dryRun || messages.length === 0) return { ...base, enqueued: opts.dryRun ? messages : [], failed: [] };
  const { sent, failed } = await enqueue(session, queue, messages);
  return { ...base, enqueued: sent, failed };
}

export function formatUsersSync(r: UsersSyncResult): string[] {
  const lines = [`user pool ${r.userPoolId}: ${r.users} user(s)`];
  if (r.dryRun) {
    lines.push(`dry run: would enqueue ${r.enqueued.length} to ${r.queue}`);
    lines.push(...table(r.enqueued.map((m) => ["  would enqueue", m.email, m.name])));
  } else {
    lines.push(`enqueued ${r.enqueued.length} to ${r.queue}`);
  }
  if (r.skipped.length) lines.push(`skipped ${r.skipped.length}:`, ...table(r.skipped.map((s) => ["  skipped", s.username, s.reason])));
  if (r.failed.length) lines.push(`failed ${r.failed.length}:`, ...table(r.failed.map((f) => ["  failed", f.email, f.reason])));
  return lines;
}

export function registerUsersSync(users: Command, io: Io, result: { exitCode: number }, deps: OpsDeps): void {
  withCommonOptions(
    users
      .command("sync")
      .description("enqueue a provisioning message for every Cognito user (backfill; idempotent: existing users get SCIM 409)")
      .option("--dry-run", "list who would be enqueued; send nothing")
      .option("--user-pool-id <id>", "Cognito user pool (default: the pool named <prefix>-users)")
      .option("--queue <name>", "provisioning queue (default: <prefix>-user-provisioning)"),
  ).action(async (opts: UsersSyncOptions) => {
    const r = await runUsersSync(opts, deps);
    emit(io, Boolean(opts.json), r, () => formatUsersSync(r));
    result.exitCode = r.failed.length ? EXIT.findings : EXIT.ok;
  });
}
