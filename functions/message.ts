/**
 * What the producer enqueues and the worker onboards: one confirmed Cognito member. The shape
 * is unchanged since the SCIM pipeline, so messages already queued or dead-lettered still parse.
 */
export interface ProvisioningMessage {
  /** Lower-cased, as Open WebUI lower-cases the trusted email header when it creates the account. */
  email: string;
  name: string;
  /** Cognito `sub`: names the member in logs instead of their email. */
  sub: string;
}

/** Either a message or the reason none could be built. */
export type MessageResult = { ok: true; message: ProvisioningMessage } | { ok: false; reason: string };

const EMAIL = /^[^\s@]+@[^\s@]+$/;

function text(value: unknown): string {
  return typeof value === "string" ? value.trim() : "";
}

/**
 * Builds the message from Cognito user attributes. The display name falls back from `name`
 * to `given_name family_name`, then `preferred_username`, then the email's local part,
 * because Google-federated users do not always carry a `name`.
 */
export function messageFromAttributes(attributes: Record<string, unknown> | undefined): MessageResult {
  const attrs = attributes ?? {};
  const email = text(attrs.email).toLowerCase();
  const sub = text(attrs.sub);
  if (!sub) return { ok: false, reason: "user attribute `sub` is missing" };
  if (!EMAIL.test(email)) return { ok: false, reason: email ? "user attribute `email` is not an email address" : "user attribute `email` is missing" };
  const given = [text(attrs.given_name), text(attrs.family_name)].filter(Boolean).join(" ");
  const name = text(attrs.name) || given || text(attrs.preferred_username) || email.split("@")[0];
  return { ok: true, message: { email, name, sub } };
}

/** Validates a queue message body; anything unexpected is rejected so it reaches the DLQ for inspection. */
export function parseMessage(body: string): MessageResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { ok: false, reason: "message body is not JSON" };
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    return { ok: false, reason: "message body is not a JSON object" };
  }
  const fields = parsed as Record<string, unknown>;
  for (const key of ["email", "name", "sub"]) {
    if (typeof fields[key] !== "string" || !text(fields[key])) return { ok: false, reason: `message field \`${key}\` is missing or not a string` };
  }
  const email = text(fields.email).toLowerCase();
  if (!EMAIL.test(email)) return { ok: false, reason: "message field `email` is not an email address" };
  return { ok: true, message: { email, name: text(fields.name), sub: text(fields.sub) } };
}
