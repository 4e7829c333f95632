import * as fs from "fs";
import { CliError, EXIT } from "../errors";
import { Io } from "../io";
import type { RegisterCommand } from "./index";
import { table } from "./ops/format";
import { containersFromTaskDefinitionDocument } from "../../policies/adapters";
import { rulesConfigFromPackConfig } from "../../policies/config";
import { Finding, RulesConfig, checkContainers } from "../../policies/rules";

export interface LintOptions {
  /** Print `[{"file","findings":[...]}]` instead of the human report. */
  json?: boolean;
  /** A policy pack config file (the one given to `pulumi policy enable --config`). */
  config?: string;
}

export interface LintFileResult {
  file: string;
  findings: Finding[];
}

/** Reads a file for lint; failures become one line naming the file (never a stack). */
export type ReadFile = (file: string) => string;

const defaultRead: ReadFile = (file) => fs.readFileSync(file, "utf8");

function readError(file: string, e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  const why = code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : code === "EISDIR" ? "is a directory" : e instanceof Error ? e.message : String(e);
  return `cannot read ${file}: ${why}`;
}

/** Lints one file: its findings, or the reason it is not something lint can check. */
export function lintFile(file: string, config: RulesConfig, read: ReadFile = defaultRead): LintFileResult | { file: string; error: string } {
  let text: string;
  try {
    text = read(file);
  } catch (e) {
    return { file, error: readError(file, e) };
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return { file, error: `${file}: not JSON (${e instanceof Error ? e.message : String(e)})` };
  }
  const adapted = containersFromTaskDefinitionDocument(doc);
  if ("unchecked" in adapted) return { file, error: `${file}: ${adapted.unchecked}` };
  return { file, findings: checkContainers(adapted.containers, config) };
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
  if (r.findings.length === 0) return [`${r.file}: ok`];
  const header = `${r.file}: ${r.findings.length} finding${r.findings.length === 1 ? "" : "s"} (${mandatory} mandatory)`;
  return [header, ...table(r.findings.map((f) => [`  ${f.level.toUpperCase()}`, f.policy, f.container ?? "-", f.message]))];
}

/**
 * Checks exported task definitions with the policy pack's rules. Resolves to the exit code:
 * 2 when any file could not be checked (the others still are), else 1 on a mandatory finding, else 0.
 */
export async function runLint(files: string[], opts: LintOptions, io: Io, read: ReadFile = defaultRead): Promise<number> {
  const config = opts.config ? readConfig(opts.config, read) : {};
  const results: LintFileResult[] = [];
  let unreadable = false;
  for (const file of files) {
    const r = lintFile(file, config, read);
    if ("error" in r) {
      unreadable = true;
      io.err(`pluto lint: ${r.error}`);
      continue;
    }
    results.push(r);
    if (!opts.json) for (const line of report(r)) io.out(line);
  }
  if (opts.json) io.out(JSON.stringify(results.map((r) => ({ file: r.file, findings: r.findings.map(({ policy, level, container, message }) => ({ policy, level, container: container ?? null, message })) })), null, 2));
  if (unreadable) return EXIT.cannotCheck;
  return results.some((r) => r.findings.some((f) => f.level === "mandatory")) ? EXIT.findings : EXIT.ok;
}

export const registerLint: RegisterCommand = (program, io, result) => {
  program
    .command("lint")
    .description("Check exported ECS task definitions against the policy pack's rules (exit 1 on a mandatory finding, 2 if a file cannot be checked)")
    .argument("<files...>", "JSON from `aws ecs describe-task-definition`, a bare task definition, or a list of container definitions")
    .option("--json", 'print [{"file","findings":[{"policy","level","container","message"}]}]')
    .option("--config <file>", "policy pack config (as for `pulumi policy enable --config`): levels and the skip-auth allowlist")
    .action(async (files: string[], opts: LintOptions) => {
      result.exitCode = await runLint(files, opts, io);
    });
};
