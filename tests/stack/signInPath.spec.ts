/**
 * Two settings of the sign-in path a mutation audit found unguarded: the app client offers Google
 * only (with COGNITO among its providers, Cognito's hosted UI takes passwords, a sign-up path
 * that skips the Google account the allow-list assumes), and the load balancer drops header
 * fields that are not valid HTTP (ELB attribute routing.http.drop_invalid_header_fields.enabled:
 * otherwise a malformed header name can reach oauth2-proxy and the app, which may read it
 * differently from the ALB).
 */
import { expect } from "chai";
import { Stack, synthStack } from "../helpers/stack";

describe("the sign-in path's own settings (dev stack)", () => {
  let stack: Stack;
  before(async () => {
    stack = await synthStack();
  });

  it("offers Google and nothing else on the oauth2-proxy app client, with code flow and no password flow", () => {
    const clients = stack.all("aws:cognito/userPoolClient:UserPoolClient").map((r) => r.inputs);
    expect(clients.length).to.be.greaterThan(0);
    for (const c of clients) {
      expect(c.supportedIdentityProviders, String(c.name)).to.deep.equal(["Google"]);
      expect(c.allowedOauthFlows, String(c.name)).to.deep.equal(["code"]);
      expect(c.explicitAuthFlows, String(c.name)).to.deep.equal(["ALLOW_REFRESH_TOKEN_AUTH"]);
    }
  });

  it("drops invalid header fields on every load balancer", () => {
    const lbs = stack.all("aws:lb/loadBalancer:LoadBalancer").map((r) => r.inputs);
    expect(lbs.length).to.be.greaterThan(0);
    for (const lb of lbs) expect(lb.dropInvalidHeaderFields, String(lb.name)).to.equal(true);
  });
});
