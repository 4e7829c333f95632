import { expect } from "chai";
import { GetQueueAttributesCommand, GetQueueUrlCommand, ListMessageMoveTasksCommand, StartMessageMoveTaskCommand } from "@aws-sdk/client-sqs";
import { awsMocks, AwsMocks, pluto, REGION, restoreMocks } from "./fixtures";
import { POLL_MS, runDlqRedrive } from "../../../cli/commands/ops/dlqRedrive";
import { createAwsClients } from "../../../cli/commands/ops/clients";

const url = (name: string) => `https://sqs.eu-west-1.amazonaws.com/123456789012/${name}`;
const arn = (name: string) => `arn:aws:sqs:eu-west-1:123456789012:${name}`;
const DLQ = "pluto-user-provisioning-dlq";
const QUEUE = "pluto-user-provisioning";

describe("pluto dlq redrive", () => {
  let m: AwsMocks;
  function queues(dlqMessages: number) {
    m.sqs.on(GetQueueUrlCommand, { QueueName: DLQ }).resolves({ QueueUrl: url(DLQ) });
    m.sqs.on(GetQueueUrlCommand, { QueueName: QUEUE }).resolves({ QueueUrl: url(QUEUE) });
    m.sqs
      .on(GetQueueAttributesCommand, { QueueUrl: url(DLQ) })
      .resolves({ Attributes: { QueueArn: arn(DLQ), ApproximateNumberOfMessages: String(dlqMessages) } });
    m.sqs.on(GetQueueAttributesCommand, { QueueUrl: url(QUEUE) }).resolves({ Attributes: { QueueArn: arn(QUEUE), ApproximateNumberOfMessages: "0" } });
    m.sqs.on(ListMessageMoveTasksCommand).resolves({ Results: [] });
  }
  beforeEach(() => (m = awsMocks()));
  afterEach(() => restoreMocks(m));

  it("starts a message move task from the DLQ to the queue and reports the count", async () => {
    queues(3);
    m.sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: "handle-1" });
    const r = await pluto(["dlq", "redrive", "--yes", "--region", REGION]);
    expect(r.code).to.equal(0);
    expect(m.sqs.commandCalls(GetQueueAttributesCommand).map((c) => c.args[0].input)).to.deep.equal([
      { QueueUrl: url(DLQ), AttributeNames: ["QueueArn", "ApproximateNumberOfMessages"] },
      { QueueUrl: url(QUEUE), AttributeNames: ["QueueArn", "ApproximateNumberOfMessages"] },
    ]);
    expect(m.sqs.commandCalls(ListMessageMoveTasksCommand)[0].args[0].input).to.deep.equal({ SourceArn: arn(DLQ), MaxResults: 10 });
    expect(m.sqs.commandCalls(StartMessageMoveTaskCommand).map((c) => c.args[0].input)).to.deep.equal([{ SourceArn: arn(DLQ), DestinationArn: arn(QUEUE) }]);
    expect(r.out.split("\n")).to.deep.equal([
      `will move 3 message(s) from ${DLQ} to ${QUEUE} (SQS message move task)`,
      `started moving 3 message(s) from ${DLQ} to ${QUEUE} (task handle-1); the worker retries each one`,
    ]);
  });

  it("--dry-run reports the count and starts nothing", async () => {
    queues(5);
    const r = await pluto(["dlq", "redrive", "--dry-run", "--region", REGION, "--json"]);
    expect(JSON.parse(r.out)).to.deep.equal({ dlq: DLQ, queue: QUEUE, messages: 5, action: "dry-run" });
    expect(m.sqs.commandCalls(StartMessageMoveTaskCommand)).to.have.length(0);
  });

  it("says so when a move task is already running, and when the DLQ is empty", async () => {
    queues(4);
    m.sqs
      .on(ListMessageMoveTasksCommand)
      .resolves({ Results: [{ TaskHandle: "h0", Status: "RUNNING", ApproximateNumberOfMessagesMoved: 1, SourceArn: arn(DLQ) }] });
    const running = await pluto(["dlq", "redrive", "--region", REGION]);
    expect(running.out).to.equal(`a message move task is already running on ${DLQ} (1 moved so far); not starting another`);
    m.sqs.on(ListMessageMoveTasksCommand).resolves({ Results: [{ TaskHandle: "h0", Status: "COMPLETED" }] });
    m.sqs.on(GetQueueAttributesCommand, { QueueUrl: url(DLQ) }).resolves({ Attributes: { QueueArn: arn(DLQ), ApproximateNumberOfMessages: "0" } });
    const empty = await pluto(["dlq", "redrive", "--region", REGION]);
    expect(empty.out).to.equal(`${DLQ} is empty; nothing to redrive`);
    expect(m.sqs.commandCalls(StartMessageMoveTaskCommand)).to.have.length(0);
  });

  it("--wait polls the move task until it finishes and reports how many moved", async () => {
    queues(2);
    m.sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: "h1" });
    m.sqs
      .on(ListMessageMoveTasksCommand)
      .resolvesOnce({ Results: [] })
      .resolvesOnce({ Results: [{ TaskHandle: "h1", Status: "RUNNING", ApproximateNumberOfMessagesMoved: 1 }] })
      // As SQS does: a finished task is listed without its TaskHandle, newest first.
      .resolvesOnce({
        Results: [
          { Status: "COMPLETED", ApproximateNumberOfMessagesMoved: 2, StartedTimestamp: 2 },
          { Status: "COMPLETED", ApproximateNumberOfMessagesMoved: 9, StartedTimestamp: 1 },
        ],
      });
    const slept: number[] = [];
    const r = await runDlqRedrive(
      { prefix: "pluto", region: REGION, wait: true, yes: true },
      { clients: createAwsClients, sleep: async (ms) => void slept.push(ms) },
    );
    expect(r).to.include({ action: "started", moved: 2, status: "COMPLETED" });
    expect(slept).to.deep.equal([POLL_MS, POLL_MS]);
  });

  it("uses --prefix and the queue flags", async () => {
    m.sqs.on(GetQueueUrlCommand).resolves({ QueueUrl: url("x") });
    m.sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { QueueArn: arn("x"), ApproximateNumberOfMessages: "0" } });
    m.sqs.on(ListMessageMoveTasksCommand).resolves({});
    await pluto(["dlq", "redrive", "--prefix", "acme", "--queue", "custom-q", "--region", REGION]);
    expect(m.sqs.commandCalls(GetQueueUrlCommand).map((c) => c.args[0].input.QueueName)).to.deep.equal(["acme-user-provisioning-dlq", "custom-q"]);
  });
});
