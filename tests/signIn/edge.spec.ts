import { expect } from "chai";
import { EDGE_RULE_PRIORITIES, REFUSED_FORWARDED_HEADERS, REFUSED_SIGN_UP_PAGE, SERVICE_RULE_PRIORITY_MIN } from "../../components/ingress";
import { validateProxiedServiceArgs } from "../../components/proxiedService";
import { Stack, synthStack } from "../helpers/stack";

const RULE = "aws:lb/listenerRule:ListenerRule";

describe("the load balancer's own rules (before any service)", () => {
  let stack: Stack;
  before(async () => {
    stack = await synthStack({ "pluto:n8n": JSON.stringify({ enabled: true }) });
  });
  const https = () => stack.one("aws:lb/listener:Listener", "-https");

  it("answers 400 to any request carrying X-Forwarded-Uri or X-Forwarded-Host, whatever its value", () => {
    for (const [suffix, header] of [
      ["-refuse-forwarded-uri", "X-Forwarded-Uri"],
      ["-refuse-forwarded-host", "X-Forwarded-Host"],
    ]) {
      const rule = stack.inputs(RULE, suffix);
      expect(rule.listenerArn).to.equal(https().id);
      expect(rule.conditions).to.deep.equal([{ httpHeader: { httpHeaderName: header, values: ["*"] } }]);
      expect(rule.actions).to.deep.equal([
        { type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "400", messageBody: `Bad request: ${header} is not accepted` } },
      ]);
    }
    expect(REFUSED_FORWARDED_HEADERS).to.deep.equal(["X-Forwarded-Uri", "X-Forwarded-Host"]);
  });

  it("shows a person whose sign-up was refused a page that says why, on the callback Cognito sends them to", () => {
    const rule = stack.inputs(RULE, "-refused-sign-up");
    // Path AND error AND a PreSignUp description: Cognito's other IdP errors keep oauth2-proxy's page.
    expect(rule.conditions).to.deep.equal([
      { pathPattern: { values: ["/oauth2/callback"] } },
      { queryStrings: [{ key: "error", value: "invalid_request" }] },
      { queryStrings: [{ key: "error_description", value: "PreSignUp*" }] },
    ]);
    const action = rule.actions[0];
    expect(action.type).to.equal("fixed-response");
    expect(action.fixedResponse).to.include({ contentType: "text/html", statusCode: "403" });
    expect(action.fixedResponse.messageBody).to.equal(REFUSED_SIGN_UP_PAGE);
  });

  it("keeps the refused-sign-up page within the 1,024 characters a fixed response may hold, and says what to do", () => {
    expect(REFUSED_SIGN_UP_PAGE.length).to.be.at.most(1024);
    expect(REFUSED_SIGN_UP_PAGE)
      .to.match(/^<!doctype html>/)
      .and.contain("not on this workspace's list")
      .and.contain("ask your administrator");
    expect(REFUSED_SIGN_UP_PAGE).to.contain('href="/"');
  });

  it("evaluates all of them before every host rule, with no two rules sharing a priority", () => {
    const rules = stack.all(RULE).map((r) => ({ name: r.name, ...(r.inputs as any) }));
    // Service rules forward; the edge's own answer themselves (fixed responses), some on one host only.
    const edge = rules.filter((r) => r.actions[0].type === "fixed-response");
    const hosts = rules.filter((r) => r.actions[0].type === "forward");
    expect(edge.map((r) => r.priority).sort()).to.deep.equal(Object.values(EDGE_RULE_PRIORITIES).sort());
    expect(hosts.map((r) => r.priority).sort()).to.deep.equal([100, 200]);
    expect(Math.max(...edge.map((r) => r.priority))).to.be.below(SERVICE_RULE_PRIORITY_MIN);
    expect(new Set(rules.map((r) => r.priority)).size).to.equal(rules.length);
  });

  it("refuses a service host rule among the ingress's own priorities", () => {
    const app = { name: "app", image: "x:1", environment: {}, healthCheckPath: "/health" };
    expect(validateProxiedServiceArgs({ cpu: 1024, memory: 2048, listenerRulePriority: SERVICE_RULE_PRIORITY_MIN, app })).to.deep.equal([]);
    expect(validateProxiedServiceArgs({ cpu: 1024, memory: 2048, listenerRulePriority: EDGE_RULE_PRIORITIES.refusedSignUp, app })[0]).to.match(
      /listenerRulePriority must be 100-50000 \(lower priorities belong to the ingress's own rules\), got 10/,
    );
  });
});
