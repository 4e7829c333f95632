import * as fs from "fs";

/**
 * What a command may touch of the outside world. Commands take an `Io` instead of using
 * `process` directly so that tests can capture output and pretend to be (or not be) a TTY.
 */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** True when a person is at the terminal (stdin is a TTY); gates confirmation prompts. */
  isTTY: boolean;
  /** Environment variables (AWS_REGION, AWS_PROFILE, ...). */
  env: NodeJS.ProcessEnv;
  /** All of standard input (for `pluto lint -`); throws like a file read when it cannot be read. */
  readStdin(): string;
}

export function processIo(): Io {
  return {
    out: (text) => process.stdout.write(text.endsWith("\n") ? text : text + "\n"),
    err: (text) => process.stderr.write(text.endsWith("\n") ? text : text + "\n"),
    isTTY: Boolean(process.stdin.isTTY),
    env: process.env,
    readStdin: () => fs.readFileSync(0, "utf8"),
  };
}

/** An Io that records everything, for tests. */
export function memoryIo(opts: { isTTY?: boolean; env?: NodeJS.ProcessEnv; stdin?: string } = {}): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (text) => void stdout.push(text),
    err: (text) => void stderr.push(text),
    isTTY: opts.isTTY ?? false,
    env: opts.env ?? {},
    readStdin: () => opts.stdin ?? "",
  };
}
