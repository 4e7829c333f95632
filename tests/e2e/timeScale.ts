// The deployed timeout rules of the onboarding worker, scaled down together so that the e2e runs
// the same race in seconds instead of minutes: the worker's Lambda timeout, the queue's visibility
// timeout and the worker's n8n timeout (HTTP_TIMEOUT_MS) are all read from the synthesised program
// and divided by one factor, so every ratio between them (visibility = 6 x timeout; the n8n call
// well inside the timeout) is the deployed one. The triggers keep their deployed timings: Cognito
// gives them 5 s, and the producer's enqueue budget lives inside that.

/**
 * Divides every worker-side duration; 6 turns the deployed 30 s / 180 s / 8 s into 5 s / 30 s /
 * 1333 ms. The n8n behind the worker is the real one, whose answers do not shrink with the scale: an
 * invitation takes 25-45 ms on an idle machine, but on a busy 2-CPU machine (load ~18) a wave of 10
 * took over a second even handed over one at a time (n8nFront.ts). 30 (267 ms) and 15 (533 ms)
 * timed such waves out and the retries, not the scenarios, decided the outcome. 6 also keeps the
 * worker's cut-off (5 s) before the SNS client's own give-up (2 attempts of 3 s), which scenario 11
 * needs. A run takes longer: each retry waits 30 s.
 */
export const DEFAULT_TIME_SCALE = 6;

/** What the program deploys (seconds and milliseconds as the resources carry them). */
export interface DeployedTimeouts {
  /** The worker function's `timeout`. */
  workerTimeoutSeconds: number;
  /** The onboarding queue's `visibilityTimeoutSeconds`. */
  visibilityTimeoutSeconds: number;
  /** The worker's HTTP_TIMEOUT_MS: its deadline for the n8n call. */
  httpTimeoutMs: number;
}

/** The same durations divided by `factor`. */
export interface ScaledTimeouts {
  factor: number;
  workerTimeoutMs: number;
  /** Whole seconds: SQS (and fauxqs) take the visibility timeout as an integer. */
  visibilityTimeoutSeconds: number;
  httpTimeoutMs: number;
}

/** The factor from PLUTO_E2E_TIME_SCALE (a slower machine may need a smaller one), else the default. */
export function timeScaleFrom(env: Record<string, string | undefined>): number {
  const raw = env.PLUTO_E2E_TIME_SCALE?.trim();
  if (!raw) return DEFAULT_TIME_SCALE;
  const factor = Number(raw);
  if (!Number.isInteger(factor) || factor < 1) throw new Error(`PLUTO_E2E_TIME_SCALE must be a positive integer, got "${raw}"`);
  return factor;
}

/**
 * Divides the deployed durations by `factor`. The visibility timeout must come out in whole
 * seconds (SQS's `VisibilityTimeout` is an integer); any factor that divides it does.
 */
export function scaleTimeouts(deployed: DeployedTimeouts, factor: number): ScaledTimeouts {
  const visibility = deployed.visibilityTimeoutSeconds / factor;
  if (!Number.isInteger(visibility)) {
    throw new Error(
      `the queue's visibility timeout (${deployed.visibilityTimeoutSeconds} s) divided by the time scale ${factor} is not a whole number of seconds; choose a factor that divides it`,
    );
  }
  return {
    factor,
    workerTimeoutMs: (deployed.workerTimeoutSeconds * 1000) / factor,
    visibilityTimeoutSeconds: visibility,
    httpTimeoutMs: Math.round(deployed.httpTimeoutMs / factor),
  };
}
