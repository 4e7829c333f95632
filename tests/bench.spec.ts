/**
 * The bench's logic without its timings: medians, targets, the table, what counts as an archive's
 * bytes, the lint corpus, peak-memory reading and option parsing. No figure is asserted here.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { archiveSizes } from "../bench/archives";
import { CORPUS_VARIANTS, lintCorpus } from "../bench/lintCorpus";
import { packProblem } from "../bench/policyServer";
import { parseCpuSeconds, parseMaxRssKb, pickRssMethod, run, runNodeWithRss } from "../bench/proc";
import { parseOptions, resultsFile, TARGETS } from "../bench/run";
import { formatTarget, formatValue, Measure, median, meetsTarget, ratio, renderTable, status } from "../bench/stats";
import { containersFromTaskDefinitionDocument } from "../policies/adapters";
import { checkContainers } from "../policies/rules";

describe("bench", () => {
  describe("stats", () => {
    it("takes the middle value, or the mean of the two middle ones, whatever the order", () => {
      expect(median([3, 1, 2])).to.equal(2);
      expect(median([4, 1, 3, 2])).to.equal(2.5);
      expect(median([7])).to.equal(7);
      expect(() => median([])).to.throw("median of no values");
    });

    it("compares against a target inclusively in both directions", () => {
      expect(meetsTarget(3, { op: "<=", value: 3 })).to.equal(true);
      expect(meetsTarget(3.01, { op: "<=", value: 3 })).to.equal(false);
      expect(meetsTarget(2000, { op: ">=", value: 2000 })).to.equal(true);
      expect(meetsTarget(1999, { op: ">=", value: 2000 })).to.equal(false);
    });

    it("states met, missed, no target, not run, or the error", () => {
      const m = (values: number[], extra: Partial<Measure> = {}): Measure => ({ name: "x", unit: "s", values, target: { op: "<=", value: 15 }, ...extra });
      expect(status(m([14, 16, 15]))).to.equal("met");
      expect(status(m([16, 16, 1]))).to.equal("**missed**");
      expect(status(m([1], { target: undefined }))).to.equal("—");
      expect(status(m([]))).to.equal("not run");
      expect(status(m([1], { error: "npx mocha exited 1" }))).to.equal("error: npx mocha exited 1");
    });

    it("formats each unit", () => {
      expect(formatValue(2.8712, "s")).to.equal("2.87 s");
      expect(formatValue(2.8171, "ms")).to.equal("2.817 ms");
      expect(formatValue(250.33, "MB")).to.equal("250.3 MB");
      expect(formatValue(14381, "B")).to.equal("14,381 B (14.0 KB)");
      expect(formatValue(8790.4, "files/s")).to.equal("8,790 files/s");
    });

    it("takes the ratio to the floor run by run (paired), then the median", () => {
      const m = (values: number[], floor: number[]): Measure => ({ name: "x", unit: "s", values, floor: { name: "f", values: floor } });
      // Per-run ratios 2, 3, 10: a slow moment hits the floor and the measure of the same run alike.
      expect(ratio(m([2, 6, 10], [1, 2, 1]))).to.equal(3);
      expect(ratio(m([4, 8], [2, 2]))).to.equal(3);
      expect(ratio(m([4, 8], [2]))).to.equal(2);
      expect(ratio(m([4], [0]))).to.equal(undefined);
      expect(ratio({ name: "x", unit: "s", values: [1] })).to.equal(undefined);
    });

    it("judges a ratio target by the ratio, a value target by the median", () => {
      const floor = { name: "f", values: [1, 1, 1] };
      expect(status({ name: "x", unit: "s", values: [1.5, 1.9, 2.5], floor, target: { op: "<=", value: 2, of: "ratio" } })).to.equal("met");
      expect(status({ name: "x", unit: "s", values: [2.5, 1.9, 2.5], floor, target: { op: "<=", value: 2, of: "ratio" } })).to.equal("**missed**");
      expect(status({ name: "x", unit: "s", values: [1], target: { op: "<=", value: 2, of: "ratio" } })).to.equal("no floor");
      expect(formatTarget({ op: "<=", value: 2, of: "ratio" }, "s")).to.equal("≤ 2.00×");
      expect(formatTarget({ op: ">=", value: 2000 }, "files/s")).to.equal("≥ 2,000 files/s");
    });

    it("sets every time target as a ratio; only the archive bytes keep an absolute one", () => {
      expect(
        Object.entries(TARGETS)
          .filter(([, t]) => (t as { of?: string }).of !== "ratio")
          .map(([k]) => k),
      ).to.deep.equal(["archiveBytes"]);
    });

    it("renders the markdown table with the floor, the ratio, one row per measure, and escapes pipes", () => {
      const table = renderTable([
        { name: "suite", unit: "s", values: [12, 10, 11], floor: { name: "empty spec", values: [1, 1, 1] }, target: { op: "<=", value: 15, of: "ratio" } },
        { name: "archive", unit: "B", values: [2048], target: { op: "<=", value: 20480 } },
        { name: "a | b", unit: "ms", values: [], error: "pack missing" },
      ]);
      expect(table.split("\n")).to.deep.equal([
        "| measure | median | floor (same run) | ratio | runs | target | status |",
        "|---|---:|---|---:|---:|---|---|",
        "| suite | 11.00 s | empty spec: 1.00 s | 11.00× | 3 | ≤ 15.00× | met |",
        "| archive | 2,048 B (2.0 KB) | — | — | 1 | ≤ 20,480 B (20.0 KB) | met |",
        "| a \\| b | — | — | — | 0 | — | error: pack missing |",
      ]);
    });
  });

  describe("archives", () => {
    const lambda = (name: string, code: unknown, physical?: string) => ({
      type: "aws:lambda/function:Function",
      name,
      inputs: { ...(physical ? { name: physical } : {}), code },
    });

    it("sums every asset of each function's archive in UTF-8 bytes, named by the physical name", () => {
      const doc = {
        resources: [
          lambda("producer", { assets: { "__index.js": { text: "é".repeat(10) }, "extra.js": { text: "abc" } } }, "pluto-cognito-postconfirm"),
          lambda("worker", { assets: { "__index.js": { text: "x" }, "data.bin": { path: "data.bin" }, lib: { assets: { "a.js": { text: "12345" } } } } }),
          { type: "aws:sqs/queue:Queue", name: "queue", inputs: { code: { assets: { a: { text: "ignored" } } } } },
          { type: "aws:lambda/function:Function", name: "image-based", inputs: { imageUri: "x" } },
        ],
      };
      const sizes = archiveSizes(doc, (file) => (file === "data.bin" ? 100 : NaN));
      expect(sizes).to.deep.equal([
        { name: "pluto-cognito-postconfirm", bytes: 23 },
        { name: "worker", bytes: 106 },
      ]);
    });
  });

  describe("lint corpus", () => {
    it("makes distinct files in every shape lint reads; the golden ones pass and every broken one has a finding", () => {
      const files = lintCorpus(30);
      const levels: string[] = [];
      expect(files).to.have.length(30);
      expect(new Set(files.map((f) => f.name)).size).to.equal(30);
      for (const variant of CORPUS_VARIANTS)
        for (const shape of ["describe", "bare", "containers"])
          expect(
            files.some((f) => f.name.endsWith(`-${variant}-${shape}.json`)),
            `${variant}/${shape}`,
          ).to.equal(true);
      for (const f of files) {
        const adapted = containersFromTaskDefinitionDocument(JSON.parse(f.text));
        if ("unchecked" in adapted) expect.fail(`${f.name}: ${adapted.unchecked}`);
        const findings = checkContainers(adapted.containers);
        levels.push(...findings.map((x) => x.level));
        if (f.name.includes("-golden-")) expect(findings, f.name).to.deep.equal([]);
        else expect(findings, f.name).to.have.length.above(0);
      }
      expect(levels).to.include.members(["mandatory", "advisory"]);
    });
  });

  describe("processes", () => {
    it("reads peak RSS and CPU time from GNU time -v output", () => {
      const report =
        '\tCommand being timed: "node x"\n\tUser time (seconds): 1.52\n\tSystem time (seconds): 0.20\n\tMaximum resident set size (kbytes): 241220\n\tAverage resident set size (kbytes): 0\n';
      expect(parseMaxRssKb(report)).to.equal(241220);
      expect(parseCpuSeconds(report)).to.be.closeTo(1.72, 1e-9);
      expect(parseMaxRssKb("0.01user 0.00system")).to.equal(undefined);
      expect(parseCpuSeconds("0.01user 0.00system")).to.equal(undefined);
    });

    it("reads a child's peak RSS and CPU time with either method", async function () {
      this.timeout(10_000);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pluto-bench-test-"));
      try {
        // The child holds a 64 MB buffer and spins for 300 ms of CPU, so its figures must exceed those whatever the method.
        const script = path.join(dir, "big.js");
        fs.writeFileSync(
          script,
          "const b = Buffer.alloc(64 * 1024 * 1024, 1); const t = process.cpuUsage(); while ((process.cpuUsage(t).user + process.cpuUsage(t).system) < 300000); console.log(b[0]); process.exitCode = 3;",
        );
        const methods = pickRssMethod() === "time-v" ? (["time-v", "probe"] as const) : (["probe"] as const);
        for (const method of methods) {
          const r = await runNodeWithRss(script, [], method, { cwd: dir, timeoutMs: 10_000 });
          expect(r.code, method).to.equal(3);
          expect(r.stdout.trim(), method).to.equal("1");
          expect(r.maxRssKb, method).to.be.greaterThan(64 * 1024);
          expect(r.cpuSeconds, method).to.be.at.least(0.29);
        }
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it("records what a process loaded from node_modules, and the floor loads exactly that list", async function () {
      this.timeout(30_000);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pluto-bench-floor-"));
      try {
        const list = path.join(dir, "loaded.json");
        const script = path.join(dir, "uses.js");
        fs.writeFileSync(script, `require(${JSON.stringify(require.resolve("yaml"))}); require("path");`);
        const probe = await run(process.execPath, ["--require", path.join(__dirname, "..", "bench", "loadProbe.js"), script], {
          cwd: dir,
          timeoutMs: 10_000,
          env: { ...process.env, PLUTO_BENCH_LOADED_FILE: list },
        });
        expect(probe.code).to.equal(0);
        const loaded: string[] = JSON.parse(fs.readFileSync(list, "utf8"));
        expect(loaded).to.include(require.resolve("yaml"));
        expect(loaded.every((f) => f.includes(`${path.sep}node_modules${path.sep}`))).to.equal(true);
        fs.writeFileSync(list, JSON.stringify([...loaded, path.join(dir, "missing.js")]));
        const floor = await run(process.execPath, [path.join(__dirname, "..", "bench", "loadFloor.js"), list], { cwd: dir, timeoutMs: 20_000 });
        expect(JSON.parse(floor.stdout)).to.deep.equal({ loaded: loaded.length, failed: 1 });
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it("names what a policy pack directory lacks", () => {
      expect(packProblem(path.join(__dirname, "..", "policies"))).to.equal(undefined);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pluto-bench-pack-"));
      try {
        expect(packProblem(dir)).to.equal(`${path.join(dir, "PulumiPolicy.yaml")} is missing: not a Node.js policy pack`);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe("options", () => {
    it("defaults to 3 runs, the suite included, 2,000 lint files, no file written", () => {
      expect(parseOptions([], {})).to.deep.equal({ runs: 3, skipSuite: false, lintFiles: 2000, write: false });
    });

    it("takes the flags, and PLUTO_BENCH_RUNS when --runs is absent", () => {
      expect(parseOptions(["--runs", "5", "--skip-suite", "--lint-files", "1500", "--write"], { PLUTO_BENCH_RUNS: "2" })).to.deep.equal({
        runs: 5,
        skipSuite: true,
        lintFiles: 1500,
        write: true,
      });
      expect(parseOptions([], { PLUTO_BENCH_RUNS: "2" }).runs).to.equal(2);
    });

    it("rejects bad values naming the flag", () => {
      expect(() => parseOptions(["--runs", "0"], {})).to.throw('--runs must be a whole number ≥ 1, got "0"');
      expect(() => parseOptions([], { PLUTO_BENCH_RUNS: "two" })).to.throw('PLUTO_BENCH_RUNS must be a whole number ≥ 1, got "two"');
      expect(() => parseOptions(["--lint-files", "999"], {})).to.throw('--lint-files must be a whole number ≥ 1000, got "999"');
      expect(() => parseOptions(["--fast"], {})).to.throw(/--fast/);
    });
  });
});

describe("bench --write", () => {
  it("replaces the measured table and keeps the hand-written sections after it", () => {
    const old = "# Benchmarks\n\nMeasured 2026-01-01.\n\n| old | table |\n\n## First deploy\n\nbefore 11:19, after 9:39\n";
    expect(resultsFile("Measured 2026-11-30.\n\n| new | table |\n", old)).to.equal(
      "# Benchmarks\n\nMeasured 2026-11-30.\n\n| new | table |\n\n## First deploy\n\nbefore 11:19, after 9:39\n",
    );
    expect(resultsFile("Measured.\n", "")).to.equal("# Benchmarks\n\nMeasured.\n");
  });
});
