/**
 * What `pluto upgrade` tells the operator when a step fails: where the stack stands, and the exact
 * commands back to the old version (or on to the finished upgrade). The database commands are those
 * of docs/backups.md ("The database, from a snapshot or a point in time").
 */
import { SuspendedState } from "@aws-sdk/client-application-auto-scaling";
import { scalableResourceId } from "./upgradeSteps";

/** The steps in the order they run; a failure names the one it stopped at. */
export const STAGES = ["snapshot", "suspend-autoscaling", "scale-down", "pulumi-up", "first-task", "scale-back", "resume-autoscaling"] as const;
export type Stage = (typeof STAGES)[number];

export interface RollbackFacts {
  stack: string;
  region?: string;
  profile?: string;
  cluster: string;
  service: string;
  /** Tasks the service ran before the upgrade. */
  desiredCount: number;
  database: string;
  snapshot: string;
  subnetGroup?: string;
  securityGroups: string[];
  parameterGroup?: string;
  fromImage: string;
  toImage: string;
  /** The autoscaling suspension to return to; undefined when the service has no scalable target. */
  scalingBefore?: SuspendedState;
}

function awsFlags(f: RollbackFacts): string {
  return `${f.region ? ` --region ${f.region}` : ""}${f.profile ? ` --profile ${f.profile}` : ""}`;
}

const onOff = (v: boolean | undefined) => (v ? "true" : "false");

export function resumeScalingCommand(f: RollbackFacts): string[] {
  if (!f.scalingBefore) return [];
  const s = f.scalingBefore;
  return [
    `aws application-autoscaling register-scalable-target --service-namespace ecs --scalable-dimension ecs:service:DesiredCount --resource-id ${scalableResourceId(f.cluster, f.service)} --suspended-state DynamicScalingInSuspended=${onOff(s.DynamicScalingInSuspended)},DynamicScalingOutSuspended=${onOff(s.DynamicScalingOutSuspended)},ScheduledScalingSuspended=${onOff(s.ScheduledScalingSuspended)}${awsFlags(f)}`,
  ];
}

export function scaleBackCommands(f: RollbackFacts): string[] {
  return [
    `aws ecs update-service --cluster ${f.cluster} --service ${f.service} --desired-count ${f.desiredCount}${awsFlags(f)}`,
    `aws ecs wait services-stable --cluster ${f.cluster} --services ${f.service}${awsFlags(f)}`,
    ...resumeScalingCommand(f),
  ];
}

/** Restore under a temporary name, then swap names so that the host in DATABASE_URL stays the same. */
export function restoreSnapshotCommands(f: RollbackFacts): string[] {
  const db = f.database;
  const net = [
    f.subnetGroup ? ` --db-subnet-group-name ${f.subnetGroup}` : "",
    f.securityGroups.length ? ` --vpc-security-group-ids ${f.securityGroups.join(" ")}` : "",
    f.parameterGroup ? ` --db-parameter-group-name ${f.parameterGroup}` : "",
  ].join("");
  return [
    `aws rds restore-db-instance-from-db-snapshot --db-snapshot-identifier ${f.snapshot} --db-instance-identifier ${db}-restored${net} --no-publicly-accessible --deletion-protection${awsFlags(f)}`,
    `aws rds wait db-instance-available --db-instance-identifier ${db}-restored${awsFlags(f)}`,
    `aws rds modify-db-instance --db-instance-identifier ${db} --new-db-instance-identifier ${db}-before-restore --apply-immediately${awsFlags(f)}`,
    `aws rds wait db-instance-available --db-instance-identifier ${db}-before-restore${awsFlags(f)}`,
    `aws rds modify-db-instance --db-instance-identifier ${db}-restored --new-db-instance-identifier ${db} --apply-immediately${awsFlags(f)}`,
    `aws rds wait db-instance-available --db-instance-identifier ${db}${awsFlags(f)}`,
    `# then give the Pulumi state the restored instance's DbiResourceId: docs/backups.md, "Then tell Pulumi which instance is now its own"`,
  ];
}

/**
 * Back to the old image. Without the policy pack: the pack refuses an Open WebUI image below its
 * security floor, and going back is exactly that until the upgrade is retried. `--refresh=false`
 * keeps the service at the 0 tasks pluto left it at (the AWS provider sends the task count only
 * when the program's value changes), so the old version starts only with the next command.
 */
export function pinOldImageCommands(f: RollbackFacts): string[] {
  return [`pulumi config set pluto:openWebUiImage ${f.fromImage} --stack ${f.stack}`, `pulumi up --stack ${f.stack} --refresh=false`];
}

/** Where the stack stands after a failure at `stage`, and what to run; `heldAtZero` says pluto stopped the new version. */
export function rollbackAdvice(stage: Stage, f: RollbackFacts, heldAtZero = true): string[] {
  const numbered = (cmds: string[]) => cmds.map((c) => `  ${c}`);
  switch (stage) {
    case "snapshot":
    case "suspend-autoscaling":
      return [
        `nothing of the service was changed: ${f.fromImage} still serves, and the database was not migrated.`,
        ...(stage === "snapshot"
          ? [
              `if the snapshot ${f.snapshot} was created anyway and you do not want it:`,
              `  aws rds delete-db-snapshot --db-snapshot-identifier ${f.snapshot}${awsFlags(f)}`,
            ]
          : []),
      ];
    case "scale-down":
      return [`the new version never started, so the database was not migrated. To bring ${f.fromImage} back as it was:`, ...numbered(scaleBackCommands(f))];
    case "pulumi-up":
      return [
        `the new version never started (the service runs 0 tasks), so the database was not migrated; the snapshot ${f.snapshot} is not needed.`,
        `back to ${f.fromImage} (pulumi up may have registered the new revision already):`,
        ...numbered([...pinOldImageCommands(f), ...scaleBackCommands(f)]),
        `or fix what stopped pulumi up and run \`pluto upgrade --stack ${f.stack} --to ${f.toImage}\` again once the service runs ${f.fromImage}.`,
      ];
    case "first-task":
      return [
        heldAtZero
          ? `pluto scaled ${f.service} to 0: nothing runs now. The new version may have migrated the database, so ${f.fromImage} must not start against it.`
          : `pluto could NOT scale ${f.service} to 0: stop it first (aws ecs update-service --cluster ${f.cluster} --service ${f.service} --desired-count 0${awsFlags(f)}). The new version may have migrated the database.`,
        `roll back in this order: restore the snapshot, pin the old image, start the old version:`,
        ...numbered([...restoreSnapshotCommands(f), ...pinOldImageCommands(f), ...scaleBackCommands(f)]),
        `(read the failed task's log first: \`pluto logs --stack ${f.stack}\`)`,
      ];
    case "scale-back":
      return [
        `${f.toImage} runs healthy on one task and the database is migrated; only the scale-back is missing. To finish:`,
        ...numbered(scaleBackCommands(f)),
        `to go back to ${f.fromImage} instead, scale to 0 and restore the snapshot ${f.snapshot} as \`pluto upgrade\` prints for a failed first task (docs/upgrades.md).`,
      ];
    case "resume-autoscaling":
      return [`${f.toImage} runs on ${f.desiredCount} task(s); autoscaling is still suspended. Resume it:`, ...numbered(resumeScalingCommand(f))];
  }
}
