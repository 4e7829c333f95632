import { expect } from "chai";
import { ConfigError } from "../../config";
import { synthStack } from "../helpers/stack";

describe("header stripping cannot be switched off through the stack's settings", () => {
  for (const value of ["false", "0"]) {
    it(`refuses pluto:oauth2ProxySettings OAUTH2_PROXY_SKIP_AUTH_STRIP_HEADERS=${value} before any resource exists`, async () => {
      let error: unknown;
      try {
        await synthStack({ "pluto:oauth2ProxySettings": JSON.stringify({ OAUTH2_PROXY_SKIP_AUTH_STRIP_HEADERS: value }) });
      } catch (e) {
        error = e;
      }
      // Config validation runs the pack's proxy rules over the settings and names the key.
      expect(error).to.be.instanceOf(ConfigError);
      expect((error as ConfigError).message).to.contain(
        "pluto:oauth2ProxySettings.OAUTH2_PROXY_SKIP_AUTH_STRIP_HEADERS: refused by policy oauth2-proxy-strip-auth-headers",
      );
    });
  }
});
