// SQS and SNS on 127.0.0.1: fauxqs (an SQS/SNS/S3 emulator from npm) for everything it implements,
// plus SQS message move tasks, which it does not, so that `pluto dlq redrive` can run against it.
// SNS email subscriptions cannot be emulated; an SQS queue subscribed to the topic stands in for
// the administrators' mailbox (fauxqs wraps each message in SNS's JSON envelope, Subject included).
// Faults are injected in front of fauxqs: SQS SendMessage and SNS Publish can be refused with the
// error AWS answers when it fails, or stalled (the connection accepted, no answer ever sent).
import { CreateTopicCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import { CreateQueueCommand, GetQueueAttributesCommand, PurgeQueueCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { MoveTasks } from "./moveTasks";

/**
 * fauxqs ships ESM only (its `exports` has no `require`), so it is loaded with a real `import()`:
 * written in TypeScript (module commonjs), `import()` would be compiled into `require()`.
 */
// eslint-disable-next-line @typescript-eslint/no-implied-eval
const esmImport = new Function("specifier", "return import(specifier)") as (specifier: string) => Promise<any>;

export const FAKE_CREDENTIALS = { accessKeyId: "AKIDLOCAL", secretAccessKey: "local-secret" };

export interface QueuePair {
  queueUrl: string;
  queueArn: string;
  dlqUrl: string;
  dlqArn: string;
}

/** One notice as the mailbox received it (the SNS envelope's Subject and Message). */
export interface Delivered {
  subject: string;
  message: string;
}

/**
 * What happens to a Publish (its form fields): "refuse" answers 500 InternalError, "stall" accepts
 * the connection and never answers, undefined lets fauxqs publish.
 */
export type PublishFault = (publish: Record<string, string>) => "refuse" | "stall" | undefined;

/** What happens to every SendMessage: "unavailable" answers 503 ServiceUnavailable, "stall" never answers. */
export type SendFault = "unavailable" | "stall";

export interface QueueCounts {
  visible: number;
  inFlight: number;
}

export interface QueueEmulator {
  /** What AWS_ENDPOINT_URL_SQS points at. */
  endpoint: string;
  region: string;
  /** A client aimed at the emulator (an explicit endpoint, so queue URLs' hosts are never dialled). */
  sqs: SQSClient;
  /** Creates `name` and `dlqName` with a redrive policy, the way the stack does. */
  createQueuePair(names: { queue: string; dlq: string }, settings: { visibilityTimeoutSeconds: number; maxReceiveCount: number }): Promise<QueuePair>;
  counts(queueUrl: string): Promise<QueueCounts>;
  /** The bodies a queue holds (visible, delayed or in flight), read without receiving them. */
  peek(queueName: string): Promise<string[]>;
  purge(...queueUrls: string[]): Promise<void>;
  send(queueUrl: string, body: string): Promise<void>;
  /** Creates an SNS topic and subscribes a new queue to it as the mailbox; returns the topic ARN. */
  createTopicWithMailbox(topic: string, mailbox: string): Promise<{ topicArn: string; mailboxUrl: string }>;
  /** What the mailbox holds, oldest first, without receiving it. */
  mailbox(mailbox: string): Promise<Delivered[]>;
  /** Refuses or stalls the Publish calls `fault` picks until it is cleared (undefined). */
  setPublishFault(fault: PublishFault | undefined): void;
  /** Refuses or stalls every SendMessage until cleared (undefined); stalled calls are then dropped. */
  setSendFault(fault: SendFault | undefined): void;
  close(): Promise<void>;
}

export async function startQueueEmulator(region: string): Promise<QueueEmulator> {
  const fauxqs = await esmImport("fauxqs");
  const app = fauxqs.buildApp({ logger: false, defaultRegion: region });
  let sqs: SQSClient | undefined;
  let publishFault: PublishFault | undefined;
  let sendFault: SendFault | undefined;
  const moveTasks = new MoveTasks(() => sqs!);
  // Requests held without an answer, by kind; dropped (connection reset) when their fault is cleared.
  const stalled = { send: new Set<{ destroy(): void }>(), publish: new Set<{ destroy(): void }>() };
  const stall = (kind: keyof typeof stalled, reply: any) => {
    reply.hijack();
    stalled[kind].add(reply.raw);
    reply.raw.on("close", () => stalled[kind].delete(reply.raw));
  };
  const dropStalled = (kind: keyof typeof stalled) => {
    for (const res of stalled[kind]) res.destroy();
    stalled[kind].clear();
  };
  app.addHook("preHandler", async (request: any, reply: any) => {
    const publish = request.body?.Action === "Publish" ? publishFault?.(request.body) : undefined;
    if (publish === "stall") return stall("publish", reply);
    if (publish === "refuse") {
      // What SNS answers on an internal failure (query protocol, XML; docs.aws.amazon.com/sns/latest/api/API_Publish.html,
      // Errors: InternalError, HTTP 500); the SDK retries it.
      reply.status(500).header("content-type", "text/xml");
      return reply.send(
        '<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Receiver</Type><Code>InternalError</Code><Message>injected by the e2e</Message></Error><RequestId>e2e</RequestId></ErrorResponse>',
      );
    }
    if (sendFault && request.headers["x-amz-target"] === "AmazonSQS.SendMessage") {
      if (sendFault === "stall") return stall("send", reply);
      // SQS's answer when it cannot serve the request (JSON protocol: the error type in `__type` and
      // x-amzn-query-error; docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/CommonErrors.html,
      // ServiceUnavailable/503); the SDK retries it once (maxAttempts 2).
      reply.status(503).header("content-type", "application/x-amz-json-1.0").header("x-amzn-query-error", "ServiceUnavailable;Receiver");
      return reply.send({ __type: "com.amazonaws.sqs#ServiceUnavailable", message: "The request has failed due to a temporary failure of the server." });
    }
    const answer = await moveTasks.handle(String(request.headers["x-amz-target"] ?? ""), request.body ?? {});
    if (!answer) return;
    reply.status(answer.status).header("content-type", "application/x-amz-json-1.0");
    if (answer.status !== 200) reply.header("x-amzn-query-error", `${answer.body.__type};Sender`);
    return reply.send(answer.body);
  });
  // startFauxqs() listens on 0.0.0.0; the suite must stay on the loopback interface.
  const endpoint: string = await app.listen({ port: 0, host: "127.0.0.1" });
  const client = new SQSClient({ region, endpoint, credentials: FAKE_CREDENTIALS, maxAttempts: 1 });
  const sns = new SNSClient({ region, endpoint, credentials: FAKE_CREDENTIALS, maxAttempts: 1 });

  const counts = async (queueUrl: string): Promise<QueueCounts> => {
    const { Attributes = {} } = await client.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
      }),
    );
    return { visible: Number(Attributes.ApproximateNumberOfMessages), inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible) };
  };

  // fauxqs's inspection route: unlike ReceiveMessage it leaves receive counts and visibility alone.
  const peek = async (queueName: string): Promise<string[]> => {
    const res = await fetch(`${endpoint}/_fauxqs/queues/${encodeURIComponent(queueName)}`);
    if (!res.ok) throw new Error(`cannot inspect queue ${queueName}: HTTP ${res.status}`);
    const { messages } = (await res.json()) as {
      messages: { ready: { body: string }[]; delayed: { body: string }[]; inflight: { message: { body: string } }[] };
    };
    return [...messages.ready, ...messages.delayed, ...messages.inflight.map((i) => i.message)].map((m) => m.body);
  };

  sqs = client;
  return {
    endpoint,
    region,
    sqs: client,
    async createQueuePair(names, settings) {
      const dlq = await client.send(new CreateQueueCommand({ QueueName: names.dlq }));
      const dlqArn = await arnOf(client, dlq.QueueUrl!);
      const queue = await client.send(
        new CreateQueueCommand({
          QueueName: names.queue,
          Attributes: {
            VisibilityTimeout: String(settings.visibilityTimeoutSeconds),
            RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: settings.maxReceiveCount }),
          },
        }),
      );
      return { queueUrl: queue.QueueUrl!, queueArn: await arnOf(client, queue.QueueUrl!), dlqUrl: dlq.QueueUrl!, dlqArn };
    },
    counts,
    peek,
    async purge(...queueUrls) {
      for (const url of queueUrls) await client.send(new PurgeQueueCommand({ QueueUrl: url }));
    },
    async send(queueUrl, body) {
      await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
    },
    async createTopicWithMailbox(topic, mailbox) {
      const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: topic }));
      const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: mailbox }));
      await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: await arnOf(client, QueueUrl!) }));
      return { topicArn: TopicArn!, mailboxUrl: QueueUrl! };
    },
    async mailbox(mailbox) {
      return (await peek(mailbox)).map((body: string) => {
        const envelope = JSON.parse(body) as { Subject?: string; Message: string };
        return { subject: envelope.Subject ?? "", message: envelope.Message };
      });
    },
    setPublishFault(fault) {
      publishFault = fault;
      if (!fault) dropStalled("publish");
    },
    setSendFault(fault) {
      sendFault = fault;
      if (!fault) dropStalled("send");
    },
    async close() {
      dropStalled("send");
      dropStalled("publish");
      await moveTasks.settle();
      client.destroy();
      sns.destroy();
      await app.close();
    },
  };
}

async function arnOf(client: SQSClient, queueUrl: string): Promise<string> {
  const { Attributes = {} } = await client.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }));
  return Attributes.QueueArn!;
}
