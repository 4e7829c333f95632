// Lambda entry points: the `callbackFactory` of each CallbackFunction. They run once per
// container, read configuration from the environment (ARNs and URLs only) and build the AWS
// SDK v3 clients the Lambda runtime ships, so the archive carries no SDK. Endpoints follow the
// SDK's own resolution, including AWS_ENDPOINT_URL_SQS / AWS_ENDPOINT_URL_SECRETS_MANAGER.
import type { PostConfirmationEvent, SqsEvent } from "./events";
import { jsonLogger } from "./log";
import { handlePostConfirmation } from "./producer";
import { cachedSecrets } from "./secrets";
import { handleProvisioningBatch } from "./worker";

/** Environment variable names shared by the component (which sets them) and the handlers. */
export const ENV = {
  queueUrl: "QUEUE_URL",
  enqueueBudgetMs: "ENQUEUE_BUDGET_MS",
  openWebUiUrl: "OPEN_WEBUI_URL",
  scimTokenSecretArn: "SCIM_TOKEN_SECRET_ARN",
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

export function positiveIntEnv(env: Env, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`environment variable ${name} must be a positive integer, got "${raw}"`);
  return value;
}

/**
 * Producer entry point. Two attempts of at most 0.5 s connect + 1 s request each, inside an
 * overall budget (default 1.5 s): Cognito abandons the trigger after 5 s.
 */
export function producerFactory() {
  const queueUrl = requiredEnv(process.env, ENV.queueUrl);
  const budgetMs = positiveIntEnv(process.env, ENV.enqueueBudgetMs, 1500);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { SQSClient, SendMessageCommand } = require("@aws-sdk/client-sqs");
  // useQueueUrlAsEndpoint: false makes the SDK's endpoint resolution (AWS_ENDPOINT_URL_SQS, or
  // the regional endpoint that hosts QUEUE_URL anyway) win over the queue URL's host.
  const sqs = new SQSClient({ maxAttempts: 2, useQueueUrlAsEndpoint: false, requestHandler: { connectionTimeout: 500, requestTimeout: 1000 } });
  const enqueue = async (message: unknown) => {
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(message) }));
  };
  return (event: PostConfirmationEvent) => handlePostConfirmation(event, { enqueue, budgetMs, log: jsonLogger });
}

/** Worker entry point. Secrets are read by ARN on first use and cached for the container's life. */
export function workerFactory() {
  const env = process.env;
  const openWebUiUrl = requiredEnv(env, ENV.openWebUiUrl);
  const scimTokenArn = requiredEnv(env, ENV.scimTokenSecretArn);
  const httpTimeoutMs = positiveIntEnv(env, ENV.httpTimeoutMs, 8000);
  const n8nUrl = env[ENV.n8nUrl]?.trim();
  const n8nKeyArn = n8nUrl ? requiredEnv(env, ENV.n8nApiKeySecretArn) : undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { SecretsManagerClient, GetSecretValueCommand } = require("@aws-sdk/client-secrets-manager");
  const client = new SecretsManagerClient({ maxAttempts: 3, requestHandler: { connectionTimeout: 1000, requestTimeout: 3000 } });
  const secret = cachedSecrets(async (arn) => {
    const out = await client.send(new GetSecretValueCommand({ SecretId: arn }));
    if (!out.SecretString) throw new Error(`secret ${arn} has no string value`);
    return out.SecretString as string;
  });
  return (event: SqsEvent) =>
    handleProvisioningBatch(event, {
      openWebUiUrl,
      scimToken: () => secret(scimTokenArn),
      n8n: n8nUrl && n8nKeyArn ? { url: n8nUrl, apiKey: () => secret(n8nKeyArn) } : undefined,
      fetch: (url, init) => fetch(url, init),
      httpTimeoutMs,
      log: jsonLogger,
    });
}
