// Lambda entry points: the `callbackFactory` of each CallbackFunction. They run once per
// container, read configuration from the environment (ARNs, URLs and the allow-list; never a
// secret) and build the AWS SDK v3 clients the Lambda runtime ships, so the archive carries no
// SDK. Endpoints follow the SDK's own resolution, including AWS_ENDPOINT_URL_SQS / _SNS / _SECRETS_MANAGER.
import type { PostConfirmationEvent, PreSignUpEvent, SqsEvent } from "./events";
import { jsonLogger } from "./log";
import type { Notice } from "./notify";
import { handlePreSignUp, parseAllowList } from "./preSignUp";
import { handlePostConfirmation } from "./producer";
import { cachedSecrets } from "./secrets";
import { handleProvisioningBatch } from "./worker";

/** Environment variable names shared by the component (which sets them) and the handlers. */
export const ENV = {
  allowList: "ALLOW_LIST",
  queueUrl: "QUEUE_URL",
  enqueueBudgetMs: "ENQUEUE_BUDGET_MS",
  appUrl: "APP_URL",
  noticeTopicArn: "NOTICE_TOPIC_ARN",
  httpTimeoutMs: "HTTP_TIMEOUT_MS",
  n8nUrl: "N8N_URL",
  n8nApiKeySecretArn: "N8N_API_KEY_SECRET_ARN",
} as const;

type Env = Record<string, string | undefined>;

/** A missing variable is a deployment error: failing the cold start names it in the logs. */
export function requiredEnv(env: Env, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

/**
 * The SDK request-handler options that bound each attempt: `connectMs` to connect and `requestMs`
 * for the whole request. Recent SDK versions only warn when `requestTimeout` passes unless
 * `throwOnRequestTimeout` is set (@smithy/node-http-handler 4.x `setRequestTimeout`), so without
 * it a stalled endpoint holds the function until Lambda's own timeout; older versions ignore the
 * flag and already abort on it.
 */
export function attemptTimeouts(connectMs: number, requestMs: number) {
  return { connectionTimeout: connectMs, requestTimeout: requestMs, throwOnRequestTimeout: true };
}

export function positiveIntEnv(env: Env, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`environment variable ${name} must be a positive integer, got "${raw}"`);
  return value;
}

/**
 * PreSignUp entry point. The allow-list is parsed once per container; a malformed one fails the
 * cold start, so sign-ups are refused rather than let through. No SDK: nothing to call.
 */
export function preSignUpFactory() {
  const allowList = parseAllowList(requiredEnv(process.env, ENV.allowList));
  return (event: PreSignUpEvent) => handlePreSignUp(event, { allowList, log: jsonLogger });
}

/**
 * Producer entry point. Two attempts of at most 0.5 s connect + 1 s request each, inside an
 * overall budget (default 1.5 s): Cognito abandons the trigger after 5 s.
 */
export function producerFactory() {
  const queueUrl = requiredEnv(process.env, ENV.queueUrl);
  const budgetMs = positiveIntEnv(process.env, ENV.enqueueBudgetMs, 1500);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- required in the factory, from the runtime's SDK (see the top)
  const { SQSClient, SendMessageCommand } = require("@aws-sdk/client-sqs") as typeof import("@aws-sdk/client-sqs");
  // useQueueUrlAsEndpoint: false makes the SDK's endpoint resolution (AWS_ENDPOINT_URL_SQS, or
  // the regional endpoint that hosts QUEUE_URL anyway) win over the queue URL's host.
  const sqs = new SQSClient({ maxAttempts: 2, useQueueUrlAsEndpoint: false, requestHandler: attemptTimeouts(500, 1000) });
  const enqueue = async (message: unknown) => {
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(message) }));
  };
  return (event: PostConfirmationEvent) => handlePostConfirmation(event, { enqueue, budgetMs, log: jsonLogger });
}

/**
 * Worker entry point. The n8n API key is read by ARN on first use and cached for the container's
 * life; the notice is published with two attempts of at most 1 s connect + 3 s request.
 */
export function workerFactory() {
  const env = process.env;
  const appUrl = requiredEnv(env, ENV.appUrl);
  const topicArn = requiredEnv(env, ENV.noticeTopicArn);
  const httpTimeoutMs = positiveIntEnv(env, ENV.httpTimeoutMs, 8000);
  const n8nUrl = env[ENV.n8nUrl]?.trim();
  const n8nKeyArn = n8nUrl ? requiredEnv(env, ENV.n8nApiKeySecretArn) : undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- required in the factory, from the runtime's SDK (see the top)
  const { SNSClient, PublishCommand } = require("@aws-sdk/client-sns") as typeof import("@aws-sdk/client-sns");
  const sns = new SNSClient({ maxAttempts: 2, requestHandler: attemptTimeouts(1000, 3000) });
  const notify = async (notice: Notice) => {
    await sns.send(new PublishCommand({ TopicArn: topicArn, Subject: notice.subject, Message: notice.body }));
  };
  let n8n: { url: string; apiKey: () => Promise<string> } | undefined;
  if (n8nUrl && n8nKeyArn) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- required in the factory, from the runtime's SDK (see the top)
    const { SecretsManagerClient, GetSecretValueCommand } = require("@aws-sdk/client-secrets-manager") as typeof import("@aws-sdk/client-secrets-manager");
    const client = new SecretsManagerClient({ maxAttempts: 3, requestHandler: attemptTimeouts(1000, 3000) });
    const secret = cachedSecrets(async (arn) => {
      const out = await client.send(new GetSecretValueCommand({ SecretId: arn }));
      if (!out.SecretString) throw new Error(`secret ${arn} has no string value`);
      return out.SecretString;
    });
    n8n = { url: n8nUrl, apiKey: () => secret(n8nKeyArn) };
  }
  return (event: SqsEvent) =>
    handleProvisioningBatch(event, {
      appUrl,
      n8n,
      notify,
      fetch: (url, init) => fetch(url, init),
      httpTimeoutMs,
      log: jsonLogger,
    });
}
