import { expect } from "chai";
import { newMemberNotice, snsSubject } from "../../functions/notify";
import { linkSecrets, UNSET_KEY_PREFIX } from "../../functions/n8n";
import { redactAll } from "../../functions/http";
import { OPERATOR_SECRET_PLACEHOLDER } from "../../secrets/storedSecret";

const ADA = { email: "ada@example.com", name: "Ada Lovelace", sub: "sub-ada" };
const LINK = "https://n8n.example.com/signup?token=eyJ.abc.def";

describe("functions/notify: the administrators' notice", () => {
  it("names the member, the workspace and their Cognito user, and says Open WebUI creates the account at first sign-in", () => {
    const notice = newMemberNotice(ADA, "https://pluto.example.com");
    expect(notice.subject).to.equal("New member: ada@example.com");
    expect(notice.body.split("\n")).to.deep.equal([
      "Ada Lovelace <ada@example.com> has joined https://pluto.example.com.",
      "",
      'Open WebUI: their account is created when they first sign in (role "user"). Cognito user: sub-ada.',
    ]);
  });

  it("carries the n8n link for an administrator to forward, saying how long it is valid and that it is a credential", () => {
    const body = newMemberNotice(ADA, "https://pluto.example.com", { state: "invited", emailSent: false, acceptUrl: LINK }).body;
    expect(body).to.contain("forward this invitation link to ada@example.com (valid for 90 days; whoever holds it can claim the invitation");
    expect(body.split("\n").at(-1)).to.equal(LINK);
  });

  it("tells the administrators what n8n did in the other cases", () => {
    expect(newMemberNotice(ADA, "u", { state: "member" }).body).to.contain("already have an n8n account");
    expect(newMemberNotice(ADA, "u", { state: "invited", emailSent: true }).body).to.contain("n8n emailed them the invitation");
    expect(newMemberNotice(ADA, "u", { state: "invited", emailSent: false }).body).to.contain("Copy the invite link from n8n's Users page");
  });

  it("keeps the SNS subject ASCII, single-line and under 100 characters", () => {
    expect(snsSubject("New member: josé@exämple.com")).to.equal("New member: jos?@ex?mple.com");
    expect(snsSubject("a\nb\tc")).to.equal("a?b?c");
    const long = snsSubject(`New member: ${"x".repeat(200)}@example.com`);
    expect(long).to.have.length(99);
    expect(long.endsWith("...")).to.equal(true);
  });
});

describe("functions/http + n8n: what never reaches a log", () => {
  it("redacts every secret, the longer first, so a token inside a link leaves no trace", () => {
    const secrets = linkSecrets(LINK);
    expect(secrets).to.deep.equal([LINK, "eyJ.abc.def"]);
    expect(redactAll(`failed for ${LINK} (token eyJ.abc.def)`, secrets)).to.equal("failed for [redacted] (token [redacted])");
    expect(redactAll("nothing secret", ["", "absent"])).to.equal("nothing secret");
    expect(linkSecrets(undefined)).to.deep.equal([]);
  });

  it("recognises the operator secret's placeholder as an unset n8n key", () => {
    expect(OPERATOR_SECRET_PLACEHOLDER.startsWith(UNSET_KEY_PREFIX)).to.equal(true);
  });
});

describe("functions/notify: what n8n refused", () => {
  it("names the member and n8n's reason, and says nothing will retry it", () => {
    const body = newMemberNotice(ADA, "u", { state: "refused", reason: "Invalid email" }).body;
    expect(body).to.contain('n8n: refused to invite ada@example.com for good ("Invalid email"); nothing will retry it.');
  });

  it("says a link that is not https was withheld, and where to find the real one", () => {
    const body = newMemberNotice(ADA, "u", { state: "invited", emailSent: false, unsafeLink: true }).body;
    expect(body).to.contain("not an https link").and.contain("Users page");
  });
});
