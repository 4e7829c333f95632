import { CliError } from "../../errors";

/** Physical names the stack derives from `namePrefix`; the operator's runbook depends on them. */
export interface StackNames {
  cluster: string;
  service: string;
  family: string;
  ecsLogGroup: string;
  queue: string;
  dlq: string;
  producerLogGroup: string;
  workerLogGroup: string;
  preSignUpLogGroup: string;
  nameClaimLogGroup: string;
  userPoolName: string;
  /** AWS Backup plan and vault of the stack's file systems. */
  backupPlan: string;
  /** RDS instance identifier of Open WebUI's database. */
  database: string;
}

export const DEFAULT_PREFIX = "pluto";

export function stackNames(prefix: string = DEFAULT_PREFIX): StackNames {
  // Same character set the program accepts for names; anything else cannot be a Pluto stack.
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(prefix)) {
    throw new CliError(`--prefix "${prefix}" is not a valid name prefix (letters, digits, '-' and '_')`);
  }
  return {
    cluster: `${prefix}-cluster`,
    service: `${prefix}-openwebui`,
    family: `${prefix}-openwebui`,
    ecsLogGroup: `/${prefix}/ecs`,
    queue: `${prefix}-user-provisioning`,
    dlq: `${prefix}-user-provisioning-dlq`,
    producerLogGroup: `/aws/lambda/${prefix}-cognito-postconfirm`,
    workerLogGroup: `/aws/lambda/${prefix}-user-provisioning-worker`,
    preSignUpLogGroup: `/aws/lambda/${prefix}-cognito-presignup`,
    nameClaimLogGroup: `/aws/lambda/${prefix}-cognito-name-claim`,
    userPoolName: `${prefix}-users`,
    backupPlan: `${prefix}-backup`,
    database: `${prefix}-openwebui`,
  };
}

/**
 * Turns what an operator types for a revision into a DescribeTaskDefinition argument:
 * `40` → `family:40`; `family:40` and full ARNs pass through.
 */
export function taskDefinitionRef(revision: string, family: string): string {
  const rev = revision.trim();
  if (/^\d+$/.test(rev)) return `${family}:${rev}`;
  if (/^[A-Za-z0-9_-]+:\d+$/.test(rev) || /^arn:aws[\w-]*:ecs:[^:]+:\d+:task-definition\/[A-Za-z0-9_-]+:\d+$/.test(rev)) return rev;
  throw new CliError(`revision "${revision}" is not a number, family:revision or task definition ARN`);
}

/** `pluto-openwebui:56` from a task definition ARN (or the input when it is not an ARN). */
export function shortTaskDefinition(arnOrRef: string): string {
  const i = arnOrRef.indexOf("task-definition/");
  return i >= 0 ? arnOrRef.slice(i + "task-definition/".length) : arnOrRef;
}

/** The task id (last path segment) of a task ARN, as `aws ecs list-tasks | cut -d/ -f3` gives it. */
export function taskId(taskArn: string): string {
  return taskArn.split("/").pop() ?? taskArn;
}
