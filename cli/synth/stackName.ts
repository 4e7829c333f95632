/**
 * Which stack a `synth` or `plan-summary` run is about, and its config file: `--stack NAME` reads
 * Pulumi.NAME.yaml beside Pulumi.yaml, `--config FILE` reads FILE and, named Pulumi.NAME.yaml, is
 * the stack NAME unless `--stack` says otherwise. A stack without a file is refused naming the stacks
 * that exist, the nearest first.
 */
import * as fs from "fs";
import * as path from "path";
import { CliError, EXIT } from "../errors";
import { editDistance } from "../../config/spelling";

export { editDistance };

const STACK_FILE = /^Pulumi\.([^.]+)\.ya?ml$/;

/** The stacks with a Pulumi.<stack>.yaml in `dir`, sorted. */
export function stacksIn(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .map((f) => STACK_FILE.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

export interface StackChoice {
  stack: string;
  configFile: string;
}

/**
 * `stackGiven` is whether `--stack` was on the command line (not its default); `takesConfig` whether
 * the command has `--config` (the live commands do not). Throws a CliError
 * (exit 2) when the stack has no config file.
 */
export function chooseStack(opts: { stack: string; config?: string; cwd: string }, stackGiven: boolean, takesConfig = true): StackChoice {
  if (opts.config) {
    const named = STACK_FILE.exec(path.basename(opts.config))?.[1];
    return { stack: stackGiven || !named ? opts.stack : named, configFile: opts.config };
  }
  const configFile = path.join(opts.cwd, `Pulumi.${opts.stack}.yaml`);
  if (fs.existsSync(configFile)) return { stack: opts.stack, configFile };
  const stacks = stacksIn(opts.cwd);
  const nearest = [...stacks].sort((a, b) => editDistance(opts.stack, a) - editDistance(opts.stack, b))[0];
  const hint =
    nearest !== undefined && editDistance(opts.stack, nearest) <= Math.max(2, Math.floor(nearest.length / 3)) ? ` (did you mean --stack ${nearest}?)` : "";
  const have = stacks.length ? `the stacks here: ${stacks.join(", ")}` : "no stack has one yet";
  throw new CliError(
    `no stack "${opts.stack}": ${configFile} does not exist; ${have}${hint}. Create one with \`pulumi stack init ${opts.stack}\` and its keys (docs/deploy.md)${takesConfig ? ", or give a file with --config" : ""}`,
    EXIT.cannotCheck,
  );
}

/** `pluto synth acme` means `--stack acme`: say so instead of commander's "too many arguments". */
export function refuseStackArgument(command: string, args: string[]): void {
  if (args.length === 0) return;
  throw new CliError(`${command} takes no arguments; to ${command} the stack ${args[0]}: pluto ${command} --stack ${args[0]}`, EXIT.cannotCheck);
}
