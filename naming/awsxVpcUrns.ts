/**
 * The URNs awsx gave the NAT gateways, their Elastic IPs and the private routes when it created them
 * itself (pluto:natGateways single or perAz, before the NAT moved out of the awsx VPC). The Network
 * component now creates these resources beside the VPC and names these URNs as aliases, so that on
 * an existing stack Pulumi adopts them instead of replacing them: same NAT gateway, same egress
 * address, and no second `0.0.0.0/0` route colliding with the first within one `pulumi up`.
 *
 * Copied from pulumi/pulumi-awsx `awsx/ec2/vpc.ts` and `awsx/ec2/subnetNaming.ts` (identical from tag
 * v3.8.0 to commit e60adf3c, August 2026; @pulumi/awsx 3.9.0 runs that provider code):
 * - the component `new awsx.ec2.Vpc(vpcName)` creates `aws.ec2.Vpc(vpcName)` with `{ parent: this }`;
 * - each subnet `aws.ec2.Subnet(resourceName)` has `{ parent: vpc }`, where `resourceName` is always
 *   `${vpcName}-${type.toLowerCase()}-${azNum}` (subnetName(..., "Legacy"), azNum 1-based);
 * - in the public subnet of AZ `i + 1`: `aws.ec2.Eip(`${vpcName}-${i + 1}`)` and
 *   `aws.ec2.NatGateway(`${vpcName}-${i + 1}`)`, both `{ parent: subnet }` (one, in the first AZ,
 *   with strategy Single; one per AZ with OnePerAz);
 * - each subnet's `aws.ec2.RouteTable(resourceName)` has `{ parent: subnet }`, and a private subnet's
 *   `aws.ec2.Route(resourceName)` to the NAT gateway has `{ parent: routeTable }`.
 */

/**
 * A child's URN from its parent's, as @pulumi/pulumi's `createUrn` builds it (`runtime/resource.ts`):
 * the parent's URN up to its last `::`, then `$`, the child's type, `::` and its name.
 */
export function childUrn(parentUrn: string, type: string, name: string): string {
  const cut = parentUrn.lastIndexOf("::");
  if (!parentUrn.startsWith("urn:pulumi:") || cut < 0) throw new Error(`not a Pulumi URN: ${parentUrn}`);
  return `${parentUrn.slice(0, cut)}$${type}::${name}`;
}

export interface AwsxNatUrns {
  eip: string;
  natGateway: string;
}

function awsxSubnetUrn(ownerUrn: string, vpcName: string, kind: "public" | "private", azNum: number): string {
  const component = childUrn(ownerUrn, "awsx:ec2:Vpc", vpcName);
  const vpc = childUrn(component, "aws:ec2/vpc:Vpc", vpcName);
  return childUrn(vpc, "aws:ec2/subnet:Subnet", `${vpcName}-${kind}-${azNum}`);
}

/** The NAT gateway and Elastic IP awsx created in the public subnet of AZ `azNum` (1-based). */
export function awsxNatUrns(ownerUrn: string, vpcName: string, azNum: number): AwsxNatUrns {
  const subnet = awsxSubnetUrn(ownerUrn, vpcName, "public", azNum);
  const name = `${vpcName}-${azNum}`;
  return { eip: childUrn(subnet, "aws:ec2/eip:Eip", name), natGateway: childUrn(subnet, "aws:ec2/natGateway:NatGateway", name) };
}

/** The `0.0.0.0/0` route awsx created in the route table of the private subnet of AZ `azNum` (1-based). */
export function awsxPrivateRouteUrn(ownerUrn: string, vpcName: string, azNum: number): string {
  const name = `${vpcName}-private-${azNum}`;
  const routeTable = childUrn(awsxSubnetUrn(ownerUrn, vpcName, "private", azNum), "aws:ec2/routeTable:RouteTable", name);
  return childUrn(routeTable, "aws:ec2/route:Route", name);
}
