import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import { NatGateways } from "./config";
import { PROXY_PORT } from "./golden";

export interface NetworkArgs {
  /** NAT strategy for private subnets. `none` runs tasks in public subnets with public IPs (no NAT cost). Defaults to `single`. */
  natGateways?: NatGateways;
  /** Availability zones to span; the ALB and RDS subnet group need at least 2. Defaults to 2. */
  availabilityZones?: number;
  /** VPC CIDR block. Defaults to 10.0.0.0/16. */
  cidrBlock?: string;
  /**
   * The services behind the load balancer. Each gets its own task security group (the load
   * balancer may reach its proxy port only) and its own security group for its file system's mount
   * targets, so that no service can reach another's files. Defaults to `["openwebui"]`.
   */
  services?: string[];
  tags?: Record<string, string>;
}

/** The service whose tasks may reach the database (and Redis, through `Cache`). */
export const DATABASE_CLIENT = "openwebui";

const NAT_STRATEGY: Record<NatGateways, awsx.types.enums.ec2.NatGatewayStrategy> = {
  none: "None",
  single: "Single",
  perAz: "OnePerAz",
};

/**
 * Open WebUI's groups keep the names they had when it was the only service, so that existing stacks
 * keep them; every other service's groups are named after it.
 */
function serviceRole(service: string, role: "task" | "efs"): string {
  return service === DATABASE_CLIENT ? role : `${service}-${role}`;
}

/**
 * The VPC and the security groups that encode who may talk to whom:
 * internet → ALB on 443/80; ALB → each service's tasks on the proxy port only; each service's tasks
 * → its own file system; Open WebUI's tasks → the database. The app port (8080) is opened to nothing:
 * trusted-header auth is a full bypass for anyone who reaches it.
 */
export class Network extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  readonly publicSubnetIds: pulumi.Output<string[]>;
  readonly privateSubnetIds: pulumi.Output<string[]>;
  /** Where tasks run: private subnets, or public ones when there is no NAT. */
  readonly taskSubnetIds: pulumi.Output<string[]>;
  /** Tasks need a public IP to pull images when there is no NAT gateway. */
  readonly assignPublicIp: boolean;
  readonly availabilityZones: number;
  readonly albSecurityGroup: aws.ec2.SecurityGroup;
  /** Per service (`services`): the group its tasks run in. */
  readonly taskSecurityGroups: Record<string, aws.ec2.SecurityGroup>;
  /** Per service: the group of its file system's mount targets, open to that service's tasks only. */
  readonly fileSystemSecurityGroups: Record<string, aws.ec2.SecurityGroup>;
  readonly databaseSecurityGroup: aws.ec2.SecurityGroup;

  constructor(name: string, args: NetworkArgs = {}, opts: pulumi.ComponentResourceOptions = {}) {
    super("pluto:network:Network", name, {}, opts);
    const natGateways = args.natGateways ?? "single";
    this.availabilityZones = args.availabilityZones ?? 2;
    const tags = { Name: name, ...args.tags };

    const vpc = new awsx.ec2.Vpc(
      `${name}-vpc`,
      {
        cidrBlock: args.cidrBlock ?? "10.0.0.0/16",
        numberOfAvailabilityZones: this.availabilityZones,
        natGateways: { strategy: NAT_STRATEGY[natGateways] },
        subnetStrategy: "Auto",
        subnetSpecs: [
          { type: "Public", cidrMask: 22 },
          { type: "Private", cidrMask: 20 },
        ],
        enableDnsHostnames: true,
        enableDnsSupport: true,
        tags,
      },
      { parent: this },
    );
    this.vpcId = vpc.vpcId;
    this.publicSubnetIds = vpc.publicSubnetIds;
    this.privateSubnetIds = vpc.privateSubnetIds;
    this.assignPublicIp = natGateways === "none";
    this.taskSubnetIds = this.assignPublicIp ? vpc.publicSubnetIds : vpc.privateSubnetIds;

    const group = (role: string, description: string) =>
      new aws.ec2.SecurityGroup(
        `${name}-${role}`,
        {
          vpcId: this.vpcId,
          description,
          // Rules are separate resources below, so that changing one never replaces the group.
          tags: { ...tags, Name: `${name}-${role}` },
        },
        { parent: this },
      );
    const services = args.services ?? [DATABASE_CLIENT];
    if (!services.includes(DATABASE_CLIENT)) throw new Error(`Network ${name}: services must include ${DATABASE_CLIENT}, the database's client`);
    this.albSecurityGroup = group("alb", "Load balancer: HTTPS and HTTP from the internet");
    // Descriptions cannot change without replacing a group; these are the ones existing stacks have.
    this.taskSecurityGroups = Object.fromEntries(
      services.map((s) => [s, group(serviceRole(s, "task"), "Fargate tasks: the oauth2-proxy port from the load balancer only")]),
    );
    this.databaseSecurityGroup = group("db", "PostgreSQL from the tasks only");
    this.fileSystemSecurityGroups = Object.fromEntries(services.map((s) => [s, group(serviceRole(s, "efs"), "NFS from the tasks only")]));

    const ingress = (
      role: string,
      sg: aws.ec2.SecurityGroup,
      port: number,
      from: { cidrIpv4?: string; cidrIpv6?: string; referencedSecurityGroupId?: pulumi.Input<string> },
      description: string,
    ) =>
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-${role}`,
        {
          securityGroupId: sg.id,
          ipProtocol: "tcp",
          fromPort: port,
          toPort: port,
          description,
          ...from,
        },
        { parent: sg },
      );
    for (const port of [443, 80]) {
      ingress(`alb-in-${port}-v4`, this.albSecurityGroup, port, { cidrIpv4: "0.0.0.0/0" }, `HTTP${port === 443 ? "S" : ""} from the internet`);
      ingress(`alb-in-${port}-v6`, this.albSecurityGroup, port, { cidrIpv6: "::/0" }, `HTTP${port === 443 ? "S" : ""} from the internet`);
    }
    for (const service of services) {
      const task = this.taskSecurityGroups[service];
      const isFirst = service === DATABASE_CLIENT;
      new aws.vpc.SecurityGroupEgressRule(
        `${name}-alb-out-${isFirst ? "proxy" : service}`,
        {
          securityGroupId: this.albSecurityGroup.id,
          ipProtocol: "tcp",
          fromPort: PROXY_PORT,
          toPort: PROXY_PORT,
          referencedSecurityGroupId: task.id,
          description: "To oauth2-proxy in the tasks, nothing else",
        },
        { parent: this.albSecurityGroup },
      );
      ingress(
        `${serviceRole(service, "task")}-in-proxy`,
        task,
        PROXY_PORT,
        { referencedSecurityGroupId: this.albSecurityGroup.id },
        "oauth2-proxy from the load balancer",
      );
      // Tasks call out to Cognito (OIDC), image registries, Secrets Manager and model APIs.
      new aws.vpc.SecurityGroupEgressRule(
        `${name}-${serviceRole(service, "task")}-out-all`,
        {
          securityGroupId: task.id,
          ipProtocol: "-1",
          cidrIpv4: "0.0.0.0/0",
          description: "Outbound to AWS APIs, identity provider, model APIs",
        },
        { parent: task },
      );
      ingress(
        `${serviceRole(service, "efs")}-in-tasks`,
        this.fileSystemSecurityGroups[service],
        2049,
        { referencedSecurityGroupId: task.id },
        "NFS from the tasks",
      );
    }
    ingress(
      "db-in-tasks",
      this.databaseSecurityGroup,
      5432,
      { referencedSecurityGroupId: this.taskSecurityGroups[DATABASE_CLIENT].id },
      "PostgreSQL from the tasks",
    );

    this.registerOutputs({
      vpcId: this.vpcId,
      publicSubnetIds: this.publicSubnetIds,
      privateSubnetIds: this.privateSubnetIds,
    });
  }
}
