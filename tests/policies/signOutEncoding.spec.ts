import { expect } from "chai";
import { checkContainers, Container, Finding } from "../../policies/rules";
import { signOutRedirectUrl } from "../../settings/golden";
import { SIGNOUT_URL, SINGLE_ENCODED_SIGNOUT_URL } from "../fixtures/policies/golden";

const POLICY = "openwebui-signout-redirect";
const AUTH = "auth.pluto.example.com";
const CLIENT = "77n2g266last0jim5h1c0qjckn";

function findings(signOut: string): Finding[] {
  const webui: Container = {
    name: "openwebui",
    image: "ghcr.io/open-webui/open-webui:v0.11.4",
    environment: { WEBUI_AUTH_TRUSTED_EMAIL_HEADER: "X-Forwarded-Email", DEFAULT_USER_ROLE: "user", WEBUI_AUTH_SIGNOUT_REDIRECT_URL: signOut },
    secrets: [],
    command: [],
  };
  const proxy: Container = {
    name: "oauth2-proxy",
    image: "quay.io/oauth2-proxy/oauth2-proxy:v7.15.3",
    environment: { OAUTH2_PROXY_PASS_USER_HEADERS: "true" },
    secrets: [],
    command: [],
  };
  return checkContainers([webui, proxy]).filter((f) => f.policy === POLICY);
}

/** The value the finding proposes. */
function proposedFix(f: Finding): string {
  const m = /Fix: WEBUI_AUTH_SIGNOUT_REDIRECT_URL=(\S+)$/.exec(f.message);
  if (!m) throw new Error(`no concrete fix in: ${f.message}`);
  return m[1];
}

/** `rd` encoded, but the app URL inside it not encoded again: the mistake the literal tests used to catch alone. */
const singleEncoded = (appUrl: string) => `/oauth2/sign_out?rd=${encodeURIComponent(`https://${AUTH}/logout?client_id=${CLIENT}&logout_uri=${appUrl}`)}`;

describe("openwebui-signout-redirect: Cognito's logout_uri inside rd", () => {
  it("passes the golden value, written out by hand", () => {
    expect(findings(SIGNOUT_URL)).to.deep.equal([]);
  });

  it("fails the single-encoded value, as advisory, showing the golden value as the fix", () => {
    const [f, ...rest] = findings(SINGLE_ENCODED_SIGNOUT_URL);
    expect(rest).to.deep.equal([]);
    expect(f).to.include({ policy: POLICY, level: "advisory", container: "openwebui" });
    expect(f.message).to.include('logout_uri is not URL-encoded inside rd (after oauth2-proxy decodes rd once, it reads "https://pluto.example.com")');
    expect(proposedFix(f)).to.equal(SIGNOUT_URL);
  });

  // App URLs whose characters single encoding would cut or change on the way to Cognito.
  const appUrls = [
    "https://pluto.example.com",
    "https://pluto.example.com/",
    "https://pluto.example.com/signed-out?from=webui&x=1",
    "https://pluto.example.com/a+b%20c#top",
  ];

  for (const appUrl of appUrls) {
    it(`passes what golden.ts builds for ${appUrl}, and repairs its single-encoded form to exactly that`, () => {
      const golden = signOutRedirectUrl({ authDomain: AUTH, clientId: CLIENT, appUrl });
      expect(findings(golden)).to.deep.equal([]);
      const [f] = findings(singleEncoded(appUrl));
      expect(f, "single-encoded").to.not.equal(undefined);
      expect(proposedFix(f)).to.equal(golden);
    });
  }

  it("names the parameters Cognito would receive when the app URL's own query spills out of logout_uri", () => {
    const [f] = findings(singleEncoded("https://pluto.example.com/bye?from=webui&x=1"));
    expect(f.message).to.match(/Cognito's \/logout receives parameters it does not take \(x\)/);
  });

  it("fails logout_uri encoded one time too many, showing the golden value", () => {
    const tooMuch = `/oauth2/sign_out?rd=${encodeURIComponent(`https://${AUTH}/logout?client_id=${CLIENT}&logout_uri=${encodeURIComponent(encodeURIComponent("https://pluto.example.com"))}`)}`;
    const [f] = findings(tooMuch);
    expect(f.message).to.include('Cognito decodes it to "https%3A%2F%2Fpluto.example.com"');
    expect(proposedFix(f)).to.equal(signOutRedirectUrl({ authDomain: AUTH, clientId: CLIENT, appUrl: "https://pluto.example.com" }));
  });

  it("repairs the guide's style of an rd that was not encoded at all", () => {
    const [f] = findings(`/oauth2/sign_out?rd=https://${AUTH}/logout?client_id=${CLIENT}&logout_uri=https://pluto.example.com`);
    expect(f.message).to.include("has parameters besides rd (logout_uri)");
    expect(proposedFix(f)).to.equal(signOutRedirectUrl({ authDomain: AUTH, clientId: CLIENT, appUrl: "https://pluto.example.com" }));
  });

  it("keeps an absolute sign-out base in the fix", () => {
    const [f] = findings(`https://pluto.example.com${SINGLE_ENCODED_SIGNOUT_URL}`);
    expect(proposedFix(f)).to.equal(`https://pluto.example.com${SIGNOUT_URL}`);
  });

  it("reads rd as Go's url.ParseQuery does: a malformed escape drops it", () => {
    const [f] = findings("/oauth2/sign_out?rd=https%3A%2F%2Fauth.pluto.example.com%2Flogout%ZZ");
    expect(f.message).to.include("rd is not valid URL-encoding, so oauth2-proxy ignores it");
  });

  it("leaves an rd that is not a Cognito logout with logout_uri to the other checks", () => {
    expect(findings("/oauth2/sign_out?rd=https%3A%2F%2Fidp.example.com%2Fend-session")).to.deep.equal([]);
  });
});
