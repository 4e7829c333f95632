import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { FileStorage, PosixIdentity } from "../components/fileStorage";
import { ProxiedServiceArgs } from "../components/proxiedService";
import { AllowList } from "../functions/allowList";

/**
 * Where an app runs and how its users sign in: the same for every app behind the shared load
 * balancer (Open WebUI, n8n). Apps take this, plus what is their own.
 */
export interface AppPlacement {
  region: string;
  network: {
    vpcId: pulumi.Input<string>;
    /** Where the tasks run; resolves once the tasks can reach the internet (image pulls). */
    taskSubnetIds: pulumi.Input<string[]>;
    /** The same subnets for the file system's mount targets, which need no internet and so need not wait. */
    fileSystemSubnetIds: pulumi.Input<string[]>;
    /** How many entries `taskSubnetIds` has (one EFS mount target each). */
    subnetCount: number;
    assignPublicIp: boolean;
    /** This app's own task security group (never shared: apps must not reach each other's data). */
    taskSecurityGroupId: pulumi.Input<string>;
    /** The security group of this app's file system mount targets, open to its tasks only. */
    fileSystemSecurityGroupId: pulumi.Input<string>;
  };
  clusterArn: pulumi.Input<string>;
  logGroupName: pulumi.Input<string>;
  /** ARN of `logGroupName`; the execution role may write to this group and no other. */
  logGroupArn: pulumi.Input<string>;
  /** The shared HTTPS listener; each app adds a host rule. */
  listener: aws.lb.Listener;
  identity: {
    issuerUrl: pulumi.Input<string>;
    clientId: pulumi.Input<string>;
    clientSecretArn: pulumi.Input<string>;
    authDomain: string;
    /** Who may sign in; every app's oauth2-proxy enforces the same list. */
    allowList: AllowList;
    /** The ID token claim holding the member's groups (`cognito:groups` with `pluto:groups`). Defaults to none. */
    groupsClaim?: string;
  };
  /** Further OAUTH2_PROXY_* settings for every app's proxy (`pluto:oauth2ProxySettings`). Defaults to none. */
  proxySettings?: Record<string, string>;
  tags?: Record<string, string>;
}

/** An app's EFS data directory, reachable from the task subnets. */
export function appStorage(name: string, p: AppPlacement, dir: { rootDirectory: string; posixUser: PosixIdentity }, parent: pulumi.Resource): FileStorage {
  return new FileStorage(
    name,
    {
      subnetIds: p.network.fileSystemSubnetIds,
      subnetCount: p.network.subnetCount,
      securityGroupId: p.network.fileSystemSecurityGroupId,
      ...dir,
      tags: { Name: name, ...p.tags },
    },
    { parent },
  );
}

/**
 * The `ProxiedService` arguments that follow from the placement, the sign-in proxy and the app's
 * storage. Every app's proxy gets the same identity, allow-list and extra settings.
 */
export function placedServiceArgs(
  p: AppPlacement,
  proxy: Pick<ProxiedServiceArgs["proxy"], "image" | "skipAuthRoutes">,
  storage: FileStorage,
): Pick<
  ProxiedServiceArgs,
  "proxy" | "clusterArn" | "region" | "logGroupName" | "logGroupArn" | "vpcId" | "subnetIds" | "assignPublicIp" | "securityGroupId" | "listener" | "volume"
> {
  return {
    proxy: { ...proxy, ...p.identity, extraEnvironment: p.proxySettings },
    clusterArn: p.clusterArn,
    region: p.region,
    logGroupName: p.logGroupName,
    logGroupArn: p.logGroupArn,
    vpcId: p.network.vpcId,
    subnetIds: p.network.taskSubnetIds,
    assignPublicIp: p.network.assignPublicIp,
    securityGroupId: p.network.taskSecurityGroupId,
    listener: p.listener,
    volume: storage,
  };
}
