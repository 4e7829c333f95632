/**
 * The GitHub Actions workflows cannot run here, so their safety properties are checked statically:
 * each check is a pure function over the parsed files, run against the real workflows (must find
 * nothing) and against a copy broken in one place (must name that place).
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

const WORKFLOW_DIR = path.join(__dirname, "..", ".github", "workflows");

type Step = { name?: string; uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, unknown>; "working-directory"?: string };
type Job = { permissions?: unknown; environment?: unknown; concurrency?: unknown; env?: Record<string, unknown>; needs?: string | string[]; steps?: Step[] };
type Workflow = {
  file: string;
  text: string;
  doc: { on?: unknown; permissions?: unknown; concurrency?: unknown; env?: Record<string, unknown>; jobs: Record<string, Job> };
};

function loadWorkflows(): Workflow[] {
  return fs
    .readdirSync(WORKFLOW_DIR)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((file) => {
      const text = fs.readFileSync(path.join(WORKFLOW_DIR, file), "utf8");
      return { file, text, doc: parse(text) };
    });
}

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x));
const steps = (job: Job): Step[] => job.steps ?? [];
const action = (step: Step): string => (step.uses ?? "").split("@")[0];
const jobsOf = (wf: Workflow) => Object.entries(wf.doc.jobs ?? {});

/** Trigger names; YAML 1.1 readers turn a bare `on` key into `true`, so accept both spellings. */
function triggers(wf: Workflow): Record<string, any> {
  const on = wf.doc.on ?? (wf.doc as any)[true as any];
  if (typeof on === "string") return { [on]: null };
  if (Array.isArray(on)) return Object.fromEntries(on.map((t) => [t, null]));
  return (on as Record<string, any>) ?? {};
}

/** A job's effective permissions: its own block replaces the workflow's entirely (GitHub semantics). */
function permissionsOf(wf: Workflow, job: Job): Record<string, string> {
  const p = job.permissions ?? wf.doc.permissions;
  if (p === "write-all") return { "id-token": "write", contents: "write", "pull-requests": "write" };
  return p && typeof p === "object" ? (p as Record<string, string>) : {};
}

const pulumiSteps = (job: Job, command?: string) =>
  steps(job).filter((s) => action(s) === "pulumi/actions" && (command === undefined || s.with?.command === command));
const touchesAws = (job: Job) => steps(job).some((s) => ["aws-actions/configure-aws-credentials", "pulumi/actions"].includes(action(s)));
const listOf = (v: unknown): string[] =>
  String(v ?? "")
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);

// ---- checks: each returns human-readable problems, [] when the property holds ----

export function checkOidcOnly(wfs: Workflow[]): string[] {
  const problems: string[] = [];
  const staticKeyInputs = ["aws-access-key-id", "aws-secret-access-key", "aws-session-token"];
  const staticKeyEnv = /^AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN)$/;
  for (const wf of wfs) {
    const envs = [wf.doc.env, ...jobsOf(wf).flatMap(([, j]) => [j.env, ...steps(j).map((s) => s.env)])];
    for (const env of envs) for (const k of Object.keys(env ?? {})) if (staticKeyEnv.test(k)) problems.push(`${wf.file}: static AWS key variable ${k}`);
    for (const [id, job] of jobsOf(wf)) {
      if (!touchesAws(job)) continue;
      if (permissionsOf(wf, job)["id-token"] !== "write") problems.push(`${wf.file}: job ${id} touches AWS without permissions id-token: write`);
      const creds = steps(job).filter((s) => action(s) === "aws-actions/configure-aws-credentials");
      if (creds.length === 0) problems.push(`${wf.file}: job ${id} touches AWS without aws-actions/configure-aws-credentials`);
      for (const s of creds) {
        for (const k of staticKeyInputs) if (s.with && k in s.with) problems.push(`${wf.file}: job ${id} passes ${k}`);
        if (!/^\$\{\{\s*vars\.[A-Z0-9_]+\s*\}\}$/.test(String(s.with?.["role-to-assume"] ?? "")))
          problems.push(`${wf.file}: job ${id} role-to-assume must come from a repository variable`);
      }
    }
  }
  return problems;
}

/** Strings that look like credentials: AWS key ids, Pulumi/GitHub tokens, long hex or base64 runs. */
const CREDENTIAL_PATTERNS: [string, RegExp][] = [
  ["AWS access key id", /\b(AKIA|ASIA)[0-9A-Z]{16}\b/],
  ["Pulumi access token", /\bpul-[0-9a-f]{20,}\b/],
  ["GitHub token", /\b(ghp|gho|ghs|ghu|github_pat)_[A-Za-z0-9_]{20,}/],
  ["long hex string", /\b[0-9a-f]{32,}\b/i],
  ["long base64 string", /[A-Za-z0-9+/]{40,}={0,2}/],
];

export function checkNoInlineSecrets(wfs: Workflow[]): string[] {
  const problems: string[] = [];
  for (const wf of wfs) {
    // Expressions (`${{ secrets.X }}`) are references, not values; comments are text like any other.
    const text = wf.text.replace(/\$\{\{[^}]*\}\}/g, "");
    for (const [what, re] of CREDENTIAL_PATTERNS) {
      const m = re.exec(text);
      if (m) problems.push(`${wf.file}: ${what} inline: ${m[0].slice(0, 8)}…`);
    }
    // A token-named variable or input must be a secret reference, never a literal.
    const pairs: [string, unknown][] = [wf.doc.env, ...jobsOf(wf).flatMap(([, j]) => [j.env, ...steps(j).flatMap((s) => [s.env, s.with])])].flatMap((o) =>
      Object.entries(o ?? {}),
    );
    for (const [k, v] of pairs) {
      if (/token|secret|password|passphrase|access[-_]?key/i.test(k) && !/^\$\{\{\s*(secrets|github)\.[A-Za-z0-9_.]+\s*\}\}$/.test(String(v))) {
        problems.push(`${wf.file}: ${k} is not a \${{ secrets.* }} reference`);
      }
    }
  }
  return problems;
}

export function checkPinnedActions(wfs: Workflow[]): string[] {
  const problems: string[] = [];
  for (const wf of wfs)
    for (const [id, job] of jobsOf(wf))
      for (const s of steps(job)) {
        if (!s.uses || s.uses.startsWith("./")) continue;
        const ref = s.uses.split("@")[1];
        if (!ref || !/^(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/.test(ref)) problems.push(`${wf.file}: job ${id} uses ${s.uses} (pin a version tag or a commit SHA)`);
      }
  return problems;
}

/** The preview on pull requests: the fast checks first, the e2e suite beside it, pack dependencies installed, the pack enforced, a PR comment. */
export function checkPreview(wfs: Workflow[]): string[] {
  const onPr = wfs.filter((wf) => "pull_request" in triggers(wf));
  const found = onPr.flatMap((wf) => jobsOf(wf).flatMap(([id, job]) => pulumiSteps(job, "preview").map((step) => ({ wf, id, job, step }))));
  if (found.length === 0) return ["no pull_request workflow runs pulumi/actions with command: preview"];
  const problems: string[] = [];
  for (const { wf, id, job, step } of found) {
    const where = `${wf.file}: job ${id}`;
    if (!listOf(step.with?.policyPacks).includes("policies")) problems.push(`${where}: preview does not name the policy pack (policyPacks: policies)`);
    if (String(step.with?.["comment-on-pr"]) !== "true") problems.push(`${where}: preview is not posted as a PR comment (comment-on-pr: true)`);
    if (permissionsOf(wf, job)["pull-requests"] !== "write") problems.push(`${where}: commenting needs permissions pull-requests: write`);
    if (!/^\$\{\{\s*secrets\.PULUMI_ACCESS_TOKEN\s*\}\}$/.test(String(step.env?.PULUMI_ACCESS_TOKEN ?? job.env?.PULUMI_ACCESS_TOKEN ?? "")))
      problems.push(`${where}: PULUMI_ACCESS_TOKEN must come from secrets.PULUMI_ACCESS_TOKEN`);
    problems.push(...checkRunsBefore(where, wf, id, steps(job).indexOf(step), "own job"));
  }
  return problems;
}

/** The jobs `id` waits for, directly or through the jobs they wait for. */
function neededJobs(wf: Workflow, id: string, seen = new Set<string>()): string[] {
  const needs = wf.doc.jobs[id]?.needs;
  for (const n of [needs ?? []].flat()) {
    if (seen.has(n)) continue;
    seen.add(n);
    neededJobs(wf, n, seen);
  }
  return [...seen];
}

const runs = (s: Step, re: RegExp) => s.run !== undefined && s.run.split("\n").some((line) => re.test(line.trim()));
const CI = /^npm ci(\s|$)(?!.*--prefix)/;
const CHECKS = [
  ["the lint", "npm run lint", /^npm run lint\s*$/],
  ["the unit tests", "npm test", /^npm (run )?test\s*$/],
] as const;
const E2E = /^npm run test:e2e\b/;

/** Where in `list` a root-directory step matching `re` is, -1 when none. */
const stepAt = (list: Step[], re: RegExp) => list.findIndex((s) => !s["working-directory"] && runs(s, re));

/**
 * Before the Pulumi step at `index` of job `id`: `npm ci` and the pack's own install from its lock
 * file in that job, and the fast checks (the lint, `npm test`), after an `npm ci`, either earlier in
 * the same job or in a job it needs. The e2e suite: for `up`, the same; for a preview, in a job of
 * its own (the preview does not wait for the long suite, and is not slowed by it).
 */
function checkRunsBefore(where: string, wf: Workflow, id: string, index: number, e2e: "before" | "own job"): string[] {
  const before = steps(wf.doc.jobs[id]).slice(0, index);
  const pack = before.findIndex((s) => (s["working-directory"] === "policies" && runs(s, /^npm ci\b/)) || runs(s, /^npm ci .*--prefix[ =]policies\b/));
  const problems: string[] = [];
  if (stepAt(before, CI) < 0) problems.push(`${where}: npm ci does not run before the Pulumi step`);
  const gates: [string, Step[]][] = [[id, before], ...neededJobs(wf, id).map((n): [string, Step[]] => [n, steps(wf.doc.jobs[n] ?? {})])];
  const ranIn = (re: RegExp, what: string): boolean => {
    let found = false;
    for (const [job, list] of gates) {
      const i = stepAt(list, re);
      if (i < 0) continue;
      const ci = stepAt(list, CI);
      if (ci < 0 || i < ci) problems.push(`${wf.file}: job ${job}: ${what} runs before npm ci`);
      found = true;
    }
    return found;
  };
  for (const [name, what, re] of CHECKS) if (!ranIn(re, what)) problems.push(`${where}: ${name} (${what}) does not run before the Pulumi step`);
  if (e2e === "before" && !ranIn(E2E, "npm run test:e2e")) problems.push(`${where}: the e2e suite (npm run test:e2e) does not run before the Pulumi step`);
  if (e2e === "own job") {
    if (stepAt(steps(wf.doc.jobs[id]), E2E) >= 0) problems.push(`${where}: the e2e suite runs in the preview's job; give it a job of its own`);
    else if (!jobsOf(wf).some(([other, job]) => other !== id && stepAt(steps(job), E2E) >= 0))
      problems.push(`${wf.file}: no job runs the e2e suite (npm run test:e2e)`);
  }
  if (pack < 0)
    problems.push(`${where}: the policy pack's dependencies are not installed from its lock file (npm ci --prefix policies) before the Pulumi step`);
  return problems;
}

/** Preview and up name the same stack, from the repository variable PULUMI_STACK with a default. */
export function checkSameStack(wfs: Workflow[]): string[] {
  const found = wfs.flatMap((wf) =>
    jobsOf(wf).flatMap(([id, job]) => pulumiSteps(job).map((step) => ({ where: `${wf.file}: job ${id}`, stack: String(step.with?.["stack-name"] ?? "") }))),
  );
  const problems = found
    .filter((f) => !/\$\{\{\s*vars\.PULUMI_STACK\s*\|\|\s*'[A-Za-z0-9._-]+'\s*\}\}/.test(f.stack))
    .map((f) => `${f.where}: stack-name ${JSON.stringify(f.stack)} does not come from vars.PULUMI_STACK with a default`);
  const names = [...new Set(found.map((f) => f.stack))];
  if (names.length > 1) problems.push(`preview and up name different stacks: ${names.join(" vs ")}`);
  return problems;
}

/** Every setup-node reads the version from .nvmrc, whose major the package's engines require. */
export function checkNodeVersion(wfs: Workflow[], nvmrc: string, engines: string): string[] {
  const problems: string[] = [];
  const major = nvmrc.trim().replace(/^v/, "").split(".")[0];
  if (!/^\d+$/.test(major)) problems.push(`.nvmrc: ${JSON.stringify(nvmrc.trim())} is not a Node.js version`);
  if (engines.replace(/\s/g, "") !== `>=${major}`) problems.push(`package.json engines.node ${JSON.stringify(engines)} is not >=${major} (.nvmrc)`);
  for (const wf of wfs)
    for (const [id, job] of jobsOf(wf))
      for (const s of steps(job).filter((x) => action(x) === "actions/setup-node")) {
        if (s.with?.["node-version-file"] !== ".nvmrc" || s.with?.["node-version"] !== undefined)
          problems.push(`${wf.file}: job ${id} sets up Node.js without node-version-file: .nvmrc`);
      }
  return problems;
}

/**
 * The current major of each action used, checked in the actions' own repositories (tags and
 * action.yml `runs.using: node24`): pulumi/actions v7.0.0 (CHANGELOG 2026-05-01), actions/checkout
 * v7, actions/setup-node v7, aws-actions/configure-aws-credentials v6.
 */
export const CURRENT_MAJORS: Record<string, number> = {
  "pulumi/actions": 7,
  "actions/checkout": 7,
  "actions/setup-node": 7,
  "aws-actions/configure-aws-credentials": 6,
};

export function checkActionMajors(wfs: Workflow[]): string[] {
  const problems: string[] = [];
  for (const wf of wfs)
    for (const [id, job] of jobsOf(wf))
      for (const s of steps(job)) {
        const want = CURRENT_MAJORS[action(s)];
        const m = /^v(\d+)/.exec((s.uses ?? "").split("@")[1] ?? "");
        if (want !== undefined && m && Number(m[1]) < want) problems.push(`${wf.file}: job ${id} uses ${s.uses}; the current major is v${want}`);
      }
  return problems;
}

/** The deploy: push to main (and manual), behind the production environment, never two at once. */
export function checkUp(wfs: Workflow[]): string[] {
  const found = wfs.flatMap((wf) => jobsOf(wf).flatMap(([id, job]) => pulumiSteps(job, "up").map((step) => ({ wf, id, job, step }))));
  if (found.length === 0) return ["no workflow runs pulumi/actions with command: up"];
  const problems: string[] = [];
  for (const { wf, id, job, step } of found) {
    const where = `${wf.file}: job ${id}`;
    const on = triggers(wf);
    if ("pull_request" in on || "pull_request_target" in on) problems.push(`${where}: up must never run on pull requests`);
    if (!(on.push?.branches ?? []).includes("main")) problems.push(`${where}: up does not run on push to main`);
    if (!("workflow_dispatch" in on)) problems.push(`${where}: up cannot be started manually (workflow_dispatch)`);
    const env = typeof job.environment === "object" ? (job.environment as { name?: string })?.name : job.environment;
    if (env !== "production") problems.push(`${where}: up does not require the production environment (approval)`);
    const concurrency = (job.concurrency ?? wf.doc.concurrency) as { group?: string; "cancel-in-progress"?: unknown } | string | undefined;
    const group = typeof concurrency === "string" ? concurrency : concurrency?.group;
    if (!group) problems.push(`${where}: no concurrency group, two ups could overlap`);
    if (typeof concurrency === "object" && concurrency?.["cancel-in-progress"] === true) problems.push(`${where}: cancel-in-progress would abort a running up`);
    if (!listOf(step.with?.policyPacks).includes("policies")) problems.push(`${where}: up does not enforce the policy pack (policyPacks: policies)`);
    problems.push(...checkRunsBefore(where, wf, id, steps(job).indexOf(step), "before"));
  }
  return problems;
}

// ---- specs ----

describe("GitHub workflows", () => {
  const real = loadWorkflows();
  const named = (file: string) => {
    const wf = real.find((w) => w.file === file);
    if (!wf) throw new Error(`.github/workflows/${file} is missing`);
    return clone(wf);
  };
  const previewStep = (wf: Workflow) => pulumiSteps(wf.doc.jobs.preview, "preview")[0];

  it("every workflow file parses as YAML with triggers and jobs", () => {
    expect(real.map((w) => w.file)).to.include.members(["preview.yml", "up.yml"]);
    for (const wf of real) {
      expect(Object.keys(triggers(wf)), wf.file).to.have.length.above(0);
      expect(Object.keys(wf.doc.jobs ?? {}), wf.file).to.have.length.above(0);
      for (const [id, job] of jobsOf(wf)) expect(steps(job), `${wf.file} job ${id}`).to.have.length.above(0);
    }
  });

  describe("pull-request preview", () => {
    it("previews with --policy-pack policies as a PR comment after the fast checks (lint, unit tests), with the e2e suite in its own job", () => {
      expect(checkPreview(real)).to.deep.equal([]);
      const wf = named("preview.yml");
      expect(wf.doc.jobs.preview.needs).to.equal("checks");
      expect(steps(wf.doc.jobs.e2e).some((s) => s.run === "npm run test:e2e")).to.equal(true);
    });

    it("is caught without the policy pack", () => {
      const wf = named("preview.yml");
      delete previewStep(wf).with!.policyPacks;
      expect(checkPreview([wf])).to.deep.equal(["preview.yml: job preview: preview does not name the policy pack (policyPacks: policies)"]);
    });

    it("is caught when the preview does not wait for the checks, or the pack's dependencies are not installed", () => {
      const wf = named("preview.yml");
      delete wf.doc.jobs.preview.needs;
      const job = wf.doc.jobs.preview;
      job.steps = job.steps!.filter((s) => !String(s.run).includes("--prefix policies"));
      expect(checkPreview([wf])).to.have.members([
        "preview.yml: job preview: the lint (npm run lint) does not run before the Pulumi step",
        "preview.yml: job preview: the unit tests (npm test) does not run before the Pulumi step",
        "preview.yml: job preview: the policy pack's dependencies are not installed from its lock file (npm ci --prefix policies) before the Pulumi step",
      ]);
    });

    it("is caught when the e2e suite is dropped, or slows the preview's own job", () => {
      const wf = named("preview.yml");
      const e2e = wf.doc.jobs.e2e.steps!.find((s) => s.run === "npm run test:e2e")!;
      delete wf.doc.jobs.e2e;
      expect(checkPreview([wf])).to.deep.equal(["preview.yml: no job runs the e2e suite (npm run test:e2e)"]);
      wf.doc.jobs.preview.steps!.splice(2, 0, e2e);
      expect(checkPreview([wf])).to.deep.equal(["preview.yml: job preview: the e2e suite runs in the preview's job; give it a job of its own"]);
    });

    it("is caught when the lint is removed, or runs before npm ci", () => {
      const wf = named("preview.yml");
      const job = wf.doc.jobs.checks;
      const lintStep = job.steps!.find((s) => s.run === "npm run lint")!;
      job.steps = job.steps!.filter((s) => s !== lintStep);
      expect(checkPreview([wf])).to.deep.equal(["preview.yml: job preview: the lint (npm run lint) does not run before the Pulumi step"]);
      job.steps.unshift(lintStep);
      expect(checkPreview([wf])).to.deep.equal(["preview.yml: job checks: npm run lint runs before npm ci"]);
    });

    it("is caught without a PR comment, or without the permission to comment", () => {
      const wf = named("preview.yml");
      previewStep(wf).with!["comment-on-pr"] = false;
      delete (wf.doc.jobs.preview.permissions as Record<string, string>)["pull-requests"];
      expect(checkPreview([wf])).to.have.members([
        "preview.yml: job preview: preview is not posted as a PR comment (comment-on-pr: true)",
        "preview.yml: job preview: commenting needs permissions pull-requests: write",
      ]);
    });

    it("is caught when the workflow does not run on pull requests", () => {
      const wf = named("preview.yml");
      wf.doc.on = { push: { branches: ["main"] } };
      expect(checkPreview([wf])).to.deep.equal(["no pull_request workflow runs pulumi/actions with command: preview"]);
    });
  });

  describe("deploy on main", () => {
    it("runs up on push to main and by hand, behind the production environment, one at a time, pack enforced, after the checks and the e2e suite", () => {
      expect(checkUp(real)).to.deep.equal([]);
      expect(named("up.yml").doc.jobs.up.needs).to.deep.equal(["checks", "e2e"]);
    });

    it("is caught when up does not wait for the e2e suite", () => {
      const wf = named("up.yml");
      wf.doc.jobs.up.needs = ["checks"];
      expect(checkUp([wf])).to.deep.equal(["up.yml: job up: the e2e suite (npm run test:e2e) does not run before the Pulumi step"]);
    });

    it("is caught without the environment, without a concurrency group, or when it can be cancelled", () => {
      const wf = named("up.yml");
      delete wf.doc.jobs.up.environment;
      (wf.doc.concurrency as Record<string, unknown>)["cancel-in-progress"] = true;
      expect(checkUp([wf])).to.have.members([
        "up.yml: job up: up does not require the production environment (approval)",
        "up.yml: job up: cancel-in-progress would abort a running up",
      ]);
      delete wf.doc.concurrency;
      expect(checkUp([wf])).to.include("up.yml: job up: no concurrency group, two ups could overlap");
    });

    it("is caught without the lint", () => {
      const wf = named("up.yml");
      wf.doc.jobs.checks.steps = wf.doc.jobs.checks.steps!.filter((s) => s.run !== "npm run lint");
      expect(checkUp([wf])).to.deep.equal(["up.yml: job up: the lint (npm run lint) does not run before the Pulumi step"]);
    });

    it("is caught when it would run on pull requests", () => {
      const wf = named("up.yml");
      wf.doc.on = { pull_request: {}, push: { branches: ["main"] }, workflow_dispatch: null };
      expect(checkUp([wf])).to.deep.equal(["up.yml: job up: up must never run on pull requests"]);
    });
  });

  describe("credentials", () => {
    it("every job that touches AWS uses OIDC (id-token: write, a role from a variable) and no static keys", () => {
      expect(checkOidcOnly(real)).to.deep.equal([]);
      const awsJobs = real.flatMap((wf) => jobsOf(wf).filter(([, j]) => touchesAws(j)));
      expect(awsJobs).to.have.length.at.least(2);
    });

    it("is caught with static keys or without id-token: write", () => {
      const wf = named("up.yml");
      const creds = wf.doc.jobs.up.steps!.find((s) => action(s) === "aws-actions/configure-aws-credentials")!;
      creds.with!["aws-access-key-id"] = "${{ secrets.AWS_ACCESS_KEY_ID }}";
      wf.doc.jobs.up.env = { AWS_SECRET_ACCESS_KEY: "${{ secrets.AWS_SECRET_ACCESS_KEY }}" };
      delete (wf.doc.jobs.up.permissions as Record<string, string>)["id-token"];
      expect(checkOidcOnly([wf])).to.have.members([
        "up.yml: static AWS key variable AWS_SECRET_ACCESS_KEY",
        "up.yml: job up touches AWS without permissions id-token: write",
        "up.yml: job up passes aws-access-key-id",
      ]);
    });

    it("no credential-looking string or literal token appears inline", () => {
      expect(checkNoInlineSecrets(real)).to.deep.equal([]);
    });

    it("is caught with a literal key, token or hex secret in the file", () => {
      const wf = named("preview.yml");
      const leak = (line: string) => checkNoInlineSecrets([{ ...wf, text: `${wf.text}\n# ${line}\n` }]);
      expect(leak("AKIAIOSFODNN7EXAMPLE")[0]).to.match(/^preview\.yml: AWS access key id inline/);
      expect(leak(`pul-${"0123456789abcdef".repeat(3)}`)[0]).to.match(/^preview\.yml: Pulumi access token inline/);
      expect(leak("d41d8cd98f00b204e9800998ecf8427e")).to.deep.equal(["preview.yml: long hex string inline: d41d8cd9…"]);
      expect(leak("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")).to.deep.equal(["preview.yml: long base64 string inline: wJalrXUt…"]);
      previewStep(wf).env!.PULUMI_ACCESS_TOKEN = "not-a-reference";
      expect(checkNoInlineSecrets([wf])).to.deep.equal(["preview.yml: PULUMI_ACCESS_TOKEN is not a ${{ secrets.* }} reference"]);
    });
  });

  describe("stack, Node.js and action versions", () => {
    it("preview and up use the same stack setting: vars.PULUMI_STACK with a default", () => {
      expect(checkSameStack(real)).to.deep.equal([]);
      expect(pulumiSteps(named("preview.yml").doc.jobs.preview)[0].with!["stack-name"]).to.equal("${{ vars.PULUMI_ORG }}/${{ vars.PULUMI_STACK || 'dev' }}");
    });

    it("is caught when the preview names a fixed stack", () => {
      const wf = named("preview.yml");
      previewStep(wf).with!["stack-name"] = "${{ vars.PULUMI_ORG }}/dev";
      expect(checkSameStack([wf, named("up.yml")])).to.have.members([
        'preview.yml: job preview: stack-name "${{ vars.PULUMI_ORG }}/dev" does not come from vars.PULUMI_STACK with a default',
        "preview and up name different stacks: ${{ vars.PULUMI_ORG }}/dev vs ${{ vars.PULUMI_ORG }}/${{ vars.PULUMI_STACK || 'dev' }}",
      ]);
    });

    it("takes Node.js from .nvmrc everywhere, the major package.json's engines require", () => {
      const nvmrc = fs.readFileSync(path.join(WORKFLOW_DIR, "..", "..", ".nvmrc"), "utf8");
      const engines = JSON.parse(fs.readFileSync(path.join(WORKFLOW_DIR, "..", "..", "package.json"), "utf8")).engines.node;
      expect(nvmrc.trim()).to.equal("22");
      expect(checkNodeVersion(real, nvmrc, engines)).to.deep.equal([]);
      const wf = named("up.yml");
      wf.doc.jobs.up.steps!.find((s) => action(s) === "actions/setup-node")!.with = { "node-version": 20 };
      expect(checkNodeVersion([wf], nvmrc, ">=20")).to.deep.equal([
        'package.json engines.node ">=20" is not >=22 (.nvmrc)',
        "up.yml: job up sets up Node.js without node-version-file: .nvmrc",
      ]);
    });

    it("uses each action at its current major", () => {
      expect(checkActionMajors(real)).to.deep.equal([]);
      const wf = named("up.yml");
      pulumiSteps(wf.doc.jobs.up, "up")[0].uses = "pulumi/actions@v6";
      expect(checkActionMajors([wf])).to.deep.equal(["up.yml: job up uses pulumi/actions@v6; the current major is v7"]);
    });
  });

  it("every action is pinned to a version tag or a commit SHA", () => {
    expect(checkPinnedActions(real)).to.deep.equal([]);
    const wf = named("preview.yml");
    wf.doc.jobs.preview.steps![0].uses = "actions/checkout@main";
    wf.doc.jobs.preview.steps![1].uses = "actions/setup-node";
    expect(checkPinnedActions([wf])).to.deep.equal([
      "preview.yml: job preview uses actions/checkout@main (pin a version tag or a commit SHA)",
      "preview.yml: job preview uses actions/setup-node (pin a version tag or a commit SHA)",
    ]);
    wf.doc.jobs.preview.steps![0].uses = `actions/checkout@${"a".repeat(40)}`;
    wf.doc.jobs.preview.steps![1].uses = "actions/setup-node@v4.1.0";
    expect(checkPinnedActions([wf])).to.deep.equal([]);
  });
});
