// The e2e's oauth2-proxy stand-in, rule by rule, as oauth2-proxy v7.15.3 validator.go and
// providers/provider_data.go decide (see oauth2Proxy.ts).
import { expect } from "chai";
import { emailAllowed, oauth2ProxyRequest, oauth2ProxySettings } from "./oauth2Proxy";

describe("e2e stand-in: oauth2-proxy", () => {
  const settings = oauth2ProxySettings(
    { OAUTH2_PROXY_EMAIL_DOMAINS: "example.com,.corp.example.org", OAUTH2_PROXY_AUTHENTICATED_EMAILS_FILE: "/allowed/emails.txt" },
    { ALLOWED_EMAILS: "Guest@Partner.org,o'brien@freelance.io" },
  );
  const ada = { sub: "s-ada", email: "ada@example.com", preferred_username: "Ada" };

  it("admits by domain suffix (`.domain` also subdomains) OR by a line of the emails file, case-insensitively", () => {
    expect(settings).to.deep.include({
      emailDomains: ["example.com", ".corp.example.org"],
      authenticatedEmails: ["Guest@Partner.org", "o'brien@freelance.io"],
      emailClaim: "email",
      allowUnverifiedEmail: false,
    });
    for (const ok of ["ada@example.com", "ADA@EXAMPLE.COM", "x@eu.corp.example.org", "guest@partner.org", "O'Brien@freelance.io"])
      expect(emailAllowed(settings, ok), ok).to.equal(true);
    for (const no of ["", "ada@sub.example.com", "ada@example.com.evil.org", "a@b@example.com", "guest2@partner.org", "x@corp.example.org.evil"])
      expect(emailAllowed(settings, no), no).to.equal(false);
  });

  it("`*` admits everyone; without the file setting the writer's list is not read", () => {
    expect(emailAllowed(oauth2ProxySettings({ OAUTH2_PROXY_EMAIL_DOMAINS: "*" }), "anyone@anywhere.net")).to.equal(true);
    expect(oauth2ProxySettings({ OAUTH2_PROXY_EMAIL_DOMAINS: "example.com" }, { ALLOWED_EMAILS: "guest@partner.org" }).authenticatedEmails).to.deep.equal([]);
  });

  it("passes an allowed, verified member with the user headers; refuses the others (403 invalid email; 500 unverified)", () => {
    expect(oauth2ProxyRequest(settings, { ...ada, email_verified: true })).to.deep.equal({
      status: 200,
      headers: { "X-Forwarded-User": "s-ada", "X-Forwarded-Email": "ada@example.com", "X-Forwarded-Preferred-Username": "Ada" },
    });
    expect(oauth2ProxyRequest(settings, { ...ada, email: "eve@elsewhere.org" })).to.deep.equal({ status: 403, reason: "invalid email" });
    expect(oauth2ProxyRequest(settings, { ...ada, email_verified: false })).to.deep.equal({
      status: 500,
      reason: "email in id_token (ada@example.com) isn't verified",
    });
  });

  it("skips the verified check only as oauth2-proxy does: another email claim, or the insecure switch", () => {
    const other = oauth2ProxySettings({ OAUTH2_PROXY_EMAIL_DOMAINS: "example.com", OAUTH2_PROXY_OIDC_EMAIL_CLAIM: "upn" });
    expect(oauth2ProxyRequest(other, { ...ada, email_verified: false }).status).to.equal(200);
    const insecure = oauth2ProxySettings({ OAUTH2_PROXY_EMAIL_DOMAINS: "example.com", OAUTH2_PROXY_INSECURE_OIDC_ALLOW_UNVERIFIED_EMAIL: "true" });
    expect(oauth2ProxyRequest(insecure, { ...ada, email_verified: false }).status).to.equal(200);
  });
});
