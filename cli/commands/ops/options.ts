import { Command } from "commander";
import * as fs from "fs";
import * as path from "path";
import * as readline from "node:readline/promises";
import { CliError, EXIT } from "../../errors";
import { Io } from "../../io";
import { readStackConfig } from "../../synth/stackConfig";
import { chooseStack } from "../../synth/stackName";
import { AwsClientFactory, AwsClients, AwsTarget, createAwsClients, regionOf } from "./clients";
import { AwsContext } from "./awsErrors";
import { DEFAULT_PREFIX, StackNames, stackNames } from "./names";

/** Options every ops command accepts. */
export interface CommonOptions {
  region?: string;
  profile?: string;
  /** The stack's namePrefix; defaults to the stack file's, else `pluto`. */
  prefix?: string;
  /** A stack whose Pulumi.<stack>.yaml gives namePrefix and aws:region (explicit flags win). */
  stack?: string;
  json?: boolean;
}

/** What the ops commands need from the outside; tests replace any of it. */
export interface OpsDeps {
  clients: AwsClientFactory;
  /** Asks a yes/no question on the terminal; only called when `io.isTTY`. */
  confirm: (question: string) => Promise<boolean>;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  /** The Pulumi project directory, where `--stack NAME` finds Pulumi.NAME.yaml. */
  projectDir: () => string;
}

export async function confirmOnTerminal(question: string): Promise<boolean> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

/** The nearest directory from the working directory up that holds Pulumi.yaml (as the Pulumi CLI finds its project), else this repository. */
export function findProjectDir(from: string = process.cwd()): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "Pulumi.yaml"))) return dir;
    if (path.dirname(dir) === dir) return path.join(__dirname, "..", "..", "..");
  }
}

export const defaultDeps: OpsDeps = {
  clients: createAwsClients,
  confirm: confirmOnTerminal,
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  projectDir: () => findProjectDir(),
};

export function withCommonOptions(cmd: Command): Command {
  return cmd
    .option("--stack <name>", "read namePrefix and aws:region from Pulumi.<name>.yaml (--prefix and --region win)")
    .option("--region <region>", "AWS region (default: the stack's aws:region, else the standard AWS chain: AWS_REGION, profile config)")
    .option("--profile <profile>", "AWS profile from ~/.aws/config (default: AWS_PROFILE or the default chain)")
    .option("--prefix <prefix>", `the stack's namePrefix, from which every default name derives (default: the stack's, else ${DEFAULT_PREFIX})`)
    .option("--json", "print one JSON document instead of the human report");
}

/**
 * namePrefix and region for the command: explicit flags first, then the stack's config file
 * (`--stack`), then the defaults (`pluto`, and the AWS chain for the region).
 */
export function resolveStack(opts: CommonOptions, projectDir: () => string): { prefix: string; region?: string } {
  if (opts.stack === undefined) return { prefix: opts.prefix ?? DEFAULT_PREFIX, region: opts.region };
  // `org/prod` and `org/project/prod` name the same Pulumi.prod.yaml.
  const parts = opts.stack.split("/");
  const name = parts[parts.length - 1];
  if (parts.length > 3 || parts.some((p) => !/^[A-Za-z0-9._-]+$/.test(p) || p === "." || p === ".."))
    throw new CliError(`--stack "${opts.stack}" is not a stack name`);
  // A stack without a file is refused naming the stacks there, the nearest first (as synth does).
  const { config } = readStackConfig(chooseStack({ stack: name, cwd: projectDir() }, true, false).configFile);
  return { prefix: opts.prefix ?? config["pluto:namePrefix"] ?? DEFAULT_PREFIX, region: opts.region ?? config["aws:region"] };
}

/** Everything a command needs to start calling AWS: clients, derived names, and the error context. */
export interface OpsSession {
  clients: AwsClients;
  /** The namePrefix the names derive from. */
  prefix: string;
  names: StackNames;
  ctx: AwsContext;
}

export async function openSession(opts: CommonOptions, deps: Pick<OpsDeps, "clients"> & Partial<Pick<OpsDeps, "projectDir">>): Promise<OpsSession> {
  const { prefix, region: stackRegion } = resolveStack(opts, deps.projectDir ?? defaultDeps.projectDir);
  const names = stackNames(prefix);
  const target: AwsTarget = { region: stackRegion, profile: opts.profile };
  const clients = deps.clients(target);
  const region = await regionOf(clients.ecs, target);
  return { clients, prefix, names, ctx: { region, profile: opts.profile ?? (process.env.AWS_PROFILE || undefined) } };
}

/**
 * Changing commands show their plan, then need consent: `--yes`, or a "y" typed at a terminal.
 * Off a terminal there is nobody to ask, so without `--yes` nothing is changed.
 */
export async function requireConsent(io: Io, yes: boolean | undefined, question: string, confirm: OpsDeps["confirm"]): Promise<void> {
  if (yes) return;
  if (!io.isTTY) throw new CliError("refusing to change anything without --yes (stdin is not a terminal)", EXIT.cannotCheck);
  if (!(await confirm(question))) throw new CliError("aborted; nothing was changed", EXIT.findings);
}
