// Composition only: read the validated config, create the components, export what operators need.
import { isScaledOut, loadConfig } from "./components/config";
import { AppPlacement } from "./components/appPlacement";
import { Cache } from "./components/cache";
import { Cluster } from "./components/cluster";
import { Database } from "./components/database";
import { Identity } from "./components/identity";
import { Ingress } from "./components/ingress";
import { N8n } from "./components/n8n";
import { Network } from "./components/network";
import { OpenWebUi } from "./components/openWebUi";
import { UserProvisioning } from "./components/userProvisioning";

const config = loadConfig();
const prefix = config.namePrefix;
const tags = { "pluto:stack": prefix };
const n8nHost = config.n8n ? `n8n.${config.domain}` : undefined;
const extraHosts = n8nHost ? [n8nHost] : [];

const network = new Network(prefix, { natGateways: config.natGateways, tags });

const ingress = new Ingress(`${prefix}-ingress`, {
  domain: config.domain,
  extraHostNames: extraHosts,
  hostedZoneName: config.hostedZoneName,
  vpcId: network.vpcId,
  publicSubnetIds: network.publicSubnetIds,
  securityGroupId: network.albSecurityGroup.id,
  tags,
});

// Created before Identity: the user pool needs the producer's ARN for its PostConfirmation trigger.
const provisioning = new UserProvisioning(`${prefix}-provisioning`, {
  namePrefix: prefix,
  openWebUiUrl: config.appUrl,
  alarmEmail: config.alarmEmail,
  n8n: n8nHost ? { url: `https://${n8nHost}` } : undefined,
  tags,
});

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
  tags,
});

const database = new Database(`${prefix}-db`, {
  namePrefix: prefix,
  subnetIds: network.privateSubnetIds,
  securityGroupId: network.databaseSecurityGroup.id,
  sizing: config.database,
  tags,
});

const cluster = new Cluster(prefix, { namePrefix: prefix, tags });

// Where apps run and how their users sign in; shared by Open WebUI and n8n.
const placement: AppPlacement = {
  region: config.region,
  network: {
    vpcId: network.vpcId,
    taskSubnetIds: network.taskSubnetIds,
    subnetCount: network.availabilityZones,
    assignPublicIp: network.assignPublicIp,
    taskSecurityGroupId: network.taskSecurityGroup.id,
    fileSystemSecurityGroupId: network.fileSystemSecurityGroup.id,
  },
  clusterArn: cluster.cluster.arn,
  logGroupName: cluster.logGroupName,
  listener: ingress.httpsListener,
  identity: {
    issuerUrl: identity.issuerUrl,
    clientId: identity.client.id,
    clientSecretArn: identity.clientSecretArn,
    authDomain: identity.authDomain,
  },
  tags,
};

// More than one Open WebUI task needs shared websocket/app state; a single task needs none of it.
const cache = isScaledOut(config.openWebUi)
  ? new Cache(`${prefix}-cache`, {
    vpcId: network.vpcId,
    subnetIds: network.privateSubnetIds,
    clientSecurityGroupId: network.taskSecurityGroup.id,
    nodeType: config.redisNodeType,
    tags,
  })
  : undefined;

const openWebUi = new OpenWebUi(`${prefix}-openwebui`, {
  ...placement,
  namePrefix: prefix,
  domain: config.domain,
  image: config.openWebUiImage,
  proxyImage: config.oauth2ProxyImage,
  sizing: config.openWebUi,
  adminEmail: config.adminEmail,
  settings: config.openWebUiSettings,
  proxySettings: config.oauth2ProxySettings,
  secretSettings: config.openWebUiSecrets,
  redisUrl: cache?.url,
  loadBalancerArnSuffix: ingress.loadBalancer.arnSuffix,
  databaseUrlSecretArn: database.databaseUrlSecretArn,
  scimTokenSecretArn: provisioning.scimTokenSecret.arn,
});

const n8n = config.n8n && n8nHost
  ? new N8n(`${prefix}-n8n`, { ...placement, namePrefix: prefix, host: n8nHost, config: config.n8n, proxyImage: config.oauth2ProxyImage })
  : undefined;

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
