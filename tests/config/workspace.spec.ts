import { expect } from "chai";
import { configWarnings } from "../../config";
import { allowListEnvironment } from "../../components/userProvisioning";
import { parseAllowList } from "../../functions/preSignUp";
import { configProblems, parsed, VALID_CONFIG } from "../helpers/config";
import { synthStack } from "../helpers/stack";

const LAMBDA = "aws:lambda/function:Function";

describe("config/workspace: pluto:requireGoogleWorkspace", () => {
  it("is off unless set, and then adds nothing to the allow-list", () => {
    for (const value of [undefined, "false", "FALSE", " false "]) {
      const list = parsed({ ...VALID_CONFIG, requireGoogleWorkspace: value }).allowList;
      expect(list, String(value)).to.deep.equal({ domains: ["example.com"], emails: [], anyGoogleAccount: false });
    }
  });

  it("turns the rule on with true, in any case", () => {
    for (const value of ["true", "True", "TRUE"]) {
      expect(parsed({ ...VALID_CONFIG, requireGoogleWorkspace: value }).allowList, value).to.deep.equal({
        domains: ["example.com"],
        emails: [],
        anyGoogleAccount: false,
        requireGoogleWorkspace: true,
      });
    }
  });

  it("refuses a value that is not true or false, naming the key", () => {
    expect(configProblems({ ...VALID_CONFIG, requireGoogleWorkspace: "yes" })).to.deep.equal([
      'pluto:requireGoogleWorkspace: expected true or false, got "yes"',
    ]);
  });

  it("refuses it together with allowAnyGoogleAccount, naming both keys", () => {
    const problems = configProblems({ ...VALID_CONFIG, allowAnyGoogleAccount: "true", requireGoogleWorkspace: "true" });
    expect(problems).to.have.length(1);
    expect(problems[0]).to.match(/^pluto:requireGoogleWorkspace: true cannot be combined with pluto:allowAnyGoogleAccount: true/);
    expect(configProblems({ ...VALID_CONFIG, allowAnyGoogleAccount: "true", requireGoogleWorkspace: "false" })).to.deep.equal([]);
  });

  it("warns when no domain is listed, since every allowedEmails address is exempt", () => {
    const onlyEmails = { ...VALID_CONFIG, allowedEmailDomains: "[]", allowedEmails: '["admin@example.com"]' };
    const warnings = configWarnings(parsed({ ...onlyEmails, requireGoogleWorkspace: "true" }));
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.match(/^pluto:requireGoogleWorkspace is true but pluto:allowedEmailDomains is empty: .* no effect$/);
    expect(configWarnings(parsed({ ...VALID_CONFIG, requireGoogleWorkspace: "true" }))).to.deep.equal([]);
    expect(configWarnings(parsed(onlyEmails))).to.deep.equal([]);
  });

  it("reaches the PreSignUp handler through ALLOW_LIST, and leaves a stack that does not set it unchanged", () => {
    const on = allowListEnvironment(parsed({ ...VALID_CONFIG, requireGoogleWorkspace: "true" }).allowList);
    expect(parseAllowList(on.ALLOW_LIST).requireGoogleWorkspace).to.equal(true);
    const off = allowListEnvironment(parsed(VALID_CONFIG).allowList);
    expect(off).to.deep.equal({ ALLOW_LIST: '{"domains":["example.com"],"emails":[],"anyGoogleAccount":false}' });
  });

  it("synthesises the PreSignUp function with the rule, and the same pool either way", async () => {
    // One after the other: a synthesis holds the Pulumi runtime's global state.
    const dev = await synthStack();
    const on = await synthStack({ "pluto:requireGoogleWorkspace": "true" });
    const env = (stack: typeof dev) => JSON.parse(stack.inputs(LAMBDA, "-presignup").environment.variables.ALLOW_LIST);
    expect(env(on)).to.deep.include({ requireGoogleWorkspace: true });
    expect(env(dev)).to.not.have.property("requireGoogleWorkspace");
    const pool = (stack: typeof dev) => stack.inputs("aws:cognito/userPool:UserPool").schemas;
    expect(pool(on)).to.deep.equal(pool(dev));
  });
});
