/**
 * How often `pluto:backup.schedule` may run. AWS Backup starts a rule's jobs at most once an hour:
 * CreateBackupPlan refuses a shorter interval ("The interval between backup jobs shouldn't be less
 * than 60 minutes"; https://docs.aws.amazon.com/aws-backup/latest/devguide/creating-a-backup-plan.html,
 * backup frequency, whose most frequent choice is hourly).
 */

/** Minutes AWS Backup leaves at least between two jobs of one rule. */
export const BACKUP_MIN_INTERVAL_MINUTES = 60;

/**
 * The cron's minute field names one minute, so the rule runs at most once in any hour. A list, a
 * range, a step or `*` there runs several jobs an hour, which AWS Backup refuses.
 */
function singleMinute(field: string): boolean {
  return /^\d{1,2}$/.test(field) && Number(field) <= 59;
}

/**
 * Why an AWS Backup cron expression (`cron(min hour day-of-month month day-of-week year)`, already
 * checked for its six fields) runs more often than AWS Backup allows, or undefined when it does not.
 */
export function backupScheduleFrequencyProblem(expression: string): string | undefined {
  const fields = /^cron\((.*)\)$/.exec(expression)?.[1].split(" ");
  if (!fields || fields.length !== 6 || singleMinute(fields[0])) return undefined;
  return (
    `pluto:backup.schedule: ${JSON.stringify(expression)} starts more than one backup an hour (minute field ${JSON.stringify(fields[0])}); ` +
    `AWS Backup refuses jobs less than ${BACKUP_MIN_INTERVAL_MINUTES} minutes apart: give a single minute, e.g. "cron(0 * * * ? *)" for hourly`
  );
}
