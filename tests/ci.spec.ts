/**
 * `.ci/run` is the CI entry point (README, "Set up and test"); it cannot run inside the suite (it
 * installs and runs the suite), so its steps are checked statically like the workflows: a pure
 * function over the script, run against the real file (must find nothing) and against copies broken
 * in one place (must name that place).
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "./helpers/stack";
import { N8N_NODE_MAJOR } from "./e2e/realN8n";

/** The steps, in order: the script's top-level `npm` commands (the Node.js set-up above them is not one). */
function npmSteps(script: string): string[] {
  return script
    .split("\n")
    .filter((line) => /^npm\s/.test(line))
    .map((line) => line.trim());
}

/** What `.ci/run` must do: stop at the first failure, install, type-check, lint, then both test suites. */
export function checkCiRun(script: string): string[] {
  const problems: string[] = [];
  if (!/^set -[a-z]*e[a-z]*o pipefail\b/m.test(script)) problems.push(".ci/run does not stop at the first failing step (set -euo pipefail)");
  const steps = npmSteps(script);
  const at = (re: RegExp) => steps.findIndex((s) => re.test(s));
  const wanted: [string, number][] = [
    ["npm ci", at(/^npm ci(\s|$)(?!.*--prefix)/)],
    ["npm ci --prefix policies", at(/^npm ci .*--prefix[ =]policies\b/)],
    ["npm run build", at(/^npm run build\s*$/)],
    ["npm run lint", at(/^npm run lint\s*$/)],
    ["npm test", at(/^npm (run )?test\s*$/)],
    ["npm run test:e2e", at(/^npm run test:e2e\s*$/)],
  ];
  for (const [what, i] of wanted) if (i < 0) problems.push(`.ci/run does not run ${what}`);
  const [ci, , , lint, test, e2e] = wanted.map(([, i]) => i);
  for (const [what, i] of [
    ["npm run lint", lint],
    ["npm test", test],
    ["npm run test:e2e", e2e],
  ] as const)
    if (ci >= 0 && i >= 0 && i < ci) problems.push(`.ci/run runs ${what} before npm ci`);
  for (const [what, i] of [
    ["npm test", test],
    ["npm run test:e2e", e2e],
  ] as const)
    if (lint >= 0 && i >= 0 && i < lint) problems.push(`.ci/run runs ${what} before the lint`);
  problems.push(...checkN8nInstall(script));
  return problems;
}

const N8N_VERSION_LINE = 'n8n_version="$(npx ts-node --transpile-only tests/e2e/realN8n.ts)"';

/**
 * The real n8n the e2e runs: its version read from the code (the pinned image's tag), installed
 * after the project's own installs and before the e2e, on the Node.js major n8n asks for, into the
 * version-keyed cache, never through the project's `npm ci`, and renamed into place only when done.
 */
export function checkN8nInstall(script: string): string[] {
  const lines = script.split("\n");
  const at = (test: (line: string) => boolean) => lines.findIndex(test);
  const version = at((l) => l.trim() === N8N_VERSION_LINE);
  if (version < 0) return [".ci/run does not read the pinned n8n version from tests/e2e/realN8n.ts"];
  const problems: string[] = [];
  const install = at((l) => /^\s+npm install --ignore-scripts\b/.test(l));
  const rename = at((l) => /^\s*mv -T "\$tmp" "\$n8n_dir"/.test(l));
  const lastCi = lines.map((l, i) => (/^npm ci\b/.test(l) ? i : -1)).reduce((a, b) => Math.max(a, b), -1);
  const e2e = at((l) => /^npm run test:e2e\s*$/.test(l));
  if (install < 0) problems.push(".ci/run does not install n8n (npm install --ignore-scripts in its own directory)");
  if (!lines.some((l) => l.trim() === `n8n_node="$(cached_node ${N8N_NODE_MAJOR})"`)) problems.push(`.ci/run does not run n8n on Node.js ${N8N_NODE_MAJOR}`);
  if (!lines.some((l) => l.trim() === 'n8n_dir="$cache/n8n-$n8n_version"')) problems.push(".ci/run does not key the n8n install by its version");
  if (rename < 0 || rename < install) problems.push(".ci/run does not move the n8n install into place only once it is complete");
  if (version < lastCi) problems.push(".ci/run installs n8n before the project's npm ci");
  if (e2e >= 0 && install > e2e) problems.push(".ci/run installs n8n after the e2e");
  return problems;
}

describe(".ci/run", () => {
  const script = fs.readFileSync(path.join(ROOT, ".ci", "run"), "utf8");
  const without = (step: string) => script.replace(new RegExp(`^${step}\\n`, "m"), "");

  it("names in its first comment the Node.js major that .nvmrc asks for (a reader sees which Node CI runs)", () => {
    const major = fs.readFileSync(path.join(ROOT, ".nvmrc"), "utf8").trim().replace(/^v/, "").split(".")[0];
    expect(script.split("\n")[1]).to.contain(`.nvmrc (${major} at present;`);
  });

  it("installs from the lock files, type-checks, lints, then runs the unit and e2e suites, stopping at the first failure", () => {
    expect(checkCiRun(script)).to.deep.equal([]);
    expect(npmSteps(script)).to.deep.equal([
      "npm ci --no-audit --no-fund",
      "npm ci --prefix policies --no-audit --no-fund",
      "npm run build",
      "npm run lint",
      "npm test",
      "npm run test:e2e",
    ]);
  });

  it("installs the real n8n for the e2e at the pinned version, on Node.js 24, into the version-keyed cache, between the installs and the e2e", () => {
    expect(checkN8nInstall(script)).to.deep.equal([]);
    expect(checkN8nInstall(script.replace(N8N_VERSION_LINE, 'n8n_version="2.41.1"'))).to.deep.equal([
      ".ci/run does not read the pinned n8n version from tests/e2e/realN8n.ts",
    ]);
    expect(checkN8nInstall(script.replace(`cached_node ${N8N_NODE_MAJOR})`, "cached_node 22)"))).to.deep.equal([
      `.ci/run does not run n8n on Node.js ${N8N_NODE_MAJOR}`,
    ]);
    expect(checkN8nInstall(script.replace('n8n_dir="$cache/n8n-$n8n_version"', 'n8n_dir="$cache/n8n"'))).to.deep.equal([
      ".ci/run does not key the n8n install by its version",
    ]);
    expect(checkN8nInstall(script.replace(/^\s*mv -T "\$tmp" "\$n8n_dir".*$/m, ""))).to.deep.equal([
      ".ci/run does not move the n8n install into place only once it is complete",
    ]);
    const npmCi = "npm ci --no-audit --no-fund\n";
    expect(checkN8nInstall(script.replace(npmCi, "").replace("npm run build\n", `npm run build\n${npmCi}`))).to.deep.equal([
      ".ci/run installs n8n before the project's npm ci",
    ]);
  });

  it("is caught without the lint", () => {
    expect(checkCiRun(without("npm run lint"))).to.deep.equal([".ci/run does not run npm run lint"]);
  });

  it("is caught when the lint runs after the tests, or before the install", () => {
    expect(checkCiRun(without("npm run lint") + "npm run lint\n")).to.deep.equal([
      ".ci/run runs npm test before the lint",
      ".ci/run runs npm run test:e2e before the lint",
    ]);
    expect(checkCiRun(without("npm run lint").replace(/^npm ci --no-audit/m, "npm run lint\nnpm ci --no-audit"))).to.deep.equal([
      ".ci/run runs npm run lint before npm ci",
    ]);
  });

  it("is caught without a test suite, or when a failing step would not stop it", () => {
    expect(checkCiRun(without("npm run test:e2e"))).to.deep.equal([".ci/run does not run npm run test:e2e"]);
    expect(checkCiRun(script.replace(/^set -euo pipefail\n/m, ""))).to.deep.equal([".ci/run does not stop at the first failing step (set -euo pipefail)"]);
  });
});
