/**
 * The pure part of the bench: medians, ratios to a floor, units, targets and the markdown table.
 *
 * Absolute times say as much about the machine as about Pluto (the same suite takes 14 s on one
 * machine and 45 s on another of the same kind), so time figures are also given as a ratio to a
 * floor measured in the same run (for synth: a process that only loads the program's
 * dependencies), and their targets are ratios. Runs are paired (floor, then measure), and the
 * ratio is the median of the per-pair ratios, so a burst of load on the machine hits both sides.
 */

export type Unit = "s" | "ms" | "MB" | "B" | "files/s";

export interface Target {
  op: "<=" | ">=";
  value: number;
  /** What the target bounds: the ratio to the floor, or the value itself. Defaults to the value. */
  of?: "ratio" | "value";
}

export interface Floor {
  /** What the floor is, e.g. "mocha + register hook, empty spec". */
  name: string;
  /** One value per run, paired with the measure's values. */
  values: number[];
}

export interface Measure {
  name: string;
  unit: Unit;
  /** One value per run; the table shows their median. */
  values: number[];
  /** The same-run baseline the value is divided by. */
  floor?: Floor;
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

/** Median of the per-run ratios value/floor (runs paired by index); undefined without a usable floor. */
export function ratio(m: Measure): number | undefined {
  const floor = m.floor?.values ?? [];
  const pairs = m.values.map((v, i) => [v, floor[i]]).filter(([v, f]) => f !== undefined && f > 0 && Number.isFinite(v));
  return pairs.length ? median(pairs.map(([v, f]) => v / f)) : undefined;
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

export const formatRatio = (r: number) => `${r.toFixed(2)}×`;

export function formatTarget(target: Target | undefined, unit: Unit): string {
  if (!target) return "—";
  const op = target.op === "<=" ? "≤" : "≥";
  return `${op} ${target.of === "ratio" ? formatRatio(target.value) : formatValue(target.value, unit)}`;
}

export function meetsTarget(value: number, target: Target): boolean {
  return target.op === "<=" ? value <= target.value : value >= target.value;
}

export function status(m: Measure): string {
  if (m.error) return `error: ${m.error}`;
  if (m.values.length === 0) return "not run";
  if (!m.target) return "—";
  const value = m.target.of === "ratio" ? ratio(m) : median(m.values);
  if (value === undefined) return "no floor";
  return meetsTarget(value, m.target) ? "met" : "**missed**";
}

/** `| measure | median | floor | ratio | runs | target | status |`, one row per measure, `|` in text escaped. */
export function renderTable(measures: Measure[]): string {
  const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
  const rows = measures.map((m) => {
    const r = ratio(m);
    return [
      m.name,
      m.values.length === 0 ? "—" : formatValue(median(m.values), m.unit),
      m.floor && m.floor.values.length ? `${m.floor.name}: ${formatValue(median(m.floor.values), m.unit)}` : "—",
      r === undefined ? "—" : formatRatio(r),
      String(m.values.length),
      formatTarget(m.target, m.unit),
      status(m),
    ];
  });
  return [
    "| measure | median | floor (same run) | ratio | runs | target | status |",
    "|---|---:|---|---:|---:|---|---|",
    ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`),
  ].join("\n");
}
