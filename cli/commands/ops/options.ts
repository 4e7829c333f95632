import { Command } from "commander";
import * as readline from "node:readline/promises";
import { CliError, EXIT } from "../../errors";
import { Io } from "../../io";
import { AwsClientFactory, AwsClients, AwsTarget, createAwsClients, regionOf } from "./clients";
import { AwsContext } from "./awsErrors";
import { DEFAULT_PREFIX, StackNames, stackNames } from "./names";

/** Options every ops command accepts. */
export interface CommonOptions {
  region?: string;
  profile?: string;
  prefix: string;
  json?: boolean;
}

/** What the ops commands need from the outside; tests replace any of it. */
export interface OpsDeps {
  clients: AwsClientFactory;
  /** Asks a yes/no question on the terminal; only called when `io.isTTY`. */
  confirm: (question: string) => Promise<boolean>;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
}

export async function confirmOnTerminal(question: string): Promise<boolean> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

export const defaultDeps: OpsDeps = {
  clients: createAwsClients,
  confirm: confirmOnTerminal,
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export function withCommonOptions(cmd: Command): Command {
  return cmd
    .option("--region <region>", "AWS region (default: the standard AWS chain: AWS_REGION, profile config)")
    .option("--profile <profile>", "AWS profile from ~/.aws/config (default: AWS_PROFILE or the default chain)")
    .option("--prefix <prefix>", "the stack's namePrefix, from which every default name derives", DEFAULT_PREFIX)
    .option("--json", "print one JSON document instead of the human report");
}

/** Everything a command needs to start calling AWS: clients, derived names, and the error context. */
export interface OpsSession {
  clients: AwsClients;
  names: StackNames;
  ctx: AwsContext;
}

export async function openSession(opts: CommonOptions, deps: Pick<OpsDeps, "clients">): Promise<OpsSession> {
  const names = stackNames(opts.prefix);
  const target: AwsTarget = { region: opts.region, profile: opts.profile };
  const clients = deps.clients(target);
  const region = await regionOf(clients.ecs, target);
  return { clients, names, ctx: { region, profile: opts.profile } };
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
