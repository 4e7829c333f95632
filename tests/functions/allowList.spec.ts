import { expect } from "chai";
import { AllowList, isAllowed } from "../../functions/allowList";

const list = (over: Partial<AllowList> = {}): AllowList => ({ domains: [], emails: [], anyGoogleAccount: false, ...over });

describe("functions/allowList (oauth2-proxy v7.15.3 validator.go semantics)", () => {
  it("admits every address of a listed domain, case-insensitively", () => {
    const l = list({ domains: ["example.com"] });
    expect(isAllowed("ann@example.com", l)).to.equal(true);
    expect(isAllowed("Ann@Example.COM", l)).to.equal(true);
  });

  it("does not admit subdomains or look-alike domains of a listed domain", () => {
    const l = list({ domains: ["example.com"] });
    expect(isAllowed("ann@mail.example.com", l)).to.equal(false);
    expect(isAllowed("ann@notexample.com", l)).to.equal(false);
    expect(isAllowed("ann@example.com.evil.org", l)).to.equal(false);
  });

  it("admits a single listed email exactly, and nobody else of its domain", () => {
    const l = list({ emails: ["Bob@Partner.org"] });
    expect(isAllowed("bob@partner.org", l)).to.equal(true);
    expect(isAllowed("eve@partner.org", l)).to.equal(false);
  });

  it("refuses everyone when the list is empty and nobody opted in to any Google account", () => {
    expect(isAllowed("ann@example.com", list())).to.equal(false);
  });

  it("admits any well-formed email only with anyGoogleAccount", () => {
    expect(isAllowed("stranger@gmail.com", list({ anyGoogleAccount: true }))).to.equal(true);
  });

  it("refuses malformed input without throwing (oauth2-proxy needs exactly one @)", () => {
    const open = list({ anyGoogleAccount: true, domains: ["example.com"] });
    for (const bad of [undefined, null, 42, {}, "", "   ", "no-at-sign", "a@b@example.com"]) {
      expect(isAllowed(bad, open), JSON.stringify(bad)).to.equal(false);
    }
  });
});
