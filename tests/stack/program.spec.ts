import { expect } from "chai";
import { secretResourceArn } from "../../config/models";
import { env, Stack, synthStack } from "../helpers/stack";

const TD = "aws:ecs/taskDefinition:TaskDefinition";
const SG_IN = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const SG_OUT = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
const FORBIDDEN_PROXY_KEYS = [
  // Every request is signed in, and no client header decides anything.
  "OAUTH2_PROXY_REVERSE_PROXY",
  "OAUTH2_PROXY_SKIP_AUTH_ROUTES",
  "OAUTH2_PROXY_TRUSTED_IPS",
  "OAUTH2_PROXY_AUTHENTICATED_EMAILS_FILE",
  "OAUTH2_PROXY_PREFER_EMAIL_TO_USER",
  "OAUTH2_PROXY_SET_AUTHORIZATION_HEADER",
  "OAUTH2_PROXY_PASS_AUTHORIZATION_HEADER",
  "OAUTH2_PROXY_BASIC_AUTH_PASSWORD",
  "OAUTH2_PROXY_SET_XAUTHREQUEST",
  "OAUTH2_PROXY_OIDC_EMAIL_CLAIM",
  "OAUTH2_PROXY_USER_ID_CLAIM",
];

describe("the Pluto program under mocks (dev stack)", () => {
  let stack: Stack;
  before(async () => {
    stack = await synthStack();
  });

  describe("Open WebUI task definition", () => {
    it("carries exactly the golden Open WebUI environment, with no WEBUI_AUTH", () => {
      const ow = env(stack.container("pluto-openwebui", "openwebui"));
      const clientId = stack.one("aws:cognito/userPoolClient:UserPoolClient").id;
      expect(ow).to.deep.equal({
        WEBUI_URL: "https://pluto.example.com",
        WEBUI_AUTH_TRUSTED_EMAIL_HEADER: "X-Forwarded-Email",
        WEBUI_AUTH_TRUSTED_NAME_HEADER: "X-Forwarded-Preferred-Username",
        WEBUI_AUTH_SIGNOUT_REDIRECT_URL: `/oauth2/sign_out?rd=https%3A%2F%2Fauth.pluto.example.com%2Flogout%3Fclient_id%3D${clientId}%26logout_uri%3Dhttps%253A%252F%252Fpluto.example.com%252Fsigned-out`,
        ENABLE_SIGNUP: "false",
        DEFAULT_USER_ROLE: "user",
        DATA_DIR: "/app/backend/data",
        WEBUI_ADMIN_EMAIL: "admin@example.com",
        HOST: "127.0.0.1",
        VECTOR_DB: "pgvector",
      });
      expect(ow).to.not.have.any.keys("WEBUI_AUTH", "SCIM_ENABLED", "ENABLE_SCIM", "SCIM_TOKEN");
    });

    it("gives Open WebUI its secrets only through ECS secrets, by Secrets Manager ARN", () => {
      const c = stack.container("pluto-openwebui", "openwebui");
      expect(c.secrets.map((s) => s.name)).to.deep.equal(["DATABASE_URL", "WEBUI_ADMIN_PASSWORD", "WEBUI_SECRET_KEY"]);
      for (const s of c.secrets) expect(s.valueFrom).to.match(/^arn:aws:secretsmanager:us-west-2:\d{12}:secret:pluto\//);
    });

    it("configures oauth2-proxy in direct proxy mode against the Cognito issuer, for the allowed domain only", () => {
      const proxy = env(stack.container("pluto-openwebui", "oauth2-proxy"));
      const poolId = stack.result.outputs.userPoolId;
      expect(proxy).to.include({
        OAUTH2_PROXY_PROVIDER: "oidc",
        OAUTH2_PROXY_OIDC_ISSUER_URL: `https://cognito-idp.us-west-2.amazonaws.com/${poolId}`,
        OAUTH2_PROXY_CLIENT_ID: stack.result.outputs.appClientId,
        OAUTH2_PROXY_PASS_USER_HEADERS: "true",
        OAUTH2_PROXY_HTTP_ADDRESS: "0.0.0.0:4180",
        OAUTH2_PROXY_UPSTREAMS: "http://127.0.0.1:8080/",
        OAUTH2_PROXY_EMAIL_DOMAINS: "example.com",
        OAUTH2_PROXY_COOKIE_SECURE: "true",
        OAUTH2_PROXY_COOKIE_REFRESH: "30m",
        OAUTH2_PROXY_WHITELIST_DOMAINS: "auth.pluto.example.com",
        OAUTH2_PROXY_CODE_CHALLENGE_METHOD: "S256",
        OAUTH2_PROXY_REDIRECT_URL: "https://pluto.example.com/oauth2/callback",
      });
      for (const key of FORBIDDEN_PROXY_KEYS) expect(proxy, key).to.not.have.property(key);
    });

    it("passes the client and cookie secrets to oauth2-proxy only as ECS secrets", () => {
      const proxy = stack.container("pluto-openwebui", "oauth2-proxy");
      expect(proxy.secrets.map((s) => s.name)).to.deep.equal(["OAUTH2_PROXY_CLIENT_SECRET", "OAUTH2_PROXY_COOKIE_SECRET"]);
      const secretLooking = /(SECRET|PASSWORD|TOKEN|API_KEY)$|^DATABASE_URL$/;
      for (const c of stack.containers("pluto-openwebui")) for (const e of c.environment) expect(e.name, `${c.name} ${e.name}`).to.not.match(secretLooking);
    });

    it("starts oauth2-proxy only once Open WebUI is healthy, which needs Open WebUI's health check", () => {
      const [ow, proxy] = [stack.container("pluto-openwebui", "openwebui"), stack.container("pluto-openwebui", "oauth2-proxy")];
      expect(proxy.dependsOn).to.deep.equal([{ containerName: "openwebui", condition: "HEALTHY" }]);
      expect(ow.healthCheck!.command.join(" ")).to.contain("http://127.0.0.1:8080/health");
      expect(ow.healthCheck!.startPeriod).to.be.within(60, 300);
    });

    it("exposes only the proxy port: the app container has no port mapping", () => {
      expect(stack.container("pluto-openwebui", "openwebui").portMappings ?? []).to.deep.equal([]);
      expect(stack.container("pluto-openwebui", "oauth2-proxy").portMappings!.map((p) => p.containerPort)).to.deep.equal([4180]);
    });

    it("binds Open WebUI to loopback, where its sidecar and its health check (both 127.0.0.1) still reach it", () => {
      // start.sh: uvicorn --host "$HOST" --port "$PORT"; awsvpc containers of one task share 127.0.0.1.
      const ow = stack.container("pluto-openwebui", "openwebui");
      expect(env(ow).HOST).to.equal("127.0.0.1");
      expect(env(ow)).to.not.have.property("PORT");
      expect(env(stack.container("pluto-openwebui", "oauth2-proxy")).OAUTH2_PROXY_UPSTREAMS).to.match(/^http:\/\/127\.0\.0\.1:8080\//);
      expect(ow.healthCheck!.command.join(" ")).to.contain("http://127.0.0.1:8080/");
    });

    it("logs to /pluto/ecs with the stream prefixes the runbook filters on", () => {
      const prefixes = stack
        .containers("pluto-openwebui")
        .map((c) => [c.logConfiguration.options["awslogs-group"], c.logConfiguration.options["awslogs-stream-prefix"]]);
      expect(prefixes).to.deep.equal([
        ["/pluto/ecs", "openwebui"],
        ["/pluto/ecs", "oauth2-proxy"],
      ]);
      expect(stack.inputs("aws:cloudwatch/logGroup:LogGroup", "pluto-logs").name).to.equal("/pluto/ecs");
    });

    it("mounts the EFS access point at /app/backend/data with transit encryption and IAM auth", () => {
      const td = stack.inputs(TD);
      const ap = stack.one("aws:efs/accessPoint:AccessPoint");
      expect(td.volumes).to.have.length(1);
      expect(td.volumes[0].efsVolumeConfiguration).to.deep.include({ transitEncryption: "ENABLED" });
      expect(td.volumes[0].efsVolumeConfiguration.authorizationConfig).to.deep.equal({ accessPointId: ap.id, iam: "ENABLED" });
      expect(td.volumes[0].efsVolumeConfiguration.fileSystemId).to.equal(stack.one("aws:efs/fileSystem:FileSystem").id);
      expect(stack.container("pluto-openwebui", "openwebui").mountPoints).to.deep.equal([
        { sourceVolume: "data", containerPath: "/app/backend/data", readOnly: false },
      ]);
      expect(stack.inputs("aws:efs/fileSystem:FileSystem").encrypted).to.equal(true);
    });

    it("is a Fargate task with a valid cpu/memory pair and the family the runbook uses", () => {
      const td = stack.inputs(TD);
      expect(td).to.include({ family: "pluto-openwebui", networkMode: "awsvpc", cpu: "1024", memory: "2048" });
      expect(td.requiresCompatibilities).to.deep.equal(["FARGATE"]);
    });
  });

  describe("ECS service", () => {
    it("is named for the runbook, rolls back failed deployments and waits for Open WebUI's first start", () => {
      const svc = stack.inputs("aws:ecs/service:Service");
      expect(svc.name).to.equal("pluto-openwebui");
      expect(svc.cluster).to.match(/cluster\/pluto-cluster$/);
      expect(stack.inputs("aws:ecs/cluster:Cluster").name).to.equal("pluto-cluster");
      expect(svc.deploymentCircuitBreaker).to.deep.equal({ enable: true, rollback: true });
      expect(svc.healthCheckGracePeriodSeconds).to.be.at.least(300);
      expect(svc.loadBalancers).to.deep.equal([
        { targetGroupArn: stack.one("aws:lb/targetGroup:TargetGroup").id, containerName: "oauth2-proxy", containerPort: 4180 },
      ]);
      expect(svc.networkConfiguration.assignPublicIp).to.equal(false);
      expect(svc.networkConfiguration.subnets.every((s: string) => s.startsWith("subnet-prv"))).to.equal(true);
    });

    it("targets oauth2-proxy by IP on 4180 and health-checks /ping", () => {
      const tg = stack.inputs("aws:lb/targetGroup:TargetGroup");
      expect(tg).to.include({ targetType: "ip", port: 4180, protocol: "HTTP" });
      expect(tg.healthCheck).to.include({ path: "/ping", port: "4180", matcher: "200" });
    });

    it("is created after its listener rule and the EFS mount targets", () => {
      const svc = stack.one("aws:ecs/service:Service");
      const rule = stack.one("aws:lb/listenerRule:ListenerRule", "-svc-host");
      const mounts = stack.all("aws:efs/mountTarget:MountTarget");
      expect(mounts).to.have.length(2);
      expect(svc.dependencies).to.include.members([rule.urn, ...mounts.map((m) => m.urn)]);
    });

    it("routes the app host to the service with a host-header rule on the HTTPS listener", () => {
      const rule = stack.inputs("aws:lb/listenerRule:ListenerRule", "-svc-host");
      expect(rule.conditions).to.deep.equal([{ hostHeader: { values: ["pluto.example.com"] } }]);
      expect(rule.actions[0].type).to.equal("forward");
    });

    it("lets the execution role (not the task role) read exactly the task's secrets", () => {
      const roles = stack.all("aws:iam/role:Role").filter((r) => r.name.startsWith("pluto-openwebui-svc"));
      const exec = stack.inlinePolicies(roles.find((r) => r.name.endsWith("-execution"))!);
      const task = stack.inlinePolicies(roles.find((r) => r.name.endsWith("-task"))!);
      const statement = JSON.parse(exec[0].policy).Statement[0];
      const arns = stack.containers("pluto-openwebui").flatMap((c) => c.secrets.map((s) => secretResourceArn(s.valueFrom)));
      expect(statement.Action).to.deep.equal(["secretsmanager:GetSecretValue"]);
      expect([...statement.Resource].sort()).to.deep.equal([...arns].sort());
      expect(JSON.stringify(task)).to.not.contain("secretsmanager");
      expect(JSON.stringify(task)).to.contain("elasticfilesystem:ClientMount").and.contain("elasticfilesystem:ClientWrite");
    });
  });

  describe("security groups", () => {
    const rulesOf = (s: Stack, groupSuffix: string, type: string) => {
      const sg = s.one("aws:ec2/securityGroup:SecurityGroup", groupSuffix);
      return s
        .all(type)
        .filter((r) => r.parent === sg.urn)
        .map((r) => r.inputs as any);
    };

    it("opens the load balancer to the internet on 443 and 80 only", () => {
      const ingress = rulesOf(stack, "pluto-alb", SG_IN);
      expect(ingress.map((r) => `${r.fromPort}-${r.toPort}/${r.cidrIpv4 ?? r.cidrIpv6}`).sort()).to.deep.equal([
        "443-443/0.0.0.0/0",
        "443-443/::/0",
        "80-80/0.0.0.0/0",
        "80-80/::/0",
      ]);
    });

    it("lets the load balancer reach the tasks on 4180 only, so 8080 is unreachable", () => {
      const albOut = rulesOf(stack, "pluto-alb", SG_OUT);
      expect(albOut).to.have.length(1);
      expect(albOut[0]).to.include({ fromPort: 4180, toPort: 4180, ipProtocol: "tcp" });
      const taskIn = rulesOf(stack, "pluto-task", SG_IN);
      expect(taskIn).to.have.length(1);
      expect(taskIn[0]).to.include({ fromPort: 4180, toPort: 4180 });
      // Every ingress rule anywhere: none covers 8080.
      for (const r of stack.all(SG_IN).map((x) => x.inputs as any)) expect(r.fromPort <= 8080 && 8080 <= r.toPort, `rule ${JSON.stringify(r)}`).to.equal(false);
    });

    it("admits PostgreSQL and NFS only from the task security group", () => {
      const taskSg = stack.one("aws:ec2/securityGroup:SecurityGroup", "pluto-task");
      const db = rulesOf(stack, "pluto-db", SG_IN);
      const efs = rulesOf(stack, "pluto-efs", SG_IN);
      expect(db).to.have.length(1);
      expect(efs).to.have.length(1);
      expect(db[0]).to.include({ fromPort: 5432, toPort: 5432 });
      expect(efs[0]).to.include({ fromPort: 2049, toPort: 2049 });
      expect(db[0].referencedSecurityGroupId).to.equal(taskSg.id);
      expect(efs[0].referencedSecurityGroupId).to.equal(taskSg.id);
      expect(rulesOf(stack, "pluto-alb", SG_OUT)[0].referencedSecurityGroupId).to.equal(taskSg.id);
      expect(rulesOf(stack, "pluto-task", SG_IN)[0].referencedSecurityGroupId).to.equal(stack.one("aws:ec2/securityGroup:SecurityGroup", "pluto-alb").id);
    });
  });

  describe("database", () => {
    it("is private, encrypted, in the db security group, and its URL is a secret", () => {
      const db = stack.inputs("aws:rds/instance:Instance");
      expect(db).to.include({ engine: "postgres", publiclyAccessible: false, storageEncrypted: true, identifier: "pluto-openwebui" });
      expect(db.password).to.equal("[secret]");
      const url = stack.all("aws:secretsmanager/secretVersion:SecretVersion").find((r) => r.name === "pluto-db-url-value")!;
      expect((url.inputs as any).secretString).to.equal("[secret]");
    });
  });

  describe("ingress", () => {
    it("serves HTTPS on a validated certificate and redirects HTTP to HTTPS", () => {
      const https = stack.inputs("aws:lb/listener:Listener", "-https");
      const http = stack.inputs("aws:lb/listener:Listener", "-http");
      const validation = stack.one("aws:acm/certificateValidation:CertificateValidation", "pluto-ingress-tls-validation");
      expect(https).to.include({ port: 443, protocol: "HTTPS" });
      expect(https.sslPolicy).to.match(/TLS13/);
      expect(http.defaultActions).to.deep.equal([{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }]);
      // The listener's certificate ARN comes from the validation, so it waits for issuance.
      expect(stack.one("aws:lb/listener:Listener", "-https").dependencies).to.include(validation.urn);
    });

    it("validates the app certificate by DNS in the hosted zone, and aliases the domain to the ALB", () => {
      const cert = stack.inputs("aws:acm/certificate:Certificate", "pluto-ingress-tls-cert");
      expect(cert).to.include({ domainName: "pluto.example.com", validationMethod: "DNS" });
      const records = stack.all("aws:route53/record:Record").map((r) => r.inputs as any);
      expect(records.find((r) => r.name === "pluto.example.com")).to.deep.include({ type: "A" });
      expect(records.filter((r) => r.type === "CNAME" && /acm-validations/.test(r.records[0]))).to.have.length(2);
    });
  });

  describe("Cognito", () => {
    it("maps email_verified from Google, or oauth2-proxy rejects Google users", () => {
      const idp = stack.inputs("aws:cognito/identityProvider:IdentityProvider");
      expect(idp).to.include({ providerName: "Google", providerType: "Google" });
      expect(idp.attributeMapping).to.include({ email: "email", email_verified: "email_verified" });
      // The map holds the client secret, so the whole map is secret and synth shows it masked.
      expect(idp.providerDetails).to.equal("[secret]");
      const raw = (stack.one("aws:cognito/identityProvider:IdentityProvider").rawInputs.providerDetails as any).value;
      expect(raw).to.include({
        client_id: "123456789012-abcdefghijklmnopqrstuvwxyz012345.apps.googleusercontent.com",
        authorize_scopes: "openid email profile",
      });
    });

    it("has an app client for oauth2-proxy: code flow, openid email profile, callback and sign-out URLs, secret", () => {
      const client = stack.inputs("aws:cognito/userPoolClient:UserPoolClient");
      expect(client).to.include({ generateSecret: true, allowedOauthFlowsUserPoolClient: true });
      expect(client.allowedOauthFlows).to.deep.equal(["code"]);
      expect(client.allowedOauthScopes).to.deep.equal(["openid", "email", "profile"]);
      expect(client.callbackUrls).to.deep.equal(["https://pluto.example.com/oauth2/callback"]);
      expect(client.logoutUrls).to.deep.equal(["https://pluto.example.com", "https://pluto.example.com/signed-out"]);
      expect(client.supportedIdentityProviders).to.include("Google");
      expect(stack.one("aws:cognito/userPoolClient:UserPoolClient").dependencies).to.include(stack.one("aws:cognito/identityProvider:IdentityProvider").urn);
    });

    it("hands the client secret to oauth2-proxy through Secrets Manager", () => {
      const secret = stack.all("aws:secretsmanager/secret:Secret").find((r) => (r.inputs as any).namePrefix === "pluto/oauth2-proxy/client-secret-")!;
      const proxy = stack.container("pluto-openwebui", "oauth2-proxy");
      expect(proxy.secrets.find((s) => s.name === "OAUTH2_PROXY_CLIENT_SECRET")!.valueFrom).to.contain("pluto/oauth2-proxy/client-secret");
      expect(secret).to.not.equal(undefined);
    });

    it("puts the hosted UI on auth.<domain> with a us-east-1 certificate, after the domain's own record exists", () => {
      const domain = stack.one("aws:cognito/userPoolDomain:UserPoolDomain");
      expect((domain.inputs as any).domain).to.equal("auth.pluto.example.com");
      const cert = stack.one("aws:acm/certificate:Certificate", "pluto-identity-auth-tls-cert");
      expect(cert.inputs as any).to.include({ domainName: "auth.pluto.example.com", region: "us-east-1" });
      expect((domain.inputs as any).certificateArn).to.match(/^arn:aws:acm:us-east-1:/);
      expect(stack.inputs("aws:acm/certificateValidation:CertificateValidation", "pluto-identity-auth-tls-validation")).to.include({ region: "us-east-1" });
      const appAlias = stack.one("aws:route53/record:Record", "pluto-ingress-app-alias");
      expect(domain.dependencies).to.include(appAlias.urn);
      const validation = stack.one("aws:acm/certificateValidation:CertificateValidation", "pluto-identity-auth-tls-validation");
      expect(domain.dependencies).to.include(validation.urn);
    });

    it("states the pool's feature plan: Essentials, which managed login version 2 and its branding need", () => {
      expect(stack.inputs("aws:cognito/userPool:UserPool")).to.include({ userPoolTier: "ESSENTIALS" });
      expect(stack.inputs("aws:cognito/userPoolDomain:UserPoolDomain")).to.include({ managedLoginVersion: 2 });
    });

    it("wires PostConfirmation to the producer and lets Cognito (this pool only) invoke it", () => {
      const pool = stack.inputs("aws:cognito/userPool:UserPool");
      const producer = stack.all("aws:lambda/function:Function").find((r) => (r.inputs as any).name === "pluto-cognito-postconfirm")!;
      expect(pool.lambdaConfig.postConfirmation).to.match(/function:pluto-cognito-postconfirm$/);
      const permission = stack.inputs("aws:lambda/permission:Permission", "-postconfirm-invoke");
      expect(permission).to.include({ action: "lambda:InvokeFunction", principal: "cognito-idp.amazonaws.com", function: "pluto-cognito-postconfirm" });
      expect(permission.sourceArn)
        .to.match(/^arn:aws:cognito-idp:us-west-2:\d{12}:userpool\//)
        .and.equal(`arn:aws:cognito-idp:us-west-2:123456789012:userpool/${stack.result.outputs.userPoolId}`);
      expect(producer).to.not.equal(undefined);
    });
  });

  it("exports what operators need", () => {
    expect(stack.result.outputs).to.include({
      appUrl: "https://pluto.example.com",
      authDomain: "auth.pluto.example.com",
      clusterName: "pluto-cluster",
      serviceName: "pluto-openwebui",
      logGroupName: "/pluto/ecs",
    });
    expect(stack.result.outputs.userPoolId).to.match(/^us-west-2_/);
    expect(stack.result.outputs.appClientId).to.be.a("string").with.length.greaterThan(10);
  });

  it("parents every resource under a component, and names children after it", () => {
    const components = stack.result.resources.filter((r) => r.type.startsWith("pluto:"));
    for (const r of stack.result.resources) {
      if (r.type.startsWith("pluto:") && !r.parent) continue;
      expect(r.parent, `${r.type} ${r.name} has no parent`).to.be.a("string");
      const parent = stack.byUrn(r.parent!);
      const owner = parent.type.startsWith("pluto:") ? parent : components.find((c) => r.name.startsWith(c.name));
      expect(owner, `${r.name}`).to.not.equal(undefined);
      if (parent.type.startsWith("pluto:"))
        expect(r.name.startsWith(`${parent.name}-`) || r.name === parent.name, `${r.name} under ${parent.name}`).to.equal(true);
    }
  });
});

describe("the Pluto program with other settings", () => {
  it("with natGateways=none runs tasks in public subnets with public IPs (no NAT to pull images through)", async () => {
    const s = await synthStack({ "pluto:natGateways": "none" });
    const svc = s.inputs("aws:ecs/service:Service");
    expect(svc.networkConfiguration.assignPublicIp).to.equal(true);
    expect(svc.networkConfiguration.subnets.every((x: string) => x.startsWith("subnet-pub"))).to.equal(true);
    expect(s.all("aws:ec2/natGateway:NatGateway")).to.have.length(0);
    expect(s.all("aws:ec2/route:Route")).to.have.length(0);
    expect(s.inputs("aws:rds/instance:Instance").publiclyAccessible).to.equal(false);
  });

  it("runs every resource on the stack's own provider, so the stack's credentials and default tags apply everywhere", async () => {
    // An explicit aws.Provider reads no stack config (aws:profile, aws:assumeRoles, keys,
    // aws:defaultTags): a certificate issued through one fails with "No valid credential sources" or
    // lands in another account (pulumi/pulumi-aws#1307, #3259). Other regions go through `region`.
    for (const s of [
      await synthStack(),
      await synthStack({ "pluto:n8n": JSON.stringify({ enabled: true }), "pluto:waf": JSON.stringify({ enabled: true }) }),
    ]) {
      expect(s.all("pulumi:providers:aws").map((p) => p.name)).to.deep.equal([]);
      expect(s.result.resources.filter((r) => r.provider !== undefined && !r.provider.includes("::default")).map((r) => r.name)).to.deep.equal([]);
    }
  });

  it("in us-east-1 issues the auth certificate in the stack's region too, and honours namePrefix", async () => {
    const s = await synthStack({ "aws:region": "us-east-1", "pluto:namePrefix": "acme" });
    expect(s.all("pulumi:providers:aws")).to.have.length(0);
    expect(s.inputs("aws:acm/certificate:Certificate", "acme-identity-auth-tls-cert")).to.include({ region: "us-east-1" });
    expect(s.result.outputs).to.include({ clusterName: "acme-cluster", serviceName: "acme-openwebui", logGroupName: "/acme/ecs" });
    expect(s.container("acme-openwebui", "oauth2-proxy").environment.find((e) => e.name === "OAUTH2_PROXY_OIDC_ISSUER_URL")!.value).to.match(
      /^https:\/\/cognito-idp\.us-east-1\.amazonaws\.com\/us-east-1_/,
    );
  });
});
