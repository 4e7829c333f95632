/** The pack over the engine's gRPC protocol (tests/helpers/policyEngine.ts), one Analyze per resource. */
import { analyzerPb, packProblem, startPolicyEngine, Struct } from "../tests/helpers/policyEngine";

export { packProblem };

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

export async function startPolicyServer(packDir: string, timeoutMs = 60_000): Promise<PolicyServer> {
  const engine = await startPolicyEngine(packDir, timeoutMs);
  return {
    async analyze(resource) {
      const req = new analyzerPb.AnalyzeRequest();
      req.setType(resource.type);
      req.setName(resource.name);
      req.setUrn(resource.urn);
      req.setOptions(new analyzerPb.AnalyzerResourceOptions());
      req.setProperties(Struct.fromJavaScript(resource.inputs));
      const resp: any = await engine.call("analyze", req);
      return resp.getDiagnosticsList().length;
    },
    stop: () => engine.stop(),
  };
}
