import * as fs from "fs";
import * as YAML from "yaml";
import { CliError } from "../errors";

/** Stands in for a `secure:` value: synth has no key to decrypt it and never needs the real value. */
export const SECRET_PLACEHOLDER = "synth-placeholder-secret";

export interface StackConfig {
  /** Flat config as Pulumi's runtime holds it: `ns:key` → string (objects as JSON). */
  config: Record<string, string>;
  /** Keys whose values are secret. */
  secretKeys: string[];
  /** Keys whose values are structured (a YAML mapping or list, or null), handed over as JSON text. */
  objectKeys: string[];
}

/**
 * Reads a `Pulumi.<stack>.yaml` file the way the Pulumi CLI hands config to a program:
 * scalars as strings, structured values as JSON, `secure:` values marked secret. A key with no
 * value (`pluto:key:`) is YAML null, which the CLI keeps as the JSON text `null`
 * (pulumi/pulumi v3.248.0 sdk/go/common/resource/config/object.go: `unmarshalObject` and
 * `MarshalString`). Pulumi.yaml's defaults are not applied here (`readStackForProgram` in programConfig.ts does),
 * so live commands read a stack's names without loading Pulumi.
 */
export function readStackConfig(file: string): StackConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why =
      err.code === "ENOENT" ? "no such file" : err.code === "EISDIR" ? "it is a directory (give a Pulumi.<stack>.yaml file, or --stack NAME)" : err.message;
    throw new CliError(`cannot read stack config ${file}: ${why}`);
  }
  let doc: unknown;
  try {
    doc = YAML.parse(text);
  } catch (e) {
    throw new CliError(`${file} is not valid YAML: ${String((e as Error).message).split("\n")[0]}`);
  }
  const section: unknown = (doc as { config?: unknown } | null | undefined)?.config ?? {};
  if (typeof section !== "object" || section === null || Array.isArray(section)) throw new CliError(`${file}: \`config\` must be a mapping of keys to values`);
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  const objectKeys: string[] = [];
  for (const [key, value] of Object.entries(section as Record<string, unknown>)) {
    if (!key.includes(":")) throw new CliError(`${file}: config key "${key}" needs a namespace, e.g. pluto:${key}`);
    if (value && typeof value === "object" && !Array.isArray(value) && "secure" in value) {
      // An empty `secure:` decrypts to nothing; hand the program an empty secret so it can say so.
      const cipher = value.secure;
      config[key] = typeof cipher === "string" && cipher.trim() !== "" ? SECRET_PLACEHOLDER : "";
      secretKeys.push(key);
    } else if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
      config[key] = String(value);
    } else {
      // A list, a map or null (a key written with no value), as the CLI keeps it: JSON text.
      config[key] = JSON.stringify(value);
      objectKeys.push(key);
    }
  }
  return { config, secretKeys, objectKeys };
}
