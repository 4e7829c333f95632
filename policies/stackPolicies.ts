/** The pack's stack policies: checks that need more than one resource. */
import { StackValidationArgs, StackValidationPolicy, ReportViolation } from "@pulumi/policy";
import { STACK_POLICIES, checkDeadLetterAlarms, uncheckedMessage } from "./rules";
import { deadLetterInputFromResources } from "./adapters";
import { reportUnchecked } from "./report";
import { engineResources, graphPolicies } from "./stack";

const info = STACK_POLICIES.find((p) => p.name === "sqs-dlq-alarmed")!;

/**
 * Every SQS queue used as a dead-letter target (redrive policies, aws.sqs.RedrivePolicy, Lambda
 * dead-letter configs) has a CloudWatch alarm on ApproximateNumberOfMessagesVisible; otherwise users
 * whose provisioning failed every retry are never noticed.
 */
export const sqsDlqAlarmed: StackValidationPolicy = {
  name: info.name,
  description: info.description,
  enforcementLevel: info.defaultLevel,
  validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
    const input = deadLetterInputFromResources(engineResources(args));
    for (const f of checkDeadLetterAlarms({ ...input, unchecked: [] })) reportViolation(f.message, f.resource);
    for (const u of input.unchecked) reportUnchecked(reportViolation, uncheckedMessage(info.name, u.reason), u.resource);
  },
};

export const stackPolicies: StackValidationPolicy[] = [sqsDlqAlarmed, ...graphPolicies];
