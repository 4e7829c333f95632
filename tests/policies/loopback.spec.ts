import { expect } from "chai";
import { checkContainers, Container, UNKNOWN_SENTINELS } from "../../policies/rules";

const proxy: Container = {
  name: "oauth2-proxy",
  image: "quay.io/oauth2-proxy/oauth2-proxy:v7.15.3",
  environment: { OAUTH2_PROXY_UPSTREAMS: "http://127.0.0.1:8080/", OAUTH2_PROXY_HTTP_ADDRESS: "0.0.0.0:4180" },
  secrets: [],
  command: [],
};
const openWebui = (environment: Record<string, string>): Container => ({
  name: "openwebui",
  image: "ghcr.io/open-webui/open-webui:v0.11.4",
  environment: { WEBUI_AUTH_TRUSTED_EMAIL_HEADER: "X-Forwarded-Email", ...environment },
  secrets: [],
  command: [],
});
const n8n = (environment: Record<string, string>): Container => ({
  name: "n8n",
  image: "docker.n8n.io/n8nio/n8n:2.41.1",
  environment: { N8N_PORT: "5678", ...environment },
  secrets: [],
  command: [],
});
const loopback = (containers: Container[]) => checkContainers(containers).filter((f) => f.policy === "app-listens-on-loopback");

describe("app-listens-on-loopback", () => {
  it("passes Open WebUI on HOST=127.0.0.1 and n8n on N8N_LISTEN_ADDRESS=127.0.0.1 behind the proxy", () => {
    expect(loopback([proxy, openWebui({ HOST: "127.0.0.1" })])).to.deep.equal([]);
    expect(loopback([proxy, n8n({ N8N_LISTEN_ADDRESS: "127.0.0.1" })])).to.deep.equal([]);
  });

  it("flags Open WebUI on start.sh's default 0.0.0.0 and on an explicit all-addresses HOST, as advisory", () => {
    for (const env of [{}, { HOST: "0.0.0.0" }, { HOST: "::" }] as Record<string, string>[]) {
      const found = loopback([proxy, openWebui(env)]);
      expect(found, JSON.stringify(env)).to.have.length(1);
      expect(found[0].level).to.equal("advisory");
      expect(found[0].message).to.match(/Open WebUI \(container openwebui\) listens on/);
    }
  });

  it("flags n8n on its default '::'", () => {
    expect(loopback([proxy, n8n({})])[0].message).to.match(/N8N_LISTEN_ADDRESS unset/);
  });

  it("counts a listen address it cannot read as possibly open", () => {
    const found = loopback([proxy, openWebui({ HOST: UNKNOWN_SENTINELS[0] })]);
    expect(found).to.have.length(1);
    expect(found[0].message).to.match(/HOST of Open WebUI .* is not known until deploy/);
  });

  it("leaves alone an app with no proxy in its task (other policies report that)", () => {
    expect(loopback([openWebui({})])).to.deep.equal([]);
  });
});
