import { expect } from "chai";
import { IDLE_TIMEOUT_SECONDS, UPSTREAM_TIMEOUT_SECONDS } from "../../config/timeouts";
import { configProblems, VALID_CONFIG } from "../helpers/config";
import { env, Stack, synthStack } from "../helpers/stack";

/** Go's time.ParseDuration for the plain forms oauth2-proxy is given here ("295s", "5m"). */
const seconds = (d: string) => {
  const m = /^(\d+)(s|m)$/.exec(d);
  if (!m) throw new Error(`not a duration: ${d}`);
  return Number(m[1]) * (m[2] === "m" ? 60 : 1);
};

describe("timeouts on a request's path line up", () => {
  let stack: Stack;
  before(async () => {
    stack = await synthStack({ "pluto:n8n": JSON.stringify({ enabled: true }) });
  });

  it("lets oauth2-proxy wait for the app's response headers almost as long as the load balancer keeps an idle connection, not 30 s", () => {
    expect(stack.inputs("aws:lb/loadBalancer:LoadBalancer")).to.include({ idleTimeout: IDLE_TIMEOUT_SECONDS });
    for (const family of ["pluto-openwebui", "pluto-n8n"]) {
      const proxyWait = seconds(env(stack.container(family, "oauth2-proxy")).OAUTH2_PROXY_UPSTREAM_TIMEOUT);
      expect(proxyWait, family).to.equal(UPSTREAM_TIMEOUT_SECONDS);
      // Inner below outer: oauth2-proxy, which logs the cause, gives up first; far above its default of 30 s.
      expect(proxyWait, family)
        .to.be.below(IDLE_TIMEOUT_SECONDS)
        .and.at.least(IDLE_TIMEOUT_SECONDS - 10);
    }
  });

  it("is part of the golden configuration: a stack's oauth2ProxySettings cannot undo it", () => {
    const problems = configProblems({ ...VALID_CONFIG, oauth2ProxySettings: JSON.stringify({ OAUTH2_PROXY_UPSTREAM_TIMEOUT: "30s" }) });
    expect(problems.join("\n")).to.match(/OAUTH2_PROXY_UPSTREAM_TIMEOUT/);
  });
});
