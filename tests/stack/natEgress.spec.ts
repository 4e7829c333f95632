/**
 * The NAT gateways live beside the awsx VPC, not inside it (components/network.ts): only the tasks
 * wait for them, and an existing stack adopts the NAT gateway, Elastic IP and routes awsx created.
 */
import { expect } from "chai";
import { synthStack, Stack } from "../helpers/stack";
import { awsxNatUrns, awsxPrivateRouteUrn, childUrn } from "../../naming/awsxVpcUrns";
import { natLayout } from "../../components/network";
import { resolveWaits, criticalPath } from "../../cli/plan/graph";
import { creationTime } from "../../cli/plan/durations";

const NAT = "aws:ec2/natGateway:NatGateway";
const EIP = "aws:ec2/eip:Eip";
const ROUTE = "aws:ec2/route:Route";

/** Every URN `urn` waits for, directly or through what it waits for. */
function waitsOn(stack: Stack, urn: string): Set<string> {
  const waits = resolveWaits(stack.result.resources);
  const seen = new Set<string>();
  const visit = (u: string) => {
    for (const d of waits.get(u) ?? []) {
      if (seen.has(d)) continue;
      seen.add(d);
      visit(d);
    }
  };
  visit(urn);
  return seen;
}

describe("NAT gateways beside the VPC", () => {
  describe("the dev stack (pluto:natGateways single, two AZs)", () => {
    let stack: Stack;
    before(async () => (stack = await synthStack()));

    it("asks awsx for no NAT gateway, and creates one NAT gateway with its own Elastic IP in the first public subnet", () => {
      expect(stack.inputs("awsx:ec2:Vpc").natGateways).to.deep.equal({ strategy: "None" });
      const [eip] = stack.all(EIP);
      const [nat, ...more] = stack.all(NAT);
      expect(more).to.have.length(0);
      expect(nat.inputs.allocationId).to.equal(eip.id);
      expect(nat.inputs.subnetId).to.match(/^subnet-puba/);
    });

    it("routes each private subnet's 0.0.0.0/0 through that NAT gateway, in the subnet's own route table", () => {
      const nat = stack.one(NAT);
      const routes = stack.all(ROUTE);
      expect(routes.map((r) => r.name)).to.deep.equal(["pluto-private-route-1", "pluto-private-route-2"]);
      for (const r of routes) expect(r.inputs).to.include({ natGatewayId: nat.id, destinationCidrBlock: "0.0.0.0/0" });
      const tables = routes.map((r) => r.inputs.routeTableId as string);
      expect(new Set(tables).size, "one route table per private subnet").to.equal(2);
      for (const t of tables) expect(t).to.match(/^rtb-/);
    });

    // pulumi/pulumi-awsx awsx/ec2/vpc.ts (v3.8.0 to e60adf3c): `new aws.ec2.Eip(`${name}-${i + 1}`, { tags:
    // { ...args.tags, Name: `${name}-${i + 1}` } })`, the NAT gateway likewise. Different tags would be an
    // update on every existing stack; the same ones leave it untouched.
    it("tags the Elastic IP and the NAT gateway exactly as awsx did", () => {
      const expected = { ...(stack.inputs("awsx:ec2:Vpc").tags as Record<string, string>), Name: "pluto-vpc-1" };
      expect(stack.inputs(EIP).tags).to.deep.equal(expected);
      expect(stack.inputs(NAT).tags).to.deep.equal(expected);
    });

    // The URNs awsx 3.x gave these resources, written out from pulumi/pulumi-awsx awsx/ec2/vpc.ts and
    // subnetNaming.ts (the Vpc component → aws.ec2.Vpc → Subnet `<vpc>-public-1` → Eip/NatGateway `<vpc>-1`;
    // Subnet `<vpc>-private-N` → RouteTable → Route, all named `<vpc>-private-N`), not computed by the code
    // under test: an existing stack keeps its NAT gateway, its egress address and its routes only if these match.
    it("names the URNs awsx gave the NAT gateway, the Elastic IP and the private routes as aliases", () => {
      const subnets = "urn:pulumi:dev::pluto::pluto:network:Network$awsx:ec2:Vpc$aws:ec2/vpc:Vpc$aws:ec2/subnet:Subnet";
      expect(stack.one(EIP).aliases).to.deep.equal([`${subnets}$aws:ec2/eip:Eip::pluto-vpc-1`]);
      expect(stack.one(NAT).aliases).to.deep.equal([`${subnets}$aws:ec2/natGateway:NatGateway::pluto-vpc-1`]);
      expect(stack.all(ROUTE).map((r) => r.aliases)).to.deep.equal([
        [`${subnets}$aws:ec2/routeTable:RouteTable$aws:ec2/route:Route::pluto-vpc-private-1`],
        [`${subnets}$aws:ec2/routeTable:RouteTable$aws:ec2/route:Route::pluto-vpc-private-2`],
      ]);
    });

    it("makes the tasks wait for the routes, and nothing that needs no internet wait for the NAT gateway", () => {
      const nat = stack.one(NAT).urn;
      const service = waitsOn(stack, stack.one("aws:ecs/service:Service").urn);
      for (const r of stack.all(ROUTE)) expect(service.has(r.urn), r.name).to.equal(true);
      for (const [type, suffix] of [
        ["aws:lb/loadBalancer:LoadBalancer", undefined],
        ["aws:rds/instance:Instance", undefined],
        ["aws:ec2/securityGroup:SecurityGroup", "-alb"],
        ["aws:efs/mountTarget:MountTarget", "mount-0"],
        ["aws:cognito/userPoolDomain:UserPoolDomain", undefined],
      ] as const) {
        expect(waitsOn(stack, stack.one(type, suffix).urn).has(nat), `${type} waits for the NAT gateway`).to.equal(false);
      }
    });

    it("takes the NAT gateway off the first deploy's critical path: the VPC on it has no NAT time", () => {
      const waits = resolveWaits(stack.result.resources);
      const byUrn = new Map(stack.result.resources.map((r) => [r.urn, r]));
      const seconds = (urn: string) => creationTime(byUrn.get(urn)!.type, byUrn.get(urn)!.inputs).seconds;
      const { path, finish } = criticalPath(waits, seconds);
      const types = path.map((s) => byUrn.get(s.urn)!.type);
      expect(types).to.not.include(NAT);
      expect(types[0]).to.equal("awsx:ec2:Vpc");
      expect(path[0].seconds).to.equal(creationTime("awsx:ec2:Vpc", { natGateways: { strategy: "None" } }).seconds);
      // The service still starts only once its tasks can pull images.
      const service = stack.one("aws:ecs/service:Service").urn;
      const last = Math.max(...stack.all(ROUTE).map((r) => finish.get(r.urn)!));
      expect(finish.get(service)! - seconds(service)).to.be.at.least(last);
    });
  });

  it("with natGateways perAz (as the prod stack has): one NAT gateway per AZ, each private subnet through its own", async () => {
    const stack = await synthStack({ "pluto:natGateways": "perAz" });
    const nats = stack.all(NAT);
    expect(nats.map((n) => n.name)).to.deep.equal(["pluto-nat-1", "pluto-nat-2"]);
    expect(nats.map((n) => String(n.inputs.subnetId).slice(0, 11))).to.deep.equal(["subnet-puba", "subnet-pubb"]);
    expect(stack.all(EIP).map((e) => e.id)).to.deep.equal(nats.map((n) => n.inputs.allocationId));
    expect(stack.all(ROUTE).map((r) => r.inputs.natGatewayId)).to.deep.equal(nats.map((n) => n.id));
    expect(nats[1].aliases).to.deep.equal([
      "urn:pulumi:dev::pluto::pluto:network:Network$awsx:ec2:Vpc$aws:ec2/vpc:Vpc$aws:ec2/subnet:Subnet$aws:ec2/natGateway:NatGateway::pluto-vpc-2",
    ]);
  });

  it("with natGateways none: no NAT gateway, Elastic IP or route, and tasks in the public subnets", async () => {
    const stack = await synthStack({ "pluto:natGateways": "none" });
    expect([...stack.all(NAT), ...stack.all(EIP), ...stack.all(ROUTE)]).to.deep.equal([]);
    expect(stack.inputs("aws:ecs/service:Service").networkConfiguration.subnets.every((s: string) => s.startsWith("subnet-pub"))).to.equal(true);
  });

  describe("natLayout", () => {
    it("gives none no gateway, single one for every AZ, perAz one per AZ", () => {
      expect(natLayout("none", 3).gateways).to.equal(0);
      const single = natLayout("single", 3);
      expect([single.gateways, [0, 1, 2].map(single.gatewayFor)]).to.deep.equal([1, [0, 0, 0]]);
      const perAz = natLayout("perAz", 3);
      expect([perAz.gateways, [0, 1, 2].map(perAz.gatewayFor)]).to.deep.equal([3, [0, 1, 2]]);
    });
  });

  describe("awsx child URNs", () => {
    const owner = "urn:pulumi:prod::pluto::pluto:network:Network::acme";

    it("builds a child's URN from its parent's as Pulumi does, under a parent with a parent", () => {
      expect(childUrn(owner, "awsx:ec2:Vpc", "acme-vpc")).to.equal("urn:pulumi:prod::pluto::pluto:network:Network$awsx:ec2:Vpc::acme-vpc");
      expect(awsxNatUrns(owner, "acme-vpc", 3).eip).to.equal(
        "urn:pulumi:prod::pluto::pluto:network:Network$awsx:ec2:Vpc$aws:ec2/vpc:Vpc$aws:ec2/subnet:Subnet$aws:ec2/eip:Eip::acme-vpc-3",
      );
      expect(awsxPrivateRouteUrn(owner, "acme-vpc", 3)).to.equal(
        "urn:pulumi:prod::pluto::pluto:network:Network$awsx:ec2:Vpc$aws:ec2/vpc:Vpc$aws:ec2/subnet:Subnet$aws:ec2/routeTable:RouteTable$aws:ec2/route:Route::acme-vpc-private-3",
      );
    });

    it("refuses what is not a URN", () => {
      expect(() => childUrn("pluto-vpc", "aws:ec2/vpc:Vpc", "x")).to.throw("not a Pulumi URN: pluto-vpc");
    });
  });
});
