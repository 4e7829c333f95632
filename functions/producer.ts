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
/** Logged (never alarmed) when the name enqueued is not the `name` attribute as given: cut, or passed over for a forbidden character. */
export const NAME_ADJUSTED = "name_adjusted";

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
 * `email_verified` is not true are logged and skipped. Failures, including attributes no
 * message may carry (`messageFromAttributes`: a control character in the email, say), are
 * logged as one `enqueue_failed` line naming the user's `sub` and the reason (never the event,
 * which may hold tokens, nor the attribute values), and the component alarms on that line.
 */
export async function handlePostConfirmation<E extends PostConfirmationEvent>(event: E, deps: ProducerDeps): Promise<E> {
  try {
    await enqueueMember(event, deps);
  } catch (err) {
    // Only a failing logger gets here (the event is parsed JSON); the sign-up must still go through.
    try {
      deps.log({ level: "error", event: ENQUEUE_FAILED, sub: null, error: `unexpected ${err instanceof Error ? err.name : typeof err}` });
    } catch {
      // Nothing is left to report with.
    }
  }
  return event;
}

async function enqueueMember(event: PostConfirmationEvent, deps: ProducerDeps): Promise<void> {
  if (event?.triggerSource !== CONFIRM_SIGN_UP) {
    deps.log({ level: "info", event: "trigger_skipped", triggerSource: String(event?.triggerSource) });
    return;
  }
  const attributes = event.request?.userAttributes;
  // Only a verified address is the person's: onboarding an unverified one would invite and
  // announce whoever typed it. Cognito attribute values are strings ("true"/"false").
  if (String(attributes?.email_verified).toLowerCase() !== "true") {
    deps.log({ level: "warn", event: EMAIL_UNVERIFIED, sub: attributes?.sub ?? null });
    return;
  }
  const built = messageFromAttributes(attributes);
  if (!built.ok) {
    deps.log({ level: "error", event: ENQUEUE_FAILED, sub: attributes?.sub ?? null, error: built.reason });
    return;
  }
  if (built.notes) deps.log({ level: "warn", event: NAME_ADJUSTED, sub: built.message.sub, notes: built.notes });
  try {
    await withDeadline(deps.enqueue(built.message), deps.budgetMs, "enqueue");
    deps.log({ level: "info", event: "enqueued", sub: built.message.sub });
  } catch (err) {
    deps.log({ level: "error", event: ENQUEUE_FAILED, sub: built.message.sub, error: describeError(err) });
  }
}
