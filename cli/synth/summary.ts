/**
 * The lines `pluto synth` ends with: the stack outputs (unless --quiet) and one summary line with
 * the resource count, the policy pack's result and the output names, so a CI log or a terminal shows
 * the verdict at the bottom whatever else was printed.
 */
import { Policies } from "@pulumi/policy";
import { plural, table } from "../commands/ops/format";
import type { PolicyViolation } from "../../policies/runPolicies";
import type { SynthResult } from "./harness";
import { servingAfterUp } from "../plan/durations";

/** Policies the pack runs without a config (those not disabled by default). */
export function policiesRun(policies: Policies): number {
  return policies.filter((p) => p.enforcementLevel !== "disabled").length;
}

/** One output per line; values AWS would compute are the mocks' stand-ins under synth. */
export function outputLines(outputs: Record<string, unknown>): string[] {
  const rows = Object.entries(outputs).map(([k, v]) => [`  ${k}`, typeof v === "string" ? v : JSON.stringify(v)]);
  return rows.length ? ["outputs (ids and ARNs are the offline mocks' stand-ins):", ...table(rows)] : [];
}

export function summaryLine(
  result: Pick<SynthResult, "project" | "stack" | "resources" | "outputs">,
  violations: PolicyViolation[],
  policies: number,
  warnings = 0,
): string {
  const mandatory = violations.filter((v) => v.level === "mandatory").length;
  const outputs = Object.keys(result.outputs);
  return [
    `${result.project} (${result.stack}): ${plural(result.resources.length, "resource")}`,
    `policy pack: ${plural(policies, "policy", "policies")} run, ${mandatory} mandatory, ${violations.length - mandatory} advisory`,
    plural(warnings, "warning"),
    `${plural(outputs.length, "output")}${outputs.length ? `: ${outputs.join(", ")}` : ""}`,
  ].join("; ");
}

/**
 * What the operator must do outside this program, and what to expect after `pulumi up`: the Google
 * client's redirect URI (Cognito's federation endpoint, `https://<auth domain>/oauth2/idpresponse`,
 * AWS Cognito developer guide "Adding social identity providers to a user pool"), and that the app
 * answers only some minutes after `up` ends (see `servingAfterUp`).
 */
export function nextSteps(result: Pick<SynthResult, "outputs" | "resources">): string[] {
  const lines: string[] = [];
  const auth = result.outputs.authDomain;
  if (typeof auth === "string") lines.push(`Google OAuth client: add https://${auth}/oauth2/idpresponse to its authorised redirect URIs`);
  const wait = servingAfterUp(result.resources);
  if (wait && typeof result.outputs.appUrl === "string")
    lines.push(
      `after \`pulumi up\` ends, ${result.outputs.appUrl} is not serving yet: ECS starts the tasks then; allow about ${Math.round(wait.seconds / 60)} min, at most ${Math.round(wait.upToSeconds / 60)} (\`pluto plan-summary\`)`,
    );
  return lines;
}
