/**
 * A failure the user can act on (bad config, unreadable file, missing credentials).
 * The CLI prints only `message` (never a stack trace) and exits with `exitCode`.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = 2,
  ) {
    super(message);
    this.name = "CliError";
  }
}

/** Exit codes shared by every command. */
export const EXIT = { ok: 0, findings: 1, cannotCheck: 2 } as const;
