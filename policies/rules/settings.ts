/**
 * Reading a container's settings: environment, ECS secrets (present, value unreadable), and the
 * command line (entryPoint + command), including values Pulumi does not know until deploy.
 */
import { Container, isUnknown, quote } from "./types";
import { commandWords } from "./shellWords";

// ---------------------------------------------------------------------------------------------
// Reading settings. oauth2-proxy takes each option as OAUTH2_PROXY_<UPPER_SNAKE> or --<kebab>;
// command-line flags win over the environment (viper precedence). A value in ECS `secrets` is
// present but unreadable: `undefined` below.
// ---------------------------------------------------------------------------------------------

export interface Setting {
  /** The variable or flag it was found as: `OAUTH2_PROXY_X` or `--x`. */
  key: string;
  /** Where it was found, for messages: `OAUTH2_PROXY_X=true`, `--x`, `OAUTH2_PROXY_X (from secrets)`. */
  where: string;
  /** undefined when the value cannot be read (an ECS secret or an unknown during preview). */
  value: string | undefined;
  fromCommand: boolean;
}

export const PROXY_ENV_PREFIX = "OAUTH2_PROXY_";

export function envName(flag: string): string {
  return PROXY_ENV_PREFIX + flag.toUpperCase().replace(/-/g, "_");
}

/** `--name=value`, `--name value` and bare `--name` tokens, also inside `sh -c "..."` scripts. */
export interface FlagToken {
  name: string;
  inline?: string;
  next?: string;
  /** The value (inline, or the next word) is computed at run time or unknown until deploy. */
  valueUnknown?: boolean;
}

export function flagTokens(command: string[]): FlagToken[] {
  return readCommand(command).flags;
}

/**
 * The flags of a command line, and the words the rules cannot read that are no flag's value: a
 * `$VAR`, `$(...)` or operator there could be any option.
 */
export function readCommand(command: string[]): { flags: FlagToken[]; unreadable: string[] } {
  const words = commandWords(command);
  const flags: FlagToken[] = [];
  const unreadable: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    const t = w.text;
    if (!t.startsWith("--") || t.length < 3) {
      if (!w.known) unreadable.push(t);
      continue;
    }
    const eq = t.indexOf("=");
    const name = eq > 2 ? t.slice(2, eq) : t.slice(2);
    if (!w.known && name.includes("$")) {
      unreadable.push(t);
      continue;
    }
    if (eq > 2) {
      flags.push({ name, inline: t.slice(eq + 1), ...(w.known ? {} : { valueUnknown: true }) });
      continue;
    }
    const following = words[i + 1];
    const next = following && !following.text.startsWith("-") ? following : undefined;
    flags.push({ name, next: next?.text, ...(next && !next.known ? { valueUnknown: true } : {}) });
    // A boolean flag leaves the next word as an argument; the rules only read it as a value.
    if (next && !next.known) i++;
  }
  return { flags, unreadable };
}

/**
 * Every occurrence of an oauth2-proxy option in a container. `boolean` options never consume the
 * next token (pflag: `--x false` sets x to true and leaves "false" as an argument).
 */
export function proxySettings(c: Container, flag: string, opts: { boolean: boolean; envNames?: string[] }): Setting[] {
  const found: Setting[] = [];
  for (const name of opts.envNames ?? [envName(flag)]) {
    if (Object.prototype.hasOwnProperty.call(c.environment, name)) {
      const value = c.environment[name];
      found.push({ key: name, where: `${name}=${quote(value)}`, value: isUnknown(value) ? undefined : value, fromCommand: false });
    }
    if (c.secrets.includes(name)) found.push({ key: name, where: `${name} (from secrets)`, value: undefined, fromCommand: false });
  }
  for (const f of flagTokens(c.command)) {
    if (f.name !== flag) continue;
    const value = f.inline ?? (opts.boolean ? "true" : (f.next ?? ""));
    const unknownValue = f.valueUnknown && (f.inline !== undefined || !opts.boolean);
    found.push({
      key: `--${flag}`,
      where:
        f.inline !== undefined
          ? `--${flag}=${f.inline}${unknownValue ? " (computed at run time)" : ""}`
          : opts.boolean
            ? `--${flag}`
            : `--${flag} ${value}${unknownValue ? " (computed at run time)" : ""}`,
      value: unknownValue || isUnknown(value) ? undefined : value,
      fromCommand: true,
    });
  }
  return found;
}

export const FALSE_WORDS = ["false", "0", "no", "off", "f"];

/** undefined (unreadable) counts as "not false": a setting we cannot read could be on. */
export function isFalse(value: string | undefined): boolean {
  return value !== undefined && FALSE_WORDS.includes(value.trim().toLowerCase());
}

/**
 * The effective value of a boolean oauth2-proxy option: the command line wins over the
 * environment; empty environment values are ignored (viper treats them as unset).
 * Returns the deciding setting (undefined: the option's default applies).
 */
export function effectiveBoolean(c: Container, flag: string): Setting | undefined {
  const all = proxySettings(c, flag, { boolean: true }).filter((s) => s.fromCommand || s.value === undefined || s.value.trim() !== "");
  const fromCommand = all.filter((s) => s.fromCommand);
  return (fromCommand.length ? fromCommand : all).slice(-1)[0];
}

export function booleanOn(c: Container, flag: string, defaultValue: boolean): boolean {
  const s = effectiveBoolean(c, flag);
  return s === undefined ? defaultValue : !isFalse(s.value);
}

export function settingNames(c: Container): string[] {
  return [...Object.keys(c.environment), ...c.secrets];
}

export function envValue(c: Container, name: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(c.environment, name) ? c.environment[name] : undefined;
}
