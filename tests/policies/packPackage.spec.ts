/**
 * The policy pack as a package of its own (the Pulumi CLI loads it from policies/ with its own
 * node_modules): one description, a lock file in step with the root's versions, and the
 * policy-config.json example the README uses, valid for the pack and passed by the dev stack.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { PACK_DESCRIPTION } from "../../policies/pack";
import { rulesConfigFromPackConfig } from "../../policies/config";
import { PackConfig, runPolicies } from "../../policies/runPolicies";
import { ROOT, synthStack } from "../helpers/stack";

const POLICIES = path.join(ROOT, "policies");
const json = (file: string) => JSON.parse(fs.readFileSync(file, "utf8"));

describe("the policy pack's package", () => {
  const pkg = json(path.join(POLICIES, "package.json"));

  it("has one description: package.json's, repeated by PulumiPolicy.yaml and the PolicyPack", () => {
    const manifest = parse(fs.readFileSync(path.join(POLICIES, "PulumiPolicy.yaml"), "utf8"));
    expect(pkg.description).to.be.a("string").with.length.above(20);
    expect(manifest.description).to.equal(pkg.description);
    expect(PACK_DESCRIPTION).to.equal(pkg.description);
    expect(pkg.license).to.equal("Apache-2.0");
    expect(fs.readFileSync(path.join(ROOT, "LICENSE"), "utf8")).to.match(/^\s*Apache License\s+Version 2\.0, January 2004/);
  });

  describe("dependencies", () => {
    const root = json(path.join(ROOT, "package.json"));
    const rootRanges: Record<string, string> = { ...root.dependencies, ...root.devDependencies };
    const lock = json(path.join(POLICIES, "package-lock.json"));
    const rootLock = json(path.join(ROOT, "package-lock.json"));

    it("takes each dependency at the root's range", () => {
      for (const [name, range] of Object.entries(pkg.dependencies)) expect(range, name).to.equal(rootRanges[name]);
    });

    it("has a lock file matching package.json, which locks the same versions as the root's", () => {
      expect(lock.lockfileVersion).to.equal(rootLock.lockfileVersion);
      expect(lock.packages[""].dependencies).to.deep.equal(pkg.dependencies);
      for (const name of Object.keys(pkg.dependencies)) {
        const locked = lock.packages[`node_modules/${name}`]?.version;
        expect(locked, `${name} in policies/package-lock.json`).to.be.a("string");
        expect(locked, name).to.equal(rootLock.packages[`node_modules/${name}`].version);
      }
    });
  });

  describe("policy-config.json, the example in docs/policies.md", () => {
    const file = path.join(POLICIES, "policy-config.json");
    const config = json(file);

    it("is valid for the pack (rulesConfigFromPackConfig, as `pluto lint --config` reads it)", () => {
      const rules = rulesConfigFromPackConfig(config);
      expect(rules.levels?.["openwebui-no-webui-auth"]).to.equal("mandatory");
      expect(rules.levels?.["ecs-image-pinned"]).to.equal("advisory");
      expect(rules.skipAuthRouteAllowlist).to.deep.equal(config["oauth2-proxy-skip-auth-routes-allowlist"].allowlist);
    });

    it("is the file docs/policies.md shows", () => {
      const readme = fs.readFileSync(path.join(ROOT, "docs", "policies.md"), "utf8");
      const blocks = [...readme.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]).filter((b) => b.includes('"all"'));
      expect(blocks).to.have.length(1);
      expect(JSON.parse(blocks[0])).to.deep.equal(config);
    });

    it("is passed by the dev stack: no mandatory finding under it", async () => {
      const stack = await synthStack();
      const violations = await runPolicies(
        stack.result.resources.map((r) => ({ type: r.type, name: r.name, urn: r.urn, props: r.inputs, propertyDependencies: r.propertyDependencies })),
        config as PackConfig,
      );
      expect(violations.filter((v) => v.level === "mandatory")).to.deep.equal([]);
    });
  });
});
