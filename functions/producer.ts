import type { PostConfirmationEvent } from "./events";
import { withDeadline } from "./http";
import { describeError, Logger } from "./log";
import { messageFromAttributes, ProvisioningMessage } from "./message";

/** Only a first confirmation creates a user; `PostConfirmation_ConfirmForgotPassword` must not. */
export const CONFIRM_SIGN_UP = "PostConfirmation_ConfirmSignUp";

/** The log event the producer-error alarm's metric filter matches. */
export const ENQUEUE_FAILED = "enqueue_failed";
/** Logged (never alarmed) when a confirmation carries an unverified email: nothing is enqueued. */
export const EMAIL_UNVERIFIED = "email_unverified";

export interface ProducerDeps {
  /** Sends one message to the provisioning queue. */
  enqueue(message: ProvisioningMessage): Promise<void>;
  log: Logger;
  /** Upper bound for the enqueue, well inside Cognito's 5 s trigger limit. */
  budgetMs: number;
}

/**
 * Cognito PostConfirmation handler. It never throws: a thrown error would fail the user's
 * sign-up, while a missed enqueue is recoverable (`pluto users sync`). Confirmations whose
 * `email_verified` is not true are logged and skipped. Failures are logged as
 * one `enqueue_failed` line naming the user's `sub` (never the event, which may hold tokens),
 * and the component alarms on that line.
 */
export async function handlePostConfirmation<E extends PostConfirmationEvent>(event: E, deps: ProducerDeps): Promise<E> {
  if (event?.triggerSource !== CONFIRM_SIGN_UP) {
    deps.log({ level: "info", event: "trigger_skipped", triggerSource: String(event?.triggerSource) });
    return event;
  }
  const attributes = event.request?.userAttributes;
  // Only a verified address is the person's: onboarding an unverified one would invite and
  // announce whoever typed it. Cognito attribute values are strings ("true"/"false").
  if (String(attributes?.email_verified).toLowerCase() !== "true") {
    deps.log({ level: "warn", event: EMAIL_UNVERIFIED, sub: attributes?.sub ?? null });
    return event;
  }
  const built = messageFromAttributes(attributes);
  if (!built.ok) {
    deps.log({ level: "error", event: ENQUEUE_FAILED, sub: attributes?.sub ?? null, error: built.reason });
    return event;
  }
  try {
    await withDeadline(deps.enqueue(built.message), deps.budgetMs, "enqueue");
    deps.log({ level: "info", event: "enqueued", sub: built.message.sub });
  } catch (err) {
    deps.log({ level: "error", event: ENQUEUE_FAILED, sub: built.message.sub, error: describeError(err) });
  }
  return event;
}
