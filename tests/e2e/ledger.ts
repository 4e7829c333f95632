// The per-scenario accounting the e2e runner prints: every confirmed sign-up must end as an
// Open WebUI user or as a message in the DLQ (where an operator can redrive it). Anything else
// is lost.

export interface ScenarioCount {
  scenario: string;
  signUpsIn: number;
  usersCreated: number;
  inDlq: number;
  lost: number;
}

/** The email a DLQ body names, if it is a provisioning message at all. */
function emailOf(body: string): string | undefined {
  try {
    const email = JSON.parse(body)?.email;
    return typeof email === "string" ? email.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * lost = sign-ups in − (users created + DLQ messages whose users were not created).
 * `usersCreated` counts signed-up emails present in Open WebUI; `inDlq` counts every DLQ message.
 */
export function account(scenario: string, signedUp: string[], openWebUiEmails: Iterable<string>, dlqBodies: string[]): ScenarioCount {
  const wanted = new Set(signedUp.map((e) => e.toLowerCase()));
  const created = new Set([...openWebUiEmails].map((e) => e.toLowerCase()).filter((e) => wanted.has(e)));
  const waiting = new Set(dlqBodies.map(emailOf).filter((e): e is string => e !== undefined && wanted.has(e) && !created.has(e)));
  return { scenario, signUpsIn: wanted.size, usersCreated: created.size, inDlq: dlqBodies.length, lost: wanted.size - created.size - waiting.size };
}

export function formatCount(c: ScenarioCount): string {
  return `${c.scenario}: sign-ups in ${c.signUpsIn} / users created ${c.usersCreated} / in DLQ ${c.inDlq} / lost ${c.lost}`;
}

/** Filled by the scenarios, printed by the runner after mocha's own report. */
export const ledger: ScenarioCount[] = [];
