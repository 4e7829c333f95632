// The deployed timeout rules of the onboarding worker, scaled down together so that the e2e runs
// the same race in seconds instead of minutes: the worker's Lambda timeout, the queue's visibility
// timeout and the worker's n8n timeout (HTTP_TIMEOUT_MS) are all read from the synthesised program
// and divided by one factor, so every ratio between them (visibility = 6 x timeout; the n8n call
// well inside the timeout) is the deployed one. The triggers keep their deployed timings: Cognito
// gives them 5 s, and the producer's enqueue budget lives inside that.

/**
 * Divides every worker-side duration; 15 turns the deployed 30 s / 180 s / 8 s into 2 s / 12 s /
 * 533 ms. The n8n behind the worker is the real one, whose answers do not shrink with the scale: an
 * invitation takes 25-45 ms on an idle machine, and the e2e's front hands n8n one at a time
 * (n8nFront.ts), so a wave of 10 fits the deadline. 30 (267 ms) left no room for it; 10 (3 s) would
 * put the worker's cut-off level with the SNS client's own 3 s attempt timeout, which scenario 11
 * needs to be the later of the two.
 */
export const DEFAULT_TIME_SCALE = 15;

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
