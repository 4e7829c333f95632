/**
 * The building blocks every concern's schema is made of. A `pluto:` key reaches the program as
 * text (or not at all); structured keys as JSON text, the way `pulumi config set --path` stores
 * them. Each block is a zod schema from that raw value to the parsed one, or `null` when the value
 * is wrong, after reporting why as a zod issue. Issues go on with `continue`, so one parse lists
 * every problem at once; `problemsOf` turns them into the lines `pluto synth` prints, each naming
 * its key (`pluto:database.multiAz: …`).
 */
import { z } from "zod";
import { nearest } from "../spelling";

/** The raw values as Pulumi hands them over: strings, with structured keys as JSON text. */
export type RawConfig = Partial<Record<string, string>>;

/** What the parse knows beyond the `pluto:` keys. */
export interface ParseContext {
  /** All `pluto:` keys as given (without the namespace). */
  raw: RawConfig;
  /** `aws:region`. */
  region: string | undefined;
  /** True when the program received googleClientSecret as a secret Output. */
  secretGiven: boolean;
  /** The keys the stack holds encrypted; undefined when the SDK cannot tell. */
  secretKeys: readonly string[] | undefined;
}

/** The `type` Pulumi.yaml may declare for a key. */
export type PulumiType = "string" | "integer" | "boolean";

/** One `pluto:` key, declared once: Pulumi.yaml, the defaults and the validation all follow from it. */
export interface KeySpec<T> {
  /** The key's description in Pulumi.yaml. */
  description: string;
  /** The `type` Pulumi.yaml declares; none where Pulumi's check would refuse a form the program takes. */
  type?: PulumiType;
  /**
   * The default Pulumi.yaml declares: the whole value the Pulumi CLI hands a stack that does not
   * set the key. None for a required key.
   */
  default?: string | number | boolean | object;
  /** Set for a key the stack must set: the hint after "required — ". */
  required?: string;
  /** Stored encrypted (`pulumi config set --secret`). */
  secret?: boolean;
  /** Holds an object whose fields are set with `pulumi config set --path pluto:<key>.<field>`. */
  structured?: boolean;
  /** Raw value → parsed value; null when wrong (an issue says why), null or undefined when not given. */
  schema: (context: ParseContext) => z.ZodType<T | null | undefined, unknown>;
}

export type Ctx = z.RefinementCtx;
type Path = (string | number)[];

/** Reports a problem with the value at the issue's path: printed as `pluto:<path>: <message>`. */
export function report(ctx: Ctx, message: string, path: Path = []): void {
  ctx.addIssue({ code: "custom", message, path, continue: true });
}

/** Reports a problem whose text already names its key (helpers shared with the CLI write these). */
export function reportLine(ctx: Ctx, line: string, opts: { first?: boolean } = {}): void {
  ctx.addIssue({ code: "custom", message: line, params: { line: true, ...opts }, continue: true });
}

/** `["groups", 1, "name"]` → `pluto:groups[1].name`. */
export function keyPath(path: readonly PropertyKey[]): string {
  return "pluto:" + path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join("");
}

type Params = { line?: boolean; first?: boolean } | undefined;
const paramsOf = (i: z.core.$ZodIssue): Params => (i.code === "custom" ? (i.params as Params) : undefined);

/**
 * The issues of a failed parse as problem lines. Those marked `first` (about the configuration as
 * a whole) come first; then, when `keyOrder` is given, each key's problems together in that order
 * (a rule across keys reports with the key it names), an unknown field before its key's other
 * problems; otherwise in the order they were found.
 */
export function problemsOf(issues: readonly z.core.$ZodIssue[], keyOrder: readonly string[] = []): string[] {
  const lines = issues.map((i) => (paramsOf(i)?.line ? i.message : `${keyPath(i.path)}: ${i.message}`));
  const rank = (i: z.core.$ZodIssue, line: string): number[] => {
    if (paramsOf(i)?.first) return [0];
    const key = /^pluto:([A-Za-z0-9]+)/.exec(line)?.[1] ?? "";
    const at = keyOrder.indexOf(key);
    return [1, at < 0 ? keyOrder.length : at, i.message.startsWith("unknown field (") ? 0 : 1];
  };
  const ranked = issues.map((i, n) => ({ line: lines[n], rank: [...rank(i, lines[n]), n] }));
  ranked.sort((a, b) => {
    for (let k = 0; k < Math.max(a.rank.length, b.rank.length); k++) if ((a.rank[k] ?? -1) !== (b.rank[k] ?? -1)) return (a.rank[k] ?? -1) - (b.rank[k] ?? -1);
    return 0;
  });
  return ranked.map((r) => r.line);
}

/**
 * A value read by `read`; `absent` when the key or field is not given (undefined leaves the field
 * out of the parsed object, so a rule can tell "not given" from "wrong", which is null).
 */
export function field<T>(absent: T | null | undefined, read: (value: unknown, ctx: Ctx) => T | null): z.ZodType<T | null | undefined, unknown> {
  return z
    .unknown()
    .optional()
    .transform((v, ctx) => (v === undefined ? absent : read(v, ctx)));
}

/** A value read by `read` whether it is given or not (`read` gets undefined then). */
export function always<T>(read: (value: unknown, ctx: Ctx) => T | null): z.ZodType<T | null, unknown> {
  return z
    .unknown()
    .optional()
    .transform((v, ctx) => read(v, ctx));
}

/** One problem per field not in `known`, without a guess (for fields with names too short to misspell). */
export function strictFields(known: readonly string[]) {
  return (value: Record<string, unknown>, ctx: Ctx): void => {
    for (const f of Object.keys(value)) if (!known.includes(f)) report(ctx, `unknown field (expected one of: ${known.join(", ")})`, [f]);
  };
}

/** A whole number from `min` to `max`, given as a number or as text (`pulumi config set` stores text). */
export function wholeNumber(min: number, max: number): z.ZodType<number | null | undefined, unknown> {
  return field<number>(undefined, (v, ctx) => {
    const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
    if (typeof n === "number" && Number.isInteger(n) && n >= min && n <= max) return n;
    report(ctx, `expected a whole number from ${min} to ${max}, got ${JSON.stringify(v)}`);
    return null;
  });
}

/** true or false, as a boolean or as the text `--path` and YAML leave. */
export function bool(): z.ZodType<boolean | null | undefined, unknown> {
  return field<boolean>(undefined, (v, ctx) => {
    if (v === true || v === "true") return true;
    if (v === false || v === "false") return false;
    report(ctx, `expected true or false, got ${JSON.stringify(v)}`);
    return null;
  });
}

/** A top-level true/false key: any case, spaces ignored (`pulumi config set` stores text); unset is false. */
export function flag(): z.ZodType<boolean | null | undefined, unknown> {
  return field<boolean>(false, (v, ctx) => {
    const given = typeof v === "string" ? v.trim().toLowerCase() : v;
    if (given === "true") return true;
    if (given === "false") return false;
    report(ctx, `expected true or false, got ${JSON.stringify(v)}`);
    return null;
  });
}

/**
 * Text accepted by `check`, which returns why not (printed after the key). Only a string is text:
 * String() would read the list ["x"] as "x" and let it through, so anything else is checked as "".
 */
export function text<T extends string = string>(check: (value: string, given: unknown) => string | undefined): z.ZodType<T | null | undefined, unknown> {
  return field<T>(undefined, (v, ctx) => {
    const value = typeof v === "string" ? v : "";
    const problem = check(value, v);
    if (problem === undefined) return value as T;
    report(ctx, problem);
    return null;
  });
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** One problem per field not in `known`, with the nearest known one as a guess. */
export function unknownFields(known: readonly string[]) {
  return (value: Record<string, unknown>, ctx: Ctx): void => {
    for (const f of Object.keys(value)) {
      if (known.includes(f)) continue;
      const guess = nearest(f, known);
      report(ctx, `unknown field (${guess ? `did you mean ${guess}? ` : ""}expected one of: ${known.join(", ")})`, [f]);
    }
  };
}

/**
 * An object of the fields in `shape`, each read by its own schema; any other field is reported.
 * `notAnObject` is the problem for a value that is not an object, which also lacks the `required`
 * fields. For a field inside a structured key.
 */
export function fieldsOf<S extends z.ZodRawShape>(shape: S, notAnObject: string, required: string[] = []) {
  return z
    .unknown()
    .transform((v, ctx) => {
      if (isObject(v)) return v;
      report(ctx, notAnObject);
      for (const f of required) report(ctx, "required when autoscaling is set", [f]);
      return null;
    })
    .pipe(z.looseObject(shape).superRefine(unknownFields(Object.keys(shape))));
}

/** Reads JSON text, reporting `notJson(raw)` when it does not parse to something `accept` takes. */
function json<T>(accept: (v: unknown) => v is NonNullable<T>, notJson: (raw: string) => string, absent: T) {
  return z
    .string()
    .optional()
    .transform((raw, ctx): T | null => {
      if (raw === undefined) return absent;
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch {
        value = undefined;
      }
      if (accept(value)) return value;
      report(ctx, notJson(raw));
      return null;
    });
}

/**
 * A structured key: JSON text of an object whose fields `shape` reads. Unset reads as `{}`, so each
 * field takes its default; text that is not an object is reported with the `--path` hint.
 */
export function jsonObject<S extends z.ZodRawShape>(key: string, shape: S) {
  return json(isObject, notAnObject(key), {}).pipe(z.looseObject(shape).superRefine(unknownFields(Object.keys(shape))));
}

/** As `jsonObject`, for a key whose absence means something of its own: unset reads as undefined. */
export function optionalJsonObject<S extends z.ZodRawShape>(key: string, shape: S) {
  return json<Record<string, unknown> | undefined>(isObject, notAnObject(key), undefined).pipe(
    z
      .looseObject(shape)
      .superRefine(unknownFields(Object.keys(shape)))
      .optional(),
  );
}

function notAnObject(key: string) {
  return (raw: string) => `expected an object (set fields with \`pulumi config set --path ${key}.<field> <value>\`), got ${JSON.stringify(raw)}`;
}

/** A structured key holding a flat map of names to values, each checked by `entry`. */
export function jsonMap<T>(key: string, entry: (name: string, value: unknown, ctx: Ctx) => T | undefined) {
  return json(isObject, notAnObject(key), {}).transform((obj, ctx) => {
    if (obj === null) return null;
    const out: Record<string, T> = {};
    for (const [name, value] of Object.entries(obj)) {
      const v = entry(name, value, ctx);
      if (v !== undefined) out[name] = v;
    }
    return out;
  });
}

/**
 * A list key as Pulumi hands it over: `pulumi config set --path 'pluto:key[0]' value` stores a
 * YAML list, which reaches the program as JSON text. Anything else is reported with that hint;
 * `example` follows `pluto:key[0]` in it (`' value`, or `.field' value` for a list of objects).
 */
export function jsonList(key: string, example: string, noun = "a list") {
  return json(
    Array.isArray,
    (raw) => `expected ${noun} (set items with \`pulumi config set --path 'pluto:${key}[0]${example}\`), got ${JSON.stringify(raw)}`,
    [] as unknown[],
  );
}

/**
 * A list of text items, trimmed, lower-cased and without repeats; each item checked by `check`
 * (why not, printed after the item's key). Null when any item is wrong.
 */
export function textList(key: string, example: string, check: (item: string) => string | undefined) {
  return jsonList(key, `' ${example}`).transform((items, ctx) => {
    if (items === null) return null;
    const out: string[] = [];
    let wrong = false;
    items.forEach((item, i) => {
      if (typeof item === "string" && item.trim() !== "") out.push(item.trim().toLowerCase());
      else {
        report(ctx, `expected a non-empty string, got ${JSON.stringify(item)}`, [i]);
        wrong = true;
      }
    });
    const unique = [...new Set(out)];
    unique.forEach((item, i) => {
      const problem = check(item);
      if (problem) {
        report(ctx, problem, [i]);
        wrong = true;
      }
    });
    return wrong ? null : unique;
  });
}
