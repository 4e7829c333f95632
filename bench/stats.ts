/** The pure part of the bench: medians, units, targets and the markdown table. */

export type Unit = "s" | "ms" | "MB" | "B" | "files/s";

export interface Target {
  op: "<=" | ">=";
  value: number;
}

export interface Measure {
  name: string;
  unit: Unit;
  /** One value per run; the table shows their median. */
  values: number[];
  target?: Target;
  /** Why a measure has no value (a failed child, a missing tool); shown instead of a status. */
  error?: string;
}

export function median(values: number[]): number {
  if (values.length === 0) throw new Error("median of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const grouped = (n: number, digits = 0) => n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

export function formatValue(value: number, unit: Unit): string {
  switch (unit) {
    case "s":
      return `${value.toFixed(2)} s`;
    case "ms":
      return `${value < 10 ? value.toFixed(3) : value.toFixed(1)} ms`;
    case "MB":
      return `${value.toFixed(1)} MB`;
    case "B":
      return `${grouped(value)} B (${(value / 1024).toFixed(1)} KB)`;
    case "files/s":
      return `${grouped(value)} files/s`;
  }
}

export function formatTarget(target: Target | undefined, unit: Unit): string {
  return target ? `${target.op === "<=" ? "≤" : "≥"} ${formatValue(target.value, unit)}` : "—";
}

export function meetsTarget(value: number, target: Target): boolean {
  return target.op === "<=" ? value <= target.value : value >= target.value;
}

export function status(m: Measure): string {
  if (m.error) return `error: ${m.error}`;
  if (m.values.length === 0) return "not run";
  if (!m.target) return "—";
  return meetsTarget(median(m.values), m.target) ? "met" : "**missed**";
}

/** `| measure | median | runs | target | status |`, one row per measure, `|` in text escaped. */
export function renderTable(measures: Measure[]): string {
  const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
  const rows = measures.map((m) => [
    m.name,
    m.values.length === 0 ? "—" : formatValue(median(m.values), m.unit),
    String(m.values.length),
    formatTarget(m.target, m.unit),
    status(m),
  ]);
  return [
    "| measure | median | runs | target | status |",
    "|---|---:|---:|---|---|",
    ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`),
  ].join("\n");
}
