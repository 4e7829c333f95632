import { expect } from "chai";
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, DescribeTasksCommand, ListTasksCommand, Task } from "@aws-sdk/client-ecs";
import { imageFloorCheck } from "../../../cli/commands/ops/imageFloorCheck";
import { awsMocks, AwsMocks, pluto, REGION, restoreMocks, service, taskArn, taskDefinition, tdArn } from "./fixtures";

/**
 * A running task as DescribeTasks returns it: containers[].image is the reference each container
 * was started from (ECS API reference, `Container` shape,
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Container.html).
 */
function runningTask(id: string, images: Record<string, string>): Task {
  return {
    taskArn: taskArn(id),
    taskDefinitionArn: tdArn(57),
    lastStatus: "RUNNING",
    desiredStatus: "RUNNING",
    containers: Object.entries(images).map(([name, image], i) => ({
      containerArn: `arn:aws:ecs:${REGION}:123456789012:container/pluto-cluster/${id}/0b5f6d7e-0000-4000-8000-00000000000${i}`,
      taskArn: taskArn(id),
      name,
      image,
      lastStatus: "RUNNING",
    })),
  };
}

const AT_FLOOR = { openwebui: "ghcr.io/open-webui/open-webui:v0.11.4", "oauth2-proxy": "quay.io/oauth2-proxy/oauth2-proxy:v7.15.3" };

describe("pluto doctor: image floors (the versions actually running)", () => {
  it("passes images at or above their floor, naming each", () => {
    const c = imageFloorCheck([runningTask("a1", AT_FLOOR)]);
    expect(c.status).to.equal("pass");
    expect(c.details).to.deep.equal(["openwebui on 1 task: Open WebUI 0.11.4 (floor 0.11.1)", "oauth2-proxy on 1 task: oauth2-proxy 7.15.3 (floor 7.15.3)"]);
  });

  it("fails an internet-facing image below its floor, and only warns for the gateway", () => {
    const c = imageFloorCheck([runningTask("a1", { ...AT_FLOOR, openwebui: "ghcr.io/open-webui/open-webui:v0.8.2" }), runningTask("b2", AT_FLOOR)]);
    expect(c.status).to.equal("fail");
    expect(c.details[0]).to.match(/^openwebui on 1 task: runs Open WebUI 0\.8\.2, below its security floor 0\.11\.1/);
    const gateway = imageFloorCheck([runningTask("a1", { ...AT_FLOOR, "bedrock-gateway": "ghcr.io/berriai/litellm:v1.80.11-stable.1" })]);
    expect(gateway.status).to.equal("warn");
    expect(gateway.summary).to.match(/LiteLLM 1\.80\.11, below its security floor 1\.84\.0/);
  });

  it("warns when a running image names no release (a digest), and skips without tasks", () => {
    const c = imageFloorCheck([runningTask("a1", { ...AT_FLOOR, openwebui: "ghcr.io/open-webui/open-webui@sha256:" + "c".repeat(64) })]);
    expect(c.status).to.equal("warn");
    expect(c.summary).to.contain("names no release");
    expect(imageFloorCheck([]).status).to.equal("skip");
  });

  describe("through `pluto doctor`", () => {
    let m: AwsMocks;
    beforeEach(() => (m = awsMocks()));
    afterEach(() => restoreMocks(m));

    it("reads the running containers' images from DescribeTasks and exits 1 on one below its floor", async () => {
      m.ecs.on(DescribeServicesCommand).resolves({ services: [service(57)], failures: [] });
      m.ecs.on(DescribeTaskDefinitionCommand).resolves({ taskDefinition: taskDefinition(57) });
      m.ecs.on(ListTasksCommand, { desiredStatus: "STOPPED" }).resolves({ taskArns: [] });
      m.ecs.on(ListTasksCommand, { desiredStatus: "RUNNING" }).resolves({ taskArns: [taskArn("aaaa1111")] });
      m.ecs.on(DescribeTasksCommand).resolves({ tasks: [runningTask("aaaa1111", { ...AT_FLOOR, openwebui: "ghcr.io/open-webui/open-webui:v0.10.2" })] });
      const r = await pluto(["doctor", "--region", REGION]);
      expect(r.out).to.match(/^FAIL {2}image-floor +1 running container\(s\) below their security floor$/m);
      expect(r.out).to.contain("openwebui on 1 task: runs Open WebUI 0.10.2, below its security floor 0.11.1");
      expect(r.out).to.match(/^unhealthy: image-floor failed$/m);
      expect(r.code).to.equal(1);
    });
  });
});
