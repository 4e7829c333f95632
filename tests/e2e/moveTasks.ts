// SQS message move tasks (StartMessageMoveTask, ListMessageMoveTasks), which fauxqs lacks,
// built on the emulator's own ReceiveMessage/SendMessage/DeleteMessage. Behaviour follows the
// SQS API reference:
// - the source must be a dead-letter queue of some queue; without DestinationArn the messages go
//   back to that source queue (here: the one queue whose redrive policy names the DLQ);
// - only the messages present when the task starts are moved (ApproximateNumberOfMessagesToMove);
// - each moved message is a new message in the destination, so its receive count starts again;
// - one running task per source queue;
// - ListMessageMoveTasks returns the most recent tasks first, MaxResults defaults to 1, and
//   `TaskHandle` is present only while a task is RUNNING.
// Limits: message attributes are not carried over (the provisioning messages have none), and
// CancelMessageMoveTask is not implemented.
import * as crypto from "crypto";
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";

export interface MoveTask {
  TaskHandle: string;
  Status: "RUNNING" | "COMPLETED" | "FAILED";
  SourceArn: string;
  DestinationArn?: string;
  ApproximateNumberOfMessagesMoved: number;
  ApproximateNumberOfMessagesToMove: number;
  StartedTimestamp: number;
  FailureReason?: string;
}

export interface ApiAnswer {
  status: number;
  body: Record<string, any>;
}

const START = "AmazonSQS.StartMessageMoveTask";
const LIST = "AmazonSQS.ListMessageMoveTasks";

function error(type: string, message: string): ApiAnswer {
  return { status: 400, body: { __type: `com.amazonaws.sqs#${type}`, message } };
}

/** The ListMessageMoveTasks view of a task: the handle only while it runs. */
export function listEntry(task: MoveTask): Omit<MoveTask, "TaskHandle"> & { TaskHandle?: string } {
  const { TaskHandle, ...rest } = task;
  return task.Status === "RUNNING" ? task : rest;
}

export class MoveTasks {
  private readonly tasks: MoveTask[] = [];
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly sqs: () => SQSClient) {}

  /** Answers the two move-task operations; undefined for every other target (fauxqs answers those). */
  async handle(target: string, input: Record<string, any>): Promise<ApiAnswer | undefined> {
    if (target === START) return this.start(input);
    if (target === LIST) return this.list(input);
    return undefined;
  }

  /** Waits for every started task to finish (so the emulator can close cleanly). */
  async settle(): Promise<void> {
    await Promise.all([...this.running]);
  }

  private async start(input: Record<string, any>): Promise<ApiAnswer> {
    const sourceArn = String(input.SourceArn ?? "");
    const sourceUrl = await this.urlOf(sourceArn);
    if (!sourceUrl) return error("ResourceNotFoundException", `The resource that you specified for the SourceArn parameter doesn't exist: ${sourceArn}`);
    const origins = await this.queuesRedrivingTo(sourceArn);
    if (origins.length === 0) return error("InvalidParameterValue", "Source queue must be configured as a Dead Letter Queue.");
    const destinationArn = input.DestinationArn ? String(input.DestinationArn) : undefined;
    if (!destinationArn && origins.length > 1) return error("UnsupportedOperation", "emulator: DestinationArn is required when several queues use this DLQ");
    const destinationUrl = await this.urlOf(destinationArn ?? origins[0]);
    if (!destinationUrl)
      return error("ResourceNotFoundException", `The resource that you specified for the DestinationArn parameter doesn't exist: ${destinationArn}`);
    if (this.tasks.some((t) => t.SourceArn === sourceArn && t.Status === "RUNNING")) {
      return error("UnsupportedOperation", "There is already a task running. Only one active task is allowed for a source queue arn at a given time.");
    }
    const { Attributes = {} } = await this.sqs().send(new GetQueueAttributesCommand({ QueueUrl: sourceUrl, AttributeNames: ["ApproximateNumberOfMessages"] }));
    const task: MoveTask = {
      TaskHandle: crypto.randomBytes(24).toString("base64url"),
      Status: "RUNNING",
      SourceArn: sourceArn,
      ...(destinationArn ? { DestinationArn: destinationArn } : {}),
      ApproximateNumberOfMessagesMoved: 0,
      ApproximateNumberOfMessagesToMove: Number(Attributes.ApproximateNumberOfMessages ?? 0),
      StartedTimestamp: Date.now(),
    };
    this.tasks.unshift(task);
    // Like SQS, the task runs after the call returns.
    const run = this.move(task, sourceUrl, destinationUrl).finally(() => this.running.delete(run));
    this.running.add(run);
    return { status: 200, body: { TaskHandle: task.TaskHandle } };
  }

  private list(input: Record<string, any>): ApiAnswer {
    const max = input.MaxResults === undefined ? 1 : Number(input.MaxResults);
    if (!Number.isInteger(max) || max < 1 || max > 10) return error("InvalidParameterValue", "MaxResults must be between 1 and 10.");
    const results = this.tasks
      .filter((t) => t.SourceArn === input.SourceArn)
      .slice(0, max)
      .map(listEntry);
    return { status: 200, body: { Results: results } };
  }

  private async move(task: MoveTask, sourceUrl: string, destinationUrl: string): Promise<void> {
    const sqs = this.sqs();
    try {
      // Bounded by the count taken at the start; a round that receives nothing ends the task.
      while (task.ApproximateNumberOfMessagesMoved < task.ApproximateNumberOfMessagesToMove) {
        const wanted = Math.min(10, task.ApproximateNumberOfMessagesToMove - task.ApproximateNumberOfMessagesMoved);
        const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: sourceUrl, MaxNumberOfMessages: wanted, VisibilityTimeout: 30 }));
        if (Messages.length === 0) break;
        for (const m of Messages) {
          await sqs.send(new SendMessageCommand({ QueueUrl: destinationUrl, MessageBody: m.Body ?? "" }));
          await sqs.send(new DeleteMessageCommand({ QueueUrl: sourceUrl, ReceiptHandle: m.ReceiptHandle }));
          task.ApproximateNumberOfMessagesMoved++;
        }
      }
      task.Status = "COMPLETED";
    } catch (err) {
      task.Status = "FAILED";
      task.FailureReason = err instanceof Error ? err.message : String(err);
    }
  }

  private async urlOf(arn: string | undefined): Promise<string | undefined> {
    const name = arn?.split(":")[5];
    if (!name) return undefined;
    try {
      return (await this.sqs().send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl;
    } catch {
      return undefined;
    }
  }

  private async queuesRedrivingTo(dlqArn: string): Promise<string[]> {
    const sqs = this.sqs();
    const { QueueUrls = [] } = await sqs.send(new ListQueuesCommand({}));
    const origins: string[] = [];
    for (const url of QueueUrls) {
      const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn", "RedrivePolicy"] }));
      if (Attributes.RedrivePolicy && JSON.parse(Attributes.RedrivePolicy).deadLetterTargetArn === dlqArn) origins.push(Attributes.QueueArn!);
    }
    return origins;
  }
}
