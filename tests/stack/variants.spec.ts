import { expect } from "chai";
import { PolicyRefusal } from "../../ecs/policyCheck";
import { N8N_INVITE_ROUTE } from "../../components/n8n";
import { DEFAULT_SKIP_AUTH_ROUTE_ALLOWLIST } from "../../policies/rules";
import { runPolicies } from "../../policies/runPolicies";
import { env, Stack, synthStack } from "../helpers/stack";

const throughPack = (s: Stack) =>
  runPolicies(s.result.resources.map((r) => ({ type: r.type, name: r.name, urn: r.urn, props: r.inputs, propertyDependencies: r.propertyDependencies })));

describe("stack shapes", () => {
  describe("single task (the dev stack)", () => {
    let stack: Stack;
    before(async () => {
      stack = await synthStack();
    });

    it("creates no Redis and no autoscaling, and still keeps vectors in PostgreSQL, not in a SQLite file on EFS", () => {
      expect(stack.all("aws:elasticache/replicationGroup:ReplicationGroup")).to.have.length(0);
      expect(stack.all("aws:appautoscaling/target:Target")).to.have.length(0);
      const ow = stack.container("pluto-openwebui", "openwebui");
      expect(env(ow)).to.not.have.any.keys("REDIS_URL", "WEBSOCKET_MANAGER", "PGVECTOR_DB_URL");
      // pgvector reads DATABASE_URL when PGVECTOR_DB_URL is unset (env-configuration.mdx), a secret here.
      expect(env(ow)).to.include({ VECTOR_DB: "pgvector" });
      expect(ow.secrets.map((x) => x.name)).to.include("DATABASE_URL");
    });

    it("passes every policy of the pack, advisory ones included", async () => {
      expect(await throughPack(stack)).to.deep.equal([]);
    });

    it("creates the bootstrap admin from pluto:adminEmail, its password only as a secret", () => {
      const ow = stack.container("pluto-openwebui", "openwebui");
      expect(env(ow).WEBUI_ADMIN_EMAIL).to.equal("admin@example.com");
      expect(ow.secrets.find((x) => x.name === "WEBUI_ADMIN_PASSWORD")!.valueFrom).to.contain("secret:pluto/openwebui/admin-password-");
    });

    it("creates no n8n", () => {
      expect(stack.all("pluto:app:N8n")).to.have.length(0);
      expect(stack.result.outputs).to.not.have.property("n8nUrl");
    });
  });

  // One synth serves both the scaled-out and the n8n cases: they touch different resources.
  const fullStack = () =>
    synthStack({
      "pluto:openWebUi": JSON.stringify({ cpu: 1024, memory: 2048, desiredCount: 2, autoscaling: { maxCount: 6, cpuTarget: 55, requestsPerTarget: 400 } }),
      "pluto:n8n": JSON.stringify({ enabled: true }),
    });

  describe("scaled out (autoscaling 2-6 tasks)", () => {
    let stack: Stack;
    before(async () => {
      stack = await fullStack();
    });

    it("adds private, encrypted Redis reachable from the tasks only", () => {
      const redis = stack.inputs("aws:elasticache/replicationGroup:ReplicationGroup");
      expect(redis).to.include({ atRestEncryptionEnabled: true, transitEncryptionEnabled: true, nodeType: "cache.t4g.micro" });
      const sg = stack.one("aws:ec2/securityGroup:SecurityGroup", "pluto-cache-sg");
      expect(redis.securityGroupIds).to.deep.equal([sg.id]);
      const rules = stack
        .all("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
        .filter((r) => r.parent === sg.urn)
        .map((r) => r.inputs as any);
      expect(rules).to.have.length(1);
      expect(rules[0]).to.include({
        fromPort: 6379,
        toPort: 6379,
        referencedSecurityGroupId: stack.one("aws:ec2/securityGroup:SecurityGroup", "pluto-task").id,
      });
      expect(stack.inputs("aws:elasticache/subnetGroup:SubnetGroup").subnetIds.every((s: string) => s.startsWith("subnet-prv"))).to.equal(true);
    });

    it("points Open WebUI's websockets and state at Redis (TLS) and its vectors at pgvector", () => {
      const container = stack.container("pluto-openwebui", "openwebui");
      const ow = env(container);
      // The URL carries Redis's AUTH token, so it is a secret (tests/stack/isolation.spec.ts checks its shape).
      const redis = container.secrets.filter((x) => x.name.endsWith("REDIS_URL"));
      expect(redis.map((x) => x.name)).to.deep.equal(["REDIS_URL", "WEBSOCKET_REDIS_URL"]);
      expect(redis[0].valueFrom).to.contain("secret:pluto/openwebui/redis-url-").and.equal(redis[1].valueFrom);
      expect(ow).to.include({ WEBSOCKET_MANAGER: "redis", ENABLE_WEBSOCKET_SUPPORT: "true", VECTOR_DB: "pgvector" });
    });

    it("tracks CPU and requests per task between the configured bounds, and leaves the count to autoscaling", () => {
      const target = stack
        .all("aws:appautoscaling/target:Target")
        .map((r) => r.inputs as any)
        .find((t) => t.resourceId.endsWith("/pluto-openwebui"));
      expect(target).to.include({
        minCapacity: 2,
        maxCapacity: 6,
        scalableDimension: "ecs:service:DesiredCount",
        resourceId: "service/pluto-cluster/pluto-openwebui",
      });
      expect(stack.all("aws:appautoscaling/target:Target"), "n8n is never autoscaled").to.have.length(1);
      const policies = stack.all("aws:appautoscaling/policy:Policy").map((p) => (p.inputs as any).targetTrackingScalingPolicyConfiguration);
      expect(policies.map((p) => [p.predefinedMetricSpecification.predefinedMetricType, p.targetValue])).to.deep.equal([
        ["ECSServiceAverageCPUUtilization", 55],
        ["ALBRequestCountPerTarget", 400],
      ]);
      const label = policies[1].predefinedMetricSpecification.resourceLabel;
      expect(label).to.match(/^app\/pluto-ingress-alb\/[0-9a-f]+\/targetgroup\/pluto-openwebui-svc-tg\/[0-9a-f]+$/);
      const service = stack.all("aws:ecs/service:Service").find((r) => (r.inputs as any).name === "pluto-openwebui")!;
      expect((service.inputs as any).desiredCount).to.equal(2);
    });

    it("keeps sticky sessions off", () => {
      for (const tg of stack.all("aws:lb/targetGroup:TargetGroup")) expect((tg.inputs as any).stickiness).to.deep.equal({ type: "lb_cookie", enabled: false });
    });

    it("passes every policy of the pack", async () => {
      expect(await throughPack(stack)).to.deep.equal([]);
    });
  });

  describe("with n8n", () => {
    let stack: Stack;
    before(async () => {
      stack = await fullStack();
    });

    it("runs n8n at n8n.<domain> through the same ProxiedService, with its own EFS data and encryption key", () => {
      const svc = stack.one("pluto:ecs:ProxiedService", "pluto-n8n-svc");
      expect(svc.parent).to.equal(stack.one("pluto:app:N8n").urn);
      const [app, proxy] = stack.containers("pluto-n8n");
      expect(app.name).to.equal("n8n");
      expect(app.image).to.match(/^docker\.n8n\.io\/n8nio\/n8n:\d+\.\d+\.\d+$/);
      expect(app.mountPoints).to.deep.equal([{ sourceVolume: "data", containerPath: "/home/node/.n8n", readOnly: false }]);
      expect(app.secrets.map((s) => s.name).sort()).to.deep.equal(["DB_POSTGRESDB_PASSWORD", "N8N_ENCRYPTION_KEY"]);
      expect(env(app)).to.include({ N8N_HOST: "n8n.pluto.example.com", N8N_PROTOCOL: "https", WEBHOOK_URL: "https://n8n.pluto.example.com/" });
      expect(env(proxy)).to.include({
        OAUTH2_PROXY_UPSTREAMS: "http://127.0.0.1:5678/",
        OAUTH2_PROXY_REDIRECT_URL: "https://n8n.pluto.example.com/oauth2/callback",
      });
      expect(env(proxy).OAUTH2_PROXY_SKIP_AUTH_ROUTES).to.equal(N8N_INVITE_ROUTE);
      expect(stack.all("aws:efs/fileSystem:FileSystem")).to.have.length(2);
      const ap = stack.all("aws:efs/accessPoint:AccessPoint").find((r) => r.name.startsWith("pluto-n8n"))!.inputs as any;
      expect(ap.posixUser).to.deep.equal({ uid: 1000, gid: 1000 });
    });

    it("stops the old n8n task before starting a new one (one SQLite writer)", () => {
      const svc = stack.all("aws:ecs/service:Service").find((r) => (r.inputs as any).name === "pluto-n8n")!.inputs as any;
      expect(svc).to.include({ desiredCount: 1, deploymentMinimumHealthyPercent: 0, deploymentMaximumPercent: 100 });
    });

    it("routes n8n.<domain>: certificate name, alias record, host rule, Cognito callback and sign-out URLs", () => {
      expect(stack.inputs("aws:acm/certificate:Certificate", "pluto-ingress-tls-cert").subjectAlternativeNames).to.deep.equal(["n8n.pluto.example.com"]);
      const records = stack.all("aws:route53/record:Record").map((r) => r.inputs as any);
      expect(records.find((r) => r.name === "n8n.pluto.example.com" && r.type === "A")).to.not.equal(undefined);
      const rules = stack
        .all("aws:lb/listenerRule:ListenerRule")
        .map((r) => r.inputs as any)
        .filter((r) => r.conditions[0].hostHeader && r.actions[0].type === "forward");
      expect(rules.map((r) => [r.priority, r.conditions[0].hostHeader.values[0]])).to.have.deep.members([
        [100, "pluto.example.com"],
        [200, "n8n.pluto.example.com"],
      ]);
      const client = stack.inputs("aws:cognito/userPoolClient:UserPoolClient");
      expect(client.callbackUrls).to.deep.equal(["https://pluto.example.com/oauth2/callback", "https://n8n.pluto.example.com/oauth2/callback"]);
      expect(client.logoutUrls).to.deep.equal(["https://pluto.example.com", "https://n8n.pluto.example.com", "https://pluto.example.com/signed-out"]);
    });

    it("gives the provisioning worker n8n's URL and an operator-filled API key secret it alone may read", () => {
      const worker = stack.all("aws:lambda/function:Function").find((r) => (r.inputs as any).name === "pluto-user-provisioning-worker")!.inputs as any;
      const secret = stack.all("aws:secretsmanager/secret:Secret").find((r) => (r.inputs as any).name === "pluto/n8n/api-key")!;
      expect(worker.environment.variables).to.include({ N8N_URL: "https://n8n.pluto.example.com", N8N_API_KEY_SECRET_ARN: secret.id });
      const policy = JSON.parse(stack.inputs("aws:iam/rolePolicy:RolePolicy", "worker-role").policy);
      const read = policy.Statement.find((s: any) => ([] as string[]).concat(s.Action).includes("secretsmanager:GetSecretValue"));
      expect(read.Resource).to.include(secret.id);
      expect(stack.result.outputs.n8nApiKeySecretArn).to.equal(secret.id);
      expect(stack.result.outputs.n8nUrl).to.equal("https://n8n.pluto.example.com");
    });

    it("is allowed by the pack: n8n's invitation route is in the default skip-auth allowlist", async () => {
      expect(DEFAULT_SKIP_AUTH_ROUTE_ALLOWLIST).to.include(N8N_INVITE_ROUTE);
      expect(await throughPack(stack)).to.deep.equal([]);
    });
  });

  describe("extra settings from config", () => {
    it("adds Open WebUI and oauth2-proxy settings next to the golden ones", async () => {
      const s = await synthStack({
        "pluto:openWebUiSettings": JSON.stringify({ OPENAI_API_BASE_URL: "https://api.example.com/v1", ENABLE_OLLAMA_API: false }),
        "pluto:oauth2ProxySettings": JSON.stringify({ OAUTH2_PROXY_ALLOWED_GROUPS: "staff" }),
        "pluto:groups": JSON.stringify(["staff"]),
        "pluto:n8n": JSON.stringify({ enabled: true }),
      });
      expect(env(s.container("pluto-openwebui", "openwebui"))).to.include({
        OPENAI_API_BASE_URL: "https://api.example.com/v1",
        ENABLE_OLLAMA_API: "false",
        DEFAULT_USER_ROLE: "user",
      });
      expect(env(s.container("pluto-openwebui", "oauth2-proxy"))).to.include({ OAUTH2_PROXY_ALLOWED_GROUPS: "staff" });
      expect(env(s.container("pluto-n8n", "oauth2-proxy")), "every proxy gets the extra settings").to.include({ OAUTH2_PROXY_ALLOWED_GROUPS: "staff" });
      expect(env(s.container("pluto-n8n", "n8n"))).to.not.have.property("OAUTH2_PROXY_ALLOWED_GROUPS");
    });

    const refusals: [string, Record<string, string>, string][] = [
      ["WEBUI_AUTH=false", { "pluto:openWebUiSettings": JSON.stringify({ WEBUI_AUTH: "false" }) }, "openwebui-no-webui-auth"],
      [
        "PREFER_EMAIL_TO_USER",
        { "pluto:oauth2ProxySettings": JSON.stringify({ OAUTH2_PROXY_PREFER_EMAIL_TO_USER: "true" }) },
        "oauth2-proxy-no-prefer-email-to-user",
      ],
      ["a plaintext API key", { "pluto:openWebUiSettings": JSON.stringify({ OPENAI_API_KEY: "sk-live-123" }) }, "ecs-no-plaintext-secrets"],
    ];
    for (const [what, overrides, policy] of refusals) {
      it(`refuses ${what} at construction, naming ${policy}`, async () => {
        let error: unknown;
        try {
          await synthStack(overrides);
        } catch (e) {
          error = e;
        }
        expect((error as Error).message).to.contain(policy);
        if (overrides["pluto:oauth2ProxySettings"]) {
          // Config validation runs the proxy rules first and names the key (policies/rules/configChecks.ts).
          expect((error as Error).message).to.contain(`pluto:oauth2ProxySettings.OAUTH2_PROXY_PREFER_EMAIL_TO_USER: refused by policy ${policy}`);
        } else {
          expect(error).to.be.instanceOf(PolicyRefusal);
          expect((error as PolicyRefusal).findings.map((f) => f.policy)).to.include(policy);
        }
      });
    }

    it("refuses an extra setting that would replace a golden one", async () => {
      let error: unknown;
      try {
        await synthStack({ "pluto:openWebUiSettings": JSON.stringify({ DEFAULT_USER_ROLE: "pending" }) });
      } catch (e) {
        error = e;
      }
      expect(String(error)).to.contain("DEFAULT_USER_ROLE is part of the golden configuration");
    });
  });
});
