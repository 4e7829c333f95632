/**
 * Child processes for the bench: wall time from the parent's clock, peak memory from the child
 * itself, and every child killed (with its own children) when the bench ends or is interrupted.
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export interface RunResult {
  wallMs: number;
  code: number | null;
  stdout: string;
  stderr: string;
  /** Peak resident set size in KB, when asked for. */
  maxRssKb?: number;
  /**
   * CPU seconds (user + system), when asked for. Unlike wall time it hardly grows when other work
   * shares the machine's cores, so it is the steadier figure on a busy machine.
   */
  cpuSeconds?: number;
}

/**
 * How peak memory and CPU time are read: GNU time's `-v` report when /usr/bin/time exists (the
 * kernel's rusage of the child and the descendants it waited for), else a `--require`d probe that
 * writes the same figures from `process.resourceUsage()` as a Node.js child exits (that process only).
 */
export type RssMethod = "time-v" | "probe";

const TIME = "/usr/bin/time";
const PROBE = path.join(__dirname, "rssProbe.js");

export function pickRssMethod(): RssMethod {
  if (!fs.existsSync(TIME)) return "probe";
  // BusyBox and BSD `time` have no -v; try it once on a trivial command.
  const r = spawnSync(TIME, ["-v", process.execPath, "-e", ""], { encoding: "utf8" });
  return r.status === 0 && parseMaxRssKb(r.stderr) !== undefined ? "time-v" : "probe";
}

/** "Maximum resident set size (kbytes): 241220" from GNU time -v. */
export function parseMaxRssKb(timeReport: string): number | undefined {
  const m = /Maximum resident set size \(kbytes\):\s*(\d+)/.exec(timeReport);
  return m ? Number(m[1]) : undefined;
}

/** "User time (seconds): 1.52" plus "System time (seconds): 0.20" from GNU time -v. */
export function parseCpuSeconds(timeReport: string): number | undefined {
  const user = /User time \(seconds\):\s*([\d.]+)/.exec(timeReport);
  const system = /System time \(seconds\):\s*([\d.]+)/.exec(timeReport);
  return user && system ? Number(user[1]) + Number(system[1]) : undefined;
}

// Children run in their own process group so that a kill reaches grandchildren (npx -> mocha).
const live = new Set<number>();
const killAll = () => {
  for (const pid of live) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  live.clear();
};

/** For the bench's main: no child outlives it, whether it ends, fails or is interrupted. */
export function killChildrenOnExit(): void {
  process.on("exit", killAll);
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.once(sig, () => {
      killAll();
      process.exit(sig === "SIGINT" ? 130 : 143);
    });
  }
}

export interface RunOptions {
  cwd: string;
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
}

/** Runs `cmd args` to completion; rejects only on spawn failure or timeout (a non-zero exit is a result). */
export function run(cmd: string, args: string[], opts: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    if (child.pid) live.add(child.pid);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    const timer = setTimeout(() => {
      killAll();
      reject(new Error(`${path.basename(cmd)} ${args.join(" ").slice(0, 120)} did not finish within ${opts.timeoutMs / 1000} s`));
    }, opts.timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${cmd}: ${e.message}`));
    });
    child.on("close", (code) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      clearTimeout(timer);
      if (child.pid) live.delete(child.pid);
      resolve({ wallMs, code, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") });
    });
  });
}

/** Runs any command under GNU time -v (when `method` allows) for its CPU time and peak RSS; otherwise just runs it. */
export async function runTimed(cmd: string, args: string[], method: RssMethod, opts: RunOptions): Promise<RunResult> {
  if (method !== "time-v") return run(cmd, args, opts);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pluto-bench-time-"));
  const report = path.join(dir, "time.txt");
  try {
    const r = await run(TIME, ["-v", "-o", report, cmd, ...args], opts);
    const text = fs.existsSync(report) ? fs.readFileSync(report, "utf8") : "";
    return { ...r, maxRssKb: parseMaxRssKb(text), cpuSeconds: parseCpuSeconds(text) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs a Node.js script (e.g. bin/pluto) and also reads its peak RSS and CPU time with `method`. */
export async function runNodeWithRss(script: string, args: string[], method: RssMethod, opts: RunOptions): Promise<RunResult> {
  if (method === "time-v") return runTimed(process.execPath, [script, ...args], method, opts);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pluto-bench-rss-"));
  const report = path.join(dir, "rss.json");
  try {
    const r = await run(process.execPath, ["--require", PROBE, script, ...args], {
      ...opts,
      env: { ...(opts.env ?? process.env), PLUTO_BENCH_RSS_FILE: report },
    });
    const probe = fs.existsSync(report) ? (JSON.parse(fs.readFileSync(report, "utf8")) as { maxRssKb?: number; cpuSeconds?: number }) : {};
    return { ...r, maxRssKb: probe.maxRssKb || undefined, cpuSeconds: probe.cpuSeconds };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
