import { expect } from "chai";
import { SECURITY_FLOORS, checkContainers, checkImageFloor, imageRepository, releaseOf } from "../../policies/rules";
import { containersFromContainerDefinitions } from "../../policies/adapters";
import { goldenDefinitions, goldenN8nDefinitions, withoutEnv } from "../fixtures/policies/golden";
import { synthStack } from "../helpers/stack";

const adapted = (defs: unknown) => {
  const a = containersFromContainerDefinitions(defs);
  if ("unchecked" in a) throw new Error(a.unchecked);
  return a.containers;
};

describe("security floors (image-security-floor)", () => {
  it("gives each floor a version, its advisories, the date checked and where it came from", () => {
    expect(SECURITY_FLOORS.map((f) => [f.app, f.minimum, f.internetFacing])).to.deep.equal([
      ["Open WebUI", "0.11.1", true],
      ["oauth2-proxy", "7.15.3", true],
      ["n8n", "2.30.1", true],
      ["LiteLLM", "1.84.0", false],
    ]);
    for (const f of SECURITY_FLOORS) {
      expect(f.advisories, f.app).to.have.length.greaterThan(0);
      expect(f.checked, f.app).to.match(/^\d{4}-\d{2}-\d{2}$/);
      expect(f.evidence, f.app).to.have.length.greaterThan(20);
    }
  });

  it("reads the release from the tags the registries use", () => {
    expect(releaseOf("v0.11.4")).to.deep.equal([0, 11, 4]);
    expect(releaseOf("0.8.2-cuda")).to.deep.equal([0, 8, 2]);
    expect(releaseOf("2.41.1")).to.deep.equal([2, 41, 1]);
    expect(releaseOf("v1.80.11-stable.1")).to.deep.equal([1, 80, 11]);
    expect(releaseOf("main-v1.84.0-stable")).to.deep.equal([1, 84, 0]);
    expect(releaseOf("latest")).to.equal(undefined);
    expect(imageRepository("docker.n8n.io/n8nio/n8n:2.18.0")).to.equal("n8nio/n8n");
    expect(imageRepository("registry.internal:5000/open-webui/open-webui:v0.8.2@sha256:" + "a".repeat(64))).to.equal("open-webui/open-webui");
  });

  it("lets the versions the stack is moving to pass, and the old pins fail", () => {
    for (const image of ["ghcr.io/open-webui/open-webui:v0.11.4", "docker.n8n.io/n8nio/n8n:2.41.1", "quay.io/oauth2-proxy/oauth2-proxy:v7.15.3"])
      expect(checkImageFloor(image)?.below, image).to.equal(false);
    for (const image of ["ghcr.io/open-webui/open-webui:v0.8.2", "docker.n8n.io/n8nio/n8n:2.18.0", "quay.io/oauth2-proxy/oauth2-proxy:v7.15.1"])
      expect(checkImageFloor(image)?.below, image).to.equal(true);
    // A digest names no release: `pluto doctor` reads the one actually running.
    expect(checkImageFloor("ghcr.io/open-webui/open-webui@sha256:" + "a".repeat(64)))
      .to.deep.include({ below: false })
      .and.not.have.property("release");
    expect(checkImageFloor("example/app:1.0")).to.equal(undefined);
  });

  it("reports the old pins as mandatory findings, the gateway below its floor as advisory", () => {
    const defs = goldenDefinitions();
    defs[0].image = "ghcr.io/open-webui/open-webui:v0.8.2";
    defs.push({ name: "gateway", image: "ghcr.io/berriai/litellm:v1.80.11-stable.1", environment: [], secrets: [] });
    const n8n = goldenN8nDefinitions();
    n8n[0].image = "docker.n8n.io/n8nio/n8n:2.18.0";
    const floor = (c: unknown) => checkContainers(adapted(c)).filter((f) => f.policy === "image-security-floor");
    expect(floor(defs).map((f) => [f.container, f.level])).to.deep.equal([
      ["openwebui", "mandatory"],
      ["gateway", "advisory"],
    ]);
    expect(floor(n8n).map((f) => [f.container, f.level])).to.deep.equal([["n8n", "mandatory"]]);
  });

  it("leaves an old Open WebUI without trusted headers to the floor, not to the trusted-header version rule", () => {
    const defs = goldenDefinitions();
    defs[0].image = "ghcr.io/open-webui/open-webui:v0.6.30";
    for (const v of ["WEBUI_AUTH_TRUSTED_EMAIL_HEADER", "WEBUI_AUTH_TRUSTED_NAME_HEADER"]) withoutEnv(defs[0], v);
    const findings = checkContainers(adapted(defs));
    expect(findings.map((f) => f.policy)).to.deep.equal(["image-security-floor"]);
  });

  describe("a stack pinned below the floor fails (the program refuses it before any resource exists)", () => {
    it("Open WebUI 0.8.2", async () => {
      const err = await synthStack({ "pluto:openWebUiImage": "ghcr.io/open-webui/open-webui:v0.8.2" }).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err?.message).to.match(/refused by policy image-security-floor[\s\S]*Open WebUI 0\.8\.2, below its security floor 0\.11\.1/);
    });

    it("n8n 2.18.0", async () => {
      const err = await synthStack({ "pluto:n8n": JSON.stringify({ enabled: true, image: "docker.n8n.io/n8nio/n8n:2.18.0" }) }).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err?.message).to.match(/refused by policy image-security-floor[\s\S]*n8n 2\.18\.0, below its security floor 2\.30\.1/);
    });
  });
});
