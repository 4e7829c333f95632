// A deployed Lambda function on this machine: its execution environments are child processes that
// load the function's `__index.js` from a directory laid out like a Lambda task root, so each
// environment has its own module state (clients, caches), as in AWS. What is copied from Lambda
// (docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html):
// - Init (loading the module, which runs the handler's factory) happens once per environment and
//   is not counted against the function's timeout;
// - an environment runs one invocation at a time; Lambda starts another for a concurrent one;
// - an invocation that outlasts the timeout fails with "Task timed out after N.NN seconds", and
//   Lambda resets that environment: its process stops there (nothing it started finishes later),
//   and the next invocation starts a fresh one, running Init again. A crash does the same;
// - an error the handler throws is the invocation's error; the environment is kept;
// - console lines are stored in the function's log group in Lambda's text format
//   (docs.aws.amazon.com/lambda/latest/dg/nodejs-logging.html).
// Not copied: freezing between invocations (work a handler leaves running goes on here).
import { ChildProcess, fork } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { lambdaTextLine } from "./logFilter";

export interface FunctionDefinition {
  name: string;
  /** The archive's `__index.js`. */
  code: string;
  /**
   * The function's environment variables (with whatever reaches the emulators). Nothing of this
   * process's environment is passed on but PATH, as Lambda's environment holds only the function's
   * variables and the runtime's own.
   */
  env: Record<string, string>;
  timeoutMs: number;
}

export type InvocationResult = { ok: true; result: unknown } | { ok: false; errorType: string; errorMessage: string };

export interface LambdaFunction {
  readonly name: string;
  readonly timeoutMs: number;
  /** Runs one invocation in a free execution environment, starting one when none is free. Never rejects. */
  invoke(event: unknown): Promise<InvocationResult>;
  /** The function's log group: every line it wrote, in Lambda's text format, oldest first. */
  readonly logs: string[];
  /** Environments started (cold starts) and invocations cut off at the timeout. */
  readonly stats: { coldStarts: number; timeouts: number };
  /** Stops every environment. */
  close(): Promise<void>;
}

/** Lambda's Init phase limit for an on-demand function. */
const INIT_LIMIT_MS = 10_000;

// The runtime's side inside each environment (plain JavaScript, run by `node` directly).
const BOOTSTRAP = `
const util = require("util");
let requestId = "init";
const log = (level) => (...args) => process.send({ type: "log", time: new Date().toISOString(), requestId, level, message: util.format(...args) });
console.log = console.info = log("INFO");
console.warn = log("WARN");
console.error = log("ERROR");
const handler = require(process.argv[2]).handler;
process.on("message", async (m) => {
  requestId = m.requestId;
  const context = { awsRequestId: m.requestId, functionName: process.env.AWS_LAMBDA_FUNCTION_NAME, getRemainingTimeInMillis: () => Math.max(0, m.deadline - Date.now()) };
  try {
    const result = await handler(m.event, context);
    process.send({ type: "result", requestId: m.requestId, result: result === undefined ? null : result });
  } catch (err) {
    process.send({ type: "error", requestId: m.requestId, errorType: (err && err.name) || "Error", errorMessage: (err && err.message) || String(err) });
  }
});
process.send({ type: "ready" });
`;

interface Environment {
  child: ChildProcess;
  /** Set while an invocation runs: receives its messages and the process's exit. */
  waiting?: { requestId: string; settle(result: InvocationResult): void };
}

let deployments = 0;

/**
 * Deploys `def` into `taskRoot` (a directory from tests/helpers/lambda.ts `lambdaTaskRoot`, whose
 * node_modules holds only the AWS SDK, as Lambda's runtime does). `onLine` sees every stored line.
 */
export function deployFunction(taskRoot: string, def: FunctionDefinition, onLine: (line: string) => void = () => undefined): LambdaFunction {
  const bootstrap = path.join(taskRoot, "__e2e_bootstrap.js");
  if (!fs.existsSync(bootstrap)) fs.writeFileSync(bootstrap, BOOTSTRAP);
  const file = path.join(taskRoot, `__index_${def.name}_${++deployments}.js`);
  fs.writeFileSync(file, def.code);
  const logs: string[] = [];
  const stats = { coldStarts: 0, timeouts: 0 };
  const idle: Environment[] = [];
  const all = new Set<Environment>();
  const store = (line: string) => {
    logs.push(line);
    onLine(`${def.name}  ${line}`);
  };

  const stop = (env: Environment) => {
    all.delete(env);
    const i = idle.indexOf(env);
    if (i >= 0) idle.splice(i, 1);
    if (env.child.exitCode === null && env.child.signalCode === null) env.child.kill("SIGKILL");
  };

  const start = (): Promise<Environment | InvocationResult> =>
    new Promise((resolve) => {
      stats.coldStarts++;
      const child = fork(bootstrap, [file], {
        cwd: taskRoot,
        env: { PATH: process.env.PATH ?? "", TZ: "UTC", LANG: "en_US.UTF-8", ...def.env, AWS_LAMBDA_FUNCTION_NAME: def.name },
        execArgv: ["--no-warnings"],
        stdio: ["ignore", "pipe", "pipe", "ipc"],
      });
      const env: Environment = { child };
      all.add(env);
      const output: string[] = [];
      const keep = (chunk: Buffer) => {
        for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) {
          output.push(line);
          store(line);
        }
      };
      child.stdout!.on("data", keep);
      child.stderr!.on("data", keep);
      let ready = false;
      const initTimer = setTimeout(() => {
        stop(env);
        resolve({ ok: false, errorType: "Runtime.InitTimeout", errorMessage: `Init did not finish within ${INIT_LIMIT_MS / 1000} s` });
      }, INIT_LIMIT_MS);
      child.on("message", (m: any) => {
        if (m.type === "log") return store(lambdaTextLine(new Date(m.time), m.requestId, m.level, m.message));
        if (m.type === "ready") {
          ready = true;
          clearTimeout(initTimer);
          return resolve(env);
        }
        if (env.waiting && m.requestId === env.waiting.requestId) {
          env.waiting.settle(m.type === "result" ? { ok: true, result: m.result } : { ok: false, errorType: m.errorType, errorMessage: m.errorMessage });
        }
      });
      child.on("exit", (code, signal) => {
        all.delete(env);
        if (!ready) {
          clearTimeout(initTimer);
          resolve({ ok: false, errorType: "Runtime.ExitError", errorMessage: `Init failed: exit ${code ?? signal}: ${output.slice(-5).join(" | ")}` });
        }
        env.waiting?.settle({ ok: false, errorType: "Runtime.ExitError", errorMessage: `Runtime exited with error: ${code ?? signal}` });
      });
    });

  return {
    name: def.name,
    timeoutMs: def.timeoutMs,
    logs,
    stats,
    async invoke(event) {
      const started = idle.pop() ?? (await start());
      if (!("child" in started)) return started;
      const env = started;
      const requestId = crypto.randomUUID();
      return new Promise<InvocationResult>((resolve) => {
        const timer = setTimeout(() => {
          stats.timeouts++;
          const seconds = (def.timeoutMs / 1000).toFixed(2);
          store(`${new Date().toISOString()} ${requestId} Task timed out after ${seconds} seconds`);
          // The environment is reset: whatever the handler was doing stops here.
          stop(env);
          finish({ ok: false, errorType: "Sandbox.Timedout", errorMessage: `Task timed out after ${seconds} seconds` });
        }, def.timeoutMs);
        const finish = (result: InvocationResult) => {
          clearTimeout(timer);
          env.waiting = undefined;
          if (all.has(env)) idle.push(env);
          resolve(result);
        };
        env.waiting = { requestId, settle: finish };
        env.child.send({ requestId, event, deadline: Date.now() + def.timeoutMs });
      });
    },
    async close() {
      const exits = [...all].map(
        (env) =>
          new Promise((resolve) => {
            if (env.child.exitCode !== null || env.child.signalCode !== null) return resolve(undefined);
            env.child.once("exit", resolve);
          }),
      );
      for (const env of [...all]) stop(env);
      await Promise.all(exits);
    },
  };
}
