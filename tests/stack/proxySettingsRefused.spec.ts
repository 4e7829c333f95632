/**
 * `pluto:oauth2ProxySettings` may not ask for what the policy pack refuses: config validation runs
 * the pack's oauth2-proxy rules (policies/rules/configChecks.ts) and names the key, so `pluto synth`
 * exits 2 before any resource exists.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { RawConfig } from "../../config";
import { oauth2ProxySettingProblems } from "../../policies/rules";
import { main } from "../../cli/main";
import { memoryIo } from "../../cli/io";
import { ROOT } from "../helpers/stack";
import { configProblems, VALID_CONFIG } from "../helpers/config";

const withProxySettings = (obj: Record<string, string>): RawConfig => ({ ...VALID_CONFIG, oauth2ProxySettings: JSON.stringify(obj) });

describe("pluto:oauth2ProxySettings refuses what the pack refuses", () => {
  const refused: [string, string, RegExp][] = [
    ["OAUTH2_PROXY_SKIP_JWT_BEARER_TOKENS", "true", /oauth2-proxy-dangerous-options: .*PreSignUp/],
    ["OAUTH2_PROXY_EXTRA_JWT_ISSUERS", "https://accounts.google.com=abc", /oauth2-proxy-dangerous-options/],
    ["OAUTH2_PROXY_SKIP_AUTH_PREFLIGHT", "true", /every OPTIONS request/],
    ["OAUTH2_PROXY_INSECURE_OIDC_ALLOW_UNVERIFIED_EMAIL", "true", /has not verified/],
    ["OAUTH2_PROXY_OIDC_EMAIL_CLAIM", "name", /oauth2-proxy-no-oidc-email-claim/],
    ["OAUTH2_PROXY_TRUSTED_IPS", "10.0.0.0/8", /oauth2-proxy-no-trusted-ip/],
    ["OAUTH2_PROXY_REVERSE_PROXY", "true", /oauth2-proxy-no-forwarded-header-trust/],
    ["OAUTH2_PROXY_SKIP_AUTH_STRIP_HEADERS", "false", /oauth2-proxy-strip-auth-headers/],
  ];
  for (const [key, value, why] of refused) {
    it(`names pluto:oauth2ProxySettings.${key}=${value}`, () => {
      const p = configProblems(withProxySettings({ [key]: value }));
      const mine = p.filter((x) => x.startsWith(`pluto:oauth2ProxySettings.${key}: refused by policy`));
      expect(mine, p.join("\n")).to.have.length(1);
      expect(mine[0]).to.match(why);
    });
  }

  it("lets the harmless ones through (a cookie name, the default said out loud, a switch turned off)", () => {
    expect(
      oauth2ProxySettingProblems({ OAUTH2_PROXY_ALLOWED_GROUPS: "admins", OAUTH2_PROXY_SKIP_JWT_BEARER_TOKENS: "false", OAUTH2_PROXY_COOKIE_SAMESITE: "lax" }),
    ).to.deep.equal([]);
    expect(configProblems(withProxySettings({ OAUTH2_PROXY_COOKIE_NAME: "_pluto" }))).to.deep.equal([]);
  });

  it("reports it from `pluto synth` as a config problem: exit 2, the key named, no stack trace", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pluto-proxy-settings-"));
    try {
      const file = path.join(dir, "Pulumi.x.yaml");
      fs.writeFileSync(
        file,
        fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8") + '  pluto:oauth2ProxySettings:\n    OAUTH2_PROXY_SKIP_JWT_BEARER_TOKENS: "true"\n',
      );
      const io = memoryIo();
      expect(await main(["node", "pluto", "synth", "--config", file], io)).to.equal(2);
      const err = io.stderr.join("\n");
      expect(err).to.contain("pluto:oauth2ProxySettings.OAUTH2_PROXY_SKIP_JWT_BEARER_TOKENS: refused by policy oauth2-proxy-dangerous-options");
      expect(err).to.not.match(/\n\s+at /);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
