// The per-scenario accounting the e2e runner prints. A confirmed sign-up is onboarded when the
// administrators' notice about it was delivered (the worker sends it only after the n8n
// invitation, when n8n is deployed, succeeded). Every confirmed sign-up must end onboarded or as
// a message in the DLQ (where an operator can redrive it); anything else is lost.

export interface ScenarioCount {
  scenario: string;
  signUpsIn: number;
  onboarded: number;
  inDlq: number;
  lost: number;
}

/** The email a DLQ body names, if it is an onboarding message at all. */
function emailOf(body: string): string | undefined {
  try {
    const email = JSON.parse(body)?.email;
    return typeof email === "string" ? email.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * lost = sign-ups in − (onboarded + DLQ messages whose members were not onboarded).
 * `onboarded` counts signed-up emails with a delivered notice; `inDlq` counts every DLQ message.
 */
export function account(scenario: string, signedUp: string[], onboardedEmails: Iterable<string>, dlqBodies: string[]): ScenarioCount {
  const wanted = new Set(signedUp.map((e) => e.toLowerCase()));
  const onboarded = new Set([...onboardedEmails].map((e) => e.toLowerCase()).filter((e) => wanted.has(e)));
  const waiting = new Set(dlqBodies.map(emailOf).filter((e): e is string => e !== undefined && wanted.has(e) && !onboarded.has(e)));
  return { scenario, signUpsIn: wanted.size, onboarded: onboarded.size, inDlq: dlqBodies.length, lost: wanted.size - onboarded.size - waiting.size };
}

export function formatCount(c: ScenarioCount): string {
  return `${c.scenario}: sign-ups in ${c.signUpsIn} / onboarded ${c.onboarded} / in DLQ ${c.inDlq} / lost ${c.lost}`;
}

/** Filled by the scenarios, printed by the runner after mocha's own report. */
export const ledger: ScenarioCount[] = [];
