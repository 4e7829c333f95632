/**
 * Examples in the docs that show the program's output are the program's output: each is compared
 * with a real run. README.md stays one screen, with the two set-up commands on it and working links.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { main } from "../../cli/main";
import { memoryIo } from "../../cli/io";
import { ROOT } from "../helpers/stack";

const page = (p: string) => fs.readFileSync(path.join(ROOT, p), "utf8");

/** The fenced block of `text` that starts with `first` (its first line), as lines. */
function block(text: string, first: string): string[] {
  const at = text.indexOf("```\n" + first);
  if (at < 0) throw new Error(`no example starting with ${first}`);
  return text.slice(at + 4, text.indexOf("\n```", at + 4)).split("\n");
}

describe("docs examples match the program", function () {
  this.timeout(60000);

  it("docs/development.md: synth's summary line is what `pluto synth --quiet` prints (up to the …)", async () => {
    const [shown] = block(page("docs/development.md"), "pluto (dev): ");
    const io = memoryIo();
    expect(await main(["node", "pluto", "synth", "--quiet"], io)).to.equal(0);
    expect(io.stdout).to.have.length(1);
    const [shownHead, shownOutputs] = shown.replace(/, …$/, "").split("outputs: ");
    const [realHead, realOutputs] = io.stdout[0].split("outputs: ");
    expect(shownHead).to.equal(realHead);
    // Export order is the transpiler's (TypeScript keeps declaration order, SWC sorts): compare as a set.
    expect(realOutputs.split(", ")).to.include.members(shownOutputs.split(", "));
  });

  it("docs/deploy.md: every line of the `pluto plan-summary` example is in a real run's output", async () => {
    const shown = block(page("docs/deploy.md"), "$ pluto plan-summary").slice(1);
    const io = memoryIo();
    expect(await main(["node", "pluto", "plan-summary"], io)).to.equal(0);
    const real = io.stdout.join("\n").split("\n");
    for (const line of shown) {
      if (line.trim() === "…") continue;
      if (line.endsWith("…"))
        expect(
          real.some((r) => r.startsWith(line.slice(0, -1).trimEnd())),
          line,
        ).to.equal(true);
      else expect(real, line).to.include(line);
    }
  });
});

describe("README.md", () => {
  const readme = page("README.md");
  const lines = readme.split("\n");

  it("fits on a screen or so (at most 60 lines), with the two set-up commands in its first 30 lines", () => {
    expect(lines.length).to.be.at.most(60);
    const first = lines.slice(0, 30).join("\n");
    expect(first).to.match(/^npm ci && npm run synth\b/m);
    expect(first).to.match(/^npm test\b/m);
  });

  it("names only npm scripts that exist, and links only to files that exist", () => {
    const scripts = Object.keys(JSON.parse(page("package.json")).scripts);
    for (const m of readme.matchAll(/npm run ([a-z0-9:]+)/g)) expect(scripts, m[0]).to.include(m[1]);
    for (const m of readme.matchAll(/\]\(([^)#]+)(#[^)]*)?\)/g)) {
      if (/^https?:/.test(m[1])) continue;
      expect(fs.existsSync(path.join(ROOT, m[1])), m[1]).to.equal(true);
    }
  });

  it("links every docs page", () => {
    for (const f of fs.readdirSync(path.join(ROOT, "docs")).filter((f) => f.endsWith(".md"))) expect(readme, f).to.contain(`(docs/${f})`);
  });
});
