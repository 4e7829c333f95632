import { Command } from "commander";
import { Io } from "../io";
import { registerSynth } from "./synth";
import { registerOps } from "./ops";
import { registerLint } from "./lint";

/** A command module adds its subcommand(s) to the program and reports its exit code through `result`. */
export type RegisterCommand = (program: Command, io: Io, result: { exitCode: number }) => void;

// One line per command module; keep this list the only place commands are wired.
export const commands: RegisterCommand[] = [
  registerOps,
  registerSynth,
  registerLint,
];
