// The e2e harness's own rules (part of `npm test`): the accounting the runner prints, the event
// source mapping's reading of a partial batch response, and the emulated message move tasks.
// The stand-ins for Open WebUI and n8n have their own specs (openWebUi.spec.ts, n8n.spec.ts).
import { expect } from "chai";
import { GetQueueAttributesCommand, ListMessageMoveTasksCommand, ReceiveMessageCommand, StartMessageMoveTaskCommand } from "@aws-sdk/client-sqs";
import { failedRecordIds } from "./eventSource";
import { account, formatCount } from "./ledger";
import { QueueEmulator, QueuePair, startQueueEmulator } from "./queue";

describe("e2e harness", () => {
  describe("account (the runner's lost count)", () => {
    const body = (email: string) => JSON.stringify({ email, name: "n", sub: "s" });

    it("counts a sign-up as safe when it was onboarded or its message waits in the DLQ, else as lost", () => {
      const c = account(
        "x",
        ["A@example.com", "b@example.com", "c@example.com", "d@example.com"],
        ["a@example.com", "other@example.com"],
        [body("b@example.com"), "not json"],
      );
      expect(c).to.deep.equal({ scenario: "x", signUpsIn: 4, onboarded: 1, inDlq: 2, lost: 2 });
    });

    it("does not count a DLQ message twice when its member was onboarded anyway", () => {
      expect(account("x", ["a@example.com"], ["a@example.com"], [body("a@example.com")])).to.include({ onboarded: 1, inDlq: 1, lost: 0 });
    });

    it("prints the four numbers", () => {
      expect(formatCount({ scenario: "7. malformed", signUpsIn: 4, onboarded: 4, inDlq: 1, lost: 0 })).to.equal(
        "7. malformed: sign-ups in 4 / onboarded 4 / in DLQ 1 / lost 0",
      );
    });
  });

  describe("failedRecordIds (ReportBatchItemFailures)", () => {
    const records = [{ messageId: "m1" }, { messageId: "m2" }];
    const ids = (response: unknown) => [...failedRecordIds(records, { ok: true, response })].sort();

    it("fails only the reported records", () => {
      expect(ids({ batchItemFailures: [{ itemIdentifier: "m2" }] })).to.deep.equal(["m2"]);
    });

    it("treats an empty or absent response or list as full success", () => {
      for (const response of [undefined, null, "", {}, { batchItemFailures: [] }, { batchItemFailures: null }]) expect(ids(response)).to.deep.equal([]);
    });

    it("without ReportBatchItemFailures in the mapping, ignores the response: a successful invocation deletes every record (a thrown error still returns them all)", () => {
      const without = (outcome: Parameters<typeof failedRecordIds>[1]) => [...failedRecordIds(records, outcome, false)].sort();
      expect(without({ ok: true, response: { batchItemFailures: [{ itemIdentifier: "m2" }] } })).to.deep.equal([]);
      expect(without({ ok: true, response: { batchItemFailures: "m1" } })).to.deep.equal([]);
      expect(without({ ok: false })).to.deep.equal(["m1", "m2"]);
    });

    it("fails the whole batch for a thrown error or a malformed response", () => {
      expect([...failedRecordIds(records, { ok: false })].sort()).to.deep.equal(["m1", "m2"]);
      for (const response of [
        { batchItemFailures: [{ itemIdentifier: "" }] },
        { batchItemFailures: [{ itemIdentifier: "m9" }] },
        { batchItemFailures: [{ id: "m1" }] },
        { batchItemFailures: "m1" },
        42,
      ]) {
        expect(ids(response), JSON.stringify(response)).to.deep.equal(["m1", "m2"]);
      }
    });
  });

  describe("message move tasks on the SQS emulator", () => {
    let queues: QueueEmulator;
    let pair: QueuePair;

    before(async () => {
      queues = await startQueueEmulator("us-west-2");
      pair = await queues.createQueuePair({ queue: "mt-source", dlq: "mt-dlq" }, { visibilityTimeoutSeconds: 1, maxReceiveCount: 1 });
    });
    after(() => queues.close());

    const list = async (max?: number) => (await queues.sqs.send(new ListMessageMoveTasksCommand({ SourceArn: pair.dlqArn, MaxResults: max }))).Results ?? [];

    it("moves every DLQ message back to the queue that dead-lettered it, with a fresh receive count", async () => {
      await queues.send(pair.queueUrl, "one");
      await queues.send(pair.queueUrl, "two");
      // maxReceiveCount 1: one receive without delete, then the next receive dead-letters both.
      await queues.sqs.send(new ReceiveMessageCommand({ QueueUrl: pair.queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }));
      await queues.sqs.send(new ReceiveMessageCommand({ QueueUrl: pair.queueUrl, MaxNumberOfMessages: 10 }));
      expect((await queues.peek("mt-dlq")).sort()).to.deep.equal(["one", "two"]);

      const { TaskHandle } = await queues.sqs.send(new StartMessageMoveTaskCommand({ SourceArn: pair.dlqArn }));
      expect(TaskHandle).to.be.a("string");
      for (let i = 0; i < 100 && (await list())[0]?.Status === "RUNNING"; i++) await new Promise((r) => setTimeout(r, 10));

      const [task] = await list();
      expect(task).to.include({ Status: "COMPLETED", SourceArn: pair.dlqArn, ApproximateNumberOfMessagesMoved: 2, ApproximateNumberOfMessagesToMove: 2 });
      // SQS returns the handle only while a task runs.
      expect(task.TaskHandle).to.equal(undefined);
      expect(await queues.peek("mt-dlq")).to.deep.equal([]);
      const { Messages = [] } = await queues.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: pair.queueUrl, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ["ApproximateReceiveCount"] }),
      );
      expect(Messages.map((m) => [m.Body, m.Attributes?.ApproximateReceiveCount]).sort()).to.deep.equal([
        ["one", "1"],
        ["two", "1"],
      ]);
    });

    it("lists the most recent task only unless MaxResults asks for more", async () => {
      await queues.sqs.send(new StartMessageMoveTaskCommand({ SourceArn: pair.dlqArn }));
      expect(await list()).to.have.length(1);
      expect(await list(10)).to.have.length(2);
    });

    it("refuses a source queue that is no queue's DLQ", async () => {
      const { Attributes } = await queues.sqs.send(new GetQueueAttributesCommand({ QueueUrl: pair.queueUrl, AttributeNames: ["QueueArn"] }));
      const err = await queues.sqs.send(new StartMessageMoveTaskCommand({ SourceArn: Attributes!.QueueArn })).catch((e) => e);
      expect(err).to.be.instanceOf(Error);
      expect(err.name).to.equal("InvalidParameterValue");
    });
  });
});
