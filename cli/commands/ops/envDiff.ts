import type { TaskDefinition } from "@aws-sdk/client-ecs";
import { table } from "./format";
import { isSecretSetting } from "../../../policies/rules";

/** One container of a task definition, as far as configuration drift is concerned. */
export interface ContainerSnapshot {
  name: string;
  image?: string;
  environment: Record<string, string>;
  /** ECS `secrets`: name → valueFrom ARN (the value itself never leaves Secrets Manager). */
  secrets: Record<string, string>;
  /** Container command; oauth2-proxy settings can hide here as flags. */
  command?: string[];
}

export interface Change {
  kind: "added" | "removed" | "changed";
  name: string;
  before?: string;
  after?: string;
}

export interface ContainerDiff {
  container: string;
  status: "added" | "removed" | "changed" | "unchanged";
  image?: { before?: string; after?: string };
  command?: { before: string; after: string };
  environment: Change[];
  secrets: Change[];
}

export const HIDDEN = "<hidden>";

/**
 * Plain settings whose values must never be printed (they should be ECS secrets anyway): whatever
 * the policy pack calls a secret (`isSecretSetting`, one definition), and, erring on the side of
 * hiding, any name that merely contains a credential word, and DATABASE_URL whatever it holds.
 */
export function looksSecret(name: string, value = ""): boolean {
  return isSecretSetting(name, value) || /(SECRET|PASSWORD|TOKEN|API_?KEY|PRIVATE_KEY|MASTER_KEY)/i.test(name) || name.toUpperCase() === "DATABASE_URL";
}

export function snapshotContainers(td: TaskDefinition | undefined): ContainerSnapshot[] {
  return (td?.containerDefinitions ?? []).map((c) => ({
    name: c.name ?? "(unnamed)",
    image: c.image,
    environment: Object.fromEntries((c.environment ?? []).filter((e) => e.name).map((e): [string, string] => [e.name!, e.value ?? ""])),
    secrets: Object.fromEntries((c.secrets ?? []).filter((s) => s.name).map((s): [string, string] => [s.name!, s.valueFrom ?? ""])),
    ...(c.command ? { command: c.command } : {}),
  }));
}

function diffMaps(before: Record<string, string>, after: Record<string, string>, mask: (name: string, v: string) => string): Change[] {
  const changes: Change[] = [];
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  for (const name of names) {
    const inA = Object.prototype.hasOwnProperty.call(before, name);
    const inB = Object.prototype.hasOwnProperty.call(after, name);
    if (inA && !inB) changes.push({ kind: "removed", name, before: mask(name, before[name]) });
    else if (!inA && inB) changes.push({ kind: "added", name, after: mask(name, after[name]) });
    else if (before[name] !== after[name]) changes.push({ kind: "changed", name, before: mask(name, before[name]), after: mask(name, after[name]) });
  }
  return changes;
}

const maskEnv = (name: string, value: string) => (looksSecret(name, value) ? HIDDEN : value);
const keepArn = (_name: string, value: string) => value;

/** Container-by-container differences from `a` to `b`; secret-looking env values come out as `<hidden>`. */
export function diffContainers(a: ContainerSnapshot[], b: ContainerSnapshot[]): ContainerDiff[] {
  const names = [...new Set([...a.map((c) => c.name), ...b.map((c) => c.name)])];
  return names.map((container) => {
    const before = a.find((c) => c.name === container);
    const after = b.find((c) => c.name === container);
    const environment = diffMaps(before?.environment ?? {}, after?.environment ?? {}, maskEnv);
    const secrets = diffMaps(before?.secrets ?? {}, after?.secrets ?? {}, keepArn);
    const image = before?.image !== after?.image ? { before: before?.image, after: after?.image } : undefined;
    const [cmdA, cmdB] = [(before?.command ?? []).join(" "), (after?.command ?? []).join(" ")];
    const command = cmdA !== cmdB ? { before: cmdA, after: cmdB } : undefined;
    const status = !before ? "added" : !after ? "removed" : image || command || environment.length || secrets.length ? "changed" : "unchanged";
    return { container, status, ...(image ? { image } : {}), ...(command ? { command } : {}), environment, secrets };
  });
}

export function hasDifferences(diffs: ContainerDiff[]): boolean {
  return diffs.some((d) => d.status !== "unchanged");
}

const SIGN = { added: "+", removed: "-", changed: "~" } as const;

function changeRow(kind: "env" | "secret", c: Change): string[] {
  const show = (v?: string) => (kind === "secret" ? ` from ${v}` : `=${v}`);
  if (c.kind === "added") return [SIGN.added, kind, `${c.name}${show(c.after)}`];
  if (c.kind === "removed") return [SIGN.removed, kind, `${c.name}${show(c.before)}`];
  const value = c.before === HIDDEN ? "value changed (hidden)" : `${c.before} -> ${c.after}`;
  return [SIGN.changed, kind, `${c.name}: ${value}`];
}

/** Human lines for a diff: one heading per container, one aligned line per change. */
export function formatDiff(diffs: ContainerDiff[], indent = ""): string[] {
  const lines: string[] = [];
  for (const d of diffs) {
    if (d.status === "unchanged") {
      lines.push(`${indent}${d.container}: no changes`);
      continue;
    }
    lines.push(`${indent}${d.container}${d.status === "changed" ? "" : ` (container ${d.status})`}`);
    const rows: string[][] = [];
    if (d.image) rows.push(["~", "image", `${d.image.before ?? "(none)"} -> ${d.image.after ?? "(none)"}`]);
    if (d.command) rows.push(["~", "command", `${d.command.before || "(none)"} -> ${d.command.after || "(none)"}`]);
    for (const c of d.environment) rows.push(changeRow("env", c));
    for (const c of d.secrets) rows.push(changeRow("secret", c));
    for (const row of table(rows)) lines.push(`${indent}  ${row}`);
  }
  return lines;
}

/** Counts for a one-line summary ("2 added, 1 removed, 3 changed"). */
export function countChanges(diffs: ContainerDiff[]): { added: number; removed: number; changed: number } {
  const all = diffs.flatMap((d) => [...d.environment, ...d.secrets]);
  return {
    added: all.filter((c) => c.kind === "added").length,
    removed: all.filter((c) => c.kind === "removed").length,
    changed: all.filter((c) => c.kind === "changed").length + diffs.filter((d) => d.image).length + diffs.filter((d) => d.command).length,
  };
}
