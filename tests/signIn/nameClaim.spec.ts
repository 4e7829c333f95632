import { expect } from "chai";
import { displayName, encodeName, MAX_NAME_CHARACTERS, NAME_CLAIM, nameClaimHandler, PreTokenGenerationEvent } from "../../functions/nameClaim";
import { lambdaTaskRoot, loadHandler } from "../helpers/lambda";
import { Stack, synthStack } from "../helpers/stack";
import { archiveAssets } from "../userProvisioning/synth";

/** A version 1 Pre Token Generation event as Cognito sends it for a Google user (developer guide, trigger parameters). */
function event(attributes: Record<string, string>, triggerSource = "TokenGeneration_HostedAuth"): PreTokenGenerationEvent {
  return {
    triggerSource,
    request: { userAttributes: { sub: "8c1b7f3e-2a4d-4e5f-9a0b-1c2d3e4f5a6b", email: "jose@example.com", ...attributes } },
    response: { claimsOverrideDetails: null },
  };
}

/**
 * What Open WebUI makes of the header oauth2-proxy sends: Starlette decodes header bytes
 * as Latin-1 (starlette/datastructures.py Headers), then routers/auths.py signin applies
 * urllib.parse.unquote(name, encoding='utf-8'), which only replaces %XX escapes (v0.8.2, and
 * unchanged in the v0.11 line: the trusted-header block as at 841c9045).
 */
function openWebuiName(headerUtf8Bytes: Buffer): string {
  const latin1 = headerUtf8Bytes.toString("latin1");
  return latin1.replace(/(%[0-9A-Fa-f]{2})+/g, (run) =>
    Buffer.from(
      run
        .split("%")
        .slice(1)
        .map((h) => parseInt(h, 16)),
    ).toString("utf8"),
  );
}

const claimOf = (e: PreTokenGenerationEvent) => e.response?.claimsOverrideDetails?.claimsToAddOrOverride?.[NAME_CLAIM];

describe("the name claim (Cognito Pre Token Generation trigger)", () => {
  it("puts the person's name, percent-encoded, into preferred_username", async () => {
    const out = await nameClaimHandler(event({ name: "José García" }));
    expect(claimOf(out)).to.equal("Jos%C3%A9%20Garc%C3%ADa");
  });

  it("reaches Open WebUI as the person's name, where the raw UTF-8 name would not", async () => {
    for (const name of ["José García", "Zoë O'Brien-Łukasz", "李小龍", "Ada Lovelace", "100% Müller+Co"]) {
      const claim = claimOf(await nameClaimHandler(event({ name })))!;
      expect(claim, name).to.match(/^[\x21-\x7e]+$/);
      expect(openWebuiName(Buffer.from(claim, "utf8")), name).to.equal(name);
    }
    expect(openWebuiName(Buffer.from("José", "utf8")), "why: raw UTF-8 is garbled").to.equal("JosÃ©");
  });

  it("falls back to given and family name, normalises spaces, and caps the length", () => {
    expect(displayName({ given_name: " Ada ", family_name: "Lovelace" })).to.equal("Ada Lovelace");
    expect(displayName({ name: "  Ada\t\n Lovelace " })).to.equal("Ada Lovelace");
    expect(Array.from(displayName({ name: "é".repeat(500) })!)).to.have.length(MAX_NAME_CHARACTERS);
    expect(displayName({ email: "x@example.com" })).to.equal(undefined);
  });

  it("passes over a name holding a control or bidirectional override, as the onboarding notice does", () => {
    // U+202E RIGHT-TO-LEFT OVERRIDE would make "Ada\u202Enimda" read as "Adaadmin" to other members.
    expect(displayName({ name: "Ada\u202Enimda", given_name: "Ada", family_name: "Lovelace" })).to.equal("Ada Lovelace");
    expect(displayName({ name: "Ada\u0000Lovelace" })).to.equal(undefined);
    expect(displayName({ name: "\uD800", given_name: "Grace" })).to.equal("Grace");
    // Directional marks appear in right-to-left names and reorder nothing: kept.
    expect(displayName({ name: "\u200Fנועה" })).to.equal("\u200Fנועה");
  });

  it("runs on token refreshes too, keeping whatever else the response already overrides", async () => {
    const e = event({ name: "Ada" }, "TokenGeneration_RefreshTokens");
    e.response = { claimsOverrideDetails: { claimsToAddOrOverride: { team: "blue" }, claimsToSuppress: ["phone_number"] } };
    const out = await nameClaimHandler(e);
    expect(out.response!.claimsOverrideDetails).to.deep.equal({
      claimsToAddOrOverride: { team: "blue", preferred_username: "Ada" },
      claimsToSuppress: ["phone_number"],
    });
  });

  it("leaves the event unchanged, never throwing, when there is no usable name", async () => {
    const noName = event({});
    expect(await nameClaimHandler(noName)).to.deep.equal(event({}));
    expect(encodeName("bad \ud800 surrogate")).to.equal(undefined);
    expect(claimOf(await nameClaimHandler(event({ name: "\ud800" })))).to.equal(undefined);
    for (const odd of [
      undefined,
      null,
      42,
      "x",
      {},
      { request: null },
      { request: { userAttributes: "nope" } },
      { response: 7, request: { userAttributes: { name: "A" } } },
    ])
      await nameClaimHandler(odd as never);
  });

  describe("as deployed", () => {
    let stack: Stack;
    let root: { dir: string; remove(): void };
    before(async () => {
      stack = await synthStack();
      root = lambdaTaskRoot();
    });
    after(() => root.remove());

    it("is a small function that may only write its own logs, inside Cognito's 5 s", () => {
      const fn = stack.inputs("aws:lambda/function:Function", "pluto-name-claim-function");
      expect(fn).to.include({ name: "pluto-cognito-name-claim", timeout: 5, runtime: "nodejs22.x" });
      const policy = JSON.parse(stack.inputs("aws:iam/rolePolicy:RolePolicy", "pluto-name-claim-role").policy);
      expect(policy.Statement.flatMap((s: any) => s.Action)).to.deep.equal(["logs:CreateLogStream", "logs:PutLogEvents"]);
      expect(stack.inputs("aws:cloudwatch/logGroup:LogGroup", "pluto-name-claim-logs")).to.include({
        name: "/aws/lambda/pluto-cognito-name-claim",
        retentionInDays: 30,
      });
    });

    it("runs from its serialised archive alone, like Lambda loads it", async () => {
      const assets = await archiveAssets(stack.one("aws:lambda/function:Function", "pluto-name-claim-function"));
      expect(Object.keys(assets)).to.deep.equal(["__index.js"]);
      const handler = loadHandler(root.dir, assets["__index.js"], {});
      const out = await handler(event({ name: "José" }));
      expect(claimOf(out)).to.equal("Jos%C3%A9");
    });
  });
});
