// SQS on 127.0.0.1: fauxqs (an SQS/SNS/S3 emulator from npm) for everything it implements, plus
// SQS message move tasks, which it does not, so that `pluto dlq redrive` can run against it.
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  PurgeQueueCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { MoveTasks } from "./moveTasks";

/** fauxqs ships ESM only (its `exports` has no `require`), so it is loaded with a real `import()`. */
const esmImport = new Function("specifier", "return import(specifier)") as (specifier: string) => Promise<any>;

export const FAKE_CREDENTIALS = { accessKeyId: "AKIDLOCAL", secretAccessKey: "local-secret" };

export interface QueuePair {
  queueUrl: string;
  queueArn: string;
  dlqUrl: string;
  dlqArn: string;
}

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
  close(): Promise<void>;
}

export async function startQueueEmulator(region: string): Promise<QueueEmulator> {
  const fauxqs = await esmImport("fauxqs");
  const app = fauxqs.buildApp({ logger: false, defaultRegion: region });
  let sqs: SQSClient | undefined;
  const moveTasks = new MoveTasks(() => sqs!);
  app.addHook("preHandler", async (request: any, reply: any) => {
    const answer = await moveTasks.handle(String(request.headers["x-amz-target"] ?? ""), request.body ?? {});
    if (!answer) return;
    reply.status(answer.status).header("content-type", "application/x-amz-json-1.0");
    if (answer.status !== 200) reply.header("x-amzn-query-error", `${answer.body.__type};Sender`);
    return reply.send(answer.body);
  });
  // startFauxqs() listens on 0.0.0.0; the suite must stay on the loopback interface.
  const endpoint: string = await app.listen({ port: 0, host: "127.0.0.1" });
  const client = new SQSClient({ region, endpoint, credentials: FAKE_CREDENTIALS, maxAttempts: 1 });

  const counts = async (queueUrl: string): Promise<QueueCounts> => {
    const { Attributes = {} } = await client.send(new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }));
    return { visible: Number(Attributes.ApproximateNumberOfMessages), inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible) };
  };

  sqs = client;
  return {
    endpoint,
    region,
    sqs: client,
    async createQueuePair(names, settings) {
      const dlq = await client.send(new CreateQueueCommand({ QueueName: names.dlq }));
      const dlqArn = await arnOf(client, dlq.QueueUrl!);
      const queue = await client.send(new CreateQueueCommand({
        QueueName: names.queue,
        Attributes: {
          VisibilityTimeout: String(settings.visibilityTimeoutSeconds),
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: settings.maxReceiveCount }),
        },
      }));
      return { queueUrl: queue.QueueUrl!, queueArn: await arnOf(client, queue.QueueUrl!), dlqUrl: dlq.QueueUrl!, dlqArn };
    },
    counts,
    async peek(queueName) {
      // fauxqs's inspection route: unlike ReceiveMessage it leaves receive counts and visibility alone.
      const res = await fetch(`${endpoint}/_fauxqs/queues/${encodeURIComponent(queueName)}`);
      if (!res.ok) throw new Error(`cannot inspect queue ${queueName}: HTTP ${res.status}`);
      const { messages } = (await res.json()) as { messages: { ready: { body: string }[]; delayed: { body: string }[]; inflight: { message: { body: string } }[] } };
      return [...messages.ready, ...messages.delayed, ...messages.inflight.map((i) => i.message)].map((m) => m.body);
    },
    async purge(...queueUrls) {
      for (const url of queueUrls) await client.send(new PurgeQueueCommand({ QueueUrl: url }));
    },
    async send(queueUrl, body) {
      await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
    },
    async close() {
      await moveTasks.settle();
      client.destroy();
      await app.close();
    },
  };
}

async function arnOf(client: SQSClient, queueUrl: string): Promise<string> {
  const { Attributes = {} } = await client.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }));
  return Attributes.QueueArn!;
}
