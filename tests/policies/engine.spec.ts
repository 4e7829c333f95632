/**
 * The pack through the engine's protocol: started the way the Pulumi CLI starts a Node.js policy
 * pack (`run-policy-pack <engine> <packDir>`, cwd = the pack), then driven over gRPC with the
 * engine's own Analyzer client. One process for the whole file; it is always killed.
 */
import { expect } from "chai";
import { goldenDefinitions, goldenN8nDefinitions, SIGNOUT_URL, SINGLE_ENCODED_SIGNOUT_URL, withEnv } from "../fixtures/policies/golden";
import { DEFAULT_SKIP_AUTH_ROUTE_ALLOWLIST, TASK_POLICIES, STACK_POLICIES } from "../../policies/rules";
import { GRAPH_POLICIES } from "../../policies/stack/info";
import { analyzerPb, Empty, PolicyEngine, startPolicyEngine, Struct } from "../helpers/policyEngine";

const LEVEL_NAMES = ["advisory", "mandatory", "disabled", "remediate"];
const urn = (type: string, name: string) => `urn:pulumi:dev::pluto::${type}::${name}`;

function resource(Type: any, type: string, name: string, props: Record<string, unknown>, deps: Record<string, string[]> = {}): any {
  const r = new Type();
  r.setType(type);
  r.setName(name);
  r.setUrn(urn(type, name));
  r.setProperties(Struct.fromJavaScript(props));
  r.setOptions(new analyzerPb.AnalyzerResourceOptions());
  if (r.getPropertydependenciesMap) {
    for (const [k, urns] of Object.entries(deps)) {
      const d = new analyzerPb.AnalyzerPropertyDependencies();
      d.setUrnsList(urns);
      r.getPropertydependenciesMap().set(k, d);
    }
  }
  return r;
}

function diagnostics(resp: any): { policy: string; level: string; message: string; urn: string }[] {
  return resp
    .getDiagnosticsList()
    .map((d: any) => ({ policy: d.getPolicyname(), level: LEVEL_NAMES[d.getEnforcementlevel()], message: d.getMessage(), urn: d.getUrn() }));
}

describe("policy pack over the engine protocol (run-policy-pack + gRPC)", function () {
  // Starting the pack type-checks it with ts-node, as the Pulumi CLI does (about 2-3 s).
  this.timeout(60_000);
  let engine: PolicyEngine;
  const call = <T>(method: string, req: unknown) => engine.call<T>(method, req);

  before(async () => {
    engine = await startPolicyEngine();
  });

  after(() => engine?.stop());

  it("GetAnalyzerInfo lists every policy with its level", async () => {
    const info: any = await call("getAnalyzerInfo", new Empty());
    expect(info.getName()).to.equal("pluto");
    expect(info.getVersion()).to.equal(require("../../policies/package.json").version);
    const listed = info.getPoliciesList().map((p: any) => [p.getName(), LEVEL_NAMES[p.getEnforcementlevel()]]);
    expect(listed).to.deep.equal([...TASK_POLICIES, ...STACK_POLICIES, ...GRAPH_POLICIES].map((p) => [p.name, p.defaultLevel]));
    const allowlist = info.getPoliciesList().find((p: any) => p.getName() === "oauth2-proxy-skip-auth-routes-allowlist");
    expect(allowlist.getConfigschema().getProperties().toJavaScript()).to.have.property("allowlist");
  });

  it("Analyze returns the mandatory diagnostic for WEBUI_AUTH=false and nothing for the golden task", async () => {
    const bad = goldenDefinitions();
    withEnv(bad[0], "WEBUI_AUTH", "false");
    const type = "aws:ecs/taskDefinition:TaskDefinition";
    const req = new analyzerPb.AnalyzeRequest();
    for (const [k, v] of Object.entries({ type, name: "task", urn: urn(type, "task") })) req[`set${k[0].toUpperCase()}${k.slice(1)}`](v);
    req.setOptions(new analyzerPb.AnalyzerResourceOptions());
    req.setProperties(Struct.fromJavaScript({ family: "pluto-openwebui", containerDefinitions: JSON.stringify(bad) }));
    const found = diagnostics(await call("analyze", req));
    expect(found.map((d) => [d.policy, d.level])).to.deep.equal([["openwebui-no-webui-auth", "mandatory"]]);
    expect(found[0].message).to.include('WEBUI_AUTH="false" is set in container openwebui');

    req.setProperties(Struct.fromJavaScript({ family: "pluto-openwebui", containerDefinitions: JSON.stringify(goldenDefinitions()) }));
    expect(diagnostics(await call("analyze", req))).to.deep.equal([]);
  });

  it("Analyze sends a mandatory policy's weaker finding as advisory, and its strong form as mandatory", async () => {
    const type = "aws:ecs/taskDefinition:TaskDefinition";
    const analyze = async (defs: unknown) => {
      const req = new analyzerPb.AnalyzeRequest();
      req.setType(type);
      req.setName("task");
      req.setUrn(urn(type, "task"));
      req.setOptions(new analyzerPb.AnalyzerResourceOptions());
      req.setProperties(Struct.fromJavaScript({ family: "pluto-openwebui", containerDefinitions: JSON.stringify(defs) }));
      return diagnostics(await call("analyze", req)).map((d) => [d.policy, d.level]);
    };
    const reverse = goldenDefinitions();
    withEnv(reverse[1], "OAUTH2_PROXY_REVERSE_PROXY", "true");
    expect(await analyze(reverse)).to.deep.equal([["oauth2-proxy-no-forwarded-header-trust", "mandatory"]]);
    withEnv(reverse[1], "OAUTH2_PROXY_TRUSTED_PROXY_IPS", "10.0.0.0/16");
    expect(await analyze(reverse)).to.deep.equal([["oauth2-proxy-no-forwarded-header-trust", "advisory"]]);
  });

  it("Analyze reports an unknown containerDefinitions (preview) as advisory, not as a pass or a crash", async () => {
    const type = "aws:ecs/taskDefinition:TaskDefinition";
    const req = new analyzerPb.AnalyzeRequest();
    req.setType(type);
    req.setName("task");
    req.setUrn(urn(type, "task"));
    req.setOptions(new analyzerPb.AnalyzerResourceOptions());
    req.setProperties(Struct.fromJavaScript({ containerDefinitions: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" }));
    const found = diagnostics(await call("analyze", req));
    expect(found).to.have.length(TASK_POLICIES.length);
    for (const d of found) {
      expect(d.level).to.equal("advisory");
      expect(d.message).to.match(/Could not be checked .*not known until deploy/);
    }
  });

  it("AnalyzeStack flags an unalarmed dead-letter queue, and Configure applies the pack config", async () => {
    const Res = analyzerPb.AnalyzerResource;
    const resources = [
      resource(Res, "aws:sqs/queue:Queue", "dlq", { name: "pluto-user-provisioning-dlq" }),
      resource(Res, "aws:sqs/queue:Queue", "queue", {
        name: "pluto-user-provisioning",
        redrivePolicy: JSON.stringify({ deadLetterTargetArn: "arn:aws:sqs:us-west-2:123456789012:pluto-user-provisioning-dlq", maxReceiveCount: 5 }),
      }),
    ];
    const req = new analyzerPb.AnalyzeStackRequest();
    req.setResourcesList(resources);
    const found = diagnostics(await call("analyzeStack", req));
    expect(found.map((d) => [d.policy, d.level, d.urn])).to.deep.equal([["sqs-dlq-alarmed", "mandatory", urn("aws:sqs/queue:Queue", "dlq")]]);

    const alarm = resource(Res, "aws:cloudwatch/metricAlarm:MetricAlarm", "dlq-alarm", {
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: "pluto-user-provisioning-dlq" },
      threshold: 1,
    });
    req.setResourcesList([...resources, alarm]);
    expect(diagnostics(await call("analyzeStack", req))).to.deep.equal([]);

    // An organisation can relax a policy through the pack config; the engine sends it with Configure.
    const configure = new analyzerPb.ConfigureAnalyzerRequest();
    const pc = new analyzerPb.PolicyConfig();
    pc.setEnforcementlevel(analyzerPb.EnforcementLevel.ADVISORY);
    pc.setProperties(Struct.fromJavaScript({}));
    configure.getPolicyconfigMap().set("sqs-dlq-alarmed", pc);
    await call("configure", configure);
    req.setResourcesList(resources);
    expect(diagnostics(await call("analyzeStack", req)).map((d) => d.level)).to.deep.equal(["advisory"]);
  });

  describe("header stripping, sign-out encoding, n8n webhooks", () => {
    async function analyzeTask(family: string, defs: unknown) {
      const req = new analyzerPb.AnalyzeRequest();
      const type = "aws:ecs/taskDefinition:TaskDefinition";
      req.setType(type);
      req.setName(family);
      req.setUrn(urn(type, family));
      req.setOptions(new analyzerPb.AnalyzerResourceOptions());
      req.setProperties(Struct.fromJavaScript({ family, containerDefinitions: JSON.stringify(defs) }));
      return diagnostics(await call("analyze", req));
    }

    it("blocks skip-auth-strip-headers=false as mandatory, on either proxy", async () => {
      const ow = goldenDefinitions();
      withEnv(ow[1], "OAUTH2_PROXY_SKIP_AUTH_STRIP_HEADERS", "false");
      const found = await analyzeTask("pluto-openwebui", ow);
      expect(found.map((d) => [d.policy, d.level])).to.deep.equal([["oauth2-proxy-strip-auth-headers", "mandatory"]]);
      expect(found[0].message).to.include("the client's X-Forwarded-Email reaches the app alone");
      const n8n = goldenN8nDefinitions();
      n8n[1].command = ["--skip-auth-strip-headers=false"];
      expect((await analyzeTask("pluto-n8n", n8n)).map((d) => [d.policy, d.level])).to.deep.equal([["oauth2-proxy-strip-auth-headers", "mandatory"]]);
    });

    it("reports a single-encoded logout_uri as advisory with the golden value as the fix, and passes the golden value", async () => {
      const bad = goldenDefinitions();
      withEnv(bad[0], "WEBUI_AUTH_SIGNOUT_REDIRECT_URL", SINGLE_ENCODED_SIGNOUT_URL);
      const found = await analyzeTask("pluto-openwebui", bad);
      expect(found.map((d) => [d.policy, d.level])).to.deep.equal([["openwebui-signout-redirect", "advisory"]]);
      expect(found[0].message.endsWith(`Fix: WEBUI_AUTH_SIGNOUT_REDIRECT_URL=${SIGNOUT_URL}`)).to.equal(true);
      expect(await analyzeTask("pluto-openwebui", goldenDefinitions())).to.deep.equal([]);
    });

    it("accepts n8n's webhook and form routes on n8n's proxy and refuses them on Open WebUI's", async () => {
      const n8n = goldenN8nDefinitions();
      withEnv(n8n[1], "OAUTH2_PROXY_SKIP_AUTH_ROUTES", DEFAULT_SKIP_AUTH_ROUTE_ALLOWLIST.join(","));
      expect(await analyzeTask("pluto-n8n", n8n)).to.deep.equal([]);
      const ow = goldenDefinitions();
      withEnv(ow[1], "OAUTH2_PROXY_SKIP_AUTH_ROUTES", "^/webhook/");
      expect((await analyzeTask("pluto-openwebui", ow)).map((d) => [d.policy, d.level])).to.deep.equal([
        ["oauth2-proxy-skip-auth-routes-allowlist", "mandatory"],
      ]);
    });
  });
});
