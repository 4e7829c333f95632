/**
 * The lines `pluto synth` ends with: the stack outputs (unless --quiet) and one summary line with
 * the resource count, the policy pack's result and the output names, so a CI log or a terminal shows
 * the verdict at the bottom whatever else was printed.
 */
import { Policies } from "@pulumi/policy";
import { plural, table } from "../commands/ops/format";
import type { PolicyViolation } from "../../policies/runPolicies";
import type { SynthResult } from "./harness";

/** Policies the pack runs without a config (those not disabled by default). */
export function policiesRun(policies: Policies): number {
  return policies.filter((p) => p.enforcementLevel !== "disabled").length;
}

/** One output per line; values AWS would compute are the mocks' stand-ins under synth. */
export function outputLines(outputs: Record<string, unknown>): string[] {
  const rows = Object.entries(outputs).map(([k, v]) => [`  ${k}`, typeof v === "string" ? v : JSON.stringify(v)]);
  return rows.length ? ["outputs (ids and ARNs are the offline mocks' stand-ins):", ...table(rows)] : [];
}

export function summaryLine(result: Pick<SynthResult, "project" | "stack" | "resources" | "outputs">, violations: PolicyViolation[], policies: number): string {
  const mandatory = violations.filter((v) => v.level === "mandatory").length;
  const outputs = Object.keys(result.outputs);
  return [
    `${result.project} (${result.stack}): ${plural(result.resources.length, "resource")}`,
    `policy pack: ${plural(policies, "policy", "policies")} run, ${mandatory} mandatory, ${violations.length - mandatory} advisory`,
    `${plural(outputs.length, "output")}${outputs.length ? `: ${outputs.join(", ")}` : ""}`,
  ].join("; ");
}
