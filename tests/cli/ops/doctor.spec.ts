import { expect } from "chai";
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, DescribeTasksCommand, ListTasksCommand, Service } from "@aws-sdk/client-ecs";
import { DescribeDBInstancesCommand } from "@aws-sdk/client-rds";
import { awsError, awsMocks, AwsMocks, healthyBackups, minutesAfterT0, pluto, REGION, restoreMocks, service, taskArn, taskDefinition, tdArn } from "./fixtures";
import { deploymentCheck, proxyModeCheck } from "../../../cli/commands/ops/checks";
import { snapshotContainers } from "../../../cli/commands/ops/envDiff";

describe("pluto doctor", () => {
  let m: AwsMocks;
  beforeEach(() => (m = awsMocks()));
  afterEach(() => restoreMocks(m));

  /** A live stack: the service runs `svc`, task definitions by revision, no stopped tasks. */
  function live(svc: Service, tds: Record<number, ReturnType<typeof taskDefinition>>) {
    m.ecs.on(DescribeServicesCommand).resolves({ services: [svc], failures: [] });
    for (const [rev, td] of Object.entries(tds)) {
      m.ecs.on(DescribeTaskDefinitionCommand, { taskDefinition: tdArn(Number(rev)) }).resolves({ taskDefinition: td });
      m.ecs.on(DescribeTaskDefinitionCommand, { taskDefinition: `pluto-openwebui:${rev}` }).resolves({ taskDefinition: td });
    }
    m.ecs.on(ListTasksCommand).resolves({ taskArns: [] });
  }

  it("reports a healthy service with exit 0 and asks ECS exactly for the stack's names", async () => {
    live(service(56), { 56: taskDefinition(56) });
    const r = await pluto(["doctor", "--region", REGION]);
    expect(r.err).to.equal("");
    expect(r.code).to.equal(0);
    expect(r.out).to.match(/^PASS {2}policy +pluto-openwebui:56 passes every policy/m);
    expect(r.out).to.match(/^PASS {2}proxy-mode/m);
    expect(r.out).to.match(/^SKIP {2}baseline/m);
    expect(r.out).to.match(/^PASS {2}deployments +1 deployment, 1\/1 tasks running/m);
    expect(r.out).to.match(/^ +PRIMARY ecs-svc\/1111111111111111111 pluto-openwebui:56 rollout=COMPLETED running=1\/1$/m);
    expect(r.out).to.match(/^healthy$/m);
    expect(m.ecs.commandCalls(DescribeServicesCommand).map((c) => c.args[0].input)).to.deep.equal([
      { cluster: "pluto-cluster", services: ["pluto-openwebui"] },
    ]);
    expect(m.ecs.commandCalls(DescribeTaskDefinitionCommand).map((c) => c.args[0].input)).to.deep.equal([{ taskDefinition: tdArn(56) }]);
    expect(m.ecs.commandCalls(ListTasksCommand).map((c) => c.args[0].input)).to.deep.equal([
      { cluster: "pluto-cluster", serviceName: "pluto-openwebui", desiredStatus: "STOPPED" },
      { cluster: "pluto-cluster", serviceName: "pluto-openwebui", desiredStatus: "RUNNING" },
    ]);
    expect(m.ecs.commandCalls(DescribeTasksCommand)).to.have.length(0);
  });

  it("flags a live WEBUI_AUTH=false with exit 1 naming the policy", async () => {
    live(service(51), { 51: taskDefinition(51, { set: { WEBUI_AUTH: "false" } }) });
    const r = await pluto(["doctor", "--region", REGION]);
    expect(r.code).to.equal(1);
    expect(r.out).to.match(/^FAIL {2}policy +pluto-openwebui:51 violates openwebui-no-webui-auth/m);
    expect(r.out).to.match(/\[mandatory\] openwebui-no-webui-auth \(openwebui\)/);
    expect(r.out).to.match(/^unhealthy: policy failed$/m);
  });

  it("uses --prefix, --cluster and --service for every name", async () => {
    m.ecs.on(DescribeServicesCommand).resolves({ services: [{ ...service(3), serviceName: "web" }] });
    m.ecs.on(DescribeTaskDefinitionCommand).resolves({ taskDefinition: taskDefinition(3) });
    m.ecs.on(ListTasksCommand).resolves({ taskArns: [] });
    healthyBackups(m, new Date(), "acme");
    const r = await pluto(["doctor", "--region", REGION, "--prefix", "acme", "--service", "web"]);
    expect(r.code).to.equal(0);
    expect(m.rds.commandCalls(DescribeDBInstancesCommand)[0].args[0].input).to.deep.equal({ DBInstanceIdentifier: "acme-openwebui" });
    expect(m.ecs.commandCalls(DescribeServicesCommand)[0].args[0].input).to.deep.equal({ cluster: "acme-cluster", services: ["web"] });
    expect(m.ecs.commandCalls(ListTasksCommand)[0].args[0].input).to.include({ cluster: "acme-cluster", serviceName: "web" });
  });

  it("fails on two deployments in progress", async () => {
    const svc = service(57, {
      deployments: [
        {
          id: "ecs-svc/2",
          status: "PRIMARY",
          taskDefinition: tdArn(57),
          desiredCount: 1,
          runningCount: 0,
          rolloutState: "IN_PROGRESS",
          createdAt: minutesAfterT0(20),
        },
        {
          id: "ecs-svc/1",
          status: "ACTIVE",
          taskDefinition: tdArn(56),
          desiredCount: 1,
          runningCount: 1,
          rolloutState: "IN_PROGRESS",
          createdAt: minutesAfterT0(10),
        },
      ],
    });
    live(svc, { 57: taskDefinition(57) });
    const r = await pluto(["doctor", "--region", REGION]);
    expect(r.code).to.equal(1);
    expect(r.out).to.match(/^FAIL {2}deployments +2 deployments in progress at once/m);
    expect(r.out).to.include("PRIMARY ecs-svc/2 pluto-openwebui:57 rollout=IN_PROGRESS running=0/1");
  });

  it("fails on a FAILED rollout and on fewer running tasks than desired", async () => {
    const svc = service(58, {
      runningCount: 0,
      deployments: [
        {
          id: "ecs-svc/3",
          status: "PRIMARY",
          taskDefinition: tdArn(58),
          desiredCount: 1,
          runningCount: 0,
          failedTasks: 4,
          rolloutState: "FAILED",
          rolloutStateReason: "ECS deployment circuit breaker: tasks failed to start.",
          createdAt: minutesAfterT0(30),
        },
      ],
    });
    live(svc, { 58: taskDefinition(58) });
    const r = await pluto(["doctor", "--region", REGION]);
    expect(r.code).to.equal(1);
    expect(r.out).to.include("deployment ecs-svc/3 FAILED: ECS deployment circuit breaker: tasks failed to start.");
    expect(r.out).to.include("0 of 1 desired tasks running");
  });

  it("reports the baseline diff (added, removed, changed) without printing secret values", async () => {
    const baseline = taskDefinition(40);
    const current = taskDefinition(51, {
      set: { WEBUI_AUTH: "false", ENABLE_SIGNUP: "true", OPENAI_API_KEY: "sk-live-123" },
      unset: ["WEBUI_AUTH_SIGNOUT_REDIRECT_URL"],
    });
    baseline.containerDefinitions![0].environment!.push({ name: "OPENAI_API_KEY", value: "sk-old-456" });
    live(service(51), { 51: current, 40: baseline });
    const r = await pluto(["doctor", "--region", REGION, "--baseline", "40"]);
    expect(r.code).to.equal(1);
    expect(m.ecs.commandCalls(DescribeTaskDefinitionCommand).map((c) => c.args[0].input.taskDefinition)).to.deep.equal([tdArn(51), "pluto-openwebui:40"]);
    expect(r.out).to.match(/^FAIL {2}baseline +differs from pluto-openwebui:40: 1 added, 1 removed, 2 changed/m);
    expect(r.out).to.match(/\+ +env +WEBUI_AUTH=false/);
    expect(r.out).to.match(/- +env +WEBUI_AUTH_SIGNOUT_REDIRECT_URL=\/oauth2\/sign_out\?rd=/);
    expect(r.out).to.match(/~ +env +ENABLE_SIGNUP: false -> true/);
    expect(r.out).to.match(/~ +env +OPENAI_API_KEY: value changed \(hidden\)/);
    expect(r.out).not.to.include("sk-live-123");
    expect(r.out).not.to.include("sk-old-456");
  });

  it("prints one JSON document with --json (secrets masked there too)", async () => {
    live(service(51), { 51: taskDefinition(51, { set: { SCIM_TOKEN_FALLBACK: "tok-abc" } }), 40: taskDefinition(40) });
    const r = await pluto(["doctor", "--region", REGION, "--baseline", "40", "--json"]);
    const doc = JSON.parse(r.out);
    expect(doc).to.include({ cluster: "pluto-cluster", service: "pluto-openwebui", taskDefinition: "pluto-openwebui:51", region: REGION });
    expect(doc.checks.map((c: { name: string }) => c.name)).to.deep.equal([
      "policy",
      "proxy-mode",
      "baseline",
      "deployments",
      "stopped-tasks",
      "versions",
      "image-floor",
      "backups",
      "alarms",
      "models",
      "n8n-key",
    ]);
    expect(doc.baselineDiff[0].environment).to.deep.include({ kind: "added", name: "SCIM_TOKEN_FALLBACK", after: "<hidden>" });
    expect(r.out).not.to.include("tok-abc");
    expect(r.code).to.equal(1);
  });

  it("shows recent stopped-task reasons from DescribeTasks", async () => {
    live(service(56), { 56: taskDefinition(56) });
    m.ecs.on(ListTasksCommand).resolves({ taskArns: [taskArn("aaaa1111"), taskArn("bbbb2222")] });
    m.ecs.on(DescribeTasksCommand).resolves({
      tasks: [
        {
          taskArn: taskArn("aaaa1111"),
          stopCode: "ServiceSchedulerInitiated",
          stoppedReason: "Scaling activity initiated by (deployment ecs-svc/1)",
          stoppedAt: minutesAfterT0(1),
          containers: [{ name: "openwebui", exitCode: 0 }],
        },
        {
          taskArn: taskArn("bbbb2222"),
          stopCode: "EssentialContainerExited",
          stoppedReason: "Essential container in task exited",
          stoppedAt: minutesAfterT0(2),
          containers: [{ name: "oauth2-proxy", exitCode: 1, reason: "cookie_secret must be 16, 24, or 32 bytes" }],
        },
      ],
    });
    const r = await pluto(["doctor", "--region", REGION]);
    expect(m.ecs.commandCalls(DescribeTasksCommand)[0].args[0].input).to.deep.equal({
      cluster: "pluto-cluster",
      tasks: [taskArn("aaaa1111"), taskArn("bbbb2222")],
    });
    expect(r.out).to.match(/^WARN {2}stopped-tasks +1 of 2 recently stopped tasks failed/m);
    expect(r.out).to.include(
      "bbbb2222 EssentialContainerExited: Essential container in task exited; oauth2-proxy exit=1 (cookie_secret must be 16, 24, or 32 bytes)",
    );
    // A warning is not a failure.
    expect(r.code).to.equal(0);
  });

  describe("cannot check (exit 2)", () => {
    it("without credentials", async () => {
      m.ecs.on(DescribeServicesCommand).rejects(awsError("CredentialsProviderError", "Could not load credentials from any providers"));
      const r = await pluto(["doctor", "--region", REGION]);
      expect(r.code).to.equal(2);
      expect(r.err).to.equal("pluto: no AWS credentials found (set AWS_PROFILE or use --profile, or configure the default credential chain)");
    });

    it("names the profile whose credentials are missing", async () => {
      m.ecs.on(DescribeServicesCommand).rejects(awsError("CredentialsProviderError", "Could not resolve credentials using profile: [ops]"));
      const r = await pluto(["doctor", "--region", REGION, "--profile", "ops"]);
      expect(r.code).to.equal(2);
      expect(r.err).to.include('profile "ops" has no usable credentials');
    });

    it("on AccessDenied, naming the denied call", async () => {
      m.ecs
        .on(DescribeServicesCommand)
        .rejects(awsError("AccessDeniedException", "User: arn:aws:iam::123456789012:user/ro is not authorized to perform: ecs:DescribeServices"));
      const r = await pluto(["doctor", "--region", REGION]);
      expect(r.code).to.equal(2);
      expect(r.err).to.match(/^pluto: access denied calling ecs:DescribeServices in eu-west-1: User: .* is not authorized/);
    });

    it("on AccessDenied for a later call (stopped tasks)", async () => {
      live(service(56), { 56: taskDefinition(56) });
      m.ecs.on(ListTasksCommand).rejects(awsError("AccessDeniedException", "not allowed"));
      const r = await pluto(["doctor", "--region", REGION]);
      expect(r.code).to.equal(2);
      expect(r.err).to.equal("pluto: access denied calling ecs:ListTasks in eu-west-1: not allowed");
    });

    it("for an unknown cluster", async () => {
      m.ecs.on(DescribeServicesCommand).rejects(awsError("ClusterNotFoundException", "Cluster not found."));
      const r = await pluto(["doctor", "--region", REGION, "--prefix", "nope"]);
      expect(r.code).to.equal(2);
      expect(r.err).to.equal("pluto: cluster nope-cluster not found in eu-west-1 (use --cluster or --prefix)");
    });

    it("for a service that describe-services reports MISSING", async () => {
      m.ecs
        .on(DescribeServicesCommand)
        .resolves({ services: [], failures: [{ arn: "arn:aws:ecs:eu-west-1:123456789012:service/pluto-cluster/pluto-openwebui", reason: "MISSING" }] });
      const r = await pluto(["doctor", "--region", REGION]);
      expect(r.code).to.equal(2);
      expect(r.err).to.equal("pluto: service pluto-openwebui not found in cluster pluto-cluster");
    });

    it("for a baseline revision that does not exist", async () => {
      live(service(56), { 56: taskDefinition(56) });
      m.ecs
        .on(DescribeTaskDefinitionCommand, { taskDefinition: "pluto-openwebui:999" })
        .rejects(awsError("ClientException", "Unable to describe task definition."));
      const r = await pluto(["doctor", "--region", REGION, "--baseline", "999"]);
      expect(r.code).to.equal(2);
      expect(r.err).to.equal("pluto: task definition pluto-openwebui:999 not found in eu-west-1");
    });

    it("for a baseline that is not a revision", async () => {
      live(service(56), { 56: taskDefinition(56) });
      const r = await pluto(["doctor", "--region", REGION, "--baseline", "yesterday"]);
      expect(r.code).to.equal(2);
      expect(r.err).to.equal('pluto: revision "yesterday" is not a number, family:revision or task definition ARN');
    });
  });
});

describe("doctor checks", () => {
  it("proxy-mode fails on nginx auth_request mode and on X-Auth-Request-* trusted headers", () => {
    const td = taskDefinition(60, { proxySet: { OAUTH2_PROXY_SET_XAUTHREQUEST: "true" }, set: { WEBUI_AUTH_TRUSTED_EMAIL_HEADER: "X-Auth-Request-Email" } });
    const check = proxyModeCheck(snapshotContainers(td));
    expect(check.status).to.equal("fail");
    expect(check.details.join("\n")).to.include("OAUTH2_PROXY_SET_XAUTHREQUEST=true").and.include("WEBUI_AUTH_TRUSTED_EMAIL_HEADER=X-Auth-Request-Email");
  });

  it("proxy-mode reads command-line flags too", () => {
    const c = snapshotContainers(taskDefinition(60)).map((x) =>
      x.name === "oauth2-proxy" ? { ...x, command: ["--pass-user-headers=false"], environment: {} } : x,
    );
    expect(proxyModeCheck(c).details[0]).to.include("PASS_USER_HEADERS=false");
  });

  it("proxy-mode fails without an oauth2-proxy container", () => {
    const c = snapshotContainers(taskDefinition(60)).filter((x) => x.name !== "oauth2-proxy");
    expect(proxyModeCheck(c)).to.include({ status: "fail" });
  });

  it("a circuit-breaker rollback is a finding until a newer deployment replaces the one rolled back to", () => {
    const rolledBack = service(56, {
      events: [
        { id: "e2", createdAt: minutesAfterT0(50), message: "(service pluto-openwebui) rolling back to deployment ecs-svc/1111111111111111111." },
        { id: "e1", createdAt: minutesAfterT0(49), message: "(service pluto-openwebui) (deployment ecs-svc/4) deployment failed: tasks failed to start." },
      ],
    });
    const check = deploymentCheck(rolledBack);
    expect(check.status).to.equal("fail");
    expect(check.summary).to.include("circuit breaker rolled back at 2026-01-29T10:50:00.000Z");
    const redeployed = { ...rolledBack, deployments: [{ ...rolledBack.deployments![0], createdAt: minutesAfterT0(60) }] };
    expect(deploymentCheck(redeployed).status).to.equal("pass");
  });
});
