// Everything the end-to-end scenarios run against, all on 127.0.0.1: the deployed artefacts (from
// the synthesised program), cognito-local with the PreSignUp and PostConfirmation triggers, a local
// Lambda Invoke endpoint, the SQS/SNS emulator (a queue subscribed to the new-member topic stands
// in for the administrators' mailbox), a fake Secrets Manager, the worker's event source mapping,
// and stand-ins for n8n and Open WebUI, the latter configured with the environment the program
// deploys.
import {
  AdminGetUserCommand,
  ConfirmForgotPasswordCommand,
  ConfirmSignUpCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ForgotPasswordCommand,
  InitiateAuthCommand,
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
import { env as containerEnv, Stack, synthStack } from "../helpers/stack";
import { FakeAws, startFakeAws } from "../userProvisioning/fakeAws";
import { archiveAssets } from "../userProvisioning/synth";
import { CognitoLocal, startCognitoLocal } from "./cognito";
import { EventSource, startEventSource } from "./eventSource";
import { startLambdaEndpoint, LambdaEndpoint } from "./lambdaInvoke";
import { FakeN8n, startFakeN8n } from "./n8n";
import { IdTokenClaims, oauth2ProxyHeaders } from "./oauth2Proxy";
import { FakeOpenWebUi, startFakeOpenWebUi } from "./openWebUi";
import { Delivered, FAKE_CREDENTIALS, QueueEmulator, QueuePair, startQueueEmulator } from "./queue";

const LAMBDA = "aws:lambda/function:Function";
const QUEUE = "aws:sqs/queue:Queue";
const REGION = "us-west-2";
/** The deployed queue waits 180 s before redelivering; 1 s keeps every retry scenario short. */
export const VISIBILITY_TIMEOUT_SECONDS = 1;
export const N8N_KEY = "e2e-n8n-api-key-0123456789";
const PASSWORD = "Corr3ct-Horse-Battery";
const MAILBOX = "e2e-admin-mailbox";
/**
 * Who may join in the scenarios, as the stack is configured: the dev stack's
 * `allowedEmailDomains: [example.com]` plus one single address, so both kinds of entry are exercised
 * by the deployed PreSignUp function's own ALLOW_LIST.
 */
const E2E_CONFIG = { "pluto:allowedEmails": JSON.stringify(["guest@partner.org"]) };

/** One deployed function: its archive's `__index.js`, its environment and its settings. */
interface Artefact {
  name: string;
  code: string;
  env: Record<string, string>;
  timeoutSeconds: number;
}

interface Artefacts {
  preSignUp: Artefact;
  /** The Pre Token Generation function that writes the name claim. */
  nameClaim: Artefact;
  producer: Artefact;
  worker: Artefact;
  /** The worker as the program builds it with n8n enabled. */
  workerWithN8n: Artefact;
  queueName: string;
  dlqName: string;
  noticeTopicName: string;
  maxReceiveCount: number;
  batchSize: number;
  maxConcurrency: number;
  /** The function names the user pool's triggers name. */
  triggers: { PreSignUp: string; PostConfirmation: string; PreTokenGeneration: string };
  userPool: { name: string; usernameAttributes: string[]; autoVerifiedAttributes: string[] };
  /** Open WebUI's container environment as deployed (secrets given local values). */
  openWebUiEnv: Record<string, string>;
  /** n8n's editor base URL as deployed: where its invitation links point. */
  n8nEditorBaseUrl: string;
}

async function artefact(stack: Stack, suffix: string): Promise<Artefact> {
  const fn = stack.one(LAMBDA, suffix);
  const inputs = fn.inputs as any;
  return { name: inputs.name, code: (await archiveAssets(fn))["__index.js"], env: { ...(inputs.environment?.variables ?? {}) }, timeoutSeconds: inputs.timeout };
}

const functionName = (arn: unknown) => String(arn).split(":").pop()!;

/** Takes the deployed artefacts and settings from the real program under Pulumi mocks. */
export async function deployedArtefacts(): Promise<Artefacts> {
  const stack = await synthStack(E2E_CONFIG);
  // The same program with n8n enabled: its worker carries N8N_URL and the operator-filled key's ARN.
  const withN8n = await synthStack({ ...E2E_CONFIG, "pluto:n8n": JSON.stringify({ enabled: true }) });
  const queue = stack.inputs(QUEUE, "-queue");
  const mapping = stack.inputs("aws:lambda/eventSourceMapping:EventSourceMapping");
  const pool = stack.inputs("aws:cognito/userPool:UserPool");
  const preSignUp = await artefact(stack, "-presignup");
  const openWebUi = stack.container("pluto-openwebui", "openwebui");
  return {
    preSignUp,
    nameClaim: await artefact(stack, "-name-claim-function"),
    producer: await artefact(stack, "-producer"),
    worker: await artefact(stack, "-worker"),
    workerWithN8n: await artefact(withN8n, "-worker"),
    queueName: queue.name,
    dlqName: stack.inputs(QUEUE, "-dlq").name,
    noticeTopicName: stack.inputs("aws:sns/topic:Topic", "-member-notices").name,
    maxReceiveCount: JSON.parse(queue.redrivePolicy).maxReceiveCount,
    batchSize: mapping.batchSize,
    maxConcurrency: mapping.scalingConfig.maximumConcurrency,
    triggers: {
      PreSignUp: functionName(pool.lambdaConfig.preSignUp),
      PostConfirmation: functionName(pool.lambdaConfig.postConfirmation),
      PreTokenGeneration: functionName(pool.lambdaConfig.preTokenGenerationConfig.lambdaArn),
    },
    userPool: { name: pool.name, usernameAttributes: pool.usernameAttributes, autoVerifiedAttributes: pool.autoVerifiedAttributes },
    openWebUiEnv: {
      ...containerEnv(openWebUi),
      // Secrets reach the container by ARN; only their presence matters to the rules modelled.
      ...Object.fromEntries(openWebUi.secrets.map((s) => [s.name, `e2e-${s.name.toLowerCase()}`])),
    },
    n8nEditorBaseUrl: containerEnv(withN8n.container("pluto-n8n", "n8n")).N8N_EDITOR_BASE_URL,
  };
}

export interface World {
  artefacts: Artefacts;
  queues: QueueEmulator;
  pair: QueuePair;
  lambda: LambdaEndpoint;
  cognito: CognitoLocal;
  userPoolId: string;
  /** Fresh (empty database, booted from the deployed environment) after every reset(). */
  openWebUi: FakeOpenWebUi;
  n8n: FakeN8n;
  /** The fake Secrets Manager's values by ARN; change them as an operator would. */
  secretValues: Record<string, string>;
  secrets: FakeAws;
  /** What the Lambda "containers" logged (they share this process's console), newest last. */
  logs: string[];
  /** A fresh cold start of the worker (with n8n: the n8n-configured one, against the fake n8n). */
  loadWorker(opts?: { n8n?: boolean }): LambdaHandler;
  /**
   * A first sign-in's Cognito side: SignUp with the attributes the Google mapping yields (PreSignUp
   * runs), then ConfirmSignUp (PostConfirmation runs). Resolves to the sub; rejects with Cognito's
   * error when PreSignUp refuses.
   */
  signUp(email: string, name: string, opts?: { emailVerified?: boolean }): Promise<string>;
  /** ForgotPassword, then ConfirmForgotPassword: PostConfirmation_ConfirmForgotPassword. */
  resetPassword(email: string): Promise<void>;
  /** The ID token claims Cognito issues for the member (from their attributes). */
  claimsOf(email: string): Promise<IdTokenClaims>;
  /** POST /api/v1/auths/signin with the headers oauth2-proxy would add for the member. */
  signIn(email: string): Promise<{ status: number; body: any }>;
  /** The notices the administrators' mailbox holds. */
  notices(): Promise<Delivered[]>;
  /** Emails of the members a notice was delivered for (from the subject). */
  onboarded(): Promise<string[]>;
  /** The worker's event source mapping, with the deployed batch size and concurrency. */
  startEventSource(worker: LambdaHandler, beforeInvoke?: (records: SqsRecord[]) => Promise<void>): EventSource;
  /** Waits until the queue holds nothing visible or in flight (all deleted or dead-lettered). */
  waitForDrainedQueue(deadlineMs: number): Promise<void>;
  /** Polls `check` every 50 ms; rejects naming `what` once `deadlineMs` has passed. */
  waitUntil(what: string, check: () => Promise<boolean>, deadlineMs: number): Promise<void>;
  /** Clients for the ops commands, aimed at the emulators. */
  opsClients(): AwsClients;
  /** Empties the queues and mailbox, boots a fresh Open WebUI, resets n8n and the secrets. */
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
    const { topicArn, mailboxUrl } = await queues.createTopicWithMailbox(artefacts.noticeTopicName, MAILBOX);
    const n8nKeyArn = artefacts.workerWithN8n.env[ENV.n8nApiKeySecretArn];
    const secretValues: Record<string, string> = { [n8nKeyArn]: N8N_KEY };
    const secrets = await startFakeAws(secretValues);
    closers.push(secrets.close);
    const n8n = await startFakeN8n({ apiKey: N8N_KEY, editorBaseUrl: artefacts.n8nEditorBaseUrl });
    closers.push(n8n.close);
    let openWebUi = await startFakeOpenWebUi(artefacts.openWebUiEnv);
    closers.push(() => openWebUi.close());

    // One process plays every Lambda container, so the environment all functions read is set
    // once: the synthesised variables, with the deployed URLs and ARNs swapped for their local
    // stand-ins (QUEUE_URL, NOTICE_TOPIC_ARN, N8N_URL) and the e2e's allow-list.
    Object.assign(process.env, {
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: FAKE_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: FAKE_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_SQS: queues.endpoint,
      AWS_ENDPOINT_URL_SNS: queues.endpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url,
    });
    const preSignUp = loadHandler(taskRoot.dir, artefacts.preSignUp.code, artefacts.preSignUp.env);
    const nameClaim = loadHandler(taskRoot.dir, artefacts.nameClaim.code, artefacts.nameClaim.env);
    const producer = loadHandler(taskRoot.dir, artefacts.producer.code, { ...artefacts.producer.env, [ENV.queueUrl]: pair.queueUrl });
    const lambda = await startLambdaEndpoint();
    closers.push(lambda.close);
    lambda.functions.set(artefacts.preSignUp.name, { handler: preSignUp, timeoutSeconds: artefacts.preSignUp.timeoutSeconds });
    lambda.functions.set(artefacts.producer.name, { handler: producer, timeoutSeconds: artefacts.producer.timeoutSeconds });
    lambda.functions.set(artefacts.nameClaim.name, { handler: nameClaim, timeoutSeconds: artefacts.nameClaim.timeoutSeconds });

    const cognito = await startCognitoLocal({ lambdaEndpoint: lambda.url, triggerFunctions: artefacts.triggers });
    closers.push(cognito.close);
    const pool = await cognito.client.send(new CreateUserPoolCommand({
      PoolName: artefacts.userPool.name,
      UsernameAttributes: artefacts.userPool.usernameAttributes as any,
      AutoVerifiedAttributes: artefacts.userPool.autoVerifiedAttributes as any,
    }));
    const userPoolId = pool.UserPool!.Id!;
    const client = await cognito.client.send(new CreateUserPoolClientCommand({ UserPoolId: userPoolId, ClientName: "e2e" }));
    const clientId = client.UserPoolClient!.ClientId!;
    const passwords = new Map<string, string>();
    const userOf = (email: string) => cognito.client.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: email }));

    const world: World = {
      artefacts,
      queues,
      pair,
      lambda,
      cognito,
      userPoolId,
      openWebUi,
      n8n,
      secretValues,
      secrets,
      logs,
      loadWorker(opts = {}) {
        const worker = opts.n8n ? artefacts.workerWithN8n : artefacts.worker;
        const env = { ...worker.env, [ENV.noticeTopicArn]: topicArn, ...(opts.n8n ? { [ENV.n8nUrl]: n8n.url } : {}) };
        const handler = loadHandler(taskRoot.dir, worker.code, env);
        // The n8n variables belong to that one container.
        delete process.env[ENV.n8nUrl];
        delete process.env[ENV.n8nApiKeySecretArn];
        return handler;
      },
      async signUp(email, name, opts = {}) {
        // What Cognito's Google attribute mapping yields (components/identity.ts): email,
        // email_verified (Google's claim) and the person's `name`. The name claim trigger turns
        // `name` into the ID token's `preferred_username` at each sign-in.
        const attributes = { name, email_verified: String(opts.emailVerified ?? true) };
        await cognito.client.send(new SignUpCommand({
          ClientId: clientId,
          Username: email,
          Password: PASSWORD,
          UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })),
        }));
        const user = await userOf(email);
        const code = cognito.confirmationCode(userPoolId, user.Username!);
        await cognito.client.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: email, ConfirmationCode: code }));
        return user.UserAttributes!.find((a) => a.Name === "sub")!.Value!;
      },
      async resetPassword(email) {
        await cognito.client.send(new ForgotPasswordCommand({ ClientId: clientId, Username: email }));
        const code = cognito.confirmationCode(userPoolId, (await userOf(email)).Username!);
        await cognito.client.send(new ConfirmForgotPasswordCommand({ ClientId: clientId, Username: email, ConfirmationCode: code, Password: `${PASSWORD}-2` }));
        passwords.set(email.toLowerCase(), `${PASSWORD}-2`);
      },
      async claimsOf(email) {
        // The ID token Cognito issues at sign-in, which oauth2-proxy turns into headers: cognito-local
        // 5.3.0 signs it after running the pool's Pre Token Generation trigger — here the deployed
        // name claim function — and applying its claimsToAddOrOverride
        // (cognito-local lib/services/tokenGenerator.js, applyTokenOverrides).
        const auth = await cognito.client.send(new InitiateAuthCommand({
          ClientId: clientId,
          AuthFlow: "USER_PASSWORD_AUTH",
          AuthParameters: { USERNAME: email, PASSWORD: passwords.get(email.toLowerCase()) ?? PASSWORD },
        }));
        const token = JSON.parse(Buffer.from(auth.AuthenticationResult!.IdToken!.split(".")[1], "base64url").toString("utf8"));
        return { sub: token.sub, email: token.email, ...(token.preferred_username ? { preferred_username: token.preferred_username } : {}) };
      },
      async signIn(email) {
        const headers = oauth2ProxyHeaders(await world.claimsOf(email));
        // Open WebUI's sign-in page posts the (empty) form; the trusted headers decide.
        const res = await fetch(`${world.openWebUi.url}/api/v1/auths/signin`, {
          method: "POST",
          headers: { "content-type": "application/json", ...headers },
          body: JSON.stringify({ email: "", password: "" }),
        });
        return { status: res.status, body: await res.json() };
      },
      notices: () => queues.mailbox(MAILBOX),
      async onboarded() {
        return (await queues.mailbox(MAILBOX)).map((n) => n.subject.replace(/^New member: /, ""));
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
        return world.waitUntil("the onboarding queue to drain", async () => {
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
        await queues.purge(pair.queueUrl, pair.dlqUrl, mailboxUrl);
        queues.setPublishFault(undefined);
        await openWebUi.close();
        openWebUi = await startFakeOpenWebUi(artefacts.openWebUiEnv);
        world.openWebUi = openWebUi;
        await n8n.reset();
        secretValues[n8nKeyArn] = N8N_KEY;
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
