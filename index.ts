// Composition only: read the validated config, create the components, export what operators need.
import { isScaledOut, loadConfig } from "./config";
import { AppPlacement } from "./ecs/appPlacement";
import { Cache } from "./components/cache";
import { Cluster } from "./components/cluster";
import { Database } from "./components/database";
import { Identity } from "./components/identity";
import { Ingress } from "./components/ingress";
import { NameClaim } from "./components/nameClaim";
import { N8n } from "./components/n8n";
import { DATABASE_CLIENT, Network } from "./components/network";
import { Backup } from "./components/backup";
import { Waf } from "./components/waf";
import { Monitoring } from "./components/monitoring";
import { modelsSummary } from "./config/models";
import { GATEWAY_BASE_URL } from "./settings/modelWiring";
import { OpenWebUi } from "./components/openWebUi";
import { UserProvisioning } from "./components/userProvisioning";
import { AccessGroups } from "./components/accessGroups";
import { groupsClaim } from "./config/groups";

const config = loadConfig();
const prefix = config.namePrefix;
const tags = { "pluto:stack": prefix };
const n8nHost = config.n8n ? `n8n.${config.domain}` : undefined;
const extraHosts = n8nHost ? [n8nHost] : [];

// Each app gets its own security groups: n8n must not reach Open WebUI's Redis or files; in the
// database it has a role and database of its own (n8n/database.ts).
const network = new Network(prefix, { natGateways: config.natGateways, services: [DATABASE_CLIENT, ...(n8nHost ? ["n8n"] : [])], tags });

const ingress = new Ingress(`${prefix}-ingress`, {
  domain: config.domain,
  extraHostNames: extraHosts,
  hostedZoneName: config.hostedZoneName,
  vpcId: network.vpcId,
  publicSubnetIds: network.publicSubnetIds,
  securityGroupId: network.albSecurityGroup.id,
  region: config.region,
  accessLogRetentionDays: config.accessLogRetentionDays,
  tags,
});

// Created before Identity: the user pool needs the triggers' ARNs (PreSignUp, PostConfirmation).
const provisioning = new UserProvisioning(`${prefix}-provisioning`, {
  namePrefix: prefix,
  appUrl: config.appUrl,
  allowList: config.allowList,
  adminEmails: [config.adminEmail],
  alarmEmail: config.alarmEmail,
  n8n: n8nHost ? { url: `https://${n8nHost}` } : undefined,
  tags,
});

// The person's name in the ID token, for Open WebUI's trusted name header.
const nameClaim = new NameClaim(`${prefix}-name-claim`, { namePrefix: prefix, tags });

const identity = new Identity(`${prefix}-identity`, {
  namePrefix: prefix,
  domain: config.domain,
  extraHosts,
  region: config.region,
  zoneId: ingress.zoneId,
  appRecord: ingress.appRecord,
  googleClientId: config.googleClientId,
  googleClientSecret: config.googleClientSecret,
  postConfirmation: provisioning.producer,
  preTokenGeneration: nameClaim.function,
  preSignUp: provisioning.preSignUp,
  tags,
});

// The groups whose members Open WebUI puts in its groups of the same name (docs/groups.md).
new AccessGroups(`${prefix}-groups`, { userPoolId: identity.userPool.id, groups: config.groups });

const database = new Database(`${prefix}-db`, {
  namePrefix: prefix,
  subnetIds: network.privateSubnetIds,
  securityGroupId: network.databaseSecurityGroup.id,
  sizing: config.database,
  tags,
});

const cluster = new Cluster(prefix, { namePrefix: prefix, tags });

// Where an app runs and how its users sign in; the same for Open WebUI and n8n but for their own security groups.
const placement = (app: string): AppPlacement => ({
  region: config.region,
  network: {
    vpcId: network.vpcId,
    taskSubnetIds: network.taskSubnetIds,
    fileSystemSubnetIds: network.fileSystemSubnetIds,
    subnetCount: network.availabilityZones,
    assignPublicIp: network.assignPublicIp,
    taskSecurityGroupId: network.taskSecurityGroups[app].id,
    fileSystemSecurityGroupId: network.fileSystemSecurityGroups[app].id,
  },
  clusterArn: cluster.cluster.arn,
  logGroupName: cluster.logGroupName,
  logGroupArn: cluster.logGroup.arn,
  listener: ingress.httpsListener,
  identity: {
    issuerUrl: identity.issuerUrl,
    clientId: identity.client.id,
    clientSecretArn: identity.clientSecretArn,
    authDomain: identity.authDomain,
    allowList: config.allowList,
    groupsClaim: groupsClaim(config.groups),
  },
  proxySettings: config.oauth2ProxySettings,
  tags,
});

// More than one Open WebUI task needs shared websocket/app state; a single task needs none of it.
const cache = isScaledOut(config.openWebUi)
  ? new Cache(`${prefix}-cache`, {
      namePrefix: prefix,
      vpcId: network.vpcId,
      subnetIds: network.privateSubnetIds,
      clientSecurityGroupId: network.taskSecurityGroups[DATABASE_CLIENT].id,
      nodeType: config.redisNodeType,
      tags,
    })
  : undefined;

const openWebUi = new OpenWebUi(`${prefix}-openwebui`, {
  ...placement(DATABASE_CLIENT),
  namePrefix: prefix,
  domain: config.domain,
  image: config.openWebUiImage,
  proxyImage: config.oauth2ProxyImage,
  sizing: config.openWebUi,
  adminEmail: config.adminEmail,
  settings: config.openWebUiSettings,
  models: config.models,
  redisUrlSecretArn: cache?.urlSecretArn,
  secretSettings: config.openWebUiSecrets,
  loadBalancerArnSuffix: ingress.loadBalancer.arnSuffix,
  dataDirectory: config.backup.restoredDataDirectories.openwebui,
  databaseUrlSecretArn: database.databaseUrlSecretArn,
});

const n8n =
  config.n8n && n8nHost
    ? new N8n(`${prefix}-n8n`, {
        ...placement("n8n"),
        namePrefix: prefix,
        host: n8nHost,
        config: config.n8n,
        proxyImage: config.oauth2ProxyImage,
        dataDirectory: config.backup.restoredDataDirectories.n8n,
        database: { host: database.instance.address, port: database.instance.port, adminUrlSecretArn: database.databaseUrlSecretArn },
      })
    : undefined;

// Daily backups of every file system the stack keeps data on; RDS keeps its own automated backups.
const backup = new Backup(`${prefix}-backup`, {
  namePrefix: prefix,
  resources: [openWebUi.storage.fileSystem.arn, ...(n8n ? [n8n.storage.fileSystem.arn] : [])],
  retentionDays: config.backup.retentionDays,
  schedule: config.backup.schedule,
  tags,
});

const waf = config.waf.enabled
  ? new Waf(`${prefix}-waf`, {
      namePrefix: prefix,
      loadBalancerArn: ingress.loadBalancer.arn,
      requestsPer5Minutes: config.waf.requestsPer5Minutes,
      tags,
    })
  : undefined;

// Alarms to the onboarding alarm topic (emailed to alarmEmail) and the dashboard `<prefix>-workspace`.
const apps = [{ app: "openwebui", service: openWebUi.service }, ...(n8n ? [{ app: "n8n", service: n8n.service }] : [])];
new Monitoring(`${prefix}-monitoring`, {
  stack: {
    namePrefix: prefix,
    region: config.region,
    clusterName: cluster.clusterName,
    loadBalancerArnSuffix: ingress.loadBalancer.arnSuffix,
    services: apps.map(({ app, service }) => ({ app, serviceName: service.serviceName, targetGroupArnSuffix: service.targetGroup.arnSuffix })),
    dbInstanceId: database.instance.identifier,
    webAclMetricName: waf?.webAcl.visibilityConfig.metricName,
    gatewayLogGroupName: config.models.bedrock ? cluster.logGroupName : undefined,
  },
  thresholds: config.alarms,
  alarmTopicArn: provisioning.alarmTopic.arn,
  tags,
});

export const appUrl = config.appUrl;
export const authDomain = identity.authDomain;
export const userPoolId = identity.userPool.id;
export const appClientId = identity.client.id;
export const clusterName = cluster.clusterName;
export const serviceName = openWebUi.serviceName;
export const logGroupName = cluster.logGroupName;
export const provisioningQueueUrl = provisioning.queue.url;
export const provisioningDlqUrl = provisioning.deadLetterQueue.url;
export const n8nUrl = n8n?.url;
export const n8nApiKeySecretArn = provisioning.n8nApiKeySecret?.arn;
export const accessLogBucket = ingress.accessLogs.bucket.bucket;
export const newMemberTopicArn = provisioning.noticeTopic.arn;
export const backupVaultName = backup.vaultName;
export const backupRoleArn = backup.role.arn;
/** The model connections Open WebUI lists (names, URLs, Bedrock models); empty when none is configured. */
export const models = modelsSummary(config.models, GATEWAY_BASE_URL);
