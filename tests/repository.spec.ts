/** The files a user of a Pulumi project looks for first: the licence the pack declares, and a changelog. */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "./helpers/stack";

const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");

describe("repository files", () => {
  it("carries the Apache-2.0 licence the policy pack declares", () => {
    expect(JSON.parse(read("policies/package.json")).license).to.equal("Apache-2.0");
    expect(read("LICENSE")).to.contain("Apache License").and.contain("Version 2.0, January 2004").and.contain("END OF TERMS AND CONDITIONS");
  });

  it("keeps a changelog in Keep a Changelog style: Unreleased first, then the package's version", () => {
    const changelog = read("CHANGELOG.md");
    const versions = [...changelog.matchAll(/^## \[([^\]]+)\]/gm)].map((m) => m[1]);
    expect(versions[0]).to.equal("Unreleased");
    expect(versions).to.include(JSON.parse(read("package.json")).version);
    for (const m of changelog.matchAll(/^## \[(\d[^\]]*)\] - (.*)$/gm)) expect(m[2], m[1]).to.match(/^\d{4}-\d{2}-\d{2}$/);
    const kinds = [...changelog.matchAll(/^### (.*)$/gm)].map((m) => m[1]);
    expect(
      kinds.every((k) => ["Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"].includes(k)),
      kinds.join(", "),
    ).to.equal(true);
  });
});
