/**
 * The words of a container's command line as the program receives them. ECS passes entryPoint and
 * command to the program as they are (exec form, no shell), except where they start a shell with a
 * script (`sh -c "..."`); that script is split with a maintained shell-word parser, and anything the
 * shell computes at run time (a variable, a command substitution, a glob, an operator that runs
 * more commands) is a word whose text the rules cannot know.
 */
import { parse } from "shell-quote";
import { isUnknown } from "./types";

export interface Word {
  /** The word, with each run-time part shown as `${NAME}` / the operator. */
  text: string;
  /** False when the shell computes (part of) it at run time, or Pulumi does not know it until deploy. */
  known: boolean;
}

const SHELL = /(^|\/)(sh|bash|dash|ash|zsh|ksh|mksh|busybox)$/;
// A variable's name, fenced by characters no command line contains, so that a variable inside a word
// (`--x=$Y`, `a${B}c`) stays one word and is still seen as run-time text.
const FENCE = "\u0000";

/** The words of one shell script; run-time parts make their word unknown. */
export function shellWords(script: string): Word[] {
  let tokens: ReturnType<typeof parse>;
  try {
    tokens = parse(script, (name: string) => `${FENCE}${name}${FENCE}`);
  } catch {
    return [{ text: script, known: false }];
  }
  const words: Word[] = [];
  for (const t of tokens) {
    if (typeof t === "string") {
      const computed = t.includes(FENCE) || t.includes("`");
      words.push({ text: computed ? t.replace(new RegExp(`${FENCE}([^${FENCE}]*)${FENCE}`, "g"), "$${$1}") : t, known: !computed });
    } else if (typeof t === "object" && t !== null && "comment" in t) {
      break;
    } else {
      // An operator (`;`, `&&`, `|`, `$(`, a redirection) or a glob: the script does more than run one
      // command with fixed words, and what it does is decided at run time.
      const op = t as { op?: string; pattern?: string };
      words.push({ text: op.op === "glob" ? (op.pattern ?? "*") : (op.op ?? "?"), known: false });
    }
  }
  // An unterminated quote is a shell syntax error; shell-quote reads on regardless.
  if (unbalancedQuotes(script)) words.push({ text: "(unterminated quote)", known: false });
  return words;
}

function unbalancedQuotes(script: string): boolean {
  let quote: string | undefined;
  for (let i = 0; i < script.length; i++) {
    const ch = script[i];
    if (quote === undefined && ch === "\\") i++;
    else if (quote === '"' && ch === "\\") i++;
    else if (quote === undefined && (ch === "'" || ch === '"')) quote = ch;
    else if (ch === quote) quote = undefined;
  }
  return quote !== undefined;
}

/** entryPoint + command as words: shell scripts split, everything else literal. */
export function commandWords(command: string[]): Word[] {
  const words: Word[] = [];
  for (let i = 0; i < command.length; i++) {
    const raw = command[i];
    if (isUnknown(raw)) {
      words.push({ text: "(unknown until deploy)", known: false });
      continue;
    }
    const script = i >= 1 && command[i - 1] === "-c" && command.slice(0, i - 1).some((t) => SHELL.test(t));
    // A token with spaces that is no `--flag=value` is read as a script too: ("sh", "-c", "oauth2-proxy --x")
    // and a CMD-style single string hide flags inside one token.
    if (script || (!raw.startsWith("--") && /\s/.test(raw))) words.push(...shellWords(raw));
    else words.push({ text: raw, known: true });
  }
  return words;
}
