/**
 * `pluto:groups` in the program: one Cognito group per item in Identity's pool, and the two settings
 * that carry a member's groups to Open WebUI (oauth2-proxy's groups claim, Open WebUI's trusted
 * groups header); a stack without groups has none of them.
 */
import { expect } from "chai";
import { runPolicies } from "../../policies/runPolicies";
import { env, Stack, synthStack } from "../helpers/stack";

const GROUPS = [{ name: "research", description: "Research team" }, { name: "ops" }];
const throughPack = (s: Stack) =>
  runPolicies(s.result.resources.map((r) => ({ type: r.type, name: r.name, urn: r.urn, props: r.inputs, propertyDependencies: r.propertyDependencies })));

describe("stack with pluto:groups", () => {
  let stack: Stack;
  before(async () => {
    stack = await synthStack({ "pluto:groups": JSON.stringify(GROUPS) });
  });

  it("creates each group in Identity's user pool, under the AccessGroups component", () => {
    const pool = stack.one("aws:cognito/userPool:UserPool");
    const component = stack.one("pluto:identity:AccessGroups");
    const groups = stack.all("aws:cognito/userGroup:UserGroup").sort((a, b) => a.name.localeCompare(b.name));
    expect(groups.map((g) => g.name)).to.deep.equal(["pluto-groups-ops", "pluto-groups-research"]);
    expect(groups.map((g) => (g.inputs as any).name)).to.deep.equal(["ops", "research"]);
    expect((groups[1].inputs as any).description).to.equal("Research team");
    expect(groups[0].inputs).to.not.have.property("description");
    for (const g of groups) {
      expect((g.inputs as any).userPoolId, g.name).to.equal(pool.id);
      expect(g.parent, g.name).to.equal(component.urn);
      expect(g.inputs, g.name).to.not.have.any.keys("roleArn", "precedence");
    }
  });

  it("has oauth2-proxy read cognito:groups and Open WebUI apply X-Forwarded-Groups, with no role header", () => {
    const proxy = env(stack.container("pluto-openwebui", "oauth2-proxy"));
    expect(proxy.OAUTH2_PROXY_OIDC_GROUPS_CLAIM).to.equal("cognito:groups");
    // The user headers, X-Forwarded-Groups among them, travel only with pass-user-headers.
    expect(proxy.OAUTH2_PROXY_PASS_USER_HEADERS).to.equal("true");
    const app = env(stack.container("pluto-openwebui", "openwebui"));
    expect(app.WEBUI_AUTH_TRUSTED_GROUPS_HEADER).to.equal("X-Forwarded-Groups");
    expect(app).to.not.have.property("WEBUI_AUTH_TRUSTED_ROLE_HEADER");
  });

  it("passes every policy of the pack, advisory ones included", async () => {
    expect(await throughPack(stack)).to.deep.equal([]);
  });
});

describe("stack without pluto:groups (the dev stack)", () => {
  it("creates no group and sets neither the claim nor the header", async () => {
    const stack = await synthStack();
    expect(stack.all("aws:cognito/userGroup:UserGroup")).to.have.length(0);
    expect(env(stack.container("pluto-openwebui", "oauth2-proxy"))).to.not.have.property("OAUTH2_PROXY_OIDC_GROUPS_CLAIM");
    expect(env(stack.container("pluto-openwebui", "openwebui"))).to.not.have.property("WEBUI_AUTH_TRUSTED_GROUPS_HEADER");
  });
});
