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
  tags?: Record<string, string>;
}

const NAT_STRATEGY: Record<NatGateways, awsx.types.enums.ec2.NatGatewayStrategy> = {
  none: "None",
  single: "Single",
  perAz: "OnePerAz",
};

/**
 * The VPC and the security groups that encode who may talk to whom:
 * internet → ALB on 443/80; ALB → tasks on the proxy port only; tasks → database and file system.
 * The app port (8080) is opened to nothing: trusted-header auth is a full bypass for anyone who reaches it.
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
  readonly taskSecurityGroup: aws.ec2.SecurityGroup;
  readonly databaseSecurityGroup: aws.ec2.SecurityGroup;
  readonly fileSystemSecurityGroup: aws.ec2.SecurityGroup;

  constructor(name: string, args: NetworkArgs = {}, opts: pulumi.ComponentResourceOptions = {}) {
    super("pluto:network:Network", name, {}, opts);
    const natGateways = args.natGateways ?? "single";
    this.availabilityZones = args.availabilityZones ?? 2;
    const tags = { Name: name, ...args.tags };

    const vpc = new awsx.ec2.Vpc(`${name}-vpc`, {
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
    }, { parent: this });
    this.vpcId = vpc.vpcId;
    this.publicSubnetIds = vpc.publicSubnetIds;
    this.privateSubnetIds = vpc.privateSubnetIds;
    this.assignPublicIp = natGateways === "none";
    this.taskSubnetIds = this.assignPublicIp ? vpc.publicSubnetIds : vpc.privateSubnetIds;

    const group = (role: string, description: string) =>
      new aws.ec2.SecurityGroup(`${name}-${role}`, {
        vpcId: this.vpcId,
        description,
        // Rules are separate resources below, so that changing one never replaces the group.
        tags: { ...tags, Name: `${name}-${role}` },
      }, { parent: this });
    this.albSecurityGroup = group("alb", "Load balancer: HTTPS and HTTP from the internet");
    this.taskSecurityGroup = group("task", "Fargate tasks: the oauth2-proxy port from the load balancer only");
    this.databaseSecurityGroup = group("db", "PostgreSQL from the tasks only");
    this.fileSystemSecurityGroup = group("efs", "NFS from the tasks only");

    const ingress = (role: string, sg: aws.ec2.SecurityGroup, port: number, from: { cidrIpv4?: string; cidrIpv6?: string; referencedSecurityGroupId?: pulumi.Input<string> }, description: string) =>
      new aws.vpc.SecurityGroupIngressRule(`${name}-${role}`, {
        securityGroupId: sg.id, ipProtocol: "tcp", fromPort: port, toPort: port, description, ...from,
      }, { parent: sg });
    for (const port of [443, 80]) {
      ingress(`alb-in-${port}-v4`, this.albSecurityGroup, port, { cidrIpv4: "0.0.0.0/0" }, `HTTP${port === 443 ? "S" : ""} from the internet`);
      ingress(`alb-in-${port}-v6`, this.albSecurityGroup, port, { cidrIpv6: "::/0" }, `HTTP${port === 443 ? "S" : ""} from the internet`);
    }
    new aws.vpc.SecurityGroupEgressRule(`${name}-alb-out-proxy`, {
      securityGroupId: this.albSecurityGroup.id, ipProtocol: "tcp", fromPort: PROXY_PORT, toPort: PROXY_PORT,
      referencedSecurityGroupId: this.taskSecurityGroup.id, description: "To oauth2-proxy in the tasks, nothing else",
    }, { parent: this.albSecurityGroup });

    ingress("task-in-proxy", this.taskSecurityGroup, PROXY_PORT, { referencedSecurityGroupId: this.albSecurityGroup.id }, "oauth2-proxy from the load balancer");
    // Tasks call out to Cognito (OIDC), image registries, Secrets Manager and model APIs.
    new aws.vpc.SecurityGroupEgressRule(`${name}-task-out-all`, {
      securityGroupId: this.taskSecurityGroup.id, ipProtocol: "-1", cidrIpv4: "0.0.0.0/0", description: "Outbound to AWS APIs, identity provider, model APIs",
    }, { parent: this.taskSecurityGroup });

    ingress("db-in-tasks", this.databaseSecurityGroup, 5432, { referencedSecurityGroupId: this.taskSecurityGroup.id }, "PostgreSQL from the tasks");
    ingress("efs-in-tasks", this.fileSystemSecurityGroup, 2049, { referencedSecurityGroupId: this.taskSecurityGroup.id }, "NFS from the tasks");

    this.registerOutputs({
      vpcId: this.vpcId,
      publicSubnetIds: this.publicSubnetIds,
      privateSubnetIds: this.privateSubnetIds,
    });
  }
}
