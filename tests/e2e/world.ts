// Everything the end-to-end scenarios run against, all on 127.0.0.1: the deployed artefacts (from
// the synthesised program), each function running in its own execution environments (child
// processes cut off at the function's timeout, lambdaRuntime.ts), cognito-local with the PreSignUp
// and PostConfirmation triggers behind a local Lambda Invoke endpoint, the SQS/SNS emulator (a
// queue subscribed to the new-member topic stands in for the administrators' mailbox), a fake
// Secrets Manager, the worker's event source mapping, the real n8n at the pinned version (set up as
// the operator does, behind a front that injects the faults it cannot produce: n8nFront.ts), and a
// stand-in for Open WebUI; both run with the container environment the program deploys. The worker side runs under the
// deployed timeout rules scaled down together (timeScale.ts); the triggers under Cognito's 5 s.
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
import * as crypto from "crypto";
import { RDSClient } from "@aws-sdk/client-rds";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { ApplicationAutoScalingClient } from "@aws-sdk/client-application-auto-scaling";
import { ECSClient } from "@aws-sdk/client-ecs";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { ENV } from "../../functions/runtime";
import type { SqsRecord } from "../../functions/events";
import type { AwsClients } from "../../cli/commands/ops/clients";
import { lambdaTaskRoot } from "../helpers/lambda";
import { env as containerEnv, Stack, synthStack } from "../helpers/stack";
import { FakeAws, startFakeAws } from "../userProvisioning/fakeAws";
import { archiveAssets } from "../userProvisioning/synth";
import { CognitoLocal, startCognitoLocal } from "./cognito";
import { EventSource, mappingRefusal, startEventSource } from "./eventSource";
import { startLambdaEndpoint, LambdaEndpoint } from "./lambdaInvoke";
import { deployFunction, LambdaFunction } from "./lambdaRuntime";
import { DeployedTimeouts, ScaledTimeouts, scaleTimeouts, timeScaleFrom } from "./timeScale";
import { N8nFront, startN8nFront } from "./n8nFront";
import { DeployedN8nInit, sharedRealN8n } from "./realN8n";
import { N8N_DATABASE_CONTAINER } from "../../n8n/database";
import { IdTokenClaims, Oauth2ProxySettings, oauth2ProxyRequest, oauth2ProxySettings } from "./oauth2Proxy";
import { FakeOpenWebUi, startFakeOpenWebUi } from "./openWebUi";
import { Delivered, FAKE_CREDENTIALS, QueueEmulator, QueuePair, startQueueEmulator } from "./queue";

const LAMBDA = "aws:lambda/function:Function";
const QUEUE = "aws:sqs/queue:Queue";
const REGION = "us-west-2";
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
  /** The mapping's `functionResponseTypes`: whether Lambda reads the worker's batchItemFailures at all. */
  functionResponseTypes: string[];
  /** The worker's timeout, the queue's visibility timeout and the worker's n8n timeout, as deployed. */
  timeouts: DeployedTimeouts;
  /** The producer's enqueue budget (ENQUEUE_BUDGET_MS) as deployed. */
  enqueueBudgetMs: number;
  /** The pattern of the metric filter behind the enqueue-failed alarm. */
  enqueueFailedPattern: string;
  /** The function names the user pool's triggers name. */
  triggers: { PreSignUp: string; PostConfirmation: string; PreTokenGeneration: string };
  userPool: { name: string; usernameAttributes: string[]; autoVerifiedAttributes: string[] };
  /** The deployed app client's settings (components/identity.ts): a secret, refresh-token auth only. */
  appClient: { generateSecret: boolean; explicitAuthFlows: string[]; allowedOauthFlows: string[]; allowedOauthScopes: string[] };
  /** Open WebUI's container environment as deployed (secrets given local values). */
  openWebUiEnv: Record<string, string>;
  /** n8n's editor base URL as deployed: where its invitation links point. */
  n8nEditorBaseUrl: string;
  /** Who Open WebUI's oauth2-proxy lets through, from its synthesised container and the allowed-emails writer. */
  oauth2Proxy: Oauth2ProxySettings;
  /** n8n's container environment and image as deployed. */
  n8nEnv: Record<string, string>;
  n8nImage: string;
  n8nInit: DeployedN8nInit;
}

async function artefact(stack: Stack, suffix: string): Promise<Artefact> {
  const fn = stack.one(LAMBDA, suffix);
  const inputs = fn.inputs as any;
  return {
    name: inputs.name,
    code: (await archiveAssets(fn))["__index.js"],
    env: { ...(inputs.environment?.variables ?? {}) },
    timeoutSeconds: inputs.timeout,
  };
}

const functionName = (arn: unknown) => String(arn).split(":").pop()!;

/** The allow-list settings of Open WebUI's oauth2-proxy in a synthesised stack. */
function proxyOf(stack: Stack): Oauth2ProxySettings {
  const writer = stack.containers("pluto-openwebui").find((c) => c.name === "allowed-emails");
  return oauth2ProxySettings(containerEnv(stack.container("pluto-openwebui", "oauth2-proxy")), writer ? containerEnv(writer) : undefined);
}

/** Open WebUI's oauth2-proxy as the program deploys it with other allow-list settings (an operator's change). */
export async function deployedOauth2Proxy(config: Record<string, string>): Promise<Oauth2ProxySettings> {
  return proxyOf(await synthStack(config));
}

/** n8n's container environment and image as the program deploys them with n8n enabled. */
export async function deployedN8n(): Promise<{ env: Record<string, string>; image: string; init: DeployedN8nInit }> {
  const withN8n = await synthStack({ ...E2E_CONFIG, "pluto:n8n": JSON.stringify({ enabled: true }) });
  const container = withN8n.container("pluto-n8n", "n8n") as { image: string };
  return { env: containerEnv(withN8n.container("pluto-n8n", "n8n")), image: container.image, init: n8nInit(withN8n) };
}

/** The synthesised `n8n-database` container: what runs before n8n starts. */
function n8nInit(stack: Stack): DeployedN8nInit {
  const c = stack.container("pluto-n8n", N8N_DATABASE_CONTAINER);
  return { entryPoint: (c as unknown as { entryPoint: string[] }).entryPoint, env: containerEnv(c) };
}

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
  const producer = await artefact(stack, "-producer");
  const worker = await artefact(stack, "-worker");
  return {
    preSignUp,
    nameClaim: await artefact(stack, "-name-claim-function"),
    producer,
    worker,
    workerWithN8n: await artefact(withN8n, "-worker"),
    queueName: queue.name,
    dlqName: stack.inputs(QUEUE, "-dlq").name,
    noticeTopicName: stack.inputs("aws:sns/topic:Topic", "-member-notices").name,
    maxReceiveCount: JSON.parse(queue.redrivePolicy).maxReceiveCount,
    batchSize: mapping.batchSize,
    maxConcurrency: mapping.scalingConfig.maximumConcurrency,
    functionResponseTypes: mapping.functionResponseTypes ?? [],
    timeouts: {
      workerTimeoutSeconds: worker.timeoutSeconds,
      visibilityTimeoutSeconds: queue.visibilityTimeoutSeconds,
      httpTimeoutMs: Number(worker.env[ENV.httpTimeoutMs]),
    },
    enqueueBudgetMs: Number(producer.env[ENV.enqueueBudgetMs]),
    enqueueFailedPattern: stack.inputs("aws:cloudwatch/logMetricFilter:LogMetricFilter").pattern,
    triggers: {
      PreSignUp: functionName(pool.lambdaConfig.preSignUp),
      PostConfirmation: functionName(pool.lambdaConfig.postConfirmation),
      PreTokenGeneration: functionName(pool.lambdaConfig.preTokenGenerationConfig.lambdaArn),
    },
    userPool: { name: pool.name, usernameAttributes: pool.usernameAttributes, autoVerifiedAttributes: pool.autoVerifiedAttributes },
    appClient: (({ generateSecret, explicitAuthFlows, allowedOauthFlows, allowedOauthScopes }) => ({
      generateSecret: generateSecret === true,
      explicitAuthFlows: explicitAuthFlows ?? [],
      allowedOauthFlows: allowedOauthFlows ?? [],
      allowedOauthScopes: allowedOauthScopes ?? [],
    }))(stack.inputs("aws:cognito/userPoolClient:UserPoolClient")),
    openWebUiEnv: {
      ...containerEnv(openWebUi),
      // Secrets reach the container by ARN; only their presence matters to the rules modelled.
      ...Object.fromEntries(openWebUi.secrets.map((s) => [s.name, `e2e-${s.name.toLowerCase()}`])),
    },
    n8nEditorBaseUrl: containerEnv(withN8n.container("pluto-n8n", "n8n")).N8N_EDITOR_BASE_URL,
    oauth2Proxy: proxyOf(stack),
    n8nEnv: containerEnv(withN8n.container("pluto-n8n", "n8n")),
    n8nImage: (withN8n.container("pluto-n8n", "n8n") as { image: string }).image,
    n8nInit: n8nInit(withN8n),
  };
}

export interface World {
  artefacts: Artefacts;
  /** The worker side's durations as deployed and as the e2e runs them. */
  timeouts: { deployed: DeployedTimeouts; scaled: ScaledTimeouts };
  /** The deployed PostConfirmation function (its log group holds what the alarm's metric filter reads). */
  producer: LambdaFunction;
  queues: QueueEmulator;
  pair: QueuePair;
  lambda: LambdaEndpoint;
  cognito: CognitoLocal;
  userPoolId: string;
  /** Fresh (empty database, booted from the deployed environment) after every reset(). */
  openWebUi: FakeOpenWebUi;
  /** The real n8n, behind the fault-injecting front the worker calls. */
  n8n: N8nFront;
  /** The fake Secrets Manager's values by ARN; change them as an operator would. */
  secretValues: Record<string, string>;
  secrets: FakeAws;
  /** What every function logged, prefixed with its name, newest last (for a failed scenario's report). */
  logs: string[];
  /**
   * Deploys the worker afresh (new execution environments, so nothing cached from before; with
   * n8n: the n8n-configured one, against the real n8n's front), with the scaled timeout and n8n timeout.
   */
  deployWorker(opts?: { n8n?: boolean }): LambdaFunction;
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
  /**
   * A request of the signed-in member through oauth2-proxy (the deployed settings, or `proxy`): when
   * it lets them through, POST /api/v1/auths/signin with the headers it adds; else its refusal.
   */
  signIn(email: string, proxy?: Oauth2ProxySettings): Promise<{ status: number; body: any }>;
  /** The notices the administrators' mailbox holds. */
  notices(): Promise<Delivered[]>;
  /** Emails of the members a notice was delivered for (from the subject). */
  onboarded(): Promise<string[]>;
  /** The worker's event source mapping, with the deployed batch size and concurrency. */
  startEventSource(worker: LambdaFunction, beforeInvoke?: (records: SqsRecord[]) => Promise<void>): EventSource;
  /** Waits until the queue holds nothing visible or in flight (all deleted or dead-lettered). */
  waitForDrainedQueue(deadlineMs: number): Promise<void>;
  /** Polls `check` every 50 ms; rejects naming `what` once `deadlineMs` has passed. */
  waitUntil(what: string, check: () => Promise<boolean>, deadlineMs: number): Promise<void>;
  /** Clients for the ops commands, aimed at the emulators. */
  opsClients(): AwsClients;
  /** Empties the queues and mailbox, boots a fresh Open WebUI, resets n8n, the secrets and the faults, stops the workers. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export async function startWorld(): Promise<World> {
  const artefacts = await deployedArtefacts();
  // `pulumi up` would stop here: AWS refuses the event source mapping.
  const refusal = mappingRefusal(artefacts.timeouts.workerTimeoutSeconds * 1000, artefacts.timeouts.visibilityTimeoutSeconds);
  if (refusal) throw new Error(`the program's worker cannot be deployed: ${refusal}`);
  const timeouts = { deployed: artefacts.timeouts, scaled: scaleTimeouts(artefacts.timeouts, timeScaleFrom(process.env)) };
  const closers: (() => Promise<void> | void)[] = [];
  const close = async () => {
    for (const c of closers.reverse()) await c();
  };
  // What the functions log, for a failing scenario's report; each function also keeps its log group.
  const logs: string[] = [];
  const keepLine = (line: string) => void logs.push(line);
  try {
    const taskRoot = lambdaTaskRoot();
    closers.push(taskRoot.remove);
    const queues = await startQueueEmulator(REGION);
    closers.push(() => queues.close());
    const pair = await queues.createQueuePair(
      { queue: artefacts.queueName, dlq: artefacts.dlqName },
      {
        visibilityTimeoutSeconds: timeouts.scaled.visibilityTimeoutSeconds,
        maxReceiveCount: artefacts.maxReceiveCount,
      },
    );
    const { topicArn, mailboxUrl } = await queues.createTopicWithMailbox(artefacts.noticeTopicName, MAILBOX);
    // Once per run (start and set-up take seconds; run.ts stops it): each scenario uses its own emails.
    const real = await sharedRealN8n(artefacts.n8nEnv, artefacts.n8nInit);
    const n8n = await startN8nFront(real);
    closers.push(() => n8n.close());
    const n8nKeyArn = artefacts.workerWithN8n.env[ENV.n8nApiKeySecretArn];
    const secretValues: Record<string, string> = { [n8nKeyArn]: n8n.apiKey };
    const secrets = await startFakeAws(secretValues);
    closers.push(() => secrets.close());
    let openWebUi = await startFakeOpenWebUi(artefacts.openWebUiEnv);
    closers.push(() => openWebUi.close());

    // Each function's environment: the synthesised variables, with the deployed URLs and ARNs
    // swapped for their local stand-ins (QUEUE_URL, NOTICE_TOPIC_ARN, N8N_URL), plus what reaches
    // the emulators (the SDK's endpoint variables, a region and credentials).
    const emulators = {
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: FAKE_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: FAKE_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_SQS: queues.endpoint,
      AWS_ENDPOINT_URL_SNS: queues.endpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url,
    };
    const functions: LambdaFunction[] = [];
    closers.push(() => Promise.all(functions.map((f) => f.close())).then(() => undefined));
    const deploy = (a: Artefact, env: Record<string, string>, timeoutMs: number) => {
      const fn = deployFunction(taskRoot.dir, { name: a.name, code: a.code, env: { ...a.env, ...emulators, ...env }, timeoutMs }, keepLine);
      functions.push(fn);
      return fn;
    };
    // The triggers keep their deployed timeouts: Cognito allows 5 s.
    const preSignUp = deploy(artefacts.preSignUp, {}, artefacts.preSignUp.timeoutSeconds * 1000);
    const nameClaim = deploy(artefacts.nameClaim, {}, artefacts.nameClaim.timeoutSeconds * 1000);
    const producer = deploy(artefacts.producer, { [ENV.queueUrl]: pair.queueUrl }, artefacts.producer.timeoutSeconds * 1000);
    const workers: LambdaFunction[] = [];
    const sources: EventSource[] = [];
    const lambda = await startLambdaEndpoint();
    closers.push(() => lambda.close());
    for (const fn of [preSignUp, nameClaim, producer]) lambda.functions.set(fn.name, fn);

    const cognito = await startCognitoLocal({ lambdaEndpoint: lambda.url, triggerFunctions: artefacts.triggers });
    closers.push(() => cognito.close());
    const pool = await cognito.client.send(
      new CreateUserPoolCommand({
        PoolName: artefacts.userPool.name,
        UsernameAttributes: artefacts.userPool.usernameAttributes as any,
        AutoVerifiedAttributes: artefacts.userPool.autoVerifiedAttributes as any,
      }),
    );
    const userPoolId = pool.UserPool!.Id!;
    // The deployed app client's own settings: a client secret, and refresh-token auth as its only
    // explicit flow (people sign in through the hosted UI with Google, OAuth code flow). cognito-local
    // 5.3.0 has neither a hosted UI nor federation, so the scenarios sign people up and in with
    // SignUp and USER_PASSWORD_AUTH, which the deployed client would refuse; cognito-local stores
    // ExplicitAuthFlows and the secret but checks neither (lib/targets/initiateAuth.js and signUp.js
    // never read them), so the client is created as deployed and every call carries the SECRET_HASH
    // a client with a secret must send (docs.aws.amazon.com/cognito/latest/developerguide/
    // signing-up-users-in-your-app.html#cognito-user-pools-computing-secret-hash).
    const client = await cognito.client.send(
      new CreateUserPoolClientCommand({
        UserPoolId: userPoolId,
        ClientName: "e2e",
        GenerateSecret: artefacts.appClient.generateSecret,
        ExplicitAuthFlows: artefacts.appClient.explicitAuthFlows as any,
        AllowedOAuthFlows: artefacts.appClient.allowedOauthFlows as any,
        AllowedOAuthScopes: artefacts.appClient.allowedOauthScopes,
        AllowedOAuthFlowsUserPoolClient: artefacts.appClient.allowedOauthFlows.length > 0,
      }),
    );
    const clientId = client.UserPoolClient!.ClientId!;
    const clientSecret = client.UserPoolClient!.ClientSecret;
    const secretHash = (username: string) =>
      clientSecret
        ? {
            SecretHash: crypto
              .createHmac("sha256", clientSecret)
              .update(username + clientId)
              .digest("base64"),
          }
        : {};
    const passwords = new Map<string, string>();
    /**
     * A confirmation as Cognito answers it: when the PostConfirmation trigger fails (an error or a
     * timeout), ConfirmSignUp and ConfirmForgotPassword fail with UserLambdaValidationException
     * (docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ConfirmSignUp.html,
     * Errors), so a producer that throws fails the person's sign-up. cognito-local 5.3.0 logs the
     * trigger's error and answers success (lib/services/triggers/postConfirmation.js); the
     * invocation the Lambda endpoint recorded restores Cognito's answer.
     */
    const confirmLikeCognito = async (confirm: () => Promise<unknown>) => {
      const seen = lambda.invocations.length;
      await confirm();
      const failed = lambda.invocations.slice(seen).find((i) => i.functionName === artefacts.triggers.PostConfirmation && i.error !== undefined);
      if (failed) throw Object.assign(new Error(`PostConfirmation failed with error ${failed.error}.`), { name: "UserLambdaValidationException" });
    };
    const userOf = (email: string) => cognito.client.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: email }));

    const world: World = {
      artefacts,
      timeouts,
      producer,
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
      deployWorker(opts = {}) {
        const worker = opts.n8n ? artefacts.workerWithN8n : artefacts.worker;
        const fn = deploy(
          worker,
          {
            [ENV.noticeTopicArn]: topicArn,
            [ENV.httpTimeoutMs]: String(timeouts.scaled.httpTimeoutMs),
            ...(opts.n8n ? { [ENV.n8nUrl]: n8n.url } : {}),
          },
          timeouts.scaled.workerTimeoutMs,
        );
        workers.push(fn);
        return fn;
      },
      async signUp(email, name, opts = {}) {
        // What Cognito's Google attribute mapping yields (components/identity.ts): email,
        // email_verified (Google's claim) and the person's `name`. The name claim trigger turns
        // `name` into the ID token's `preferred_username` at each sign-in.
        const attributes = { name, email_verified: String(opts.emailVerified ?? true) };
        await cognito.client.send(
          new SignUpCommand({
            ClientId: clientId,
            ...secretHash(email),
            Username: email,
            Password: PASSWORD,
            UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })),
          }),
        );
        const user = await userOf(email);
        const code = cognito.confirmationCode(userPoolId, user.Username!);
        await confirmLikeCognito(() =>
          cognito.client.send(new ConfirmSignUpCommand({ ClientId: clientId, ...secretHash(email), Username: email, ConfirmationCode: code })),
        );
        return user.UserAttributes!.find((a) => a.Name === "sub")!.Value!;
      },
      async resetPassword(email) {
        await cognito.client.send(new ForgotPasswordCommand({ ClientId: clientId, ...secretHash(email), Username: email }));
        const code = cognito.confirmationCode(userPoolId, (await userOf(email)).Username!);
        await confirmLikeCognito(() =>
          cognito.client.send(
            new ConfirmForgotPasswordCommand({ ClientId: clientId, ...secretHash(email), Username: email, ConfirmationCode: code, Password: `${PASSWORD}-2` }),
          ),
        );
        passwords.set(email.toLowerCase(), `${PASSWORD}-2`);
      },
      async claimsOf(email) {
        // The ID token Cognito issues at sign-in, which oauth2-proxy turns into headers: cognito-local
        // 5.3.0 signs it after running the pool's Pre Token Generation trigger — here the deployed
        // name claim function — and applying its claimsToAddOrOverride
        // (cognito-local lib/services/tokenGenerator.js, applyTokenOverrides).
        const auth = await cognito.client.send(
          new InitiateAuthCommand({
            ClientId: clientId,
            AuthFlow: "USER_PASSWORD_AUTH",
            AuthParameters: {
              USERNAME: email,
              PASSWORD: passwords.get(email.toLowerCase()) ?? PASSWORD,
              ...(clientSecret ? { SECRET_HASH: secretHash(email).SecretHash! } : {}),
            },
          }),
        );
        const token = JSON.parse(Buffer.from(auth.AuthenticationResult!.IdToken!.split(".")[1], "base64url").toString("utf8"));
        return {
          sub: token.sub,
          email: token.email,
          ...(token.preferred_username ? { preferred_username: token.preferred_username } : {}),
          // Cognito's ID token carries the user's email_verified attribute as a boolean. cognito-local
          // 5.3.0 writes `Boolean(attributeValue("email_verified"))` (lib/services/tokenGenerator.js),
          // which turns the text "false" into true, so the claim is taken from the attribute itself.
          email_verified: (await userOf(email)).UserAttributes?.find((a) => a.Name === "email_verified")?.Value === "true",
        };
      },
      async signIn(email, proxy = artefacts.oauth2Proxy) {
        const outcome = oauth2ProxyRequest(proxy, await world.claimsOf(email));
        if (outcome.status !== 200) return { status: outcome.status, body: { oauth2Proxy: outcome.reason } };
        const headers = outcome.headers;
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
        const source = startEventSource({
          sqs: queues.sqs,
          queueUrl: pair.queueUrl,
          queueArn: pair.queueArn,
          region: REGION,
          batchSize: artefacts.batchSize,
          maxConcurrency: artefacts.maxConcurrency,
          functionResponseTypes: artefacts.functionResponseTypes,
          functionTimeoutMs: worker.timeoutMs,
          visibilityTimeoutSeconds: timeouts.scaled.visibilityTimeoutSeconds,
          invoke: (event) => worker.invoke(event),
          beforeInvoke,
        });
        sources.push(source);
        return source;
      },
      waitForDrainedQueue(deadlineMs) {
        return world.waitUntil(
          "the onboarding queue to drain",
          async () => {
            const { visible, inFlight } = await queues.counts(pair.queueUrl);
            return visible === 0 && inFlight === 0;
          },
          deadlineMs,
        );
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
        return {
          sqs: queues.sqs,
          ecs: new ECSClient(config),
          logs: new CloudWatchLogsClient(config),
          cognito: cognito.client,
          backup: new BackupClient(config),
          rds: new RDSClient(config),
          cloudwatch: new CloudWatchClient(config),
          autoscaling: new ApplicationAutoScalingClient(config),
        };
      },
      async reset() {
        // A failed scenario may have left its mapping polling: stop it before anything else.
        await Promise.all(sources.splice(0).map((source) => source.stop().catch(() => undefined)));
        await Promise.all(workers.splice(0).map((w) => w.close()));
        await queues.purge(pair.queueUrl, pair.dlqUrl, mailboxUrl);
        queues.setPublishFault(undefined);
        queues.setSendFault(undefined);
        await openWebUi.close();
        openWebUi = await startFakeOpenWebUi(artefacts.openWebUiEnv);
        world.openWebUi = openWebUi;
        await n8n.reset();
        secretValues[n8nKeyArn] = n8n.apiKey;
        lambda.invocations.length = 0;
        logs.length = 0;
        for (const fn of functions) fn.logs.length = 0;
      },
      close,
    };
    return world;
  } catch (err) {
    await close();
    throw err;
  }
}
