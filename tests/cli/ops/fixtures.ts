import { mockClient } from "aws-sdk-client-mock";
import { ECSClient, Service, TaskDefinition } from "@aws-sdk/client-ecs";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { SQSClient } from "@aws-sdk/client-sqs";
import { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import {
  BackupClient,
  GetBackupSelectionCommand,
  ListBackupPlansCommand,
  ListBackupSelectionsCommand,
  ListRecoveryPointsByResourceCommand,
} from "@aws-sdk/client-backup";
import { DescribeDBInstancesCommand, RDSClient } from "@aws-sdk/client-rds";
import { CloudWatchClient, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { main } from "../../../cli/main";
import { memoryIo } from "../../../cli/io";
import { awslogs, oauth2ProxyContainer, openWebUiEnvironment, signOutRedirectUrl, toEnvList, toSecretList } from "../../../settings/golden";

export const REGION = "eu-west-1";
export const ACCOUNT = "123456789012";
export const CLUSTER_ARN = `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/pluto-cluster`;
export const SERVICE_ARN = `arn:aws:ecs:${REGION}:${ACCOUNT}:service/pluto-cluster/pluto-openwebui`;
export const tdArn = (rev: number, family = "pluto-openwebui") => `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${family}:${rev}`;
export const taskArn = (id: string) => `arn:aws:ecs:${REGION}:${ACCOUNT}:task/pluto-cluster/${id}`;
export const secretArn = (name: string) => `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:pluto/${name}-AbCdEf`;

const POOL_ID = `${REGION}_Ab12Cd34E`;
const APP_URL = "https://pluto.example.com";
const AUTH_DOMAIN = "auth.pluto.example.com";
const CLIENT_ID = "77n2g266last0jim5h1c0qjckn";

export interface TdChanges {
  /** Env of the openwebui container to add or override. */
  set?: Record<string, string>;
  /** Env names of the openwebui container to drop. */
  unset?: string[];
  /** Env of the oauth2-proxy container to add or override. */
  proxySet?: Record<string, string>;
  image?: string;
  secrets?: Record<string, string>;
}

/**
 * The live Open WebUI task definition as DescribeTaskDefinition returns it, built from the
 * golden configuration so that fixtures cannot drift from what the program deploys. Built, it
 * shares the golden functions' assumptions; fixtures-literal/ holds one written out by hand in the
 * exact shape ECS returns, and literal.spec.ts runs doctor, diff and lint against that.
 */
export function taskDefinition(rev: number, changes: TdChanges = {}): TaskDefinition {
  const golden = openWebUiEnvironment<string>({
    appUrl: APP_URL,
    signOutRedirectUrl: signOutRedirectUrl({ authDomain: AUTH_DOMAIN, clientId: CLIENT_ID, appUrl: APP_URL }),
    adminEmail: "admin@example.com",
  });
  const env: Record<string, string> = { ...golden, ...changes.set };
  for (const k of changes.unset ?? []) delete env[k];
  const proxy = oauth2ProxyContainer({
    image: "quay.io/oauth2-proxy/oauth2-proxy:v7.15.3",
    issuerUrl: `https://cognito-idp.${REGION}.amazonaws.com/${POOL_ID}`,
    clientId: CLIENT_ID,
    clientSecretArn: secretArn("oauth2-client-secret"),
    cookieSecretArn: secretArn("oauth2-cookie-secret"),
    appUrl: APP_URL,
    authDomain: AUTH_DOMAIN,
    allowList: { domains: ["example.com"], emails: [], anyGoogleAccount: false },
    logGroup: "/pluto/ecs",
    region: REGION,
    appContainerName: "openwebui",
  });
  const proxyEnv = { ...Object.fromEntries(proxy.environment.map((e) => [e.name, e.value])), ...changes.proxySet };
  return {
    taskDefinitionArn: tdArn(rev),
    family: "pluto-openwebui",
    revision: rev,
    status: "ACTIVE",
    networkMode: "awsvpc",
    requiresCompatibilities: ["FARGATE"],
    cpu: "1024",
    memory: "2048",
    containerDefinitions: [
      {
        name: "openwebui",
        image: changes.image ?? "ghcr.io/open-webui/open-webui:v0.11.4",
        essential: true,
        portMappings: [{ containerPort: 8080, protocol: "tcp" }],
        environment: toEnvList(env),
        secrets: toSecretList(
          changes.secrets ?? {
            WEBUI_SECRET_KEY: secretArn("webui-secret-key"),
            DATABASE_URL: secretArn("database-url"),
            WEBUI_ADMIN_PASSWORD: secretArn("openwebui/admin-password"),
          },
        ),
        logConfiguration: awslogs("/pluto/ecs", REGION, "openwebui"),
      },
      { ...proxy, environment: toEnvList(proxyEnv) },
    ],
  };
}

const T0 = new Date("2026-01-29T10:00:00Z");
export const minutesAfterT0 = (m: number) => new Date(T0.getTime() + m * 60_000);

/** A steady service on revision `rev`: one COMPLETED primary deployment, 1/1 running. */
export function service(rev: number, extra: Partial<Service> = {}): Service {
  return {
    serviceArn: SERVICE_ARN,
    serviceName: "pluto-openwebui",
    clusterArn: CLUSTER_ARN,
    status: "ACTIVE",
    desiredCount: 1,
    runningCount: 1,
    pendingCount: 0,
    launchType: "FARGATE",
    taskDefinition: tdArn(rev),
    deployments: [
      {
        id: "ecs-svc/1111111111111111111",
        status: "PRIMARY",
        taskDefinition: tdArn(rev),
        desiredCount: 1,
        runningCount: 1,
        pendingCount: 0,
        failedTasks: 0,
        createdAt: T0,
        updatedAt: minutesAfterT0(3),
        rolloutState: "COMPLETED",
        rolloutStateReason: "ECS deployment ecs-svc/1111111111111111111 completed.",
      },
    ],
    events: [{ id: "e1", createdAt: minutesAfterT0(3), message: "(service pluto-openwebui) has reached a steady state." }],
    ...extra,
  };
}

export const FS_ARN = `arn:aws:elasticfilesystem:${REGION}:${ACCOUNT}:file-system/fs-0123456789abcdef0`;
export const BACKUP_PLAN_ID = "8a3c5b2e-0000-4000-8000-00000000b001";

/**
 * The stack's backups as AWS Backup and RDS describe them (shapes from the AWS Backup API reference:
 * ListBackupPlans, ListBackupSelections, GetBackupSelection, ListRecoveryPointsByResource; and RDS
 * DescribeDBInstances), all fresh as of `now`.
 */
export function healthyBackups(m: Pick<AwsMocks, "backup" | "rds">, now: Date = new Date(), prefix = "pluto") {
  m.backup.on(ListBackupPlansCommand).resolves({ BackupPlansList: [{ BackupPlanName: `${prefix}-backup`, BackupPlanId: BACKUP_PLAN_ID }] });
  m.backup
    .on(ListBackupSelectionsCommand)
    .resolves({ BackupSelectionsList: [{ SelectionId: "sel-1", SelectionName: "pluto-file-systems", BackupPlanId: BACKUP_PLAN_ID }] });
  m.backup.on(GetBackupSelectionCommand).resolves({
    BackupPlanId: BACKUP_PLAN_ID,
    SelectionId: "sel-1",
    BackupSelection: { SelectionName: "pluto-file-systems", IamRoleArn: `arn:aws:iam::${ACCOUNT}:role/pluto-backup-role`, Resources: [FS_ARN] },
  });
  m.backup.on(ListRecoveryPointsByResourceCommand).resolves({
    RecoveryPoints: [
      {
        RecoveryPointArn: `arn:aws:backup:${REGION}:${ACCOUNT}:recovery-point:rp-1`,
        CreationDate: new Date(now.getTime() - 5 * 3_600_000),
        Status: "COMPLETED",
        BackupVaultName: "pluto-backup",
      },
    ],
  });
  m.rds.on(DescribeDBInstancesCommand).resolves({
    DBInstances: [
      {
        DBInstanceIdentifier: `${prefix}-openwebui`,
        DBInstanceStatus: "available",
        BackupRetentionPeriod: 7,
        LatestRestorableTime: new Date(now.getTime() - 4 * 60_000),
      },
    ],
  });
}

/** The stack's alarms as CloudWatch lists them, every one OK (what a quiet day looks like). */
export function quietAlarms(m: Pick<AwsMocks, "cloudwatch">, prefix = "pluto") {
  m.cloudwatch.on(DescribeAlarmsCommand).resolves({
    MetricAlarms: ["alb-5xx", "db-cpu", "user-provisioning-dlq-not-empty"].map((role) => ({ AlarmName: `${prefix}-${role}`, StateValue: "OK" })),
  });
}

/** Fresh mocks for every client the ops commands use (aws-sdk-client-mock patches all instances); backups start healthy. */
export function awsMocks() {
  const m = {
    ecs: mockClient(ECSClient),
    logs: mockClient(CloudWatchLogsClient),
    sqs: mockClient(SQSClient),
    cognito: mockClient(CognitoIdentityProviderClient),
    backup: mockClient(BackupClient),
    rds: mockClient(RDSClient),
    cloudwatch: mockClient(CloudWatchClient),
  };
  healthyBackups(m);
  quietAlarms(m);
  return m;
}
export type AwsMocks = ReturnType<typeof awsMocks>;

export function restoreMocks(m: AwsMocks): void {
  for (const client of Object.values(m)) client.restore();
}

/** Runs `pluto <args>` end to end through main(); returns the exit code and what was printed. */
export async function pluto(args: string[], opts: { isTTY?: boolean } = {}) {
  const io = memoryIo({ isTTY: opts.isTTY });
  const code = await main(["node", "pluto", ...args], io);
  return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n"), io };
}

/** An error shaped like the SDK's service exceptions (name + message + $metadata). */
export function awsError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, $fault: "client", $metadata: { httpStatusCode: 400 } });
}
