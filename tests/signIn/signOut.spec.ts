import { expect } from "chai";
import { EDGE_RULE_PRIORITIES, SERVICE_RULE_PRIORITY_MIN, SIGNED_OUT_PAGE } from "../../components/ingress";
import { env, Stack, synthStack } from "../helpers/stack";

const RULE = "aws:lb/listenerRule:ListenerRule";

/** Where the sign-out chain ends: oauth2-proxy's rd, decoded once as oauth2-proxy does, then Cognito's logout_uri, decoded as Cognito does. */
function logoutTarget(signOutRedirect: string): { cognitoLogout: URL; logoutUri: string } {
  const rd = new URL(signOutRedirect, "https://placeholder.invalid").searchParams.get("rd")!;
  const cognitoLogout = new URL(rd);
  return { cognitoLogout, logoutUri: cognitoLogout.searchParams.get("logout_uri")! };
}

describe("signing out lands on a page that says so", () => {
  let stack: Stack;
  before(async () => {
    stack = await synthStack({ "pluto:n8n": JSON.stringify({ enabled: true }) });
  });

  it("sends Cognito's logout to the app's /signed-out page, a sign-out URL registered on the client", () => {
    const redirect = env(stack.container("pluto-openwebui", "openwebui")).WEBUI_AUTH_SIGNOUT_REDIRECT_URL;
    const { cognitoLogout, logoutUri } = logoutTarget(redirect);
    expect(cognitoLogout.origin + cognitoLogout.pathname).to.equal("https://auth.pluto.example.com/logout");
    expect(logoutUri).to.equal("https://pluto.example.com/signed-out");
    const client = stack.inputs("aws:cognito/userPoolClient:UserPoolClient");
    expect(client.logoutUrls).to.include(logoutUri);
    expect(cognitoLogout.searchParams.get("client_id")).to.equal(stack.result.outputs.appClientId);
  });

  it("answers /signed-out on the app host at the load balancer, before oauth2-proxy could start a new sign-in", () => {
    const rule = stack.inputs(RULE, "-signed-out");
    expect(rule.priority).to.equal(EDGE_RULE_PRIORITIES.signedOut).and.be.below(SERVICE_RULE_PRIORITY_MIN);
    expect(rule.conditions).to.deep.equal([{ hostHeader: { values: ["pluto.example.com"] } }, { pathPattern: { values: ["/signed-out"] } }]);
    expect(rule.actions).to.deep.equal([
      { type: "fixed-response", fixedResponse: { contentType: "text/html", statusCode: "200", messageBody: SIGNED_OUT_PAGE } },
    ]);
    expect(rule.listenerArn).to.equal(stack.one("aws:lb/listener:Listener", "-https").id);
  });

  it("says the person is signed out and links to sign in again, within the 1,024 characters a fixed response holds", () => {
    expect(SIGNED_OUT_PAGE.length).to.be.at.most(1024);
    expect(SIGNED_OUT_PAGE).to.contain("<h1>You are signed out</h1>").and.contain('<a href="/">Sign in again</a>');
  });
});
