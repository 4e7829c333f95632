import { expect } from "chai";
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, DescribeTasksCommand, ListTasksCommand, Task } from "@aws-sdk/client-ecs";
import { versionsCheck } from "../../../cli/commands/ops/checks";
import { awsMocks, AwsMocks, pluto, REGION, restoreMocks, service, taskArn, taskDefinition, tdArn } from "./fixtures";

const OW_DIGEST_82 = "sha256:8f1c5a0e0c2b7d9f4b3e6a1d2c5f8e7b9a0c3d6e1f4a7b2c5d8e0f3a6b9c2d5e";
const OW_DIGEST_83 = "sha256:1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f809";
const PROXY_DIGEST = "sha256:0f9e8d7c6b5a49382716f5e4d3c2b1a00f9e8d7c6b5a49382716f5e4d3c2b1a0";

/**
 * A running task as DescribeTasks returns it (fields as in the ECS API reference's `Task` and
 * `Container` shapes, https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Task.html),
 * written out literally rather than derived from the program.
 */
function runningTask(id: string, revision: number, openWebUi: { image: string; digest: string }, proxyDigest = PROXY_DIGEST): Task {
  return {
    taskArn: taskArn(id),
    clusterArn: `arn:aws:ecs:${REGION}:123456789012:cluster/pluto-cluster`,
    taskDefinitionArn: tdArn(revision),
    lastStatus: "RUNNING",
    desiredStatus: "RUNNING",
    launchType: "FARGATE",
    group: "service:pluto-openwebui",
    startedBy: "ecs-svc/1111111111111111111",
    containers: [
      {
        containerArn: `arn:aws:ecs:${REGION}:123456789012:container/pluto-cluster/${id}/0b5f6d7e-0000-4000-8000-000000000001`,
        taskArn: taskArn(id),
        name: "openwebui",
        image: openWebUi.image,
        imageDigest: openWebUi.digest,
        runtimeId: `${id}-1111111111`,
        lastStatus: "RUNNING",
        healthStatus: "HEALTHY",
      },
      {
        containerArn: `arn:aws:ecs:${REGION}:123456789012:container/pluto-cluster/${id}/0b5f6d7e-0000-4000-8000-000000000002`,
        taskArn: taskArn(id),
        name: "oauth2-proxy",
        image: "quay.io/oauth2-proxy/oauth2-proxy:v7.15.3",
        imageDigest: proxyDigest,
        runtimeId: `${id}-2222222222`,
        lastStatus: "RUNNING",
        healthStatus: "UNKNOWN",
      },
    ],
  };
}

const V082 = { image: "ghcr.io/open-webui/open-webui:v0.8.2", digest: OW_DIGEST_82 };
const V083 = { image: "ghcr.io/open-webui/open-webui:v0.8.3", digest: OW_DIGEST_83 };

describe("pluto doctor: one Open WebUI version at a time", () => {
  const svc = service(57, { desiredCount: 2, runningCount: 2, deploymentConfiguration: { minimumHealthyPercent: 0, maximumPercent: 100 } });

  describe("versionsCheck", () => {
    it("passes when every running task runs the same image, and says which", () => {
      const c = versionsCheck(svc, [runningTask("aaaa1111", 57, V082), runningTask("bbbb2222", 57, V082)]);
      expect(c.status).to.equal("pass");
      expect(c.summary).to.equal("one version per container on 2 running tasks");
      expect(c.details).to.include(`openwebui: ghcr.io/open-webui/open-webui:v0.8.2 (${OW_DIGEST_82}) on 2 tasks`);
    });

    it("fails when two Open WebUI versions run at once (a rolling upgrade across a migration)", () => {
      const c = versionsCheck(svc, [runningTask("aaaa1111", 56, V082), runningTask("bbbb2222", 57, V083)]);
      expect(c.status).to.equal("fail");
      expect(c.summary).to.match(/^2 versions of openwebui running at once: two Open WebUI versions must not share a database/);
    });

    it("fails when one moving tag resolved to two digests", () => {
      const c = versionsCheck(svc, [runningTask("aaaa1111", 57, V082), runningTask("bbbb2222", 57, { ...V082, digest: OW_DIGEST_83 })]);
      expect(c.status).to.equal("fail");
    });

    it("only warns about two oauth2-proxy versions", () => {
      const c = versionsCheck(svc, [runningTask("aaaa1111", 57, V082), runningTask("bbbb2222", 57, V082, OW_DIGEST_83)]);
      expect(c.status).to.equal("warn");
      expect(c.summary).to.equal("2 versions of oauth2-proxy running at once");
    });

    it("warns when the service may start new tasks before old ones stop", () => {
      const rolling = { ...svc, deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 200 } };
      const c = versionsCheck(rolling, [runningTask("aaaa1111", 57, V082)]);
      expect(c.status).to.equal("warn");
      expect(c.summary).to.match(/maximum percent is 200/);
    });

    it("passes with no running tasks", () => {
      expect(versionsCheck(svc, [])).to.include({ status: "pass", summary: "no running tasks" });
    });
  });

  describe("through `pluto doctor`", () => {
    let m: AwsMocks;
    beforeEach(() => (m = awsMocks()));
    afterEach(() => restoreMocks(m));

    it("lists the running tasks, describes them and exits 1 on two versions", async () => {
      m.ecs.on(DescribeServicesCommand).resolves({ services: [svc], failures: [] });
      m.ecs.on(DescribeTaskDefinitionCommand).resolves({ taskDefinition: taskDefinition(57) });
      m.ecs.on(ListTasksCommand, { desiredStatus: "STOPPED" }).resolves({ taskArns: [] });
      m.ecs.on(ListTasksCommand, { desiredStatus: "RUNNING" }).resolves({ taskArns: [taskArn("aaaa1111"), taskArn("bbbb2222")] });
      m.ecs.on(DescribeTasksCommand).resolves({ tasks: [runningTask("aaaa1111", 56, V082), runningTask("bbbb2222", 57, V083)] });
      const r = await pluto(["doctor", "--region", REGION]);
      expect(m.ecs.commandCalls(DescribeTasksCommand).map((c) => c.args[0].input)).to.deep.equal([
        { cluster: "pluto-cluster", tasks: [taskArn("aaaa1111"), taskArn("bbbb2222")] },
      ]);
      expect(r.out).to.match(/^FAIL {2}versions +2 versions of openwebui running at once/m);
      expect(r.out).to.include("openwebui: ghcr.io/open-webui/open-webui:v0.8.2");
      expect(r.out).to.match(/^unhealthy: versions, image-floor failed$/m);
      expect(r.code).to.equal(1);
    });
  });
});
