/** AWS Backup of the file systems (always on): how long, when, and which restored directories to serve. */
import { backupScheduleFrequencyProblem } from "../backupSchedule";
import { fieldsOf, jsonObject, KeySpec, report, reportLine, text, wholeNumber, field } from "./fields";

export interface BackupConfig {
  /** Days each daily recovery point of the file systems is kept. Defaults to 35. */
  retentionDays: number;
  /** When the daily backup starts (AWS Backup cron, UTC). Defaults to `cron(0 3 * * ? *)`. */
  schedule: string;
  /**
   * Directories restored by AWS Backup (`/aws-backup-restore_<time>/openwebui`) that an app's access
   * point should serve instead of its own (`/openwebui`, `/n8n`); keyed `openwebui` / `n8n`.
   * Defaults to none.
   */
  restoredDataDirectories: { openwebui?: string; n8n?: string };
}

export const BACKUP_DEFAULTS: BackupConfig = { retentionDays: 35, schedule: "cron(0 3 * * ? *)", restoredDataDirectories: {} };

/** An absolute path on an EFS file system for an access point root: no `..`, no empty segments. */
export function isDataDirectory(path: string): boolean {
  return path.length <= 100 && /^(\/[A-Za-z0-9_.:+-]+)+$/.test(path) && !path.split("/").some((seg) => seg === "." || seg === "..");
}

/** An AWS Backup schedule: `cron(...)` with six fields (minutes hours day-of-month month day-of-week year). */
export function isBackupCron(expression: string): boolean {
  return /^cron\(\S+( \S+){5}\)$/.test(expression);
}

const restoredDirectory = (app: string) =>
  text((dir, given) =>
    isDataDirectory(dir)
      ? undefined
      : `expected an absolute directory on the file system such as "/aws-backup-restore_2026-01-29T03-12-00/${app}", got ${JSON.stringify(given)}`,
  );

const backupShape = {
  // AWS Backup keeps warm recovery points for any number of days; ten years is a sane ceiling for a typo.
  retentionDays: wholeNumber(1, 3650),
  schedule: field<string>(undefined, (v, ctx) => {
    const schedule = typeof v === "string" ? v : "";
    if (!isBackupCron(schedule)) {
      report(ctx, `expected an AWS Backup cron expression with six fields such as "cron(0 3 * * ? *)", got ${JSON.stringify(v)}`);
      return null;
    }
    const tooOften = backupScheduleFrequencyProblem(schedule);
    if (tooOften) reportLine(ctx, tooOften);
    return tooOften ? null : schedule;
  }),
  restoredDataDirectories: fieldsOf(
    { openwebui: restoredDirectory("openwebui"), n8n: restoredDirectory("n8n") },
    'expected an object like {"openwebui": "/aws-backup-restore_<time>/open-webui"}',
  ).optional(),
};

export type BackupFields = {
  retentionDays?: number | null;
  schedule?: string | null;
  restoredDataDirectories?: { openwebui?: string | null; n8n?: string | null } | null;
};

export function resolveBackup(f: BackupFields | null | undefined): BackupConfig {
  const dirs: BackupConfig["restoredDataDirectories"] = {};
  for (const app of ["openwebui", "n8n"] as const) {
    const dir = f?.restoredDataDirectories?.[app];
    if (dir) dirs[app] = dir;
  }
  return { retentionDays: f?.retentionDays ?? BACKUP_DEFAULTS.retentionDays, schedule: f?.schedule ?? BACKUP_DEFAULTS.schedule, restoredDataDirectories: dirs };
}

export const backup: KeySpec<BackupFields> = {
  description: `Object, fields set with \`pulumi config set --path pluto:backup.<field> <value>\`: retentionDays (default ${BACKUP_DEFAULTS.retentionDays}, days AWS Backup keeps each daily recovery point of the file systems, 1-3650); schedule (default ${BACKUP_DEFAULTS.schedule}, when the daily backup starts, UTC); restoredDataDirectories (default none), an object of openwebui and n8n: a directory AWS Backup restored that the app serves instead of its own.`,
  default: {},
  structured: true,
  schema: () => jsonObject("backup", backupShape),
};
