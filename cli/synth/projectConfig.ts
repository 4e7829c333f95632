/**
 * What the Pulumi CLI does with the `config:` block of `Pulumi.yaml` before it runs the program, so
 * that `pluto synth` hands the program the configuration `pulumi preview` would, and refuses what
 * it would refuse. Copied from pulumi/pulumi v3.248.0 (the CLI matching @pulumi/pulumi 3.248):
 * - sdk/go/common/workspace/project.json, `$defs.configTypeDeclaration`: the declaration's shape;
 * - sdk/go/common/workspace/project.go, `Project.Validate` and `ValidateConfigValue`;
 * - sdk/go/common/workspace/config.go, `mergeConfig`, `createConfigValue`, `validateStackConfigValues`
 *   (called by `ValidateStackConfigAndApplyProjectConfig` in every `preview`, `up`, `refresh`,
 *   `destroy`; `pulumi config` and `pulumi config get` apply the defaults and report missing keys too).
 * Where the CLI stops at the first problem, these functions list them all.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { CliError } from "../errors";
import type { StackConfig } from "./stackConfig";

/** project.json `$defs.simpleConfigType`; `object` since v3.187.0. */
export const CONFIG_TYPES = ["string", "integer", "boolean", "array", "object"] as const;
export type ConfigType = (typeof CONFIG_TYPES)[number];

export interface ConfigItemsType {
  type: ConfigType;
  items?: ConfigItemsType;
}

/** One entry of Pulumi.yaml's `config:` (project.go `ProjectConfigType`). */
export interface ConfigDeclaration {
  type?: ConfigType;
  items?: ConfigItemsType;
  description?: string;
  secret?: boolean;
  default?: unknown;
  value?: unknown;
}

export interface ProjectFile {
  file: string;
  name: string;
  config: Record<string, ConfigDeclaration>;
}

/** project.json `additionalProperties: false` on a declaration. */
const DECLARATION_FIELDS = ["type", "items", "description", "secret", "default", "value"];

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * Reads the project file. A value given directly (`pluto:key: 5`) is shorthand for a default of a
 * project key and for a value of any other namespace (project.go `RewriteShorthandConfigValues`).
 */
export function readProject(dir: string): ProjectFile {
  const file = path.join(dir, "Pulumi.yaml");
  let doc: unknown;
  try {
    doc = YAML.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    const err = e as NodeJS.ErrnoException; // from readFileSync, or a YAMLParseError (an Error)
    throw new CliError(err.code === "ENOENT" ? `no Pulumi.yaml project file in ${dir}` : `${file}: ${String(err.message).split("\n")[0]}`);
  }
  if (!isMap(doc) || typeof doc.name !== "string" || doc.name === "") throw new CliError(`${file}: the project needs a non-empty string 'name'`);
  const raw = doc.config ?? {};
  if (!isMap(raw)) throw new CliError(`${file}: \`config\` must map keys to declarations (a directory name belongs in stackConfigDir)`);
  const config: Record<string, ConfigDeclaration> = {};
  for (const [key, d] of Object.entries(raw)) {
    config[key] = isMap(d) ? d : isProjectKey(doc.name, key) ? { default: d } : { value: d };
  }
  return { file, name: doc.name, config };
}

/** project.go `configKeyIsNamespacedByProject`. */
export function isProjectKey(project: string, key: string): boolean {
  return !key.includes(":") || key.startsWith(`${project}:`);
}

/** config.go `parseConfigKey`: a key without a namespace belongs to the project. */
export function fullKey(project: string, key: string): string {
  return key.includes(":") ? key : `${project}:${key}`;
}

/** project.go `InferFullTypeName`: `array<string>` for a list of strings. */
export function typeName(type: string, items?: ConfigItemsType): string {
  return items ? `array<${typeName(items.type, items.items)}>` : type;
}

function itemsProblem(items: unknown): string | undefined {
  if (!isMap(items) || !CONFIG_TYPES.includes(items.type as ConfigType)) return `items must declare a type (${CONFIG_TYPES.join(", ")})`;
  if (items.type === "array" && items.items === undefined) return "items of type array need items of their own";
  return items.items === undefined ? undefined : itemsProblem(items.items);
}

/** Why the CLI would refuse to load this `config:` block (project.json schema, then `Project.Validate`). */
export function declarationProblems(project: Pick<ProjectFile, "name" | "config">): string[] {
  const problems: string[] = [];
  for (const [key, d] of Object.entries(project.config)) {
    const extra = Object.keys(d).filter((f) => !DECLARATION_FIELDS.includes(f));
    if (extra.length) problems.push(`${key}: ${extra.join(", ")} not allowed (a declaration has ${DECLARATION_FIELDS.join(", ")})`);
    if (d.type !== undefined && !CONFIG_TYPES.includes(d.type))
      problems.push(`${key}: type must be one of ${CONFIG_TYPES.join(", ")}, got ${JSON.stringify(d.type)}`);
    if (d.description !== undefined && typeof d.description !== "string") problems.push(`${key}: description must be a string`);
    if (d.secret !== undefined && typeof d.secret !== "boolean") problems.push(`${key}: secret must be true or false`);
    if (d.items !== undefined) {
      const why = itemsProblem(d.items);
      if (why) problems.push(`${key}: ${why}`);
    }
    if (d.default != null && d.value != null) problems.push(`${key}: cannot have both a 'default' and 'value' attribute`);
    if (isProjectKey(project.name, key)) {
      if (d.type === "array" && d.items === undefined)
        problems.push(`${key}: declares an array but does not specify the underlying type via the 'items' attribute`);
      else if (d.type !== undefined && d.default != null && !matchesType(d.type, d.items, d.default))
        problems.push(`${key}: the default value is not of the expected type '${typeName(d.type, d.items)}'`);
    } else if (d.type !== undefined) problems.push(`${key}: is not namespaced by the project and should not define a type`);
    else if (d.default != null) problems.push(`${key}: is not namespaced by the project and should not define a default value (use 'value')`);
    else if (d.value == null) problems.push(`${key}: is namespaced and must provide an attribute 'value'`);
  }
  return problems;
}

/**
 * project.go `ValidateConfigValue`. A stack's scalar reaches it as text (YAML numbers and booleans
 * are stored as text), so `integer` accepts what Go's `strconv.Atoi` parses and `boolean` exactly
 * "true"/"false"; structured values arrive parsed from JSON.
 */
export function matchesType(type: string, items: ConfigItemsType | undefined, value: unknown): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "integer":
      return (
        (typeof value === "number" && Number.isInteger(value)) || (typeof value === "string" && /^[+-]?\d+$/.test(value) && Number.isSafeInteger(Number(value)))
      );
    case "boolean":
      return typeof value === "boolean" || value === "true" || value === "false";
    case "object":
      return isMap(value);
    default:
      return Array.isArray(value) && items !== undefined && value.every((v) => matchesType(items.type, items.items, v));
  }
}

/** config.go `createConfigValue`: strings, whole numbers and booleans as text, anything else as JSON. */
function configValue(v: unknown): { text: string; object: boolean } {
  const primitive = typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && Number.isInteger(v));
  return primitive ? { text: String(v), object: false } : { text: JSON.stringify(v), object: true };
}

export interface AppliedConfig extends StackConfig {
  /** What the CLI would stop on, one line per key, each starting with the key. */
  problems: string[];
}

/**
 * config.go `mergeConfig`: every declared key the stack does not set gets its `default` (or
 * `value`): the whole value, never merged into an object the stack sets in part. A project key with
 * neither is required. Then `validateStackConfigValues`: only a key with a `type` is checked, for
 * `secret: true` (the stack's value must be encrypted) and for its type.
 */
export function applyProjectConfig(project: ProjectFile, stack: StackConfig, stackName: string): AppliedConfig {
  const config = { ...stack.config };
  const objectKeys = [...stack.objectKeys];
  const problems: string[] = [];
  const keys = Object.keys(project.config).sort();
  for (const key of keys) {
    const d = project.config[key];
    const full = fullKey(project.name, key);
    if (full in config) continue;
    const given = d.default ?? d.value;
    if (given != null) {
      const v = configValue(given);
      config[full] = v.text;
      if (v.object) objectKeys.push(full);
    } else if (full.startsWith(`${project.name}:`)) {
      const what = d.description?.replace(/^Required[^.]*\.\s*/, "");
      const why = what ? ` (${what})` : "";
      problems.push(
        `${full}: required — ${path.basename(project.file)} declares it without a default, so the Pulumi CLI stops with "Stack '${stackName}' is missing configuration value '${full}'"${why}`,
      );
    }
  }
  for (const key of keys) {
    const d = project.config[key];
    const full = fullKey(project.name, key);
    if (d.type === undefined || !(full in config)) continue;
    if (d.secret && !stack.secretKeys.includes(full)) {
      problems.push(
        `${full}: ${path.basename(project.file)} declares it secret, and the Pulumi CLI refuses a value that is not encrypted; set it with \`pulumi config set --secret ${full} <value>\``,
      );
      continue;
    }
    const text = config[full];
    let content: unknown = text;
    if (objectKeys.includes(full)) content = JSON.parse(text);
    if (!matchesType(d.type, d.items, content)) {
      const type = typeName(d.type, d.items);
      problems.push(
        `${full}: ${path.basename(project.file)} declares type ${type}, and the Pulumi CLI refuses ${JSON.stringify(content)} before the program runs ("Stack '${stackName}' with configuration key '${full}' must be of type '${type}'")`,
      );
    }
  }
  return { config, secretKeys: stack.secretKeys, objectKeys, problems };
}
