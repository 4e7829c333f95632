/** One structured log line. `event` is a stable name that alarms and operators search for. */
export interface LogEntry {
  level: "info" | "warn" | "error";
  event: string;
  [field: string]: unknown;
}

export type Logger = (entry: LogEntry) => void;

/**
 * Writes one JSON line per entry. Errors go to stderr so the runbook's
 * `aws logs tail ... | grep -i error` and the Lambda console's ERROR level both find them.
 */
export function jsonLogger(entry: LogEntry): void {
  const line = JSON.stringify(entry);
  if (entry.level === "error") console.error(line);
  else console.log(line);
}

/** A short, single-line description of anything thrown (fetch hides the useful part in `cause`). */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as { cause?: unknown }).cause;
  const causeText = cause instanceof Error ? `${(cause as { code?: string }).code ?? cause.name}: ${cause.message}` : "";
  return causeText ? `${err.name}: ${err.message} (${causeText})` : `${err.name}: ${err.message}`;
}
