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
