/**
 * The `config:` block of Pulumi.yaml, generated from the configuration schema (config/schema/):
 * each key's `type`, `secret`, `default` and `description` as its `KeySpec` declares them. The
 * rest of the file (the project, the `template:` block and the comments above `config:`) is kept
 * as written. `npm run generate` rewrites the file; tests/stack/projectConfig.spec.ts fails when
 * the committed copy differs from what the schema generates.
 */
import * as fs from "fs";
import * as path from "path";
import * as prettier from "prettier";
import YAML from "yaml";
import { KEYS } from "../../config";
import { KeySpec } from "../../config/schema/fields";

/** Where the generated block starts: the top-level `config:` key, the last in the file. */
const CONFIG_BLOCK = /^config:\s*$/m;

/** One key's declaration, in the order Pulumi's own examples give the fields. */
function declaration(spec: KeySpec<unknown>): Record<string, unknown> {
  return {
    ...(spec.type ? { type: spec.type } : {}),
    ...(spec.secret ? { secret: true } : {}),
    ...(spec.default !== undefined ? { default: spec.default } : {}),
    description: spec.description,
  };
}

/** The `config:` block as YAML text (before Prettier lays it out). */
export function configBlock(): string {
  const config = Object.fromEntries(Object.entries(KEYS).map(([key, spec]) => [`pluto:${key}`, declaration(spec as KeySpec<unknown>)]));
  const doc = new YAML.Document({ config });
  // Long descriptions as folded blocks (`>-`), the way the file was written by hand; short ones on their line.
  YAML.visit(doc, {
    Pair(_, pair) {
      if (YAML.isScalar(pair.key) && pair.key.value === "description" && YAML.isScalar(pair.value) && String(pair.value.value).length > 120)
        pair.value.type = "BLOCK_FOLDED";
    },
    Seq(_, seq) {
      seq.flow = true;
    },
    Map(_, map) {
      if (map.items.length === 0) map.flow = true;
    },
  });
  return doc.toString({ lineWidth: 100, minContentWidth: 20 });
}

/** `current` (the text of Pulumi.yaml) with its `config:` block generated from the schema, laid out as Prettier lays out YAML. */
export async function projectYaml(current: string, file: string): Promise<string> {
  const at = CONFIG_BLOCK.exec(current)?.index;
  if (at === undefined) throw new Error(`${file}: no top-level \`config:\` block to generate`);
  const text = current.slice(0, at) + configBlock();
  const options = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(text, { ...options, filepath: file });
}

/** Rewrites `<root>/Pulumi.yaml`; true when it changed. */
export async function writeProjectYaml(root: string): Promise<boolean> {
  const file = path.join(root, "Pulumi.yaml");
  const current = fs.readFileSync(file, "utf8");
  const next = await projectYaml(current, file);
  if (next === current) return false;
  fs.writeFileSync(file, next);
  return true;
}
