import { ReportViolation } from "@pulumi/policy";

/**
 * Reports a violation as advisory whatever the policy's level, with the object form of
 * reportViolation that the policy server accepts (its TypeScript signature only declares the
 * string form). Used for a weaker form of a mandatory policy's problem, and for what a policy
 * could not look at.
 */
export function reportAdvisory(reportViolation: ReportViolation, message: string, urn?: string): void {
  const report = reportViolation as unknown as (v: { message: string; enforcementLevel: "advisory"; urn?: string }) => void;
  report({ message, enforcementLevel: "advisory", ...(urn ? { urn } : {}) });
}

/**
 * Reports that a policy could not look at a resource (unknown during preview, malformed input) as an
 * advisory violation: the engine's own convention for unknowns, so a preview is not blocked but the
 * gap is never silent.
 */
export function reportUnchecked(reportViolation: ReportViolation, message: string, urn?: string): void {
  reportAdvisory(reportViolation, message, urn);
}
