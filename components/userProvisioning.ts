import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { AllowList } from "../functions/allowList";
import { ENQUEUE_FAILED } from "../functions/producer";
import { ENV, preSignUpFactory, producerFactory, workerFactory } from "../functions/runtime";
import { isEmail, isHostName } from "../config";
import { handlerOnlyCodePaths } from "../packaging/lambdaPackaging";
import { operatorSecret, StoredSecret } from "../secrets/storedSecret";
import { onlyThesePolicies } from "../iam/rolePolicies";

export interface UserProvisioningArgs {
  /** Prefix of physical names; queues `${namePrefix}-user-provisioning` and `${namePrefix}-user-provisioning-dlq`,
   *  functions `${namePrefix}-cognito-presignup`, `${namePrefix}-cognito-postconfirm` (the guide's runbook tails
   *  /aws/lambda/pluto-cognito-postconfirm) and `${namePrefix}-user-provisioning-worker`, topics
   *  `${namePrefix}-new-members` and `${namePrefix}-user-provisioning-alarms`. */
  namePrefix: string;
  /** Public URL of the workspace, e.g. https://pluto.example.com; quoted in the notices. */
  appUrl: pulumi.Input<string>;
  /** Who may join: the PreSignUp trigger refuses every other email. Must admit someone. */
  allowList: AllowList;
  /** Administrators subscribed (by email; AWS asks each to confirm) to the new-member notices. At least one. */
  adminEmails: string[];
  /** Email subscribed to the alarm topic. */
  alarmEmail: string;
  /**
   * When set, the worker invites each new member to n8n before notifying; the notice carries the
   * invitation link. Without `apiKeySecretArn` a secret `${namePrefix}/n8n/api-key` is created for
   * the operator to fill with a key made in n8n's UI.
   */
  n8n?: { url: pulumi.Input<string>; apiKeySecretArn?: pulumi.Input<string> };
  /** Worker Lambda timeout in seconds; the queue's visibility timeout is 6x this. Defaults to 30. */
  workerTimeoutSeconds?: number;
  /** Timeout of the worker's call to n8n, in seconds. Defaults to 8. */
  httpTimeoutSeconds?: number;
  /** Messages per worker invocation (1-10); they are onboarded concurrently. Defaults to 5. */
  batchSize?: number;
  /** Most concurrent worker invocations the queue drives (2-1000), sparing n8n bursts. Defaults to 2. */
  maxConcurrency?: number;
  /** Receives before a message moves to the DLQ. Defaults to 5. */
  maxReceiveCount?: number;
  /** Budget for the producer's enqueue in milliseconds (Cognito allows the trigger 5 s in all). Defaults to 1500. */
  enqueueBudgetMs?: number;
  /** Retention of the functions' log groups, in days. Defaults to 30. */
  logRetentionDays?: number;
  /** Tags for every taggable child. Defaults to none. */
  tags?: Record<string, string>;
}

/** `UserProvisioningArgs` with every default applied. */
export type ProvisioningSettings = Required<
  Pick<
    UserProvisioningArgs,
    "workerTimeoutSeconds" | "httpTimeoutSeconds" | "batchSize" | "maxConcurrency" | "maxReceiveCount" | "enqueueBudgetMs" | "logRetentionDays"
  >
>;

export const PROVISIONING_DEFAULTS: ProvisioningSettings = {
  workerTimeoutSeconds: 30,
  httpTimeoutSeconds: 8,
  batchSize: 5,
  maxConcurrency: 2,
  maxReceiveCount: 5,
  enqueueBudgetMs: 1500,
  logRetentionDays: 30,
};

const DAY = 24 * 60 * 60;
/** Cognito abandons a trigger after 5 s; the triggers' Lambda timeout matches. */
const TRIGGER_TIMEOUT_SECONDS = 5;
/** Secrets Manager reads (3 attempts, 1 s connect + 3 s request) happen before the n8n call. */
const SECRET_READ_SECONDS = 12;
/** The notice's SNS publish: 2 attempts of 1 s connect + 3 s request. */
const PUBLISH_SECONDS = 8;
/** Lambda refuses a function whose environment variables exceed 4 KB in all (docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html). */
const LAMBDA_ENVIRONMENT_BYTES = 4096;
/** CloudWatch accepts only these retention values. */
const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/**
 * Applies defaults and rejects settings AWS would reject or that would break the pipeline,
 * naming the offending argument. Internal; exported for testing.
 */
export function provisioningSettings(args: Partial<ProvisioningSettings>): ProvisioningSettings {
  const s: ProvisioningSettings = { ...PROVISIONING_DEFAULTS };
  for (const key of Object.keys(s) as (keyof ProvisioningSettings)[]) if (args[key] !== undefined) s[key] = args[key]!;
  const problems: string[] = [];
  const int = (key: keyof ProvisioningSettings, min: number, max: number) => {
    if (!Number.isInteger(s[key]) || s[key] < min || s[key] > max) problems.push(`${key} must be an integer from ${min} to ${max}, got ${s[key]}`);
  };
  // 900 s is Lambda's maximum; 6x that stays under SQS's 12-hour visibility limit.
  int("workerTimeoutSeconds", 10, 900);
  int("httpTimeoutSeconds", 1, 300);
  // Above 10, SQS requires a batching window, which would delay every sign-up.
  int("batchSize", 1, 10);
  int("maxConcurrency", 2, 1000);
  int("maxReceiveCount", 1, 1000);
  int("enqueueBudgetMs", 100, 4000);
  if (!LOG_RETENTION_DAYS.includes(s.logRetentionDays))
    problems.push(`logRetentionDays must be one of ${LOG_RETENTION_DAYS.join(", ")}, got ${s.logRetentionDays}`);
  // A record reads the n8n key, calls n8n, then publishes; a worker that times out fails the whole batch.
  const needed = SECRET_READ_SECONDS + s.httpTimeoutSeconds + PUBLISH_SECONDS;
  if (problems.length === 0 && s.workerTimeoutSeconds < needed) {
    problems.push(
      `workerTimeoutSeconds (${s.workerTimeoutSeconds}) must be at least ${needed}: ${SECRET_READ_SECONDS} s for the n8n key, httpTimeoutSeconds (${s.httpTimeoutSeconds}) for n8n and ${PUBLISH_SECONDS} s for the notice`,
    );
  }
  if (problems.length) throw new Error(`UserProvisioning: ${problems.join("; ")}`);
  return s;
}

/**
 * The allow-list as the PreSignUp function's environment carries it; `requireGoogleWorkspace` only
 * when true, so a stack that leaves it off keeps the environment (and its function) unchanged.
 */
export function allowListEnvironment(list: AllowList): Record<string, string> {
  const workspace = list.requireGoogleWorkspace ? { requireGoogleWorkspace: true } : {};
  return { [ENV.allowList]: JSON.stringify({ domains: list.domains, emails: list.emails, anyGoogleAccount: list.anyGoogleAccount, ...workspace }) };
}

/**
 * Rejects an allow-list that admits nobody, holds something that is not a domain or an email,
 * or does not fit Lambda's 4 KB environment; and an empty or malformed list of administrators.
 * Internal; exported for testing.
 */
export function membershipProblems(list: AllowList, adminEmails: string[]): string[] {
  const problems: string[] = [];
  if (!list.anyGoogleAccount && list.domains.length === 0 && list.emails.length === 0) {
    problems.push("allowList admits nobody: give domains or emails, or set anyGoogleAccount");
  }
  for (const d of list.domains)
    if (!isHostName(d.toLowerCase())) problems.push(`allowList.domains: ${JSON.stringify(d)} is not a domain (e.g. example.com, no @)`);
  for (const e of list.emails) if (!isEmail(e)) problems.push(`allowList.emails: ${JSON.stringify(e)} is not an email address`);
  const bytes = Object.entries(allowListEnvironment(list)).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
  if (bytes > LAMBDA_ENVIRONMENT_BYTES) {
    problems.push(
      `allowList takes ${bytes} bytes in the PreSignUp function's environment, above Lambda's ${LAMBDA_ENVIRONMENT_BYTES}: admit whole domains instead of single emails`,
    );
  }
  if (adminEmails.length === 0) problems.push("adminEmails is empty: new-member notices (and n8n invitation links) would reach nobody");
  for (const e of adminEmails) if (!isEmail(e)) problems.push(`adminEmails: ${JSON.stringify(e)} is not an email address`);
  return problems;
}

/** An IAM policy document with one statement per entry. */
function policyDocument(statements: { actions: string[]; resources: pulumi.Input<string>[] }[]): pulumi.Output<string> {
  return pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: statements.map((s) => ({ Effect: "Allow", Action: s.actions, Resource: s.resources })),
  });
}

const LAMBDA_ASSUME_ROLE = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
});

/**
 * Who may join and what happens when they do. Cognito PreSignUp (the allow-list) refuses
 * everyone else before an account exists; Cognito PostConfirmation → SQS → worker Lambda then
 * onboards each new member: the n8n invitation (when n8n is deployed) and a notice to the
 * administrators. Open WebUI creates the member's account itself at their first sign-in.
 * The Cognito side (the pool's `lambdaConfig` and the invoke permissions with the pool ARN as
 * `sourceArn`) belongs to `Identity`, which takes `preSignUp` and `producer`: this component is
 * created first, so the pool and the functions do not depend on each other in a cycle.
 */
export class UserProvisioning extends pulumi.ComponentResource {
  /** The PreSignUp function (`${namePrefix}-cognito-presignup`): refuses emails outside the allow-list. */
  readonly preSignUp: aws.lambda.Function;
  /** The PostConfirmation function (`${namePrefix}-cognito-postconfirm`). */
  readonly producer: aws.lambda.Function;
  /** The SQS consumer (`${namePrefix}-user-provisioning-worker`). */
  readonly worker: aws.lambda.Function;
  readonly queue: aws.sqs.Queue;
  readonly deadLetterQueue: aws.sqs.Queue;
  /** New-member notices (`${namePrefix}-new-members`); each of `adminEmails` is subscribed (AWS asks it to confirm). */
  readonly noticeTopic: aws.sns.Topic;
  /** Receives the DLQ and producer-error alarms; `alarmEmail` is subscribed (AWS asks it to confirm). */
  readonly alarmTopic: aws.sns.Topic;
  /** The n8n API key secret this component created for the operator to fill, when n8n is on and no ARN was given. */
  readonly n8nApiKeySecret?: StoredSecret;

  constructor(name: string, args: UserProvisioningArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("pluto:provisioning:UserProvisioning", name, {}, opts);
    const settings = provisioningSettings(args);
    const membership = membershipProblems(args.allowList, args.adminEmails);
    if (membership.length) throw new Error(`UserProvisioning: ${membership.join("; ")}`);
    const prefix = args.namePrefix;
    const tags = { Name: name, ...args.tags };

    this.deadLetterQueue = new aws.sqs.Queue(
      `${name}-dlq`,
      {
        name: `${prefix}-user-provisioning-dlq`,
        messageRetentionSeconds: 14 * DAY,
        sqsManagedSseEnabled: true,
        tags,
      },
      { parent: this },
    );
    const workerName = `${prefix}-user-provisioning-worker`;
    this.queue = new aws.sqs.Queue(
      `${name}-queue`,
      {
        name: `${prefix}-user-provisioning`,
        messageRetentionSeconds: 4 * DAY,
        // AWS rejects an event source mapping when this is below the function timeout; 6x also
        // covers Lambda's retries of a throttled batch.
        visibilityTimeoutSeconds: 6 * settings.workerTimeoutSeconds,
        sqsManagedSseEnabled: true,
        redrivePolicy: pulumi.jsonStringify({ deadLetterTargetArn: this.deadLetterQueue.arn, maxReceiveCount: settings.maxReceiveCount }),
        tags,
      },
      { parent: this },
    );
    // Only our queue may redrive into/out of the DLQ; `pluto dlq redrive` moves messages back to it.
    new aws.sqs.RedriveAllowPolicy(
      `${name}-dlq-redrive-allow`,
      {
        queueUrl: this.deadLetterQueue.url,
        redriveAllowPolicy: pulumi.jsonStringify({ redrivePermission: "byQueue", sourceQueueArns: [this.queue.arn] }),
      },
      { parent: this },
    );

    // The notices may carry n8n invitation links (credentials for 90 days). What guards them is
    // who may publish (the worker's role alone) and subscribe (IAM in this account); they leave
    // AWS as plain email anyway, so at-rest encryption of SNS's brief copy would add a KMS
    // dependency to every onboarding without protecting the link where it travels.
    this.noticeTopic = new aws.sns.Topic(`${name}-member-notices`, { name: `${prefix}-new-members`, tags }, { parent: this });
    for (const email of args.adminEmails) {
      // Keyed by address, so adding or removing an administrator touches only their subscription.
      new aws.sns.TopicSubscription(`${name}-notice-${email}`, { topic: this.noticeTopic.arn, protocol: "email", endpoint: email }, { parent: this });
    }

    // Created here rather than by Lambda so the names are fixed, retention is set, the
    // producer-error metric filter has a group to attach to, and no role needs logs:CreateLogGroup.
    const logGroup = (role: string, functionName: string) =>
      new aws.cloudwatch.LogGroup(
        `${name}-${role}-logs`,
        {
          name: `/aws/lambda/${functionName}`,
          retentionInDays: settings.logRetentionDays,
          tags,
        },
        { parent: this },
      );
    const preSignUpName = `${prefix}-cognito-presignup`;
    const producerName = `${prefix}-cognito-postconfirm`;
    const preSignUpLogs = logGroup("presignup", preSignUpName);
    const producerLogs = logGroup("producer", producerName);
    const workerLogs = logGroup("worker", workerName);
    const writeLogs = (group: aws.cloudwatch.LogGroup) => ({
      actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
      resources: [pulumi.interpolate`${group.arn}:*`],
    });

    const role = (roleName: string, policy: pulumi.Output<string>) => {
      const r = new aws.iam.Role(`${name}-${roleName}`, { assumeRolePolicy: LAMBDA_ASSUME_ROLE, tags }, { parent: this });
      const p = new aws.iam.RolePolicy(`${name}-${roleName}`, { role: r.name, policy }, { parent: r });
      onlyThesePolicies(`${name}-${roleName}`, r, [p]);
      return { role: r, policy: p };
    };
    const preSignUpRole = role("presignup-role", policyDocument([writeLogs(preSignUpLogs)]));
    const producerRole = role("producer-role", policyDocument([{ actions: ["sqs:SendMessage"], resources: [this.queue.arn] }, writeLogs(producerLogs)]));
    if (args.n8n && args.n8n.apiKeySecretArn === undefined) {
      this.n8nApiKeySecret = operatorSecret(
        `${name}-n8n-api-key`,
        {
          secretName: `${prefix}/n8n/api-key`,
          description: "n8n public API key (create it in n8n: Settings > n8n API), used to invite new members",
          tags,
        },
        this,
      );
    }
    const n8nKeyArn = args.n8n ? (args.n8n.apiKeySecretArn ?? this.n8nApiKeySecret!.arn) : undefined;
    const workerRole = role(
      "worker-role",
      policyDocument([
        // What the event source mapping needs to poll and delete on the worker's behalf.
        { actions: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], resources: [this.queue.arn] },
        { actions: ["sns:Publish"], resources: [this.noticeTopic.arn] },
        ...(n8nKeyArn ? [{ actions: ["secretsmanager:GetSecretValue"], resources: [n8nKeyArn] }] : []),
        writeLogs(workerLogs),
      ]),
    );

    const common = {
      runtime: aws.lambda.Runtime.NodeJS22dX,
      architectures: ["arm64"],
      // 256 MB shortens SDK cold starts, which count against Cognito's 5 s.
      memorySize: 256,
      codePathOptions: handlerOnlyCodePaths(),
      tags,
    };
    this.preSignUp = new aws.lambda.CallbackFunction(
      `${name}-presignup`,
      {
        ...common,
        name: preSignUpName,
        description: "Cognito PreSignUp: refuses emails outside the stack's allow-list",
        role: preSignUpRole.role,
        timeout: TRIGGER_TIMEOUT_SECONDS,
        loggingConfig: { logFormat: "Text", logGroup: preSignUpLogs.name },
        environment: { variables: allowListEnvironment(args.allowList) },
        callbackFactory: preSignUpFactory,
      },
      { parent: this, dependsOn: [preSignUpRole.policy] },
    );

    this.producer = new aws.lambda.CallbackFunction(
      `${name}-producer`,
      {
        ...common,
        name: producerName,
        description: "Cognito PostConfirmation: enqueues new members for onboarding",
        role: producerRole.role,
        timeout: TRIGGER_TIMEOUT_SECONDS,
        loggingConfig: { logFormat: "Text", logGroup: producerLogs.name },
        environment: { variables: { [ENV.queueUrl]: this.queue.url, [ENV.enqueueBudgetMs]: String(settings.enqueueBudgetMs) } },
        callbackFactory: producerFactory,
      },
      { parent: this, dependsOn: [producerRole.policy] },
    );

    const workerEnv: Record<string, pulumi.Input<string>> = {
      [ENV.appUrl]: args.appUrl,
      [ENV.noticeTopicArn]: this.noticeTopic.arn,
      [ENV.httpTimeoutMs]: String(settings.httpTimeoutSeconds * 1000),
    };
    if (args.n8n) {
      workerEnv[ENV.n8nUrl] = args.n8n.url;
      workerEnv[ENV.n8nApiKeySecretArn] = n8nKeyArn!;
    }
    this.worker = new aws.lambda.CallbackFunction(
      `${name}-worker`,
      {
        ...common,
        name: workerName,
        description: args.n8n
          ? "Onboards new members: n8n invitation, then a notice to the administrators"
          : "Onboards new members: a notice to the administrators",
        role: workerRole.role,
        timeout: settings.workerTimeoutSeconds,
        loggingConfig: { logFormat: "Text", logGroup: workerLogs.name },
        environment: { variables: workerEnv },
        callbackFactory: workerFactory,
      },
      { parent: this, dependsOn: [workerRole.policy] },
    );

    // AWS validates the role's SQS permissions when the mapping is created, hence the explicit dependency.
    new aws.lambda.EventSourceMapping(
      `${name}-worker-events`,
      {
        eventSourceArn: this.queue.arn,
        functionName: this.worker.arn,
        batchSize: settings.batchSize,
        functionResponseTypes: ["ReportBatchItemFailures"],
        scalingConfig: { maximumConcurrency: settings.maxConcurrency },
      },
      { parent: this, dependsOn: [workerRole.policy] },
    );

    // Unencrypted on purpose: CloudWatch alarms cannot publish to a topic under the AWS-managed SNS key.
    this.alarmTopic = new aws.sns.Topic(`${name}-alarms`, { name: `${prefix}-user-provisioning-alarms`, tags }, { parent: this });
    new aws.sns.TopicSubscription(
      `${name}-alarm-email`,
      {
        topic: this.alarmTopic.arn,
        protocol: "email",
        endpoint: args.alarmEmail,
      },
      { parent: this },
    );

    // Both alarms fire on the first occurrence within five minutes and stay quiet without data.
    const alarmOnAny = {
      period: 300,
      evaluationPeriods: 1,
      threshold: 1,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      treatMissingData: "notBreaching",
      alarmActions: [this.alarmTopic.arn],
      tags,
    };
    new aws.cloudwatch.MetricAlarm(
      `${name}-dlq-alarm`,
      {
        name: `${prefix}-user-provisioning-dlq-not-empty`,
        alarmDescription: `New members could not be onboarded (n8n invitation or notice) and wait in ${prefix}-user-provisioning-dlq. Fix the cause (see /aws/lambda/${workerName}), then run \`pluto dlq redrive\`.`,
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: this.deadLetterQueue.name },
        statistic: "Maximum",
        ...alarmOnAny,
        okActions: [this.alarmTopic.arn],
      },
      { parent: this },
    );

    const metricNamespace = "Pluto/UserProvisioning";
    const metricName = `${prefix}-enqueue-failures`;
    // A term match rather than a JSON pattern: Lambda's text log format prefixes each line with
    // a timestamp and request id, so the line as stored is not pure JSON.
    new aws.cloudwatch.LogMetricFilter(
      `${name}-enqueue-failures`,
      {
        name: metricName,
        logGroupName: producerLogs.name,
        pattern: `"${ENQUEUE_FAILED}"`,
        metricTransformation: { namespace: metricNamespace, name: metricName, value: "1", unit: "Count" },
      },
      { parent: this },
    );
    new aws.cloudwatch.MetricAlarm(
      `${name}-enqueue-alarm`,
      {
        name: `${prefix}-user-provisioning-enqueue-failed`,
        alarmDescription: `The PostConfirmation trigger could not queue a new member (see /aws/lambda/${producerName}, event "${ENQUEUE_FAILED}"). Run \`pluto users sync --since <when it started>\`.`,
        namespace: metricNamespace,
        metricName,
        statistic: "Sum",
        ...alarmOnAny,
      },
      { parent: this },
    );

    this.registerOutputs({
      preSignUp: this.preSignUp,
      producer: this.producer,
      worker: this.worker,
      queue: this.queue,
      deadLetterQueue: this.deadLetterQueue,
      noticeTopic: this.noticeTopic,
      alarmTopic: this.alarmTopic,
    });
  }
}
