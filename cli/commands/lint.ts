import * as fs from "fs";
import { CliError, EXIT } from "../errors";
import { Io, MAX_INPUT_BYTES, tooLarge, writeJson } from "../io";
import type { RegisterCommand } from "./index";
import { table } from "./ops/format";
import { containersFromTaskDefinitionDocument } from "../../policies/adapters";
import { rulesConfigFromPackConfig } from "../../policies/config";
import { Finding, RulesConfig, checkContainers } from "../../policies/rules";
import { lintPlan } from "./lintPlan";

export interface LintOptions {
  /** Print `[{"file","findings":[...]}]` instead of the human report. */
  json?: boolean;
  /** A policy pack config file (the one given to `pulumi policy enable --config`). */
  config?: string;
}

/** One checked task definition: a whole file, or one element of a file holding a list of them. */
export interface LintFileResult {
  file: string;
  /** Position in the file's list of task definitions (`jq -s` of several exports); absent for a single one. */
  index?: number;
  /** `family:revision`, when the task definition says so. */
  taskDefinition?: string;
  findings: Finding[];
}

/** A file (or an element of its list) that could not be checked, and why. */
export interface LintFileError {
  file: string;
  index?: number;
  error: string;
}

export type LintEntry = LintFileResult | LintFileError;

/** Reads a file for lint; failures become one line naming the file (never a stack). */
export type ReadFile = (file: string) => string;

/** What `pluto lint -` reads, and how it is named in the report. */
export const STDIN = "-";
const STDIN_LABEL = "<stdin>";

/**
 * Reads a file for lint: regular files up to MAX_INPUT_BYTES, pipes (`<(aws ecs ...)`) up to the same
 * limit, never a device (`/dev/zero` would never end).
 */
const defaultRead: ReadFile = (file) => {
  const st = fs.statSync(file);
  if (st.isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
  if (st.isCharacterDevice() || st.isBlockDevice() || st.isSocket()) throw new Error("is a device or socket, not a file");
  if (st.isFile() && st.size > MAX_INPUT_BYTES) throw new Error(tooLarge(file));
  const fd = fs.openSync(file, "r");
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    const buf = Buffer.alloc(64 * 1024);
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      total += n;
      if (total > MAX_INPUT_BYTES) throw new Error(tooLarge(file));
      chunks.push(Buffer.from(buf.subarray(0, n)));
    }
    return Buffer.concat(chunks).toString("utf8");
  } finally {
    fs.closeSync(fd);
  }
};

function readError(file: string, e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  const why =
    code === "ENOENT"
      ? "no such file"
      : code === "EACCES"
        ? "permission denied"
        : code === "EISDIR"
          ? "is a directory"
          : e instanceof Error
            ? e.message
            : String(e);
  return `cannot read ${file}: ${why}`;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Why a list is no list of container definitions: ECS requires every one to have a name and an image,
 * so a list of arbitrary objects (which the rules would find nothing wrong with) is refused by name.
 */
function containerListProblem(list: unknown[], what: string): string | undefined {
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    if (!isRecord(c)) return `${what}[${i}] is ${Array.isArray(c) ? "a list" : c === null ? "null" : `a ${typeof c}`}, not a container definition object`;
    const missing = ["name", "image"].filter((k) => typeof c[k] !== "string" || c[k] === "");
    if (missing.length)
      return `${what}[${i}] is not a container definition: it has no ${missing.map((k) => `"${k}"`).join(" and no ")} (keys: ${Object.keys(c).join(", ") || "none"}), and ECS requires both`;
  }
  return undefined;
}

/** The container definitions a document holds when they are a literal list (a JSON string is the adapters' business). */
function containerListOf(doc: unknown): { list: unknown[]; what: string } | undefined {
  if (Array.isArray(doc)) return { list: doc, what: "" };
  const td = isRecord(doc) && isRecord(doc.taskDefinition) ? doc.taskDefinition : doc;
  if (!isRecord(td)) return undefined;
  const key = "containerDefinitions" in td ? "containerDefinitions" : "ContainerDefinitions";
  const defs = td[key];
  return Array.isArray(defs) ? { list: defs, what: key } : undefined;
}

/** `{"taskDefinition": {...}}` (describe-task-definition) or a bare task definition; container definitions have neither key. */
function isTaskDefinitionLike(v: unknown): boolean {
  return isRecord(v) && ["taskDefinition", "containerDefinitions", "ContainerDefinitions"].some((k) => k in v);
}

function label(doc: unknown): string | undefined {
  const td = isRecord(doc) && isRecord(doc.taskDefinition) ? doc.taskDefinition : doc;
  if (!isRecord(td)) return undefined;
  if (typeof td.family === "string" && (typeof td.revision === "number" || typeof td.revision === "string")) return `${td.family}:${td.revision}`;
  const arn = typeof td.taskDefinitionArn === "string" ? td.taskDefinitionArn : "";
  return arn.includes("task-definition/") ? arn.slice(arn.indexOf("task-definition/") + "task-definition/".length) : undefined;
}

function check(file: string, doc: unknown, config: RulesConfig, index?: number): LintEntry {
  const at = index === undefined ? {} : { index };
  const listed = containerListOf(doc);
  const problem = listed && containerListProblem(listed.list, listed.what);
  if (problem) return { file, ...at, error: `${where(file, index)}: ${problem}` };
  const adapted = containersFromTaskDefinitionDocument(doc);
  if ("unchecked" in adapted) return { file, ...at, error: `${where(file, index)}: ${adapted.unchecked}` };
  const name = label(doc);
  return { file, ...at, ...(name ? { taskDefinition: name } : {}), findings: checkContainers(adapted.containers, config) };
}

const where = (file: string, index?: number) => (index === undefined ? file : `${file}[${index}]`);

/**
 * Lints one file: one entry for a task definition (or a list of container definitions), one per
 * element for a list of task definitions (what `jq -s` makes of several exports), each with the
 * reason when it is not something lint can check.
 */
export function lintFile(file: string, config: RulesConfig, read: ReadFile = defaultRead): LintEntry[] {
  const name = file === STDIN ? STDIN_LABEL : file;
  let text: string;
  try {
    text = read(file);
  } catch (e) {
    return [{ file: name, error: readError(name, e) }];
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return [{ file: name, error: `${name}: not JSON (${e instanceof Error ? e.message : String(e)})` }];
  }
  // A whole plan (pluto synth --json, pulumi preview --json, pulumi stack export): the stack policies as well.
  const plan = lintPlan(name, doc, config);
  if (plan) return plan;
  // A list of task definitions, not of containers: checking them as containers would pass anything.
  if (Array.isArray(doc) && doc.some(isTaskDefinitionLike)) {
    return doc.map((element, i) =>
      isTaskDefinitionLike(element)
        ? check(name, element, config, i)
        : { file: name, index: i, error: `${where(name, i)}: not a task definition (the list mixes task definitions with something else)` },
    );
  }
  return [check(name, doc, config)];
}

function readConfig(file: string, read: ReadFile): RulesConfig {
  try {
    return rulesConfigFromPackConfig(JSON.parse(read(file)));
  } catch (e) {
    if (e instanceof SyntaxError) throw new CliError(`${file}: not JSON (${e.message})`, EXIT.cannotCheck);
    const message = e instanceof Error ? e.message : String(e);
    throw new CliError((e as NodeJS.ErrnoException)?.code ? readError(file, e) : `${file}: ${message}`, EXIT.cannotCheck);
  }
}

function report(r: LintFileResult): string[] {
  const mandatory = r.findings.filter((f) => f.level === "mandatory").length;
  const what = `${where(r.file, r.index)}${r.taskDefinition && r.index !== undefined ? ` (${r.taskDefinition})` : ""}`;
  if (r.findings.length === 0) return [`${what}: ok`];
  const header = `${what}: ${r.findings.length} finding${r.findings.length === 1 ? "" : "s"} (${mandatory} mandatory)`;
  return [header, ...table(r.findings.map((f) => [`  ${f.level.toUpperCase()}`, f.policy, f.container ?? "-", f.message]))];
}

function toJson(e: LintEntry): Record<string, unknown> {
  const at = e.index === undefined ? {} : { index: e.index };
  if ("error" in e) return { file: e.file, ...at, error: e.error };
  return {
    file: e.file,
    ...at,
    ...(e.taskDefinition ? { taskDefinition: e.taskDefinition } : {}),
    findings: e.findings.map(({ policy, level, container, message }) => ({ policy, level, container: container ?? null, message })),
  };
}

/**
 * Checks exported task definitions with the policy pack's rules. Resolves to the exit code:
 * 2 when anything could not be checked (the rest still is), else 1 on a mandatory finding, else 0.
 * `-` reads standard input.
 */
export async function runLint(files: string[], opts: LintOptions, io: Io, read: ReadFile = defaultRead): Promise<number> {
  // Standard input is read once, as a stream, before anything is checked.
  let stdin: { text?: string; error?: Error } = {};
  if (files.includes(STDIN)) {
    try {
      stdin = { text: await io.readStdin() };
    } catch (e) {
      stdin = { error: e instanceof Error ? e : new Error(String(e)) };
    }
  }
  const readAny: ReadFile = (file) => {
    if (file !== STDIN) return read(file);
    if (stdin.error !== undefined) throw stdin.error;
    return stdin.text ?? "";
  };
  const config = opts.config ? readConfig(opts.config, read) : {};
  const entries = files.flatMap((file) => lintFile(file, config, readAny));
  for (const e of entries) {
    if ("error" in e) io.err(`pluto lint: ${e.error}`);
    else if (!opts.json) for (const line of report(e)) io.out(line);
  }
  // Bare `--json` only: lint's arguments are files, so a value would be read as one of them.
  if (opts.json) writeJson(io, "stdout", entries.map(toJson));
  if (entries.some((e) => "error" in e)) return EXIT.cannotCheck;
  return entries.some((e) => "findings" in e && e.findings.some((f) => f.level === "mandatory")) ? EXIT.findings : EXIT.ok;
}

export const registerLint: RegisterCommand = (program, io, result) => {
  program
    .command("lint")
    .description("Check exported ECS task definitions against the policy pack's rules (exit 1 on a mandatory finding, 2 if a file cannot be checked)")
    .argument(
      "<files...>",
      "JSON from `aws ecs describe-task-definition`, a bare task definition, a list of either (`jq -s`), or a list of container definitions; - reads standard input",
    )
    .option("--json", 'print [{"file","index"?,"taskDefinition"?,"findings":[{"policy","level","container","message"}]} | {"file","error"}]')
    .option("--config <file>", "policy pack config (as for `pulumi policy enable --config`): levels and the skip-auth allowlist")
    .action(async (files: string[], opts: LintOptions) => {
      result.exitCode = await runLint(files, opts, io);
    });
};
