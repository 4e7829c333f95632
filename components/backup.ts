import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as random from "@pulumi/random";
import { assumeRole, exclusiveRolePolicies } from "../iam/rolePolicies";
import { DEFAULTS, isBackupCron } from "../config";
import { backupScheduleFrequencyProblem } from "../config/backupSchedule";

/**
 * The policies AWS documents for the role AWS Backup assumes to back up and restore
 * (https://docs.aws.amazon.com/aws-backup/latest/devguide/iam-service-roles.html).
 */
export const BACKUP_SERVICE_POLICIES = [
  "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
  "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
];

/** Minutes AWS Backup may wait to start a job, and then to finish it. */
export const START_WINDOW_MINUTES = 60;
export const COMPLETION_WINDOW_MINUTES = 180;

export interface BackupArgs {
  /** Prefix of the vault, plan and key alias names (`<prefix>-backup`); `pluto doctor` finds them by it. */
  namePrefix: string;
  /** ARNs of the resources to back up (the EFS file systems). */
  resources: pulumi.Input<string>[];
  /** Days each recovery point is kept. Defaults to 35. */
  retentionDays?: number;
  /** When the daily backup starts (AWS Backup cron, UTC). Defaults to 03:00 UTC (`cron(0 3 * * ? *)`). */
  schedule?: string;
  tags?: Record<string, string>;
}

/** Lists what is wrong with the arguments before anything is created. */
export function validateBackupArgs(args: Pick<BackupArgs, "retentionDays" | "schedule" | "resources">): string[] {
  const problems: string[] = [];
  const days = args.retentionDays ?? DEFAULTS.backup.retentionDays;
  if (!Number.isInteger(days) || days < 1) problems.push(`retentionDays must be a whole number of days >= 1, got ${days}`);
  if (args.schedule !== undefined && !isBackupCron(args.schedule))
    problems.push(`schedule must be an AWS Backup cron expression with six fields, e.g. ${DEFAULTS.backup.schedule}, got ${JSON.stringify(args.schedule)}`);
  else if (args.schedule !== undefined && backupScheduleFrequencyProblem(args.schedule))
    problems.push(`schedule ${JSON.stringify(args.schedule)} runs more than once an hour, which AWS Backup refuses`);
  if (args.resources.length === 0) problems.push("resources must name at least one resource to back up");
  return problems;
}

/**
 * Daily AWS Backup of the stack's file systems into a vault encrypted with a key of its own. RDS
 * keeps its own automated backups (and the final snapshot on destroy); this covers what RDS does
 * not: Open WebUI's data directory (uploads, the local vector store) and n8n's.
 */
export class Backup extends pulumi.ComponentResource {
  readonly key: aws.kms.Key;
  readonly vault: aws.backup.Vault;
  readonly plan: aws.backup.Plan;
  readonly role: aws.iam.Role;
  readonly selection: aws.backup.Selection;
  /** `<prefix>-backup-<8 hex>` */
  readonly vaultName: pulumi.Output<string>;

  constructor(name: string, args: BackupArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("pluto:backup:Backup", name, {}, opts);
    const problems = validateBackupArgs(args);
    if (problems.length > 0) throw new Error(`Backup ${name}: ${problems.join("; ")}`);
    const tags = { Name: name, ...args.tags };
    const physical = `${args.namePrefix}-backup`;

    // A key of the stack's own, so that access to the recovery points is governed by its key policy
    // (the default one: the account's IAM policies decide) and can be audited in CloudTrail.
    //
    // Vault and key outlive `pulumi destroy` (retainOnDelete): once the stack's file systems are gone,
    // their recovery points are the only copy, and deleting the key would make them unreadable.
    // AWS also refuses to delete a vault that still holds recovery points
    // (https://docs.aws.amazon.com/aws-backup/latest/devguide/API_DeleteBackupVault.html), which
    // would fail the destroy. A suffix new with each stack keeps a recreated stack's vault from
    // colliding with the one an earlier stack left behind.
    this.key = new aws.kms.Key(
      `${name}-key`,
      {
        description: `Encrypts the AWS Backup vault of ${physical}`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        tags,
      },
      { parent: this, retainOnDelete: true },
    );
    new aws.kms.Alias(`${name}-key-alias`, { name: `alias/${physical}`, targetKeyId: this.key.keyId }, { parent: this.key });

    const vaultSuffix = new random.RandomId(`${name}-vault-id`, { byteLength: 4 }, { parent: this });
    this.vault = new aws.backup.Vault(
      `${name}-vault`,
      {
        name: pulumi.interpolate`${physical}-${vaultSuffix.hex}`,
        kmsKeyArn: this.key.arn,
        tags,
      },
      { parent: this, retainOnDelete: true },
    );
    this.vaultName = this.vault.name;

    this.role = new aws.iam.Role(
      `${name}-role`,
      {
        assumeRolePolicy: assumeRole("backup.amazonaws.com"),
        tags,
      },
      { parent: this },
    );
    const permissions = exclusiveRolePolicies(`${name}-role`, this.role, [], BACKUP_SERVICE_POLICIES);

    this.plan = new aws.backup.Plan(
      `${name}-plan`,
      {
        name: physical,
        rules: [
          {
            ruleName: "daily",
            targetVaultName: this.vault.name,
            schedule: args.schedule ?? DEFAULTS.backup.schedule,
            startWindow: START_WINDOW_MINUTES,
            completionWindow: COMPLETION_WINDOW_MINUTES,
            lifecycle: { deleteAfter: args.retentionDays ?? DEFAULTS.backup.retentionDays },
            recoveryPointTags: tags,
          },
        ],
        tags,
      },
      { parent: this },
    );

    this.selection = new aws.backup.Selection(
      `${name}-selection`,
      {
        name: `${args.namePrefix}-file-systems`,
        planId: this.plan.id,
        iamRoleArn: this.role.arn,
        resources: args.resources,
      },
      { parent: this, dependsOn: permissions },
    );

    this.registerOutputs({ vaultName: this.vaultName, planId: this.plan.id });
  }
}
