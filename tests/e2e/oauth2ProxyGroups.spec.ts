import { expect } from "chai";
import { forwardedGroups, withoutClientCopies } from "./oauth2ProxyGroups";

describe("the oauth2-proxy stand-in's X-Forwarded-Groups", () => {
  it("reads the claim OAUTH2_PROXY_OIDC_GROUPS_CLAIM names, default `groups`, and joins with commas", () => {
    const claims = { groups: ["a"], "cognito:groups": ["research", "", "ops"] };
    expect(forwardedGroups(claims, {})).to.deep.equal({ "X-Forwarded-Groups": "a" });
    expect(forwardedGroups(claims, { OAUTH2_PROXY_OIDC_GROUPS_CLAIM: "cognito:groups" })).to.deep.equal({ "X-Forwarded-Groups": "research,ops" });
    expect(forwardedGroups({ "cognito:groups": "solo" }, { OAUTH2_PROXY_OIDC_GROUPS_CLAIM: "cognito:groups" })).to.deep.equal({ "X-Forwarded-Groups": "solo" });
    expect(forwardedGroups({}, { OAUTH2_PROXY_OIDC_GROUPS_CLAIM: "cognito:groups" })).to.deep.equal({});
  });

  it("drops a client's copies of the user headers, however spelt, and passes other headers", () => {
    expect(withoutClientCopies({ "x-forwarded-groups": "a", X_FORWARDED_GROUPS: "b", "X-Forwarded-Email": "e", "X-Role": "admin" })).to.deep.equal({
      "X-Role": "admin",
    });
  });
});
