import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import { NatGateways } from "../config";
import { PROXY_PORT } from "../settings/golden";
import { awsxNatUrns, awsxPrivateRouteUrn } from "../naming/awsxVpcUrns";

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

/** How many NAT gateways each strategy runs, and for a private subnet (0-based AZ), which one it uses. */
export function natLayout(natGateways: NatGateways, availabilityZones: number): { gateways: number; gatewayFor: (az: number) => number } {
  if (natGateways === "none") return { gateways: 0, gatewayFor: () => -1 };
  if (natGateways === "single") return { gateways: 1, gatewayFor: () => 0 };
  return { gateways: availabilityZones, gatewayFor: (az) => az };
}

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
 * → its own file system and the database (each service under its own role); Open WebUI's tasks →
 * Redis. The app port (8080) is opened to nothing:
 * trusted-header auth is a full bypass for anyone who reaches it.
 */
export class Network extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  readonly publicSubnetIds: pulumi.Output<string[]>;
  readonly privateSubnetIds: pulumi.Output<string[]>;
  /** Where tasks run: private subnets (resolved once their routes to the NAT exist), or public ones when there is no NAT. */
  readonly taskSubnetIds: pulumi.Output<string[]>;
  /** One per AZ with `perAz`, one with `single`, none with `none`. */
  readonly natGateways: aws.ec2.NatGateway[];
  /** Each private subnet's default route to its NAT gateway. */
  readonly privateRoutes: aws.ec2.Route[];
  /** The same subnets as `taskSubnetIds`, without waiting for the NAT routes: file system mount targets need no internet. */
  readonly fileSystemSubnetIds: pulumi.Output<string[]>;
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

    const vpcName = `${name}-vpc`;
    const vpc = new awsx.ec2.Vpc(
      vpcName,
      {
        cidrBlock: args.cidrBlock ?? "10.0.0.0/16",
        numberOfAvailabilityZones: this.availabilityZones,
        // The NAT gateways are created below, beside the VPC: awsx is a remote component, and
        // whatever reads any of its outputs waits until every child exists. With the NAT inside, the
        // load balancer, the security groups and the database all waited for a NAT gateway (about
        // 1:40) that none of them uses; now only the tasks do.
        natGateways: { strategy: "None" },
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

    // The resources awsx created before, under the same AWS inputs and tags, and aliased to the URNs
    // it gave them: an existing stack keeps its NAT gateway, its egress address and its routes.
    const layout = natLayout(natGateways, this.availabilityZones);
    const natTags = (azNum: number) => ({ ...tags, Name: `${vpcName}-${azNum}` });
    const previousUrn = <T>(pick: (ownerUrn: string) => T) => this.urn.apply(pick);
    this.natGateways = Array.from({ length: layout.gateways }, (_, i) => {
      const eip = new aws.ec2.Eip(
        `${name}-nat-ip-${i + 1}`,
        { tags: natTags(i + 1) },
        { parent: this, aliases: [previousUrn((u) => awsxNatUrns(u, vpcName, i + 1).eip)] },
      );
      return new aws.ec2.NatGateway(
        `${name}-nat-${i + 1}`,
        { subnetId: vpc.publicSubnetIds.apply((ids) => ids[i]), allocationId: eip.allocationId, tags: natTags(i + 1) },
        { parent: this, aliases: [previousUrn((u) => awsxNatUrns(u, vpcName, i + 1).natGateway)] },
      );
    });
    this.privateRoutes = layout.gateways
      ? Array.from({ length: this.availabilityZones }, (_, i) => {
          // awsx returns its route tables as resource references in creation order; each private subnet
          // has its own, explicitly associated, so finding it by the subnet depends on no order.
          const table = aws.ec2.getRouteTableOutput({ subnetId: vpc.privateSubnetIds.apply((ids) => ids[i]) }, { parent: this });
          return new aws.ec2.Route(
            `${name}-private-route-${i + 1}`,
            { routeTableId: table.routeTableId, natGatewayId: this.natGateways[layout.gatewayFor(i)].id, destinationCidrBlock: "0.0.0.0/0" },
            { parent: this, aliases: [previousUrn((u) => awsxPrivateRouteUrn(u, vpcName, i + 1))] },
          );
        })
      : [];
    this.fileSystemSubnetIds = this.assignPublicIp ? vpc.publicSubnetIds : vpc.privateSubnetIds;
    // Tasks pull their images through the NAT gateway: whatever runs them waits for the routes.
    this.taskSubnetIds = this.assignPublicIp
      ? vpc.publicSubnetIds
      : pulumi.all([vpc.privateSubnetIds, pulumi.all(this.privateRoutes.map((r) => r.id))]).apply(([ids]) => ids);

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
    // Every service keeps its data in the instance, each in a database of its own under a role of
    // its own: n8n's role may open only n8n's database (n8n/databaseSetup.js), so the boundary
    // between the services in PostgreSQL is the role, as the security groups are for the rest.
    for (const service of services)
      ingress(
        service === DATABASE_CLIENT ? "db-in-tasks" : `db-in-${serviceRole(service, "task")}`,
        this.databaseSecurityGroup,
        5432,
        { referencedSecurityGroupId: this.taskSecurityGroups[service].id },
        service === DATABASE_CLIENT ? "PostgreSQL from the tasks" : `PostgreSQL from ${service}'s tasks`,
      );

    this.registerOutputs({
      vpcId: this.vpcId,
      publicSubnetIds: this.publicSubnetIds,
      privateSubnetIds: this.privateSubnetIds,
    });
  }
}
