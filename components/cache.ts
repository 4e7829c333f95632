import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as random from "@pulumi/random";
import { storedSecret } from "../secrets/storedSecret";

export interface CacheArgs {
  /** Prefix of the secret's name (`<prefix>/openwebui/redis-url`). */
  namePrefix: string;
  vpcId: pulumi.Input<string>;
  subnetIds: pulumi.Input<string[]>;
  /** Only this security group (the tasks') may connect. */
  clientSecurityGroupId: pulumi.Input<string>;
  /** Defaults to cache.t4g.micro. */
  nodeType?: string;
  tags?: Record<string, string>;
}

/**
 * The connection URL Open WebUI reads: TLS (`rediss`), the AUTH token as the password, database 0.
 * The token is alphanumeric, so it needs no URL escaping.
 */
export function redisUrl(authToken: string, host: string, port = 6379): string {
  return `rediss://:${authToken}@${host}:${port}/0`;
}

/**
 * Redis for a scaled-out Open WebUI: with more than one task, websocket sessions and app state must
 * be shared. Private, encrypted at rest and in transit, reachable from Open WebUI's tasks only, and
 * every client must present the AUTH token.
 */
export class Cache extends pulumi.ComponentResource {
  readonly replicationGroup: aws.elasticache.ReplicationGroup;
  readonly securityGroup: aws.ec2.SecurityGroup;
  /** `rediss://:<token>@host:6379/0` for ECS `secrets`: its Secrets Manager ARN pinned to the stored version, so a new cluster rolls the tasks. */
  readonly urlSecretArn: pulumi.Output<string>;

  constructor(name: string, args: CacheArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("pluto:cache:Cache", name, {}, opts);
    const tags = { Name: name, ...args.tags };
    this.securityGroup = new aws.ec2.SecurityGroup(
      `${name}-sg`,
      {
        vpcId: args.vpcId,
        description: "Redis from the tasks only",
        tags,
      },
      { parent: this },
    );
    new aws.vpc.SecurityGroupIngressRule(
      `${name}-in-tasks`,
      {
        securityGroupId: this.securityGroup.id,
        ipProtocol: "tcp",
        fromPort: 6379,
        toPort: 6379,
        referencedSecurityGroupId: args.clientSecurityGroupId,
        description: "Redis from the tasks",
      },
      { parent: this.securityGroup },
    );
    const subnets = new aws.elasticache.SubnetGroup(
      `${name}-subnets`,
      {
        subnetIds: args.subnetIds,
        description: "Private subnets for Redis",
        tags,
      },
      { parent: this },
    );
    // AUTH tokens: 16-128 printable characters, few specials allowed
    // (https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth.html); letters and digits only.
    const authToken = new random.RandomPassword(`${name}-auth-token`, { length: 64, special: false }, { parent: this });
    this.replicationGroup = new aws.elasticache.ReplicationGroup(
      `${name}-redis`,
      {
        description: "Open WebUI websocket and app state shared across tasks",
        engine: "redis",
        engineVersion: "7.1",
        nodeType: args.nodeType ?? "cache.t4g.micro",
        numCacheClusters: 1,
        port: 6379,
        subnetGroupName: subnets.name,
        securityGroupIds: [this.securityGroup.id],
        atRestEncryptionEnabled: true,
        // AUTH requires encryption in transit.
        transitEncryptionEnabled: true,
        authToken: authToken.result,
        automaticFailoverEnabled: false,
        tags,
      },
      { parent: this },
    );
    this.urlSecretArn = storedSecret(
      `${name}-url`,
      {
        secretName: `${args.namePrefix}/openwebui/redis-url`,
        description: "REDIS_URL and WEBSOCKET_REDIS_URL for Open WebUI (with the AUTH token)",
        value: pulumi.all([authToken.result, this.replicationGroup.primaryEndpointAddress]).apply(([token, host]) => redisUrl(token, host)),
        tags,
      },
      this,
    ).valueFrom;
    this.registerOutputs({ urlSecretArn: this.urlSecretArn });
  }
}
