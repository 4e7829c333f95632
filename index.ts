// Composition only: read the validated config, create the components, export what operators need.
import { loadConfig } from "./components/config";
import { Cluster } from "./components/cluster";
import { Database } from "./components/database";
import { Identity } from "./components/identity";
import { Ingress } from "./components/ingress";
import { Network } from "./components/network";
import { OpenWebUi } from "./components/openWebUi";
import { UserProvisioning } from "./components/userProvisioning";

const config = loadConfig();
const prefix = config.namePrefix;
const tags = { "pluto:stack": prefix };

const network = new Network(prefix, { natGateways: config.natGateways, tags });

const ingress = new Ingress(`${prefix}-ingress`, {
  domain: config.domain,
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
  tags,
});

const identity = new Identity(`${prefix}-identity`, {
  namePrefix: prefix,
  domain: config.domain,
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

const openWebUi = new OpenWebUi(`${prefix}-openwebui`, {
  namePrefix: prefix,
  domain: config.domain,
  region: config.region,
  image: config.openWebUiImage,
  proxyImage: config.oauth2ProxyImage,
  sizing: config.openWebUi,
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
  databaseUrlSecretArn: database.databaseUrlSecretArn,
  scimTokenSecretArn: provisioning.scimTokenSecret.arn,
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
