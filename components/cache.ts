import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

export interface CacheArgs {
  vpcId: pulumi.Input<string>;
  subnetIds: pulumi.Input<string[]>;
  /** Only this security group (the tasks') may connect. */
  clientSecurityGroupId: pulumi.Input<string>;
  /** Defaults to cache.t4g.micro. */
  nodeType?: string;
  tags?: Record<string, string>;
}

/**
 * Redis for a scaled-out Open WebUI: with more than one task, websocket sessions and app state must
 * be shared. Private, encrypted at rest and in transit, reachable from the tasks only.
 */
export class Cache extends pulumi.ComponentResource {
  readonly replicationGroup: aws.elasticache.ReplicationGroup;
  readonly securityGroup: aws.ec2.SecurityGroup;
  /** `rediss://host:6379/0` (TLS). */
  readonly url: pulumi.Output<string>;

  constructor(name: string, args: CacheArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("pluto:cache:Cache", name, {}, opts);
    const tags = { Name: name, ...args.tags };
    this.securityGroup = new aws.ec2.SecurityGroup(`${name}-sg`, {
      vpcId: args.vpcId,
      description: "Redis from the tasks only",
      tags,
    }, { parent: this });
    new aws.vpc.SecurityGroupIngressRule(`${name}-in-tasks`, {
      securityGroupId: this.securityGroup.id,
      ipProtocol: "tcp", fromPort: 6379, toPort: 6379,
      referencedSecurityGroupId: args.clientSecurityGroupId,
      description: "Redis from the tasks",
    }, { parent: this.securityGroup });
    const subnets = new aws.elasticache.SubnetGroup(`${name}-subnets`, {
      subnetIds: args.subnetIds,
      description: "Private subnets for Redis",
      tags,
    }, { parent: this });
    this.replicationGroup = new aws.elasticache.ReplicationGroup(`${name}-redis`, {
      description: "Open WebUI websocket and app state shared across tasks",
      engine: "redis",
      engineVersion: "7.1",
      nodeType: args.nodeType ?? "cache.t4g.micro",
      numCacheClusters: 1,
      port: 6379,
      subnetGroupName: subnets.name,
      securityGroupIds: [this.securityGroup.id],
      atRestEncryptionEnabled: true,
      transitEncryptionEnabled: true,
      automaticFailoverEnabled: false,
      tags,
    }, { parent: this });
    this.url = pulumi.interpolate`rediss://${this.replicationGroup.primaryEndpointAddress}:6379/0`;
    this.registerOutputs({ url: this.url });
  }
}
