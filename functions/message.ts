/**
 * What the producer enqueues and the worker onboards: one confirmed Cognito member. The shape
 * is unchanged since the SCIM pipeline, so messages already queued or dead-lettered still parse.
 */
export interface ProvisioningMessage {
  /** Lower-cased, as Open WebUI lower-cases the trusted email header when it creates the account. */
  email: string;
  /** At most `MAX_NAME_CHARACTERS` characters, free of the characters `forbiddenCharacter` names. */
  name: string;
  /** Cognito `sub`: names the member in logs instead of their email. */
  sub: string;
}

/**
 * Either a message or the reason none could be built. `notes` (present only when there are
 * any) say how the name was adjusted, naming attributes and code points, never the values.
 */
export type MessageResult = { ok: true; message: ProvisioningMessage; notes?: string[] } | { ok: false; reason: string };

/**
 * Longest name a message carries, in characters (code points). Longer names are cut, never
 * refused: the name only labels the administrators' notice, and a sign-up is never lost over it.
 */
export const MAX_NAME_CHARACTERS = 256;

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/**
 * The characters no message field may hold. The name and email end up in the administrators'
 * notice (an email) and in n8n, so nothing may break lines, hide text or reorder it:
 * - C0 and C1 controls and DEL (Unicode category Cc: NUL, tab, CR/LF, ESC, U+0085 NEL, ...);
 * - U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR, which mail clients and JavaScript treat
 *   as line breaks;
 * - the bidirectional embeddings, overrides and isolates U+202A-U+202E and U+2066-U+2069, which
 *   reorder the text that follows them ("Trojan Source", CVE-2021-42574): a name could make the
 *   notice's "<email> has joined" line read as something else. The directional marks U+200E,
 *   U+200F and U+061C reorder nothing by themselves and appear in right-to-left names: allowed;
 * - unpaired surrogates, which are not text (UTF-8 cannot carry them);
 * - U+FFFE and U+FFFF, which SQS refuses in a message body
 *   (docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html,
 *   `MessageBody`), while JSON.stringify leaves them unescaped.
 */
const FORBIDDEN = /[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069\uFFFE\uFFFF]|\p{Cs}/u;

/** The first forbidden character in `value`, described as `U+XXXX (kind)`, or undefined when there is none. */
export function forbiddenCharacter(value: string): string | undefined {
  const found = FORBIDDEN.exec(value)?.[0];
  if (found === undefined) return undefined;
  const code = found.codePointAt(0)!;
  const kind =
    code === 0x2028 || code === 0x2029
      ? "a line or paragraph separator"
      : (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069)
        ? "a bidirectional control"
        : code >= 0xd800 && code <= 0xdfff
          ? "an unpaired surrogate"
          : code >= 0xfffe
            ? "a noncharacter"
            : "a control character";
  return `U+${code.toString(16).toUpperCase().padStart(4, "0")} (${kind})`;
}

/** `name` cut to `MAX_NAME_CHARACTERS` code points (never inside a surrogate pair), and whether it was cut. */
export function capName(name: string): { name: string; cut: boolean } {
  const chars = Array.from(name);
  if (chars.length <= MAX_NAME_CHARACTERS) return { name, cut: false };
  return { name: chars.slice(0, MAX_NAME_CHARACTERS).join("").trimEnd(), cut: true };
}

function text(value: unknown): string {
  return typeof value === "string" ? value.trim() : "";
}

/**
 * Builds the message from Cognito user attributes. The display name falls back from `name`
 * to `given_name family_name`, then `preferred_username`, then the email's local part,
 * because Google-federated users do not always carry a `name`. A candidate holding a forbidden
 * character is passed over (the person is still onboarded, under the next candidate) and a
 * note says so; a name longer than `MAX_NAME_CHARACTERS` is cut. An email or sub holding a
 * forbidden character refuses the whole message: neither can be replaced.
 */
export function messageFromAttributes(attributes: Record<string, unknown> | undefined): MessageResult {
  const attrs = attributes && typeof attributes === "object" ? attributes : {};
  const email = text(attrs.email).toLowerCase();
  const sub = text(attrs.sub);
  if (!sub) return { ok: false, reason: "user attribute `sub` is missing" };
  const badSub = forbiddenCharacter(sub);
  if (badSub) return { ok: false, reason: `user attribute \`sub\` contains ${badSub}` };
  const badEmail = forbiddenCharacter(email);
  if (badEmail) return { ok: false, reason: `user attribute \`email\` contains ${badEmail}` };
  if (!EMAIL.test(email)) return { ok: false, reason: email ? "user attribute `email` is not an email address" : "user attribute `email` is missing" };
  const notes: string[] = [];
  const candidates: [string, string][] = [
    ["name", text(attrs.name)],
    ["given_name/family_name", [text(attrs.given_name), text(attrs.family_name)].filter(Boolean).join(" ")],
    ["preferred_username", text(attrs.preferred_username)],
  ];
  let chosen = email.split("@")[0];
  for (const [attribute, value] of candidates) {
    if (!value) continue;
    const bad = forbiddenCharacter(value);
    if (!bad) {
      chosen = value;
      break;
    }
    notes.push(`user attribute \`${attribute}\` contains ${bad}: not used as the name`);
  }
  const capped = capName(chosen);
  if (capped.cut) notes.push(`the name was cut to ${MAX_NAME_CHARACTERS} characters`);
  return { ok: true, message: { email, name: capped.name, sub }, ...(notes.length ? { notes } : {}) };
}

/**
 * Validates a queue message body with the producer's rules, so a message sent by hand cannot
 * carry what the producer would never enqueue: anything unexpected is rejected so it reaches the
 * DLQ for inspection. A name longer than `MAX_NAME_CHARACTERS` is cut, as the producer cuts it
 * (messages queued before the cap existed still onboard).
 */
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
    const bad = forbiddenCharacter(text(fields[key]));
    if (bad) return { ok: false, reason: `message field \`${key}\` contains ${bad}` };
  }
  const email = text(fields.email).toLowerCase();
  if (!EMAIL.test(email)) return { ok: false, reason: "message field `email` is not an email address" };
  return { ok: true, message: { email, name: capName(text(fields.name)).name, sub: text(fields.sub) } };
}
