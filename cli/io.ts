import * as fs from "fs";
import { CliError } from "./errors";

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
  /** All of standard input (for `pluto lint -`); rejects like a file read when it cannot be read. */
  readStdin(): string | Promise<string>;
}

/** The most `pluto lint` reads from one file or standard input; a task definition export is a few KiB. */
export const MAX_INPUT_BYTES = 16 * 1024 * 1024;

export const tooLarge = (what: string) => `${what} is larger than ${MAX_INPUT_BYTES / 1024 / 1024} MiB, far more than any task definition; not read`;

/**
 * All of standard input, read as a stream: the TTY check may have left fd 0 non-blocking, where a
 * synchronous read of a pipe fails with EAGAIN as soon as the writer is slower than the reader
 * (anything over the 64 KiB a pipe buffers). Limited to MAX_INPUT_BYTES.
 */
export async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    const b = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    total += b.length;
    if (total > MAX_INPUT_BYTES) {
      (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
      throw new Error(tooLarge("standard input"));
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export function processIo(): Io {
  return {
    out: (text) => process.stdout.write(text.endsWith("\n") ? text : text + "\n"),
    err: (text) => process.stderr.write(text.endsWith("\n") ? text : text + "\n"),
    isTTY: Boolean(process.stdin.isTTY),
    env: process.env,
    // A stream, never readFileSync(0): fd 0 may be non-blocking (EAGAIN on a pipe over 64 KiB).
    readStdin: () => readStream(process.stdin),
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

/**
 * Where `--json` sends its document, the one convention of `synth`, `plan-summary` and `lint`: bare
 * `--json` or `--json -` is standard output (the human lines then go to stderr), `--json FILE` a
 * file. A value that looks like an option (`--json=--quiet`) is refused rather than created.
 */
export function jsonTarget(value: string | boolean | undefined): "stdout" | { file: string } | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true || value === "-") return "stdout";
  if (value.startsWith("-"))
    throw new CliError(`--json ${value}: that is an option, not a file name (\`--json FILE\` writes a file, \`--json\` or \`--json -\` prints to stdout)`);
  return { file: value };
}

/** Writes a file a command was asked for (`--diagram FILE`), refusing an option-looking name like `jsonTarget`. */
export function writeText(file: string, text: string): void {
  if (file.startsWith("-")) throw new CliError(`${file}: that is an option, not a file name`);
  try {
    fs.writeFileSync(file, text);
  } catch (e) {
    throw new CliError(`cannot write ${file}: ${(e as Error).message}`);
  }
}

/** Writes `doc` as indented JSON where `jsonTarget` said. */
export function writeJson(io: Io, target: "stdout" | { file: string }, doc: unknown): void {
  const text = JSON.stringify(doc, null, 2);
  if (target === "stdout") return io.out(text);
  try {
    fs.writeFileSync(target.file, text + "\n");
  } catch (e) {
    throw new CliError(`cannot write ${target.file}: ${(e as Error).message}`);
  }
}
