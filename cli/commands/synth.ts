import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { Command } from "commander";
import { CliError, EXIT } from "../errors";
import { Io, jsonTarget, writeJson, writeText } from "../io";
import { architectureDiagram } from "../diagrams/architecture";
import { signInSequence } from "../diagrams/signIn";
import type { RegisterCommand } from "./index";
import { SECRET_PLACEHOLDER } from "../synth/stackConfig";
import { readStackForProgram } from "../synth/programConfig";
import { synthesize, SynthResource, SynthResult } from "../synth/harness";
import { ConfigError, configWarnings, parseConfig, plutoKeys } from "../../config";
import { describeModels, ModelsSummary } from "../../config/models";
import { PolicyRefusal } from "../../ecs/policyCheck";
import { PackConfig, PolicyViolation, runPolicies } from "../../policies/runPolicies";
import { resolveWaits } from "../plan/graph";
import { packPolicies } from "../../policies/pack";
import { nextSteps, outputLines, policiesRun, summaryLine } from "../synth/summary";
import { chooseStack, refuseStackArgument } from "../synth/stackName";

export interface SynthOptions {
  stack: string;
  /** Stack config file; defaults to Pulumi.<stack>.yaml in the project directory. */
  config?: string;
  /** `--json`: a file, or `-`/no value for stdout (see `jsonTarget`). */
  json?: string | boolean;
  quiet?: boolean;
  /** Write the architecture as a Mermaid flowchart to this file (see cli/diagrams/architecture.ts). */
  diagram?: string;
  /** Write sign-in and sign-out as a Mermaid sequence diagram to this file (see cli/diagrams/signIn.ts). */
  signInDiagram?: string;
  /** Project directory (holds index.ts and Pulumi.<stack>.yaml); defaults to the CLI's own repository. */
  cwd?: string;
  /** Whether `--stack` was given (a `--config` file named Pulumi.<stack>.yaml names the stack otherwise). */
  stackGiven?: boolean;
}

export interface SynthDocument {
  project: string;
  stack: string;
  resources: {
    urn: string;
    type: string;
    name: string;
    parent: string | null;
    /** URNs of the resources this one waits for before it is created (see `resolveWaits`). */
    dependencies: string[];
    /** The URNs it was known by before (Pulumi `aliases`): a resource in the state under one of them is adopted. */
    aliases: string[];
    inputs: Record<string, unknown>;
  }[];
  outputs: Record<string, unknown>;
  violations: PolicyViolation[];
}

export function toDocument(result: SynthResult, violations: PolicyViolation[] = []): SynthDocument {
  const waits = resolveWaits(result.resources);
  return {
    project: result.project,
    stack: result.stack,
    resources: result.resources.map((r) => ({
      urn: r.urn,
      type: r.type,
      name: r.name,
      parent: r.parent ?? null,
      dependencies: waits.get(r.urn) ?? [],
      aliases: r.aliases,
      inputs: r.inputs,
    })),
    outputs: result.outputs,
    violations,
  };
}

/** The component tree, one resource per line, children indented under their parent. */
export function renderTree(result: SynthResult): string {
  const children = new Map<string | undefined, SynthResource[]>();
  const urns = new Set(result.resources.map((r) => r.urn));
  for (const r of result.resources) {
    const parent = r.parent && urns.has(r.parent) ? r.parent : undefined;
    children.set(parent, [...(children.get(parent) ?? []), r]);
  }
  const lines = [`${result.project} (${result.stack}): ${result.resources.length} resources`];
  const walk = (parent: string | undefined, indent: string) => {
    const list = children.get(parent) ?? [];
    list.forEach((r, i) => {
      const last = i === list.length - 1;
      lines.push(`${indent}${last ? "└─ " : "├─ "}${r.type}  ${r.name}`);
      walk(r.urn, indent + (last ? "   " : "│  "));
    });
  };
  walk(undefined, "");
  return lines.join("\n");
}

/**
 * Reads the stack's config as `pulumi preview` hands it to the program (with Pulumi.yaml's defaults)
 * and evaluates the program under mocks (shared by `synth` and `plan-summary`). Config problems
 * become exit 2, a refused setting exit 1.
 */
export async function synthesizeStack(
  opts: Pick<SynthOptions, "stack" | "config" | "cwd" | "stackGiven">,
): Promise<SynthResult & { config: Record<string, string> }> {
  // The CLI's own repository, wherever it is run from: the program, Pulumi.yaml and the stacks live there.
  const cwd = opts.cwd ?? path.join(__dirname, "..", "..");
  const { stack, configFile } = chooseStack({ stack: opts.stack, config: opts.config, cwd }, opts.stackGiven ?? true);
  const { config, secretKeys, project } = readStackForProgram(cwd, configFile, stack);
  // `pulumi` runs the program in the project directory, and Pulumi's Lambda packaging looks for
  // package.json from the working directory (@pulumi/pulumi runtime/closure/codePaths.js).
  const before = process.cwd();
  try {
    process.chdir(cwd);
    return { ...(await synthesize({ config, secretKeys, project, stack, program: path.join(cwd, "index.ts") })), config };
  } catch (e) {
    if (e instanceof ConfigError) throw new CliError(`${configFile}: ${e.message}`, EXIT.cannotCheck);
    // The program refused a configuration the policy pack forbids: a finding, like a mandatory violation.
    if (e instanceof PolicyRefusal) throw new CliError(e.message, EXIT.findings);
    // A check that needs values AWS returns at deployment (e.g. whether a Bedrock model may be
    // called on demand) names its config key; Pulumi wraps it in "error serializing property …".
    const keyed = /(pluto:[A-Za-z0-9.[\]]+: [\s\S]*)$/.exec(String((e as Error)?.message ?? ""));
    if (keyed) throw new CliError(`${configFile}: ${keyed[1]}`, EXIT.cannotCheck);
    throw e;
  } finally {
    process.chdir(before);
  }
}

/** Evaluates the program offline and reports it; resolves to the exit code. */
export async function runSynth(opts: SynthOptions, io: Io): Promise<number> {
  const target = jsonTarget(opts.json);
  const result = await synthesizeStack(opts);
  const config = result.config;
  // The program accepted this config, so it parses; what deserves a second look is printed, never fatal.
  const parsed = parseConfig(plutoKeys(config), config["aws:region"], pulumi.secret(SECRET_PLACEHOLDER));
  // The same pack `pulumi preview --policy-pack policies` runs, over the same inputs; a stack that
  // opted in to any Google account gives the pack the same opt-in (policy-config.json does for preview).
  const packConfig: PackConfig = parsed.allowList.anyGoogleAccount ? { "oauth2-proxy-email-domain-any": { allowAnyEmailDomain: true } } : {};
  const violations = await runPolicies(
    result.resources.map((r) => ({ type: r.type, name: r.name, urn: r.urn, props: r.inputs, propertyDependencies: r.propertyDependencies })),
    packConfig,
  );
  const document = toDocument(result, violations);
  if (target) writeJson(io, target, document);
  if (opts.diagram !== undefined) writeText(opts.diagram, architectureDiagram(result.resources, `${result.project} (${result.stack})`));
  if (opts.signInDiagram !== undefined) writeText(opts.signInDiagram, signInSequence(result.resources));
  // With the JSON on stdout, everything a person reads goes to stderr.
  const say = (text: string) => (target === "stdout" ? io.err(text) : io.out(text));
  if (!opts.quiet) {
    say(renderTree(result));
    say(describeModels(result.outputs.models as ModelsSummary | undefined));
    for (const line of outputLines(result.outputs)) say(line);
    for (const line of nextSteps(result)) say(line);
  }
  // What deserves a second look is printed, never fatal, last before the summary line, where a long
  // run does not scroll it away.
  const warnings = configWarnings(parsed);
  for (const w of warnings) io.err(`WARNING  ${w}`);
  for (const v of violations) io.err(`${v.level.toUpperCase()}  ${v.policy}  ${v.urn ?? "(stack)"}\n  ${v.message}`);
  say(summaryLine(result, violations, policiesRun(packPolicies), warnings.length));
  return violations.some((v) => v.level === "mandatory") ? EXIT.findings : EXIT.ok;
}

export const registerSynth: RegisterCommand = (program: Command, io: Io, result) => {
  program
    .command("synth")
    .description("Evaluate the Pulumi program offline under mocks (no cloud, no Pulumi CLI) and print its resources")
    .option("-s, --stack <name>", "stack whose Pulumi.<stack>.yaml is read", "dev")
    .option("-c, --config <file>", "read stack config from this file instead")
    .option(
      "--json [file]",
      "write {project, stack, resources (with the URNs each waits for), outputs, violations} as JSON to <file>; no file or - prints it to stdout",
    )
    .option("-q, --quiet", "print only the summary line (no resource tree, no outputs)")
    .option("--diagram <file>", "write a Mermaid diagram of the stack's architecture (components and the resources that carry traffic and identity) to <file>")
    .option(
      "--sign-in-diagram <file>",
      "write sign-in and sign-out (browser, load balancer, oauth2-proxy, Cognito, Google, Open WebUI) as a Mermaid sequence diagram to <file>",
    )
    .allowExcessArguments(true)
    .action(async (opts: SynthOptions, cmd: Command) => {
      refuseStackArgument("synth", cmd.args);
      result.exitCode = await runSynth({ ...opts, stackGiven: cmd.getOptionValueSource("stack") !== "default" }, io);
    });
};
