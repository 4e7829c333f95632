import { expect } from "chai";
import * as path from "path";
import { synthesize } from "../../cli/synth/harness";
import { Stack, synthStack } from "../helpers/stack";

const PERMISSION = "aws:lambda/permission:Permission";

describe("Identity: triggers, name mapping and the sign-in page", () => {
  let triggers: Stack;
  let dev: Stack;
  before(async () => {
    triggers = new Stack(await synthesize({ program: path.join(__dirname, "identityProgram.ts"), config: { "aws:region": "us-west-2" } }));
    dev = await synthStack();
  });

  it("wires PreSignUp, PostConfirmation and Pre Token Generation (event version 1) into the pool", () => {
    const pool = triggers.inputs("aws:cognito/userPool:UserPool");
    expect(pool.lambdaConfig).to.deep.equal({
      preSignUp: "arn:aws:lambda:us-west-2:123456789012:function:pluto-cognito-presignup",
      postConfirmation: "arn:aws:lambda:us-west-2:123456789012:function:pluto-cognito-postconfirm",
      preTokenGenerationConfig: { lambdaArn: "arn:aws:lambda:us-west-2:123456789012:function:pluto-cognito-name-claim", lambdaVersion: "V1_0" },
    });
  });

  it("lets Cognito invoke each trigger for this pool only, exactly as PostConfirmation", () => {
    const poolArn = `arn:aws:cognito-idp:us-west-2:123456789012:userpool/${triggers.result.outputs.userPoolId}`;
    const permissions = triggers.all(PERMISSION).map((p) => p.inputs as any);
    expect(permissions.map((p) => p.function).sort()).to.deep.equal(["pluto-cognito-name-claim", "pluto-cognito-postconfirm", "pluto-cognito-presignup"]);
    for (const p of permissions) expect(p).to.include({ action: "lambda:InvokeFunction", principal: "cognito-idp.amazonaws.com", sourceArn: poolArn });
    expect(triggers.one(PERMISSION, "-presignup-invoke").parent).to.equal(triggers.one("pluto:identity:Identity").urn);
  });

  it("the dev stack wires the name claim into the pool", () => {
    const pool = dev.inputs("aws:cognito/userPool:UserPool");
    expect(pool.lambdaConfig.preTokenGenerationConfig).to.deep.equal({
      lambdaArn: "arn:aws:lambda:us-west-2:123456789012:function:pluto-cognito-name-claim",
      lambdaVersion: "V1_0",
    });
    expect(dev.inputs(PERMISSION, "-pretoken-invoke")).to.include({ function: "pluto-cognito-name-claim", principal: "cognito-idp.amazonaws.com" });
  });

  it("maps Google's name (the source of the name claim) and lets the client write every mapped attribute", () => {
    const idp = dev.inputs("aws:cognito/identityProvider:IdentityProvider");
    expect(idp.attributeMapping).to.include({ name: "name", email: "email", email_verified: "email_verified" });
    // Cognito fails a federated sign-in that updates a mapped attribute the client cannot write:
    // every mapped pool attribute (username is the identity's name, not one) must be listed.
    const mapped = Object.keys(idp.attributeMapping).filter((k) => k !== "username");
    expect([...dev.inputs("aws:cognito/userPoolClient:UserPoolClient").writeAttributes].sort()).to.deep.equal(mapped.sort());
    // preferred_username is a claim the trigger writes, never a pool alias (aliases must be unique).
    expect(dev.inputs("aws:cognito/userPool:UserPool")).to.not.have.property("aliasAttributes");
  });

  it("carries Google's hd claim to the PreSignUp trigger as a mutable custom:hd, on every stack", () => {
    expect(dev.inputs("aws:cognito/identityProvider:IdentityProvider").attributeMapping).to.include({ "custom:hd": "hd" });
    // Declared whatever pluto:requireGoogleWorkspace says: a pool can gain a custom attribute but never lose one.
    for (const stack of [dev, triggers]) {
      expect(stack.inputs("aws:cognito/userPool:UserPool").schemas).to.deep.equal([
        {
          name: "hd",
          attributeDataType: "String",
          mutable: true,
          developerOnlyAttribute: false,
          required: false,
          stringAttributeConstraints: { minLength: "0", maxLength: "253" },
        },
      ]);
    }
  });

  it("gives the app client a managed-login branding style, so the version 2 pages render on a fresh stack", () => {
    const domain = dev.one("aws:cognito/userPoolDomain:UserPoolDomain");
    expect((domain.inputs as any).managedLoginVersion).to.equal(2);
    const branding = dev.one("aws:cognito/managedLoginBranding:ManagedLoginBranding");
    expect(branding.inputs).to.deep.include({
      userPoolId: dev.result.outputs.userPoolId,
      clientId: dev.result.outputs.appClientId,
      useCognitoProvidedValues: true,
    });
    expect(branding.dependencies).to.include(domain.urn);
  });

  it("keeps the refresh-token flow that oauth2-proxy's cookie refresh needs", () => {
    expect(dev.inputs("aws:cognito/userPoolClient:UserPoolClient").explicitAuthFlows).to.include("ALLOW_REFRESH_TOKEN_AUTH");
  });
});
