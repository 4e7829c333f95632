// The e2e harness's timing rules (part of `npm test`): the emulated Lambda runtime cuts an
// invocation off at the function's timeout and resets its environment, the event source mapping is
// refused when AWS refuses it, the deployed durations scale together, and the alarm's metric filter
// pattern is read as CloudWatch Logs reads it.
import { expect } from "chai";
import { lambdaTaskRoot } from "../helpers/lambda";
import { mappingRefusal } from "./eventSource";
import { deployFunction, LambdaFunction } from "./lambdaRuntime";
import { filterPatternMatches, lambdaTextLine } from "./logFilter";
import { DEFAULT_TIME_SCALE, scaleTimeouts, timeScaleFrom } from "./timeScale";

describe("e2e harness: timing rules", () => {
  describe("deployFunction (Lambda's execution environments)", function () {
    this.timeout(30_000);
    let taskRoot: ReturnType<typeof lambdaTaskRoot>;
    const deployed: LambdaFunction[] = [];
    before(() => {
      taskRoot = lambdaTaskRoot();
    });
    afterEach(async () => {
      await Promise.all(deployed.splice(0).map((f) => f.close()));
    });
    after(() => taskRoot.remove());

    const HANDLER = `
let invocations = 0;
exports.handler = async (event, context) => {
  invocations++;
  if (event.action === "hang") return new Promise(() => undefined);
  if (event.action === "throw") throw Object.assign(new Error("refused"), { name: "SignUpRefused" });
  if (event.action === "log") { console.log("hello"); console.error(JSON.stringify({ event: "enqueue_failed" })); }
  return { pid: process.pid, invocations, home: process.env.HOME ?? null, variable: process.env.MY_VARIABLE, remaining: context.getRemainingTimeInMillis() };
};`;
    const deploy = (timeoutMs = 300) => {
      const fn = deployFunction(taskRoot.dir, { name: "probe", code: HANDLER, env: { MY_VARIABLE: "set" }, timeoutMs });
      deployed.push(fn);
      return fn;
    };
    const gone = (pid: number) => {
      try {
        process.kill(pid, 0);
        return false;
      } catch {
        return true;
      }
    };

    it("runs invocations in one warm environment holding only the function's variables, with the remaining time in the context", async () => {
      const fn = deploy(5000);
      const first = await fn.invoke({});
      const second = await fn.invoke({});
      expect(first.ok && second.ok).to.equal(true);
      const [a, b] = [first, second].map((r) => (r as { result: any }).result);
      expect(b.pid).to.equal(a.pid);
      expect([a.invocations, b.invocations]).to.deep.equal([1, 2]);
      expect(a).to.include({ home: null, variable: "set" });
      expect(a.remaining).to.be.within(1, 5000);
      expect(fn.stats).to.deep.equal({ coldStarts: 1, timeouts: 0 });
    });

    it("cuts an invocation off at the timeout, stops its environment, and starts a fresh one for the next", async () => {
      const fn = deploy(300);
      const warm = (await fn.invoke({})) as { result: { pid: number } };
      expect(await fn.invoke({ action: "hang" })).to.deep.equal({
        ok: false,
        errorType: "Sandbox.Timedout",
        errorMessage: "Task timed out after 0.30 seconds",
      });
      for (let i = 0; i < 100 && !gone(warm.result.pid); i++) await new Promise((r) => setTimeout(r, 20));
      expect(gone(warm.result.pid), "the timed-out environment's process is gone").to.equal(true);
      const next = (await fn.invoke({})) as { result: { pid: number; invocations: number } };
      expect(next.result.pid).not.to.equal(warm.result.pid);
      expect(next.result.invocations, "Init ran again: module state is new").to.equal(1);
      expect(fn.stats).to.deep.equal({ coldStarts: 2, timeouts: 1 });
      expect(fn.logs.at(-1)).to.match(/ Task timed out after 0\.30 seconds$/);
    });

    it("returns a thrown error as the invocation's error and keeps the environment", async () => {
      const fn = deploy(5000);
      expect(await fn.invoke({ action: "throw" })).to.deep.equal({ ok: false, errorType: "SignUpRefused", errorMessage: "refused" });
      expect((await fn.invoke({})).ok).to.equal(true);
      expect(fn.stats.coldStarts).to.equal(1);
    });

    it("stores console lines as Lambda's text log format does: time, request id, level, message", async () => {
      const fn = deploy(5000);
      await fn.invoke({ action: "log" });
      expect(fn.logs).to.have.length(2);
      expect(fn.logs[0]).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\t[0-9a-f-]{36}\tINFO\thello$/);
      expect(fn.logs[1]).to.match(/\tERROR\t\{"event":"enqueue_failed"\}$/);
    });
  });

  describe("mappingRefusal (CreateEventSourceMapping's check)", () => {
    it("refuses a visibility timeout below the function's timeout and accepts an equal or longer one", () => {
      expect(mappingRefusal(30_000, 15)).to.equal(
        "InvalidParameterValueException: Queue visibility timeout: 15 seconds is less than Function timeout: 30 seconds",
      );
      expect(mappingRefusal(30_000, 30)).to.equal(undefined);
      expect(mappingRefusal(1000, 6)).to.equal(undefined);
    });
  });

  describe("scaleTimeouts", () => {
    it(`divides the worker's timeout, the visibility timeout and the n8n timeout by one factor (default ${DEFAULT_TIME_SCALE})`, () => {
      expect(scaleTimeouts({ workerTimeoutSeconds: 30, visibilityTimeoutSeconds: 180, httpTimeoutMs: 8000 }, DEFAULT_TIME_SCALE)).to.deep.equal({
        factor: 6,
        workerTimeoutMs: 5000,
        visibilityTimeoutSeconds: 30,
        httpTimeoutMs: 1333,
      });
    });

    it("refuses a factor that leaves the visibility timeout a fraction of a second, and a malformed PLUTO_E2E_TIME_SCALE", () => {
      expect(() => scaleTimeouts({ workerTimeoutSeconds: 30, visibilityTimeoutSeconds: 180, httpTimeoutMs: 8000 }, 7)).to.throw(
        "not a whole number of seconds",
      );
      expect(timeScaleFrom({})).to.equal(DEFAULT_TIME_SCALE);
      expect(timeScaleFrom({ PLUTO_E2E_TIME_SCALE: "15" })).to.equal(15);
      expect(() => timeScaleFrom({ PLUTO_E2E_TIME_SCALE: "fast" })).to.throw('PLUTO_E2E_TIME_SCALE must be a positive integer, got "fast"');
    });
  });

  describe("filterPatternMatches (CloudWatch Logs term patterns)", () => {
    const line = lambdaTextLine(new Date("2026-01-29T10:00:00Z"), "3f1c-req", "ERROR", '{"level":"error","event":"enqueue_failed","sub":"s"}');

    it("matches a quoted term anywhere in the stored line, case-sensitively", () => {
      expect(line).to.equal('2026-01-29T10:00:00.000Z\t3f1c-req\tERROR\t{"level":"error","event":"enqueue_failed","sub":"s"}');
      expect(filterPatternMatches('"enqueue_failed"', line)).to.equal(true);
      expect(filterPatternMatches('"ENQUEUE_FAILED"', line)).to.equal(false);
      expect(filterPatternMatches('"enqueue_failed"', line.replace("enqueue_failed", "enqueued"))).to.equal(false);
    });

    it("requires every plain term, any one of the ?terms, and none of the -terms; an empty pattern matches all", () => {
      expect(filterPatternMatches("ERROR enqueue_failed", line)).to.equal(true);
      expect(filterPatternMatches("ERROR Exception", line)).to.equal(false);
      expect(filterPatternMatches("?Exception ?enqueue_failed", line)).to.equal(true);
      expect(filterPatternMatches("?Exception ?Timeout", line)).to.equal(false);
      expect(filterPatternMatches('ERROR -"sub"', line)).to.equal(false);
      expect(filterPatternMatches("", line)).to.equal(true);
    });

    it("refuses the pattern kinds it does not model, so a change of the deployed pattern is noticed", () => {
      for (const pattern of ['{ $.event = "enqueue_failed" }', "[time, id, level = ERROR, msg]", "%enqueue_[a-z]+%"]) {
        expect(() => filterPatternMatches(pattern, line), pattern).to.throw("not a term pattern");
      }
    });
  });
});
