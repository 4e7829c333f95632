/**
 * The changing commands behave alike (plan, ask on a terminal, refuse off one without --yes,
 * --dry-run), `dlq redrive --wait` reports progress and gives up loudly, live commands read the
 * stack's namePrefix and region from Pulumi.<stack>.yaml, and `logs --follow` keeps reading.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DescribeServicesCommand, ListTasksCommand, StopTaskCommand, UpdateServiceCommand } from "@aws-sdk/client-ecs";
import { FilterLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { GetQueueAttributesCommand, GetQueueUrlCommand, ListMessageMoveTasksCommand, StartMessageMoveTaskCommand } from "@aws-sdk/client-sqs";
import { awsMocks, AwsMocks, pluto, REGION, restoreMocks, service, taskArn } from "./fixtures";
import { createAwsClients } from "../../../cli/commands/ops/clients";
import { confirmChange, DRY_RUN_LINE } from "../../../cli/commands/ops/change";
import { DEFAULT_WAIT_SECONDS, POLL_MS, PROGRESS_EVERY_POLLS, runDlqRedrive } from "../../../cli/commands/ops/dlqRedrive";
import { FOLLOW_POLL_MS, followLogs, LogLine } from "../../../cli/commands/ops/logs";
import { findProjectDir, OpsDeps, resolveStack } from "../../../cli/commands/ops/options";
import { opsCommands } from "../../../cli/commands/ops";
import { CliError } from "../../../cli/errors";
import { memoryIo } from "../../../cli/io";
import { Command } from "commander";

const url = (name: string) => `https://sqs.eu-west-1.amazonaws.com/123456789012/${name}`;
const arn = (name: string) => `arn:aws:sqs:eu-west-1:123456789012:${name}`;
const DLQ = "pluto-user-provisioning-dlq";
const QUEUE = "pluto-user-provisioning";
const REFUSAL = "pluto: refusing to change anything without --yes (stdin is not a terminal)";

/** `pluto <args>` as main() runs it, with some of the ops commands' deps replaced (a TTY, a fake clock). */
async function withDeps(args: string[], deps: Partial<OpsDeps>, isTTY = false) {
  const io = memoryIo({ isTTY });
  const program = new Command("pluto").exitOverride();
  const result = { exitCode: 0 };
  opsCommands(deps)(program, io, result);
  let code: number;
  try {
    await program.parseAsync(["node", "pluto", ...args]);
    code = result.exitCode;
  } catch (e) {
    if (!(e instanceof CliError)) throw e;
    io.err(`pluto: ${e.message}`);
    code = e.exitCode;
  }
  return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
}

describe("pluto's changing commands, --stack and logs --follow", () => {
  let m: AwsMocks;
  beforeEach(() => {
    m = awsMocks();
    m.ecs.on(DescribeServicesCommand).resolves({ services: [service(56)] });
    m.ecs.on(ListTasksCommand).resolves({ taskArns: [taskArn("0f1e2d3c4b5a69788796a5b4c3d2e1f0")] });
    m.sqs.on(GetQueueUrlCommand, { QueueName: DLQ }).resolves({ QueueUrl: url(DLQ) });
    m.sqs.on(GetQueueUrlCommand, { QueueName: QUEUE }).resolves({ QueueUrl: url(QUEUE) });
    m.sqs.on(GetQueueAttributesCommand, { QueueUrl: url(DLQ) }).resolves({ Attributes: { QueueArn: arn(DLQ), ApproximateNumberOfMessages: "3" } });
    m.sqs.on(GetQueueAttributesCommand, { QueueUrl: url(QUEUE) }).resolves({ Attributes: { QueueArn: arn(QUEUE), ApproximateNumberOfMessages: "0" } });
    m.sqs.on(ListMessageMoveTasksCommand).resolves({ Results: [] });
  });
  afterEach(() => restoreMocks(m));

  const changing: [string, string[], string, () => number][] = [
    ["redeploy", ["redeploy"], "will force a new deployment of service pluto-openwebui", () => m.ecs.commandCalls(UpdateServiceCommand).length],
    ["restart", ["restart"], "will stop 1 running task(s) of service pluto-openwebui", () => m.ecs.commandCalls(StopTaskCommand).length],
    ["dlq redrive", ["dlq", "redrive"], `will move 3 message(s) from ${DLQ} to ${QUEUE}`, () => m.sqs.commandCalls(StartMessageMoveTaskCommand).length],
  ];
  for (const [name, args, plan, changes] of changing) {
    describe(name, () => {
      it("shows its plan and, off a terminal, refuses without --yes (exit 2), changing nothing", async () => {
        const r = await pluto([...args, "--region", REGION]);
        expect(r.code).to.equal(2);
        expect(r.out).to.contain(plan);
        expect(r.err).to.equal(REFUSAL);
        expect(changes()).to.equal(0);
      });

      it("--dry-run shows the plan, says nothing was changed, and exits 0 without --yes", async () => {
        const r = await pluto([...args, "--dry-run", "--region", REGION]);
        expect(r.code).to.equal(0);
        expect(r.out.split("\n")[0]).to.contain(plan);
        expect(r.out.split("\n").pop()).to.equal(DRY_RUN_LINE);
        expect(changes()).to.equal(0);
        const json = await pluto([...args, "--dry-run", "--json", "--region", REGION]);
        expect(json.err).to.contain(plan).and.contain(DRY_RUN_LINE);
        expect(JSON.parse(json.out)).to.satisfy((d: any) => d.dryRun === true || d.action === "dry-run");
      });

      it("on a terminal asks, and does nothing when the answer is no (exit 1)", async () => {
        const questions: string[] = [];
        const r = await withDeps([...args, "--region", REGION], { confirm: async (q) => (questions.push(q), false) }, true);
        expect(questions).to.have.length(1);
        expect(r).to.deep.include({ code: 1, err: "pluto: aborted; nothing was changed" });
        expect(r.out).to.contain(plan);
        expect(changes()).to.equal(0);
      });
    });
  }

  it("confirmChange: --dry-run wins over --yes; --yes needs no terminal", async () => {
    const never = async () => expect.fail("must not ask");
    expect(await confirmChange(memoryIo(), { yes: true, dryRun: true }, ["plan"], "?", never)).to.equal(false);
    const io = memoryIo();
    expect(await confirmChange(io, { yes: true }, ["plan"], "?", never)).to.equal(true);
    expect(io.stdout).to.deep.equal(["plan"]);
  });

  describe("dlq redrive --wait", () => {
    it("prints progress while the move task runs", async () => {
      m.sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: "h1" });
      m.sqs
        .on(ListMessageMoveTasksCommand)
        .resolvesOnce({ Results: [] })
        .resolvesOnce({ Results: [{ TaskHandle: "h1", Status: "RUNNING", ApproximateNumberOfMessagesMoved: 1 }] })
        .resolvesOnce({ Results: [{ TaskHandle: "h1", Status: "RUNNING", ApproximateNumberOfMessagesMoved: 1 }] })
        .resolvesOnce({ Results: [{ Status: "COMPLETED", ApproximateNumberOfMessagesMoved: 3 }] });
      const io = memoryIo();
      const r = await runDlqRedrive({ region: REGION, wait: true, yes: true }, { clients: createAwsClients, sleep: async () => {} }, io);
      expect(r).to.include({ moved: 3, status: "COMPLETED", waitedSeconds: (3 * POLL_MS) / 1000 });
      expect(io.stdout).to.deep.equal([
        `will move 3 message(s) from ${DLQ} to ${QUEUE} (SQS message move task)`,
        `  moving: 1 of 3 moved after ${POLL_MS / 1000} s`,
      ]);
    });

    it("says so and exits 1 when its limit passes with the move still running", async () => {
      m.sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: "h1" });
      m.sqs
        .on(ListMessageMoveTasksCommand)
        .resolvesOnce({ Results: [] })
        .resolves({ Results: [{ TaskHandle: "h1", Status: "RUNNING", ApproximateNumberOfMessagesMoved: 2 }] });
      const slept: number[] = [];
      const io = memoryIo();
      const r = await runDlqRedrive(
        { region: REGION, wait: true, yes: true, timeout: "60" },
        { clients: createAwsClients, sleep: async (ms) => void slept.push(ms) },
        io,
      );
      expect(slept).to.have.length(60_000 / POLL_MS);
      expect(r).to.include({ status: "RUNNING", timedOut: true, moved: 2, waitedSeconds: 60 });
      // A line when the count moved, then one every PROGRESS_EVERY_POLLS polls.
      expect(io.stdout.filter((l) => l.startsWith("  moving:"))).to.have.length(1 + Math.floor(60_000 / POLL_MS / PROGRESS_EVERY_POLLS));
    });

    it("exits 1 from the command line when the limit passes, and names a bad --timeout", async () => {
      m.sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: "h1" });
      m.sqs
        .on(ListMessageMoveTasksCommand)
        .resolvesOnce({ Results: [] })
        .resolves({ Results: [{ TaskHandle: "h1", Status: "RUNNING", ApproximateNumberOfMessagesMoved: 2 }] });
      const cli = await withDeps(["dlq", "redrive", "--yes", "--wait", "--timeout", "2", "--region", REGION], { sleep: async () => {} });
      expect(cli.code).to.equal(1);
      expect(cli.out.split("\n").pop()).to.equal(
        "the move task is still running after 2 s (2 of 3 moved); it goes on in the background, and `pluto dlq redrive` shows its progress",
      );
      expect(DEFAULT_WAIT_SECONDS).to.equal(300);
      expect((await pluto(["dlq", "redrive", "--wait", "--timeout", "soon", "--region", REGION])).err).to.equal(
        'pluto: --timeout "soon" is not a positive whole number of seconds',
      );
    });
  });

  describe("--stack NAME", () => {
    let dir: string;
    let cwd: string;
    before(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "pluto-stack-"));
      fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: pluto\nruntime: nodejs\n");
      fs.writeFileSync(path.join(dir, "Pulumi.staging.yaml"), "config:\n  aws:region: eu-central-1\n  pluto:namePrefix: acme\n");
      fs.mkdirSync(path.join(dir, "sub"));
      cwd = process.cwd();
    });
    after(() => {
      process.chdir(cwd);
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it("reads namePrefix and aws:region from Pulumi.NAME.yaml; explicit --prefix and --region win", () => {
      const project = () => dir;
      expect(resolveStack({ stack: "staging" }, project)).to.deep.equal({ prefix: "acme", region: "eu-central-1" });
      expect(resolveStack({ stack: "my-org/staging" }, project)).to.deep.equal({ prefix: "acme", region: "eu-central-1" });
      expect(resolveStack({ stack: "staging", prefix: "other", region: "us-east-1" }, project)).to.deep.equal({ prefix: "other", region: "us-east-1" });
      expect(resolveStack({}, project)).to.deep.equal({ prefix: "pluto", region: undefined });
      expect(() => resolveStack({ stack: "nosuch" }, project)).to.throw(
        `no stack "nosuch": ${path.join(dir, "Pulumi.nosuch.yaml")} does not exist; the stacks here: staging.`,
      );
      expect(() => resolveStack({ stack: "stagin" }, project)).to.throw("the stacks here: staging (did you mean --stack staging?)");
      expect(() => resolveStack({ stack: "../x" }, project)).to.throw('--stack "../x" is not a stack name');
    });

    it("finds the project as the Pulumi CLI does (nearest Pulumi.yaml upwards) and uses the stack's names", async () => {
      expect(findProjectDir(path.join(dir, "sub"))).to.equal(dir);
      process.chdir(path.join(dir, "sub"));
      m.ecs.on(DescribeServicesCommand).resolves({ services: [{ ...service(56), serviceName: "acme-openwebui" }] });
      const r = await pluto(["redeploy", "--stack", "staging", "--dry-run"]);
      expect(r.code).to.equal(0);
      expect(r.out).to.contain("will force a new deployment of service acme-openwebui in cluster acme-cluster (eu-central-1)");
      expect(m.ecs.commandCalls(DescribeServicesCommand)[0].args[0].input).to.deep.equal({ cluster: "acme-cluster", services: ["acme-openwebui"] });
      const missing = await pluto(["doctor", "--stack", "prod"]);
      expect(missing.code).to.equal(2);
      expect(missing.err).to.equal(
        `pluto: no stack "prod": ${path.join(dir, "Pulumi.prod.yaml")} does not exist; the stacks here: staging. Create one with \`pulumi stack init prod\` and its keys (docs/deploy.md)`,
      );
    });
  });

  describe("logs --follow", () => {
    const event = (id: string, t: number, message: string) => ({ eventId: id, timestamp: t, logStreamName: "openwebui/openwebui/0f1e2d3c4b5a", message });

    it("prints what matched, then only new events, each once, asking from the last timestamp", async () => {
      m.logs
        .on(FilterLogEventsCommand)
        .resolvesOnce({ events: [event("a", 1_000, "one"), event("b", 2_000, "two")] })
        .resolvesOnce({ events: [event("b", 2_000, "two"), event("c", 2_000, "two too"), event("d", 3_000, "three")] })
        .resolves({ events: [event("d", 3_000, "three")] });
      const printed: LogLine[] = [];
      const stop = new AbortController();
      const slept: number[] = [];
      await followLogs(
        { region: REGION, since: "5m", limit: "500", container: "openwebui" },
        {
          clients: createAwsClients,
          now: () => new Date(10_000),
          sleep: async (ms) => {
            slept.push(ms);
            if (slept.length === 3) stop.abort();
          },
        },
        (lines) => printed.push(...lines),
        stop.signal,
      );
      expect(printed.map((l) => l.message)).to.deep.equal(["one", "two", "two too", "three"]);
      expect(slept).to.deep.equal([FOLLOW_POLL_MS, FOLLOW_POLL_MS, FOLLOW_POLL_MS]);
      const starts = m.logs.commandCalls(FilterLogEventsCommand).map((c) => c.args[0].input.startTime);
      expect(starts).to.deep.equal([10_000 - 5 * 60_000, 2_000, 3_000]);
      expect(m.logs.commandCalls(FilterLogEventsCommand)[0].args[0].input).to.include({ logGroupName: "/pluto/ecs", logStreamNamePrefix: "openwebui/" });
    });
  });
});
