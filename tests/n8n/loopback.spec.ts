// n8n binds to loopback (N8N_LISTEN_ADDRESS, n8n 2.41.1 packages/@n8n/config/src/index.ts; default
// '::', every interface): its own task's proxy and health check are the only clients it has.
import { expect } from "chai";
import { N8N_LISTEN_ADDRESS } from "../../components/n8n";
import { env, Stack, synthStack } from "../helpers/stack";

describe("n8n listens on loopback only", () => {
  let stack: Stack;
  before(async () => {
    stack = await synthStack({ "pluto:n8n": JSON.stringify({ enabled: true }) });
  });

  it("sets N8N_LISTEN_ADDRESS=127.0.0.1, and everything that talks to n8n in its task uses that address and port", () => {
    const n8n = env(stack.container("pluto-n8n", "n8n"));
    expect(N8N_LISTEN_ADDRESS).to.equal("127.0.0.1");
    expect(n8n.N8N_LISTEN_ADDRESS).to.equal(N8N_LISTEN_ADDRESS);
    expect(env(stack.container("pluto-n8n", "oauth2-proxy")).OAUTH2_PROXY_UPSTREAMS).to.equal(`http://${N8N_LISTEN_ADDRESS}:${n8n.N8N_PORT}/`);
    const health = (stack.container("pluto-n8n", "n8n") as { healthCheck?: { command?: string[] } }).healthCheck?.command?.join(" ") ?? "";
    expect(health).to.contain(`http://${N8N_LISTEN_ADDRESS}:${n8n.N8N_PORT}/healthz`);
  });
});
