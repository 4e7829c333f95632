import { Finding, RulesConfig } from "./types";
import { STACK_POLICIES } from "./catalog";
import { levelOf, uncheckedMessage } from "./engine";

// ---------------------------------------------------------------------------------------------
// Stack policy: dead-letter queues must be alarmed.
// ---------------------------------------------------------------------------------------------

/** A queue some redrive policy (or Lambda dead-letter config) sends failed messages to. */
export interface DeadLetterQueue {
  /** A stable key for the queue resource (its URN) when known. */
  key?: string;
  /** Names the queue is known by (from its `name`, ARN or URL). */
  names: string[];
  /** What to call it in a message. */
  label: string;
}

/** A CloudWatch alarm on an SQS queue's ApproximateNumberOfMessagesVisible. */
export interface QueueAlarm {
  queueNames: string[];
  queueKeys: string[];
}

export interface DeadLetterInput {
  deadLetterQueues: DeadLetterQueue[];
  alarms: QueueAlarm[];
  /** Resources whose dead-letter wiring could not be read (unknown during preview, malformed). */
  unchecked: { resource?: string; reason: string }[];
}

export interface StackFinding extends Finding {
  /** The resource (URN) the finding is about, when there is one. */
  resource?: string;
}

export function checkDeadLetterAlarms(input: DeadLetterInput, config?: RulesConfig): StackFinding[] {
  const policy = STACK_POLICIES[0];
  const level = levelOf(policy, config);
  if (level === "disabled") return [];
  const out: StackFinding[] = [];
  try {
    for (const dlq of input.deadLetterQueues) {
      const alarmed = input.alarms.some((a) => a.queueNames.some((n) => dlq.names.includes(n)) || (dlq.key !== undefined && a.queueKeys.includes(dlq.key)));
      if (alarmed) continue;
      out.push({
        policy: policy.name,
        level,
        ...(dlq.key ? { resource: dlq.key } : {}),
        message: `Dead-letter queue ${dlq.label} has no CloudWatch alarm on ApproximateNumberOfMessagesVisible: messages that failed every retry (users who were never provisioned) sit there unnoticed until retention deletes them. Fix: add an aws.cloudwatch.MetricAlarm (namespace AWS/SQS, dimension QueueName, threshold >= 1) with an SNS action.`,
      });
    }
    for (const u of input.unchecked) {
      out.push({ policy: policy.name, level: "advisory", ...(u.resource ? { resource: u.resource } : {}), message: uncheckedMessage(policy.name, u.reason) });
    }
  } catch (e) {
    out.push({ policy: policy.name, level, message: uncheckedMessage(policy.name, `internal error (${e instanceof Error ? e.message : String(e)})`) });
  }
  return out;
}
