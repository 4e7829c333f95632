import { Command, CommanderError } from "commander";
import { CliError } from "./errors";
import { Io, processIo } from "./io";
import { modulesFor } from "./commands";

/** Builds the `pluto` program; each command module registers itself and sets `exitCode` on the holder. */
export function buildProgram(io: Io, result: { exitCode: number }, argv: string[] = []): Command {
  const program = new Command("pluto")
    .description("Operate the Pluto stack: offline synth and lint, and the live runbook (doctor, logs, redeploy, ...)")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .showHelpAfterError();
  for (const module of modulesFor(argv)) module.load()(program, io, result);
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
  main(process.argv).then((code) => (process.exitCode = code));
}
