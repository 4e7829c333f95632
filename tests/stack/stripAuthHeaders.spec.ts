import { expect } from "chai";
import { PolicyRefusal } from "../../components/policyCheck";
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
      expect(error).to.be.instanceOf(PolicyRefusal);
      expect((error as PolicyRefusal).findings.map((f) => [f.policy, f.container])).to.deep.equal([["oauth2-proxy-strip-auth-headers", "oauth2-proxy"]]);
    });
  }
});
