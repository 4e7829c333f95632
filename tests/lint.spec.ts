/**
 * `npm run lint`: Prettier's check, then ESLint with type information and @pulumi/eslint-plugin.
 * CI runs it (tests/ci.spec.ts, tests/workflows.spec.ts); these check that the configuration
 * catches what it is there for, and that Prettier leaves alone the files it must not touch.
 */
import { expect } from "chai";
import { ESLint, Linter } from "eslint";
import * as fs from "fs";
import * as path from "path";
import * as prettier from "prettier";
import { ROOT } from "./helpers/stack";

const FIXTURE = "tests/fixtures/lint/outputs.ts";

describe("npm run lint", () => {
  describe("ESLint (eslint.config.mjs) on program code", () => {
    let messages: Linter.LintMessage[] = [];
    let lines: string[] = [];
    before(async function () {
      this.timeout(60000);
      lines = fs.readFileSync(path.join(ROOT, FIXTURE), "utf8").split("\n");
      // The repository's configuration, with the fixture's own TypeScript program (the root compiler
      // options over this one file) instead of the whole repository's, which takes seconds to build.
      const eslint = new ESLint({
        cwd: ROOT,
        ignore: false,
        overrideConfig: { languageOptions: { parserOptions: { project: "tests/fixtures/lint/tsconfig.json" } } },
      });
      [{ messages }] = await eslint.lintFiles([FIXTURE]);
    });
    const lineOf = (marker: string) => lines.findIndex((l) => l.includes(marker)) + 1;
    const rulesAt = (marker: string) => messages.filter((m) => m.line === lineOf(marker)).map((m) => m.ruleId);

    it("reports an Output in a template literal with @pulumi/eslint-plugin's rule", () => {
      expect(rulesAt("export const outputInTemplate")).to.include("@pulumi/no-output-in-template-literal");
    });

    it("reports an OutputInstance or an Input in a template literal, which the plugin's rules do not see", () => {
      // The plugin matches the type alias name `Output`; OutputInstance is an interface, Input another alias.
      for (const marker of ["export const instanceInTemplate", "export const inputInTemplate"]) {
        expect(rulesAt(marker), marker).to.include("@typescript-eslint/restrict-template-expressions");
        expect(rulesAt(marker), marker).not.to.include("@pulumi/no-output-instance-in-template-literal");
      }
    });

    it("accepts pulumi.interpolate", () => {
      expect(rulesAt("export const interpolated")).to.deep.equal([]);
    });

    it("reports a disable comment that suppresses nothing", () => {
      const stale = messages.filter((m) => m.line === lineOf("export const staleSuppression") - 1);
      expect(stale.map((m) => [m.ruleId, m.message])).to.deep.equal([
        [null, "Unused eslint-disable directive (no problems were reported from '@typescript-eslint/no-explicit-any')."],
      ]);
    });

    it("reports every finding as an error, so that CI fails on it", () => {
      expect(messages).to.have.length.above(0);
      expect(messages.filter((m) => m.severity !== 2).map((m) => m.ruleId)).to.deep.equal([]);
    });

    it("is left out of the repository's own lint", async () => {
      expect(await new ESLint({ cwd: ROOT }).isPathIgnored(path.join(ROOT, FIXTURE))).to.equal(true);
    });
  });

  describe("Prettier (.prettierrc.yaml, .prettierignore)", () => {
    // As the CLI reads them: .gitignore, then .prettierignore.
    const ignored = async (file: string) =>
      (await prettier.getFileInfo(path.join(ROOT, file), { ignorePath: [path.join(ROOT, ".gitignore"), path.join(ROOT, ".prettierignore")] })).ignored;

    it("leaves alone what tools write, hand-laid Markdown, and fixtures whose bytes matter", async () => {
      const files = [
        "package-lock.json",
        "policies/package-lock.json",
        "Pulumi.dev.yaml",
        "Pulumi.prod.yaml",
        "README.md",
        "CHANGELOG.md",
        "bench/results.md",
        "tests/fixtures/policies/malformed.json",
        "tests/cli/ops/fixtures-literal/pluto-openwebui-56.json",
        FIXTURE,
      ];
      for (const file of files) expect(await ignored(file), file).to.equal(true);
    });

    it("formats the code, the workflows and the project's own configuration", async () => {
      const files = [
        "index.ts",
        "cli/main.ts",
        "bin/pluto",
        "eslint.config.mjs",
        ".github/workflows/up.yml",
        "Pulumi.yaml",
        "package.json",
        "policies/PulumiPolicy.yaml",
      ];
      for (const file of files) expect(await ignored(file), file).to.equal(false);
    });
  });

  it("checks both and fails on any ESLint warning; npm run format writes", () => {
    const scripts = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
    expect(scripts.lint.split(" && ")).to.have.members(["prettier --check .", "eslint --max-warnings 0 ."]);
    expect(scripts.format).to.equal("prettier --write .");
  });
});
