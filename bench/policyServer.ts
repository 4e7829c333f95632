/**
 * The policy pack as the Pulumi engine runs it: `run-policy-pack <engine> <packDir>` in the pack's
 * directory, which prints its gRPC port, then the engine's own AnalyzerClient. The same protocol
 * tests/policies/engine.spec.ts drives.
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";

// Protocol modules come from @pulumi/pulumi's own dependency tree so the message classes match.
const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const fromPulumi = (m: string) => require(require.resolve(m, { paths: [pulumiDir] }));

export interface AnalyzeInput {
  type: string;
  name: string;
  urn: string;
  inputs: Record<string, unknown>;
}

export interface PolicyServer {
  /** Sends one Analyze request; resolves to the number of diagnostics. */
  analyze(resource: AnalyzeInput): Promise<number>;
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

export async function startPolicyServer(packDir: string, timeoutMs = 60_000): Promise<PolicyServer> {
  const problem = packProblem(packDir);
  if (problem) throw new Error(problem);
  const grpc = fromPulumi("@grpc/grpc-js");
  const { Struct } = fromPulumi("google-protobuf/google/protobuf/struct_pb");
  const analyzerPb = require("@pulumi/pulumi/proto/analyzer_pb");
  const { AnalyzerClient } = require("@pulumi/pulumi/proto/analyzer_grpc_pb");

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
    analyze(resource) {
      const req = new analyzerPb.AnalyzeRequest();
      req.setType(resource.type);
      req.setName(resource.name);
      req.setUrn(resource.urn);
      req.setOptions(new analyzerPb.AnalyzerResourceOptions());
      req.setProperties(Struct.fromJavaScript(resource.inputs));
      return new Promise((resolve, reject) =>
        client.analyze(req, (err: Error | null, resp: any) => (err ? reject(err) : resolve(resp.getDiagnosticsList().length))),
      );
    },
    stop() {
      client.close();
      kill();
      process.removeListener("exit", kill);
    },
  };
}
