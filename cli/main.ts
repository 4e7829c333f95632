import { Command, CommanderError } from "commander";
import { CliError } from "./errors";
import { Io, processIo } from "./io";
import { modulesFor } from "./commands";
import { version } from "../package.json";

export const VERSION: string = version;

/**
 * A usage mistake is one line, with commander's "Did you mean" folded in, then a hint naming the
 * command's own help; the whole help text would bury the line that matters.
 */
export function usageError(text: string): string {
  const [first, ...rest] = text
    .trim()
    .replace(/^error: /, "")
    .split("\n");
  const suggestion = rest.map((l) => /^\((Did you mean .*)\)$/.exec(l.trim())?.[1]).find(Boolean);
  return `pluto: ${first}${suggestion ? ` (${suggestion[0].toLowerCase()}${suggestion.slice(1)})` : ""}`;
}

function fullName(cmd: Command): string {
  return cmd.parent ? `${fullName(cmd.parent)} ${cmd.name()}` : cmd.name();
}

/** Builds the `pluto` program; each command module registers itself and sets `exitCode` on the holder. */
export function buildProgram(io: Io, result: { exitCode: number }, argv: string[] = []): Command {
  const program = new Command("pluto")
    .description("Operate the Pluto stack: offline synth and lint, and the live runbook (doctor, logs, redeploy, ...)")
    .version(VERSION, "-V, --version", "print pluto's version")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s), outputError: (s, write) => write(`${usageError(s)}\n`) });
  for (const module of modulesFor(argv)) module.load()(program, io, result);
  const hint = (cmd: Command) => {
    cmd.showHelpAfterError(`run \`${fullName(cmd)} --help\` for usage`);
    cmd.commands.forEach(hint);
  };
  hint(program);
  return program;
}

/** Runs the CLI and resolves to the process exit code. User mistakes print one message, never a stack. */
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  const result = { exitCode: 0 };
  try {
    await buildProgram(io, result, argv).parseAsync(argv);
    return result.exitCode;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof CliError) {
      io.err(`pluto: ${e.message}`);
      return e.exitCode;
    }
    throw e;
  }
}

if (require.main === module) {
  // A rejection here is a bug, not a user mistake: Node prints its stack and exits 1.
  void main(process.argv).then((code) => (process.exitCode = code));
}
