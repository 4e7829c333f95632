/**
 * The graph stack policies through the engine's protocol: the dev stack's resources sent with
 * AnalyzeStack to the pack started as the Pulumi CLI starts it, with property dependencies as the
 * engine sends them, so references are followed the way they are in a real preview.
 */
import { expect } from "chai";
import { analyzerPb, PolicyEngine, startPolicyEngine, Struct } from "../helpers/policyEngine";
import { PolicyResourceInput } from "../../policies/runPolicies";
import { UNKNOWN_SENTINELS } from "../../policies/rules";
import { T, devResources } from "../helpers/stackResources";

const LEVEL_NAMES = ["advisory", "mandatory", "disabled", "remediate"];

function request(resources: PolicyResourceInput[]): unknown {
  const req = new analyzerPb.AnalyzeStackRequest();
  req.setResourcesList(
    resources.map((r) => {
      const a = new analyzerPb.AnalyzerResource();
      a.setType(r.type);
      a.setName(r.name);
      a.setUrn(r.urn);
      a.setProperties(Struct.fromJavaScript(r.props));
      a.setOptions(new analyzerPb.AnalyzerResourceOptions());
      for (const [k, urns] of Object.entries(r.propertyDependencies ?? {})) {
        const d = new analyzerPb.AnalyzerPropertyDependencies();
        d.setUrnsList(urns);
        a.getPropertydependenciesMap().set(k, d);
      }
      return a;
    }),
  );
  return req;
}

const diagnostics = (resp: any): { policy: string; level: string; urn: string }[] =>
  resp.getDiagnosticsList().map((d: any) => ({ policy: d.getPolicyname(), level: LEVEL_NAMES[d.getEnforcementlevel()], urn: d.getUrn() }));

describe("graph stack policies over the engine protocol", function () {
  this.timeout(60_000);
  let engine: PolicyEngine;
  before(async () => {
    engine = await startPolicyEngine();
  });
  after(() => engine?.stop());

  it("AnalyzeStack finds nothing in the dev stack, and refuses its load balancer pointed at Open WebUI", async () => {
    const res = await devResources();
    expect(diagnostics(await engine.call("analyzeStack", request(res.list)))).to.deep.equal([]);
    Object.assign(res.props(T.service).loadBalancers[0], { containerName: "openwebui", containerPort: 8080 });
    expect(diagnostics(await engine.call("analyzeStack", request(res.list)))).to.deep.include({
      policy: "ecs-lb-targets-oauth2-proxy",
      level: "mandatory",
      urn: res.one(T.service).urn,
    });
  });

  it("AnalyzeStack follows a listener rule whose listener ARN is unknown (preview) through its property dependencies", async () => {
    const res = await devResources();
    res.props(T.listenerRule, "refuse-forwarded-uri").listenerArn = UNKNOWN_SENTINELS[0];
    res.props(T.listenerRule, "refuse-forwarded-uri").priority = 300;
    const found = diagnostics(await engine.call("analyzeStack", request(res.list)));
    expect(found).to.deep.equal([{ policy: "alb-refuses-forwarded-headers", level: "mandatory", urn: res.one(T.listenerRule, "refuse-forwarded-uri").urn }]);
  });
});
