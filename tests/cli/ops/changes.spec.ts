import { expect } from "chai";
import { DescribeServicesCommand, ListTasksCommand, StopTaskCommand, UpdateServiceCommand } from "@aws-sdk/client-ecs";
import { awsError, awsMocks, AwsMocks, pluto, REGION, restoreMocks, service, taskArn } from "./fixtures";
import { runRedeploy } from "../../../cli/commands/ops/redeploy";
import { DEFAULT_STOP_REASON, runRestart } from "../../../cli/commands/ops/restart";
import { createAwsClients } from "../../../cli/commands/ops/clients";
import { memoryIo } from "../../../cli/io";

describe("pluto redeploy / restart", () => {
  let m: AwsMocks;
  beforeEach(() => {
    m = awsMocks();
    m.ecs.on(DescribeServicesCommand).resolves({ services: [service(56)] });
  });
  afterEach(() => restoreMocks(m));

  describe("redeploy", () => {
    it("shows the plan and refuses off a TTY without --yes, changing nothing", async () => {
      const r = await pluto(["redeploy", "--region", REGION]);
      expect(r.code).to.equal(2);
      expect(r.out).to.include("will force a new deployment of service pluto-openwebui in cluster pluto-cluster (eu-west-1)");
      expect(r.out).to.include("task definition pluto-openwebui:56, 1/1 tasks running, 1 deployment(s)");
      expect(r.err).to.equal("pluto: refusing to change anything without --yes (stdin is not a terminal)");
      expect(m.ecs.commandCalls(UpdateServiceCommand)).to.have.length(0);
    });

    it("forces a new deployment with --yes", async () => {
      m.ecs.on(UpdateServiceCommand).resolves({
        service: { ...service(56), deployments: [{ id: "ecs-svc/9999", status: "PRIMARY", rolloutState: "IN_PROGRESS" }, ...service(56).deployments!] },
      });
      const r = await pluto(["redeploy", "--yes", "--region", REGION]);
      expect(r.code).to.equal(0);
      expect(m.ecs.commandCalls(UpdateServiceCommand).map((c) => c.args[0].input)).to.deep.equal([
        { cluster: "pluto-cluster", service: "pluto-openwebui", forceNewDeployment: true },
      ]);
      expect(r.out).to.include("started deployment ecs-svc/9999 of pluto-openwebui");
    });

    it("asks on a TTY and does nothing when the answer is no", async () => {
      const questions: string[] = [];
      const io = memoryIo({ isTTY: true });
      const deps = { clients: createAwsClients, confirm: async (q: string) => (questions.push(q), false) };
      let error: Error | undefined;
      await runRedeploy({ prefix: "pluto", region: REGION }, deps, io).catch((e) => (error = e));
      expect(questions).to.deep.equal(["Force a new deployment of pluto-openwebui?"]);
      expect(error?.message).to.equal("aborted; nothing was changed");
      expect(m.ecs.commandCalls(UpdateServiceCommand)).to.have.length(0);
    });

    it("goes ahead on a TTY when the answer is yes", async () => {
      m.ecs.on(UpdateServiceCommand).resolves({ service: service(56) });
      const io = memoryIo({ isTTY: true });
      const r = await runRedeploy({ prefix: "pluto", region: REGION }, { clients: createAwsClients, confirm: async () => true }, io);
      expect(r).to.include({ service: "pluto-openwebui", taskDefinition: "pluto-openwebui:56" });
      expect(m.ecs.commandCalls(UpdateServiceCommand)).to.have.length(1);
    });

    it("with --json keeps stdout for the JSON result and the plan on stderr", async () => {
      m.ecs.on(UpdateServiceCommand).resolves({ service: service(56) });
      const r = await pluto(["redeploy", "--yes", "--json", "--region", REGION]);
      expect(JSON.parse(r.out)).to.deep.include({ cluster: "pluto-cluster", service: "pluto-openwebui", deploymentId: "ecs-svc/1111111111111111111" });
      expect(r.err).to.include("will force a new deployment");
    });

    it("names the denied call", async () => {
      m.ecs.on(UpdateServiceCommand).rejects(awsError("AccessDeniedException", "no ecs:UpdateService for you"));
      const r = await pluto(["redeploy", "--yes", "--region", REGION]);
      expect(r.code).to.equal(2);
      expect(r.err).to.equal("pluto: access denied calling ecs:UpdateService in eu-west-1: no ecs:UpdateService for you");
    });
  });

  describe("restart", () => {
    const RUNNING = [taskArn("0f1e2d3c4b5a69788796a5b4c3d2e1f0"), taskArn("1a2b3c4d5e6f70819283a4b5c6d7e8f9")];

    it("lists every running task (paginated), shows them, and refuses off a TTY without --yes", async () => {
      m.ecs
        .on(ListTasksCommand)
        .resolvesOnce({ taskArns: [RUNNING[0]], nextToken: "p2" })
        .resolvesOnce({ taskArns: [RUNNING[1]] });
      const r = await pluto(["restart", "--region", REGION]);
      expect(r.code).to.equal(2);
      expect(m.ecs.commandCalls(ListTasksCommand).map((c) => c.args[0].input)).to.deep.equal([
        { cluster: "pluto-cluster", serviceName: "pluto-openwebui", desiredStatus: "RUNNING" },
        { cluster: "pluto-cluster", serviceName: "pluto-openwebui", desiredStatus: "RUNNING", nextToken: "p2" },
      ]);
      expect(r.out).to.include("will stop 2 running task(s) of service pluto-openwebui in cluster pluto-cluster");
      expect(r.out).to.include("  0f1e2d3c4b5a69788796a5b4c3d2e1f0");
      expect(r.err).to.equal("pluto: refusing to change anything without --yes (stdin is not a terminal)");
      expect(m.ecs.commandCalls(StopTaskCommand)).to.have.length(0);
    });

    it("stops each running task with the reason", async () => {
      m.ecs.on(ListTasksCommand).resolves({ taskArns: RUNNING });
      m.ecs.on(StopTaskCommand).resolves({});
      const r = await pluto(["restart", "-y", "--region", REGION]);
      expect(r.code).to.equal(0);
      expect(m.ecs.commandCalls(StopTaskCommand).map((c) => c.args[0].input)).to.deep.equal(
        RUNNING.map((task) => ({ cluster: "pluto-cluster", task, reason: DEFAULT_STOP_REASON })),
      );
      expect(r.out).to.include("stopped 2 task(s): 0f1e2d3c4b5a69788796a5b4c3d2e1f0, 1a2b3c4d5e6f70819283a4b5c6d7e8f9");
    });

    it("takes --reason, and has nothing to do without running tasks", async () => {
      m.ecs.on(ListTasksCommand).resolves({ taskArns: [] });
      const r = await runRestart({ prefix: "pluto", region: REGION, reason: "x" }, { clients: createAwsClients, confirm: async () => true }, memoryIo());
      expect(r.stopped).to.deep.equal([]);
      m.ecs.on(ListTasksCommand).resolves({ taskArns: [RUNNING[0]] });
      m.ecs.on(StopTaskCommand).resolves({});
      await pluto(["restart", "--yes", "--reason", "rotate cookie secret", "--region", REGION]);
      expect(m.ecs.commandCalls(StopTaskCommand)[0].args[0].input.reason).to.equal("rotate cookie secret");
    });
  });
});
