import { expect } from "chai";
import { AllowList, isAllowed, lacksWorkspace } from "../../functions/allowList";

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

describe("functions/allowList: lacksWorkspace (Google's hd claim against the email's domain)", () => {
  const l = list({ domains: ["example.com"], emails: ["Named@Example.com"], requireGoogleWorkspace: true });

  it("is satisfied by an hd equal to the email's domain, in any case", () => {
    expect(lacksWorkspace("ann@example.com", "example.com", l)).to.equal(false);
    expect(lacksWorkspace("Ann@Example.COM", " EXAMPLE.com ", l)).to.equal(false);
  });

  it("is not satisfied without hd, or by another domain's hd", () => {
    for (const hd of [undefined, null, "", "gmail.com", "other.org", "mail.example.com", 7])
      expect(lacksWorkspace("ann@example.com", hd, l), String(hd)).to.equal(true);
  });

  it("exempts a listed single address, matched as isAllowed matches it", () => {
    expect(lacksWorkspace("named@example.com", undefined, l)).to.equal(false);
  });

  it("never throws on malformed input", () => {
    for (const bad of [undefined, null, 42, {}, "", "no-at-sign@"]) expect(lacksWorkspace(bad, "example.com", l), JSON.stringify(bad)).to.equal(true);
  });
});
