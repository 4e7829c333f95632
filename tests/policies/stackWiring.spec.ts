/**
 * The security review's attempts on the way in, each as one change to the dev stack's synthesised
 * resources: every one must draw a mandatory finding from its stack policy (run through the pack's
 * own policy objects, as the policy server would), and the unchanged stack none.
 */
import { expect } from "chai";
import { runPolicies, PolicyViolation } from "../../policies/runPolicies";
import { stackPolicies } from "../../policies/stackPolicies";
import { analyseWiring } from "../../policies/stack/ingress";
import { StackGraph } from "../../policies/stack/graph";
import { UNKNOWN_SENTINELS } from "../../policies/rules";
import { Resources, T, devResources } from "../helpers/stackResources";

const UNKNOWN_STRING = UNKNOWN_SENTINELS[0];

async function violations(res: Resources, policy: string): Promise<PolicyViolation[]> {
  return (await runPolicies(res.list, {}, stackPolicies)).filter((v) => v.policy === policy);
}

async function expectMandatory(res: Resources, policy: string, pattern: RegExp): Promise<PolicyViolation[]> {
  const found = await violations(res, policy);
  const mandatory = found.filter((v) => v.level === "mandatory");
  expect(mandatory, JSON.stringify(found, null, 1)).to.have.length.greaterThan(0);
  expect(mandatory.map((v) => v.message).join("\n")).to.match(pattern);
  return mandatory;
}

describe("stack policies: the only way in is through oauth2-proxy", function () {
  this.timeout(60_000);

  it("the dev stack's wiring is understood: its target group is oauth2-proxy's, and nothing is found", async () => {
    const res = await devResources();
    const w = analyseWiring(new StackGraph(res.list));
    expect([...w.proxied]).to.deep.equal([res.one(T.targetGroup).urn]);
    expect(await runPolicies(res.list, {}, stackPolicies)).to.deep.equal([]);
  });

  it("dev with n8n enabled passes as well (a second proxied service)", async () => {
    const res = await devResources({ "pluto:n8n": JSON.stringify({ enabled: true }) });
    expect(analyseWiring(new StackGraph(res.list)).proxied.size).to.equal(2);
    expect((await runPolicies(res.list, {}, stackPolicies)).filter((v) => v.level === "mandatory")).to.deep.equal([]);
  });

  describe("ecs-lb-targets-oauth2-proxy", () => {
    it("refuses a load balancer entry pointed at Open WebUI's container and port", async () => {
      const res = await devResources();
      const lb = res.props(T.service).loadBalancers[0];
      lb.containerName = "openwebui";
      lb.containerPort = 8080;
      const [v] = await expectMandatory(res, "ecs-lb-targets-oauth2-proxy", /container openwebui \(Open WebUI\) on port 8080, not to oauth2-proxy/);
      expect(v.urn).to.equal(res.one(T.service).urn);
    });

    it("refuses oauth2-proxy's container name with Open WebUI's port (one address per awsvpc task)", async () => {
      const res = await devResources();
      res.props(T.service).loadBalancers[0].containerPort = 8080;
      await expectMandatory(
        res,
        "ecs-lb-targets-oauth2-proxy",
        /port 8080 of oauth2-proxy container oauth2-proxy, which listens on 4180.*where the application listens/s,
      );
    });

    it("refuses a container the task definition does not have", async () => {
      const res = await devResources();
      res.props(T.service).loadBalancers[0].containerName = "sidecar";
      await expectMandatory(res, "ecs-lb-targets-oauth2-proxy", /names container "sidecar"/);
    });

    it("reports an entry unknown during preview as unchecked (advisory), without throwing", async () => {
      const res = await devResources();
      res.props(T.service).loadBalancers[0].containerName = UNKNOWN_STRING;
      const found = await violations(res, "ecs-lb-targets-oauth2-proxy");
      expect(found.map((v) => v.level)).to.deep.equal(["advisory"]);
      expect(found[0].message).to.match(/^Could not be checked by ecs-lb-targets-oauth2-proxy: .*not known until deploy/);
    });
  });

  describe("alb-forwards-only-through-proxy", () => {
    function rawTargetGroup(res: Resources): string {
      const arn = "arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/raw/0123456789abcdef";
      res.add(T.targetGroup, "raw", { arn, port: 8080, protocol: "HTTP", targetType: "ip", vpcId: "vpc-1" });
      return arn;
    }

    it("refuses a listener rule forwarding around the proxy", async () => {
      const res = await devResources();
      const arn = rawTargetGroup(res);
      const https = res.one(T.listener, "https");
      res.add(
        T.listenerRule,
        "api-direct",
        {
          listenerArn: res.props(T.listenerRule, "svc-host").listenerArn,
          priority: 50,
          actions: [{ type: "forward", targetGroupArn: arn }],
          conditions: [{ pathPattern: { values: ["/api/*"] } }],
        },
        { listenerArn: [https.urn] },
      );
      const [v] = await expectMandatory(
        res,
        "alb-forwards-only-through-proxy",
        /listener rule api-direct forwards to target group raw, which no ECS service in this stack registers through its oauth2-proxy/,
      );
      expect(v.urn).to.match(/::api-direct$/);
    });

    it("refuses a default action forwarding around the proxy (weighted forward form)", async () => {
      const res = await devResources();
      const arn = rawTargetGroup(res);
      res.props(T.listener, "https").defaultActions = [{ type: "forward", forward: { targetGroups: [{ arn, weight: 1 }] } }];
      await expectMandatory(res, "alb-forwards-only-through-proxy", /the default action of listener pluto-ingress-https forwards to target group raw/);
    });

    it("refuses a target registered by hand in oauth2-proxy's target group", async () => {
      const res = await devResources();
      const tg = res.one(T.targetGroup);
      res.add(
        "aws:lb/targetGroupAttachment:TargetGroupAttachment",
        "by-hand",
        { targetGroupArn: UNKNOWN_STRING, targetId: "10.0.1.5", port: 8080 },
        { targetGroupArn: [tg.urn] },
      );
      await expectMandatory(res, "alb-forwards-only-through-proxy", /registers 10\.0\.1\.5 port 8080 in oauth2-proxy's target group/);
    });
  });

  it("alb-forwards-only-through-proxy: a proxy target group on another port or target type is advisory", async () => {
    const res = await devResources();
    Object.assign(res.props(T.targetGroup), { port: 8080, targetType: "instance" });
    const found = await violations(res, "alb-forwards-only-through-proxy");
    expect(found.map((v) => v.level)).to.deep.equal(["advisory", "advisory"]);
    expect(found.map((v) => v.message).join("\n"))
      .to.match(/has targetType "instance"/)
      .and.to.match(/has port 8080, not oauth2-proxy's 4180/);
  });

  describe("alb-refuses-forwarded-headers", () => {
    for (const [suffix, header] of [
      ["refuse-forwarded-uri", "X-Forwarded-Uri"],
      ["refuse-forwarded-host", "X-Forwarded-Host"],
    ]) {
      it(`refuses an HTTPS listener without the ${header} refusal rule`, async () => {
        const res = await devResources();
        res.remove(T.listenerRule, suffix);
        const found = await expectMandatory(res, "alb-refuses-forwarded-headers", new RegExp(`has no rule answering requests with a ${header} header`));
        expect(found).to.have.length(1);
      });
    }

    it("refuses a refusal rule evaluated after the forwarding rule", async () => {
      const res = await devResources();
      res.props(T.listenerRule, "refuse-forwarded-host").priority = 200;
      await expectMandatory(
        res,
        "alb-refuses-forwarded-headers",
        /X-Forwarded-Host refusal rule .* has priority 200, not before the first forwarding rule \(priority 100\)/,
      );
    });

    it("does not count a rule that forwards instead of answering 4xx", async () => {
      const res = await devResources();
      res.props(T.listenerRule, "refuse-forwarded-uri").actions[0].fixedResponse.statusCode = "200";
      await expectMandatory(res, "alb-refuses-forwarded-headers", /no rule answering requests with a X-Forwarded-Uri header/);
    });
  });

  describe("ecs-task-ingress-proxy-only", () => {
    it("refuses the task security group opened to the internet", async () => {
      const res = await devResources();
      const sg = res.one(T.securityGroup, "pluto-task");
      for (const [key, cidr] of [
        ["cidrIpv4", "0.0.0.0/0"],
        ["cidrIpv6", "::/0"],
      ]) {
        res.add(
          T.ingressRule,
          `open-${key}`,
          { [key]: cidr, fromPort: 4180, toPort: 4180, ipProtocol: "tcp", securityGroupId: res.sgId("pluto-task") },
          { securityGroupId: [sg.urn] },
        );
      }
      const found = await expectMandatory(res, "ecs-task-ingress-proxy-only", /admits 0\.0\.0\.0\/0 on port 4180: anyone on the internet/);
      expect(found.map((v) => v.urn)).to.deep.equal([res.one(T.ingressRule, "open-cidrIpv4").urn, res.one(T.ingressRule, "open-cidrIpv6").urn]);
    });

    it("refuses the load balancer's security group reaching Open WebUI's port", async () => {
      const res = await devResources();
      Object.assign(res.props(T.ingressRule, "task-in-proxy"), { fromPort: 4180, toPort: 8080 });
      await expectMandatory(
        res,
        "ecs-task-ingress-proxy-only",
        /on ports 4180-8080, which includes port 8080 where an application behind oauth2-proxy listens/,
      );
    });

    it("refuses an all-protocols rule and the old aws.ec2.SecurityGroupRule form", async () => {
      const res = await devResources();
      res.props(T.ingressRule, "task-in-proxy").ipProtocol = "-1";
      await expectMandatory(res, "ecs-task-ingress-proxy-only", /ports 0-65535, which includes port 8080/);
      const res2 = await devResources();
      const sg = res2.one(T.securityGroup, "pluto-task");
      res2.add(
        T.sgRule,
        "legacy",
        { type: "ingress", cidrBlocks: ["10.0.0.0/16"], fromPort: 8080, toPort: 8080, protocol: "tcp", securityGroupId: UNKNOWN_STRING },
        { securityGroupId: [sg.urn] },
      );
      await expectMandatory(res2, "ecs-task-ingress-proxy-only", /admits 10\.0\.0\.0\/16 on port 8080/);
    });

    it("reports security groups unknown during preview as unchecked", async () => {
      const res = await devResources();
      const svc = res.one(T.service);
      svc.props.networkConfiguration = { ...(svc.props as any).networkConfiguration, securityGroups: UNKNOWN_STRING };
      svc.propertyDependencies = {};
      const found = await violations(res, "ecs-task-ingress-proxy-only");
      expect(found.map((v) => v.level)).to.deep.equal(["advisory"]);
    });
  });

  describe("ecs-app-port-not-exposed (the app reachable only through the proxy)", () => {
    it("refuses Open WebUI's port published to a service registry", async () => {
      const res = await devResources();
      res.props(T.service).serviceRegistries = [
        { registryArn: "arn:aws:servicediscovery:us-west-2:123456789012:service/srv-1", containerName: "openwebui", containerPort: 8080 },
      ];
      await expectMandatory(res, "ecs-app-port-not-exposed", /publishes port 8080 \(Open WebUI\) through a service registry/);
    });

    it("refuses Open WebUI's port published through Service Connect by port name", async () => {
      const res = await devResources();
      res.containers((defs) => (defs.find((d) => d.name === "openwebui").portMappings = [{ name: "web", containerPort: 8080 }]));
      res.props(T.service).serviceConnectConfiguration = { enabled: true, namespace: "pluto", services: [{ portName: "web" }] };
      await expectMandatory(res, "ecs-app-port-not-exposed", /publishes port 8080 \(Open WebUI\) through Service Connect \(port name web\)/);
    });

    it("accepts oauth2-proxy's own port published through Service Connect", async () => {
      const res = await devResources();
      res.containers((defs) => (defs.find((d) => d.name === "oauth2-proxy").portMappings[0].name = "proxy"));
      res.props(T.service).serviceConnectConfiguration = { enabled: true, namespace: "pluto", services: [{ portName: "proxy" }] };
      expect(await violations(res, "ecs-app-port-not-exposed")).to.deep.equal([]);
    });
  });
});
