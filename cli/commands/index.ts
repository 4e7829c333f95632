import { Command } from "commander";
import { Io } from "../io";

/** A command module adds its subcommand(s) to the program and reports its exit code through `result`. */
export type RegisterCommand = (program: Command, io: Io, result: { exitCode: number }) => void;

/** A command module, loaded only when one of its commands runs (or for help). */
export interface CommandModule {
  /** The top-level command names the module registers. */
  names: string[];
  load: () => RegisterCommand;
}

// Loaded on demand: `pluto lint` should not pay for the AWS SDK, nor `pluto doctor` for Pulumi.
// Keep this list the only place commands are wired. (`typeof import` is a type: it loads nothing.)
/* eslint-disable @typescript-eslint/no-require-imports -- a synchronous load on demand is the point */
export const commands: CommandModule[] = [
  { names: ["doctor", "diff", "logs", "redeploy", "restart", "upgrade", "users", "dlq"], load: () => (require("./ops") as typeof import("./ops")).registerOps },
  { names: ["synth"], load: () => (require("./synth") as typeof import("./synth")).registerSynth },
  { names: ["plan-summary"], load: () => (require("./planSummary") as typeof import("./planSummary")).registerPlanSummary },
  { names: ["lint"], load: () => (require("./lint") as typeof import("./lint")).registerLint },
];
/* eslint-enable @typescript-eslint/no-require-imports */

/** The modules needed for `argv` (node, script, command, ...): the named command's, none for the version, or all of them. */
export function modulesFor(argv: string[]): CommandModule[] {
  if (argv[2] === "--version" || argv[2] === "-V") return [];
  const chosen = commands.filter((m) => m.names.includes(argv[2]));
  return chosen.length > 0 ? chosen : commands;
}
