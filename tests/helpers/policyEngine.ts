/**
 * The policy pack as the Pulumi engine runs it: `run-policy-pack <engine> <packDir>` in the pack's
 * directory, which prints its gRPC port, then the engine's own AnalyzerClient. Shared by
 * tests/policies/engine.spec.ts and the benchmark; the child process is always killed.
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";

// Protocol modules come from @pulumi/pulumi's own dependency tree so the message classes match.
const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const fromPulumi = (m: string) => require(require.resolve(m, { paths: [pulumiDir] }));
export const grpc = fromPulumi("@grpc/grpc-js");
export const { Struct } = fromPulumi("google-protobuf/google/protobuf/struct_pb");
export const { Empty } = fromPulumi("google-protobuf/google/protobuf/empty_pb");
export const analyzerPb = require("@pulumi/pulumi/proto/analyzer_pb");
const { AnalyzerClient } = require("@pulumi/pulumi/proto/analyzer_grpc_pb");

export const PACK_DIR = path.join(__dirname, "..", "..", "policies");

export interface PolicyEngine {
  /** The engine's AnalyzerClient connected to the pack. */
  client: any;
  /** Calls a unary AnalyzerClient method. */
  call<T>(method: string, req: unknown): Promise<T>;
  stop(): void;
}

/** Names what a pack directory lacks for the engine to load it, or undefined when complete. */
export function packProblem(packDir: string): string | undefined {
  for (const file of ["PulumiPolicy.yaml", "package.json", "index.ts"]) {
    if (!fs.existsSync(path.join(packDir, file))) return `${path.join(packDir, file)} is missing: not a Node.js policy pack`;
  }
  for (const dep of ["@pulumi/policy", "ts-node"]) {
    try {
      require.resolve(`${dep}/package.json`, { paths: [packDir] });
    } catch {
      return `${dep} cannot be resolved from ${packDir}: run \`npm install\` in the repository root (or in ${packDir})`;
    }
  }
  return undefined;
}

export async function startPolicyEngine(packDir = PACK_DIR, timeoutMs = 60_000): Promise<PolicyEngine> {
  const problem = packProblem(packDir);
  if (problem) throw new Error(problem);
  const runner = path.join(pulumiDir, "cmd", "run-policy-pack");
  // run-policy-pack drops its <engine-address> argument before running the pack; any address will do.
  const child: ChildProcess = spawn(process.execPath, [runner, "127.0.0.1:1", packDir], { cwd: packDir, stdio: ["ignore", "pipe", "pipe"] });
  const kill = () => child.kill("SIGKILL");
  process.once("exit", kill);
  let port: number;
  try {
    port = await new Promise<number>((resolve, reject) => {
      let out = "";
      let err = "";
      const timer = setTimeout(() => reject(new Error(`policy pack did not print its port within ${timeoutMs / 1000} s:\n${err}${out}`)), timeoutMs);
      child.stdout!.on("data", (b) => {
        out += b;
        const m = /^(\d+)\s*$/m.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      child.stderr!.on("data", (b) => (err += b));
      child.on("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`policy pack exited (${code}) before printing its port:\n${err}${out}`));
      });
    });
  } catch (e) {
    kill();
    process.removeListener("exit", kill);
    throw e;
  }
  const client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  return {
    client,
    call: <T>(method: string, req: unknown) =>
      new Promise<T>((resolve, reject) => client[method](req, (err: Error | null, resp: T) => (err ? reject(err) : resolve(resp)))),
    stop() {
      client.close();
      kill();
      process.removeListener("exit", kill);
    },
  };
}
