import {
  GetBackupSelectionCommand,
  ListBackupPlansCommand,
  ListBackupSelectionsCommand,
  ListRecoveryPointsByResourceCommand,
  RecoveryPointByResource,
} from "@aws-sdk/client-backup";
import { DBInstance, DescribeDBInstancesCommand } from "@aws-sdk/client-rds";
import { CliError } from "../../errors";
import { aws, translateAwsError } from "./awsErrors";
import { Check } from "./checks";
import { OpsSession } from "./options";

/**
 * A file system's newest recovery point may be this old before it counts as stale: the plan runs
 * once a day (24 h), AWS Backup may start the job up to an hour into its start window, and a small
 * file system's job takes well under the remaining hour (components/backup.ts).
 */
export const STALE_AFTER_HOURS = 26;
/**
 * RDS copies transaction logs every five minutes, so the latest restorable time trails the clock by
 * about that much (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PIT.html); an hour
 * behind means log shipping has stopped.
 */
export const PITR_STALE_AFTER_MINUTES = 60;

/** Recovery points that can be restored: finished (COMPLETED), or AVAILABLE as continuous backups report. */
const USABLE = new Set(["COMPLETED", "AVAILABLE"]);

export function age(from: Date, now: Date): string {
  const minutes = Math.max(0, Math.round((now.getTime() - from.getTime()) / 60_000));
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.round(hours / 24)} days`;
}

/** The finding for one protected resource from its recovery points (any order, any vault). */
export function recoveryPointFinding(arn: string, points: RecoveryPointByResource[], now: Date): { ok: boolean; line: string } {
  const id = arn.split("/").pop() ?? arn;
  const usable = points.filter((p) => USABLE.has(p.Status ?? "") && p.CreationDate).sort((a, b) => b.CreationDate!.getTime() - a.CreationDate!.getTime());
  const newest = [...points].filter((p) => p.CreationDate).sort((a, b) => b.CreationDate!.getTime() - a.CreationDate!.getTime())[0];
  const failedLater =
    newest && newest !== usable[0]
      ? `; newest attempt ${newest.Status}${newest.StatusMessage ? ` (${newest.StatusMessage})` : ""} at ${newest.CreationDate!.toISOString()}`
      : "";
  if (usable.length === 0) return { ok: false, line: `file system ${id}: no completed recovery point${failedLater}` };
  const latest = usable[0];
  const hours = (now.getTime() - latest.CreationDate!.getTime()) / 3_600_000;
  const where = `${latest.CreationDate!.toISOString()}, vault ${latest.BackupVaultName ?? "?"}`;
  return hours > STALE_AFTER_HOURS
    ? {
        ok: false,
        line: `file system ${id}: latest recovery point is ${age(latest.CreationDate!, now)} old (${where}), more than ${STALE_AFTER_HOURS} h${failedLater}`,
      }
    : { ok: true, line: `file system ${id}: latest recovery point ${age(latest.CreationDate!, now)} ago (${where})${failedLater}` };
}

/** Point-in-time restore of the database from RDS automated backups. */
export function databaseFinding(db: DBInstance, now: Date): { ok: boolean; line: string } {
  const name = `database ${db.DBInstanceIdentifier}`;
  if (!db.BackupRetentionPeriod) return { ok: false, line: `${name}: automated backups are off (backup retention 0 days)` };
  const latest = db.LatestRestorableTime;
  if (!latest) return { ok: false, line: `${name}: no restorable time yet (status ${db.DBInstanceStatus ?? "?"})` };
  const minutes = (now.getTime() - latest.getTime()) / 60_000;
  const line = `${name}: restorable to ${age(latest, now)} ago (${latest.toISOString()}; automated backups kept ${db.BackupRetentionPeriod} days)`;
  return minutes > PITR_STALE_AFTER_MINUTES ? { ok: false, line: `${line}, more than ${PITR_STALE_AFTER_MINUTES} min behind` } : { ok: true, line };
}

async function pages<T>(call: (token?: string) => Promise<{ NextToken?: string; items: T[] }>): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  do {
    const page = await call(token);
    out.push(...page.items);
    token = page.NextToken;
  } while (token);
  return out;
}

/** The ARNs the stack's backup plan (`<prefix>-backup`) selects, or undefined when there is no such plan. */
async function protectedArns(s: OpsSession): Promise<string[] | undefined> {
  const { backup } = s.clients;
  const plans = await pages((NextToken) =>
    aws(s.ctx, "backup:ListBackupPlans", () => backup.send(new ListBackupPlansCommand({ NextToken }))).then((o) => ({
      NextToken: o?.NextToken,
      items: o?.BackupPlansList ?? [],
    })),
  );
  const plan = plans.find((p) => p.BackupPlanName === s.names.backupPlan);
  if (!plan?.BackupPlanId) return undefined;
  const BackupPlanId = plan.BackupPlanId;
  const selections = await pages((NextToken) =>
    aws(s.ctx, "backup:ListBackupSelections", () => backup.send(new ListBackupSelectionsCommand({ BackupPlanId, NextToken }))).then((o) => ({
      NextToken: o?.NextToken,
      items: o?.BackupSelectionsList ?? [],
    })),
  );
  const arns: string[] = [];
  for (const sel of selections) {
    const out = await aws(s.ctx, "backup:GetBackupSelection", () => backup.send(new GetBackupSelectionCommand({ BackupPlanId, SelectionId: sel.SelectionId })));
    arns.push(...(out?.BackupSelection?.Resources ?? []));
  }
  return [...new Set(arns)];
}

/**
 * The age of the newest recovery point of every resource the stack backs up (found through its
 * plan `<prefix>-backup`, no Pulumi CLI needed), and how far back its database can be restored.
 * A missing or stale backup fails; a call the operator may not make is a warning naming it.
 */
export async function backupCheck(s: OpsSession, now: Date): Promise<Check> {
  const name = "backups";
  const details: string[] = [];
  const problems: string[] = [];
  try {
    const arns = await protectedArns(s);
    if (arns === undefined) problems.push(`no backup plan ${s.names.backupPlan} in ${s.ctx.region}`);
    else if (arns.length === 0) problems.push(`backup plan ${s.names.backupPlan} selects no resources`);
    for (const arn of arns ?? []) {
      const points = await pages((NextToken) =>
        aws(s.ctx, "backup:ListRecoveryPointsByResource", () =>
          s.clients.backup.send(new ListRecoveryPointsByResourceCommand({ ResourceArn: arn, NextToken })),
        ).then((o) => ({ NextToken: o?.NextToken, items: o?.RecoveryPoints ?? [] })),
      );
      const f = recoveryPointFinding(arn, points, now);
      details.push(f.line);
      if (!f.ok) problems.push(f.line);
    }
    const db = await databaseOf(s);
    if (db) {
      const f = databaseFinding(db, now);
      details.push(f.line);
      if (!f.ok) problems.push(f.line);
    } else {
      details.push(`database ${s.names.database}: not found in ${s.ctx.region}`);
      problems.push(`database ${s.names.database} not found`);
    }
  } catch (e) {
    if (!(e instanceof CliError)) throw e;
    return { name, status: "warn", summary: `cannot check: ${e.message}`, details };
  }
  // The summary already says what failed: the details keep only what it does not repeat.
  if (problems.length)
    return {
      name,
      status: "fail",
      summary: problems.length === 1 ? problems[0] : `${problems.length} problems: ${problems.join("; ")}`,
      details: details.filter((d) => !problems.includes(d)),
    };
  return { name, status: "pass", summary: `every file system backed up within ${STALE_AFTER_HOURS} h; database restorable to the last hour`, details };
}

async function databaseOf(s: OpsSession): Promise<DBInstance | undefined> {
  try {
    const out = await s.clients.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: s.names.database }));
    return out?.DBInstances?.[0];
  } catch (e) {
    if ((e as { name?: string })?.name === "DBInstanceNotFoundFault") return undefined;
    throw translateAwsError(e, "rds:DescribeDBInstances", s.ctx);
  }
}
