/**
 * The stack configuration `pluto synth` hands the program: what `pulumi preview` would hand it.
 * Loads Pulumi and the program's config validation, so only synth and plan-summary import it.
 */
import * as pulumi from "@pulumi/pulumi";
import { CliError, EXIT } from "../errors";
import { ConfigError, parseConfig, plutoKeys } from "../../config";
import { applyProjectConfig, declarationProblems, readProject } from "./projectConfig";
import { readStackConfig, SECRET_PLACEHOLDER, StackConfig } from "./stackConfig";

/** The program's own verdict on a configuration, as `loadConfig` reaches it: its problems, or none. */
function programProblems(config: Record<string, string>, secretKeys: string[]): string[] {
  const raw = plutoKeys(config);
  const secret = raw.googleClientSecret === undefined ? undefined : pulumi.secret(SECRET_PLACEHOLDER);
  try {
    parseConfig(
      raw,
      config["aws:region"],
      secret,
      secretKeys.filter((k) => k.startsWith("pluto:")).map((k) => k.slice("pluto:".length)),
    );
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

/**
 * The stack's config as `pulumi preview` hands it to the program: `file` read by `readStackConfig`, then the
 * project file's (`projectDir`/Pulumi.yaml) defaults and checks applied as the Pulumi CLI applies
 * them (see projectConfig.ts; the CLI does this before every preview and update, so synth must
 * too). What the CLI would stop on is a CliError (exit 2) listing it together with the program's
 * own problems, whose wording wins where both object to a key, so that one pass fixes everything.
 */
export function readStackForProgram(projectDir: string, file: string, stack: string): StackConfig & { project: string } {
  const stackConfig = readStackConfig(file);
  const project = readProject(projectDir);
  const invalid = declarationProblems(project);
  if (invalid.length)
    throw new CliError(`${project.file}: the Pulumi CLI would refuse this project file:\n${invalid.map((p) => `  - ${p}`).join("\n")}`, EXIT.cannotCheck);
  const { problems, ...applied } = applyProjectConfig(project, stackConfig, stack);
  if (problems.length) {
    const own = programProblems(applied.config, applied.secretKeys);
    const keyOf = (problem: string) => /^[\w-]+:[\w-]+/.exec(problem)?.[0]; // "pluto:openWebUi.cpu: …" → pluto:openWebUi
    const reported = new Set(own.map(keyOf));
    throw new CliError(`${file}: ${new ConfigError([...own, ...problems.filter((p) => !reported.has(keyOf(p)))]).message}`, EXIT.cannotCheck);
  }
  return { ...applied, project: project.name };
}
