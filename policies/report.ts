import { ReportViolation } from "@pulumi/policy";

/**
 * Reports that a policy could not look at a resource (unknown during preview, malformed input) as an
 * advisory violation, whatever the policy's level: the engine's own convention for unknowns, so a
 * preview is not blocked but the gap is never silent. Uses the object form of reportViolation that
 * the policy server accepts (its TypeScript signature only declares the string form).
 */
export function reportUnchecked(reportViolation: ReportViolation, message: string, urn?: string): void {
  const report = reportViolation as unknown as (v: { message: string; enforcementLevel: "advisory"; urn?: string }) => void;
  report({ message, enforcementLevel: "advisory", ...(urn ? { urn } : {}) });
}
