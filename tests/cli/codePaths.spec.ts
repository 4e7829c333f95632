/**
 * The synth harness keeps @pulumi/pulumi's computeCodePaths answer per options (cli/synth/harness.ts):
 * it must stay the answer Pulumi computes, and be what @pulumi/aws's CallbackFunction calls.
 */
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { rememberedCodePaths } from "../../cli/synth/harness";
import { handlerOnlyCodePaths } from "../../packaging/lambdaPackaging";

// The original, from the module that defines it (the harness replaced only the runtime's export).
const original = (require("@pulumi/pulumi/runtime/closure/codePaths") as { computeCodePaths: typeof rememberedCodePaths }).computeCodePaths;

const paths = async (p: Promise<Map<string, unknown>>) => [...(await p).keys()].sort();

describe("synth: computeCodePaths remembered per options", () => {
  it("is what @pulumi/aws's CallbackFunction calls (pulumi.runtime.computeCodePaths)", () => {
    expect(pulumi.runtime.computeCodePaths).to.equal(rememberedCodePaths);
  });

  it("answers as Pulumi's own computeCodePaths does, for the Lambdas' options and for all production dependencies", async function () {
    this.timeout(60000);
    expect(await paths(rememberedCodePaths(handlerOnlyCodePaths()))).to.deep.equal(await paths(original(handlerOnlyCodePaths())));
    const all = await paths(rememberedCodePaths({}));
    expect(all).to.deep.equal(await paths(original({})));
    expect(all).to.include("node_modules/@aws-sdk/client-backup"); // a production dependency, so the answer is not empty
  });

  it("gives each caller its own map: changing one answer does not change the next", async () => {
    const first = await rememberedCodePaths(handlerOnlyCodePaths());
    first.set("injected.js", new pulumi.asset.StringAsset(""));
    expect((await rememberedCodePaths(handlerOnlyCodePaths())).has("injected.js")).to.equal(false);
  });
});
