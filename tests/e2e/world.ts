// Everything the end-to-end scenarios run against, all on 127.0.0.1:
// the deployed artefacts (from the synthesised program), cognito-local with the PostConfirmation
// trigger, a local Lambda Invoke endpoint, the SQS emulator, a fake Secrets Manager, a stand-in
// Open WebUI, and the worker's event source mapping.
import {
  AdminGetUserCommand,
  ConfirmForgotPasswordCommand,
  ConfirmSignUpCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ForgotPasswordCommand,
  SignUpCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { BackupClient } from "@aws-sdk/client-backup";
import { RDSClient } from "@aws-sdk/client-rds";
import { ECSClient } from "@aws-sdk/client-ecs";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { ENV } from "../../functions/runtime";
import type { SqsRecord } from "../../functions/events";
import type { AwsClients } from "../../cli/commands/ops/clients";
import { LambdaHandler, lambdaTaskRoot, loadHandler } from "../helpers/lambda";
import { Stack, synthStack } from "../helpers/stack";
import { FakeAws, startFakeAws } from "../userProvisioning/fakeAws";
import { archiveAssets } from "../userProvisioning/synth";
import { CognitoLocal, startCognitoLocal } from "./cognito";
import { EventSource, startEventSource } from "./eventSource";
import { startLambdaEndpoint, LambdaEndpoint } from "./lambdaInvoke";
import { FakeOpenWebUi, startFakeOpenWebUi } from "./openWebUi";
import { FAKE_CREDENTIALS, QueueEmulator, QueuePair, startQueueEmulator } from "./queue";

const LAMBDA = "aws:lambda/function:Function";
const QUEUE = "aws:sqs/queue:Queue";
const REGION = "us-west-2";
/** The deployed queue waits 180 s before redelivering; 1 s keeps every retry scenario short. */
export const VISIBILITY_TIMEOUT_SECONDS = 1;
export const SCIM_TOKEN = "e2eScimToken0123456789abcdefghijklmnopqrstuvwxyz";
export const N8N_KEY = "e2e-n8n-api-key-0123456789";
const PASSWORD = "Corr3ct-Horse-Battery";

/** One deployed function: its archive's `__index.js`, its environment and its settings. */
interface Artefact {
  name: string;
  code: string;
  env: Record<string, string>;
  timeoutSeconds: number;
}

interface Artefacts {
  producer: Artefact;
  worker: Artefact;
  /** The worker as the component builds it with n8n configured (the program does not wire n8n yet). */
  workerWithN8n: Artefact;
  queueName: string;
  dlqName: string;
  maxReceiveCount: number;
  batchSize: number;
  maxConcurrency: number;
  /** The function name the user pool's PostConfirmation trigger names. */
  postConfirmationFunction: string;
  userPool: { name: string; usernameAttributes: string[]; autoVerifiedAttributes: string[] };
}

async function artefact(stack: Stack, suffix: string): Promise<Artefact> {
  const fn = stack.one(LAMBDA, suffix);
  const inputs = fn.inputs as any;
  return { name: inputs.name, code: (await archiveAssets(fn))["__index.js"], env: { ...inputs.environment.variables }, timeoutSeconds: inputs.timeout };
}

/** Takes the deployed artefacts and settings from the real program under Pulumi mocks. */
export async function deployedArtefacts(): Promise<Artefacts> {
  const stack = await synthStack();
  // The same program with n8n enabled: its worker carries N8N_URL and the operator-filled key's ARN.
  const withN8n = await synthStack({ "pluto:n8n": JSON.stringify({ enabled: true }) });
  const queue = stack.inputs(QUEUE, "-queue");
  const mapping = stack.inputs("aws:lambda/eventSourceMapping:EventSourceMapping");
  const pool = stack.inputs("aws:cognito/userPool:UserPool");
  return {
    producer: await artefact(stack, "-producer"),
    worker: await artefact(stack, "-worker"),
    workerWithN8n: await artefact(withN8n, "-worker"),
    queueName: queue.name,
    dlqName: stack.inputs(QUEUE, "-dlq").name,
    maxReceiveCount: JSON.parse(queue.redrivePolicy).maxReceiveCount,
    batchSize: mapping.batchSize,
    maxConcurrency: mapping.scalingConfig.maximumConcurrency,
    postConfirmationFunction: String(pool.lambdaConfig.postConfirmation).split(":").pop()!,
    userPool: { name: pool.name, usernameAttributes: pool.usernameAttributes, autoVerifiedAttributes: pool.autoVerifiedAttributes },
  };
}

export interface World {
  artefacts: Artefacts;
  queues: QueueEmulator;
  pair: QueuePair;
  lambda: LambdaEndpoint;
  cognito: CognitoLocal;
  openWebUi: FakeOpenWebUi;
  secrets: FakeAws;
  /** What the Lambda "containers" logged (they share this process's console), newest last. */
  logs: string[];
  /** A fresh cold start of the worker (optionally the n8n-configured one, against `n8nUrl`). */
  loadWorker(n8nUrl?: string): LambdaHandler;
  /** SignUp, then ConfirmSignUp with the code Cognito "emailed" (PostConfirmation_ConfirmSignUp); resolves to the user's sub. */
  signUp(email: string, name: string): Promise<string>;
  /** ForgotPassword, then ConfirmForgotPassword: PostConfirmation_ConfirmForgotPassword. */
  resetPassword(email: string): Promise<void>;
  /** The worker's event source mapping, with the deployed batch size and concurrency. */
  startEventSource(worker: LambdaHandler, beforeInvoke?: (records: SqsRecord[]) => Promise<void>): EventSource;
  /** Waits until the queue holds nothing visible or in flight (all deleted or dead-lettered). */
  waitForDrainedQueue(deadlineMs: number): Promise<void>;
  /** Polls `check` every 50 ms; rejects naming `what` once `deadlineMs` has passed. */
  waitUntil(what: string, check: () => Promise<boolean>, deadlineMs: number): Promise<void>;
  /** Clients for the ops commands, aimed at the emulator. */
  opsClients(): AwsClients;
  /** Empties the queues and Open WebUI's user table, and restores its token and availability. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export async function startWorld(): Promise<World> {
  const artefacts = await deployedArtefacts();
  const closers: (() => Promise<void> | void)[] = [];
  const savedEnv = { ...process.env };
  closers.push(() => {
    process.env = savedEnv;
  });
  const close = async () => {
    for (const c of closers.reverse()) await c();
  };
  // The handlers log one JSON line per record; keep them for a failing scenario's report instead
  // of burying mocha's. (Mocha's reporter holds its own reference to console.log.)
  const logs: string[] = [];
  const { log, error } = console;
  console.log = console.error = (...args: unknown[]) => void logs.push(args.map(String).join(" "));
  closers.push(() => {
    console.log = log;
    console.error = error;
  });
  try {
    const taskRoot = lambdaTaskRoot();
    closers.push(taskRoot.remove);
    const queues = await startQueueEmulator(REGION);
    closers.push(queues.close);
    const pair = await queues.createQueuePair({ queue: artefacts.queueName, dlq: artefacts.dlqName }, {
      visibilityTimeoutSeconds: VISIBILITY_TIMEOUT_SECONDS,
      maxReceiveCount: artefacts.maxReceiveCount,
    });
    const secrets = await startFakeAws({
      [artefacts.worker.env[ENV.scimTokenSecretArn]]: SCIM_TOKEN,
      [artefacts.workerWithN8n.env[ENV.n8nApiKeySecretArn]]: N8N_KEY,
    });
    closers.push(secrets.close);
    const openWebUi = await startFakeOpenWebUi(SCIM_TOKEN);
    closers.push(openWebUi.close);

    // One process plays every Lambda container, so the environment both functions read is set
    // once: the synthesised variables, with the deployed URLs swapped for their local stand-ins.
    Object.assign(process.env, {
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: FAKE_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: FAKE_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_SQS: queues.endpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url,
    });
    const producer = loadHandler(taskRoot.dir, artefacts.producer.code, { ...artefacts.producer.env, [ENV.queueUrl]: pair.queueUrl });
    const lambda = await startLambdaEndpoint();
    closers.push(lambda.close);
    lambda.functions.set(artefacts.producer.name, { handler: producer, timeoutSeconds: artefacts.producer.timeoutSeconds });

    const cognito = await startCognitoLocal({ lambdaEndpoint: lambda.url, triggerFunctions: { PostConfirmation: artefacts.postConfirmationFunction } });
    closers.push(cognito.close);
    const pool = await cognito.client.send(new CreateUserPoolCommand({
      PoolName: artefacts.userPool.name,
      UsernameAttributes: artefacts.userPool.usernameAttributes as any,
      AutoVerifiedAttributes: artefacts.userPool.autoVerifiedAttributes as any,
    }));
    const userPoolId = pool.UserPool!.Id!;
    const client = await cognito.client.send(new CreateUserPoolClientCommand({ UserPoolId: userPoolId, ClientName: "e2e" }));
    const clientId = client.UserPoolClient!.ClientId!;
    const userOf = (email: string) => cognito.client.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: email }));

    const world: World = {
      artefacts,
      queues,
      pair,
      lambda,
      cognito,
      openWebUi,
      secrets,
      logs,
      loadWorker(n8nUrl) {
        const worker = n8nUrl ? artefacts.workerWithN8n : artefacts.worker;
        const env = { ...worker.env, [ENV.openWebUiUrl]: openWebUi.url, ...(n8nUrl ? { [ENV.n8nUrl]: n8nUrl } : {}) };
        const handler = loadHandler(taskRoot.dir, worker.code, env);
        // The n8n variables belong to that one container.
        delete process.env[ENV.n8nUrl];
        delete process.env[ENV.n8nApiKeySecretArn];
        return handler;
      },
      async signUp(email, name) {
        await cognito.client.send(new SignUpCommand({ ClientId: clientId, Username: email, Password: PASSWORD, UserAttributes: [{ Name: "name", Value: name }] }));
        const user = await userOf(email);
        const code = cognito.confirmationCode(userPoolId, user.Username!);
        await cognito.client.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: email, ConfirmationCode: code }));
        return user.UserAttributes!.find((a) => a.Name === "sub")!.Value!;
      },
      async resetPassword(email) {
        await cognito.client.send(new ForgotPasswordCommand({ ClientId: clientId, Username: email }));
        const code = cognito.confirmationCode(userPoolId, (await userOf(email)).Username!);
        await cognito.client.send(new ConfirmForgotPasswordCommand({ ClientId: clientId, Username: email, ConfirmationCode: code, Password: `${PASSWORD}-2` }));
      },
      startEventSource(worker, beforeInvoke) {
        return startEventSource({
          sqs: queues.sqs,
          queueUrl: pair.queueUrl,
          queueArn: pair.queueArn,
          region: REGION,
          batchSize: artefacts.batchSize,
          maxConcurrency: artefacts.maxConcurrency,
          invoke: (event) => worker(event),
          beforeInvoke,
        });
      },
      waitForDrainedQueue(deadlineMs) {
        return world.waitUntil("the provisioning queue to drain", async () => {
          const { visible, inFlight } = await queues.counts(pair.queueUrl);
          return visible === 0 && inFlight === 0;
        }, deadlineMs);
      },
      async waitUntil(what, check, deadlineMs) {
        const until = Date.now() + deadlineMs;
        while (!(await check())) {
          if (Date.now() > until) throw new Error(`gave up waiting for ${what} after ${deadlineMs} ms`);
          await new Promise((r) => setTimeout(r, 50));
        }
      },
      opsClients() {
        const config = { region: REGION, credentials: FAKE_CREDENTIALS };
        return { sqs: queues.sqs, ecs: new ECSClient(config), logs: new CloudWatchLogsClient(config), cognito: cognito.client, backup: new BackupClient(config), rds: new RDSClient(config) };
      },
      async reset() {
        await queues.purge(pair.queueUrl, pair.dlqUrl);
        openWebUi.users.clear();
        openWebUi.attempts.length = 0;
        openWebUi.delayFirstResponse.clear();
        openWebUi.token = SCIM_TOKEN;
        await openWebUi.setAvailability("up");
        lambda.invocations.length = 0;
        logs.length = 0;
      },
      close,
    };
    return world;
  } catch (err) {
    await close();
    throw err;
  }
}
