import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

export interface ClusterArgs {
  namePrefix: string;
  /** Days to keep container logs. Defaults to 30. */
  logRetentionDays?: number;
  tags?: Record<string, string>;
}

/** The ECS cluster and the shared container log group, named so the runbook's commands work verbatim. */
export class Cluster extends pulumi.ComponentResource {
  readonly cluster: aws.ecs.Cluster;
  readonly logGroup: aws.cloudwatch.LogGroup;
  /** `<prefix>-cluster` */
  readonly clusterName: pulumi.Output<string>;
  /** `/<prefix>/ecs` */
  readonly logGroupName: pulumi.Output<string>;

  constructor(name: string, args: ClusterArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("pluto:ecs:Cluster", name, {}, opts);
    const tags = { Name: name, ...args.tags };
    this.cluster = new aws.ecs.Cluster(
      `${name}-cluster`,
      {
        name: `${args.namePrefix}-cluster`,
        settings: [{ name: "containerInsights", value: "enabled" }],
        tags,
      },
      { parent: this },
    );
    this.logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      {
        name: `/${args.namePrefix}/ecs`,
        retentionInDays: args.logRetentionDays ?? 30,
        tags,
      },
      { parent: this },
    );
    this.clusterName = this.cluster.name;
    this.logGroupName = this.logGroup.name;
    this.registerOutputs({ clusterName: this.clusterName, logGroupName: this.logGroupName });
  }
}
