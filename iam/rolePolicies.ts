/**
 * IAM roles that hold exactly the policies the program gives them: the shared helpers every
 * component with a role uses (the ECS services, backup, the Lambdas).
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

/**
 * The execution role's permissions, and nothing more: read the task's own secrets, write to the
 * stack's own log group (the awslogs driver needs CreateLogStream and PutLogEvents,
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html).
 * Images come from public registries (ghcr.io, quay.io, docker.n8n.io), which need no permission.
 */
export function executionRolePolicies(secretArns: pulumi.Input<pulumi.Input<string>[]>, logGroupArn: pulumi.Input<string>): InlinePolicy[] {
  return [
    {
      name: "read-task-secrets",
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        // One ARN may back several variables (REDIS_URL and WEBSOCKET_REDIS_URL); list it once.
        Statement: [{ Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: pulumi.output(secretArns).apply((arns) => [...new Set(arns)]) }],
      }),
    },
    {
      name: "write-task-logs",
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: pulumi.interpolate`${logGroupArn}:log-stream:*` }],
      }),
    },
  ];
}

/** An inline policy of a role: its name (unique in the role) and its JSON document. */
export interface InlinePolicy {
  name: string;
  policy: pulumi.Input<string>;
}

/**
 * Gives `role` exactly these inline policies and managed policies, and no others: each as a
 * resource of its own (`aws.iam.RolePolicy`, `aws.iam.RolePolicyAttachment`), with
 * `RolePoliciesExclusive` and `RolePolicyAttachmentsExclusive` removing whatever else is attached
 * (the role's own `inlinePolicies` and `managedPolicyArns` are deprecated in @pulumi/aws 7 for
 * these). Inline policies keep the names they had as `inlinePolicies`, so a stack deployed before
 * overwrites them in place. Returns the resources, for `dependsOn` of whatever needs the permissions.
 */
export function exclusiveRolePolicies(name: string, role: aws.iam.Role, inline: InlinePolicy[], managedArns: string[]): pulumi.Resource[] {
  const policies = inline.map((p) => new aws.iam.RolePolicy(`${name}-${p.name}`, { role: role.name, name: p.name, policy: p.policy }, { parent: role }));
  const attachments = managedArns.map(
    (arn) => new aws.iam.RolePolicyAttachment(`${name}-${arn.split("/").pop()}`, { role: role.name, policyArn: arn }, { parent: role }),
  );
  return [...policies, ...attachments, ...onlyThesePolicies(name, role, policies, attachments)];
}

/** The two exclusive resources that remove from `role` every policy but `policies` and `attachments`. */
export function onlyThesePolicies(
  name: string,
  role: aws.iam.Role,
  policies: aws.iam.RolePolicy[],
  attachments: aws.iam.RolePolicyAttachment[] = [],
): pulumi.Resource[] {
  return [
    new aws.iam.RolePoliciesExclusive(
      `${name}-inline-only`,
      { roleName: role.name, policyNames: policies.map((p) => p.name) },
      { parent: role, dependsOn: policies },
    ),
    new aws.iam.RolePolicyAttachmentsExclusive(
      `${name}-managed-only`,
      { roleName: role.name, policyArns: attachments.map((a) => a.policyArn) },
      { parent: role, dependsOn: attachments },
    ),
  ];
}

export function assumeRole(service: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
  });
}
