import { excerpt, Fetch, joinUrl, postJson, redactAll } from "./http";

/**
 * n8n's public API invites users with `POST /api/v1/users`, body `[{email, role}]`, authenticated
 * by `X-N8N-API-KEY` (n8n-io/n8n packages/cli/src/public-api/v1/handlers/users/users.handler.ee.ts,
 * `createUser`, answering 201 with the invitation controller's result). The guide's
 * `/api/v1/invitations` is the editor's internal REST route, hence its 404.
 */
export const N8N_USERS_PATH = "/api/v1/users";
export const N8N_MEMBER_ROLE = "global:member";
/**
 * How the API key secret begins until the operator stores a real key (the component creates it
 * with secrets/storedSecret.ts `OPERATOR_SECRET_PLACEHOLDER`); calling n8n with it would only
 * earn a 401, so the worker says what to do instead.
 */
export const UNSET_KEY_PREFIX = "set-me:";
/** How long an n8n invitation link stays valid (`jwtService.sign(..., { expiresIn: '90d' })` in user.service.ts). */
export const N8N_INVITE_VALIDITY = "90 days";

/**
 * What n8n did for one email, as packages/cli/src/services/user.service.ts (`inviteUser`,
 * `inviteUsers`, `sendEmails`) decides it in n8n 2.41.1 (the pinned version; measured against the
 * real server in the e2e, tests/e2e/n8nContract.e2e.ts):
 * - an unknown email becomes a pending user and is invited; so is a still-pending one (same user,
 *   a fresh link): `invited`;
 * - an email that already belongs to an active n8n user is left out of the answer (`[]`): `member`;
 * - the link (`inviteAcceptUrl`, `<editor base URL>/signup?token=<JWT>`) is returned only when n8n
 *   sent no email itself and `N8N_INVITE_LINKS_EMAIL_ONLY` is off; `emailSent` says whether n8n
 *   mailed it (only with `N8N_EMAIL_MODE=smtp` and an SMTP host);
 * - an address n8n will never accept is a 400 (`refused`, see `permanentRefusal`): retrying cannot
 *   help, so the worker tells the administrators and is done with the message.
 */
export type InviteOutcome =
  | { ok: true; status: number; state: "invited"; userId?: string; emailSent: boolean; acceptUrl?: string; unsafeLink?: boolean }
  | { ok: true; status: number; state: "member" }
  | { ok: true; status: number; state: "refused"; reason: string }
  | { ok: false; status?: number; error: string };

interface InvitedUser {
  user?: { id?: unknown; email?: unknown; inviteAcceptUrl?: unknown; emailSent?: unknown };
  error?: unknown;
}

/**
 * n8n's answer when two invitations of one new email run at once: both find no user, both insert
 * one, and the second insert breaks the unique email, which `inviteUsers` turns into
 * `InternalServerError('An error occurred during user creation')` (user.service.ts, n8n 2.41.1).
 * By then the first invitation's pending user exists, so asking again re-invites that same user.
 */
export const N8N_CREATION_RACE = "An error occurred during user creation";

/**
 * A 400 that names the address itself, which no retry can change. n8n 2.41.1 has two: its public
 * API's OpenAPI validator (packages/cli/src/public-api/index.ts, express-openapi-validator, format
 * `email`) answers `{"message":"request/body/0/email must match format \"email\""}`, and
 * `InviteUsersRequestDto` (zod, @n8n/api-types) refuses what the validator let through, e.g. a
 * non-ASCII address, as `{"message":"Invalid email"}` (users.handler.ee.ts `createUser`); n8n 2.20.0
 * answered the zod case with the issue itself, `{"validation":"email","code":"invalid_string",
 * "message":"Invalid email","path":[0,"email"]}`. Any other 400 (no owner yet, SSO on) is the
 * operator's to fix: it stays a failure the queue retries and, failing, keeps in the DLQ.
 */
export function permanentRefusal(status: number, body: string): string | undefined {
  if (status !== 400) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  const o = (parsed ?? {}) as { message?: unknown; validation?: unknown; path?: unknown };
  const message = typeof o.message === "string" ? o.message : "";
  if (/^request\/body\/\d+\/email\b/.test(message) || message === "Invalid email" || o.validation === "email") return message || "Invalid email";
  return undefined;
}

/**
 * An invitation link fit to be sent to a person: `https:` only (the stack's N8N_EDITOR_BASE_URL is
 * https; a `javascript:`, `data:` or plain `http:` link in an administrator's mailbox would be an
 * attack or a downgrade) and nothing that would break out of the notice's line.
 */
export function safeInviteLink(link: unknown): string | undefined {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (typeof link !== "string" || /[\s\x00-\x1f\x7f]/.test(link)) return undefined;
  try {
    return new URL(link).protocol === "https:" ? link : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Removes what must never be logged from a text n8n (or something in front of it) produced: the API
 * key, every invitation token (`token=` plain or percent-encoded) and anything shaped like a JWT,
 * which is what both n8n's API keys and its invitation tokens are.
 */
export function redactN8n(text: string, apiKey: string): string {
  return redactAll(text, [apiKey])
    .replace(/(token(?:=|%3D))[^&\s"'<>\\]+/gi, "$1[redacted]")
    .replace(/eyJ[\w-]+\.[\w-]+(?:\.[\w-]*)?/g, "[redacted]");
}

/**
 * Invites one member. Anything but a readable 2xx answer for this email (refused, 4xx/5xx, a
 * per-user `error`, an unexpected body) is a failure the queue retries, except an address n8n
 * refuses for good (`refused`). n8n's creation race (`N8N_CREATION_RACE`) is asked again once at
 * once. Every text that may be logged goes through `redactN8n`.
 */
export async function inviteToN8n(fetchFn: Fetch, baseUrl: string, apiKey: string, email: string, timeoutMs: number): Promise<InviteOutcome> {
  if (apiKey.startsWith(UNSET_KEY_PREFIX))
    return { ok: false, error: "the n8n API key secret still holds its placeholder: create a key in n8n (Settings > n8n API) and store it in the secret" };
  const ask = () => postJson(fetchFn, joinUrl(baseUrl, N8N_USERS_PATH), { "x-n8n-api-key": apiKey }, [{ email, role: N8N_MEMBER_ROLE }], timeoutMs);
  let res = await ask();
  if (res.status === 500 && res.body.includes(N8N_CREATION_RACE)) res = await ask();
  const clean = (text: string) => excerpt(redactN8n(text, apiKey), []);
  const refusal = permanentRefusal(res.status, res.body);
  if (refusal !== undefined) return { ok: true, status: res.status, state: "refused", reason: clean(refusal) };
  if (res.status < 200 || res.status >= 300) return { ok: false, status: res.status, error: `n8n answered ${res.status}: ${clean(res.body)}` };
  let items: unknown;
  try {
    items = JSON.parse(res.body);
  } catch {
    items = undefined;
  }
  if (!Array.isArray(items)) return { ok: false, status: res.status, error: `n8n answered ${res.status} with an unexpected body: ${clean(res.body)}` };
  if (items.length === 0) return { ok: true, status: res.status, state: "member" };
  const mine = (items as InvitedUser[]).find((i) => typeof i?.user?.email === "string" && i.user.email.toLowerCase() === email) ?? (items[0] as InvitedUser);
  if (typeof mine?.error === "string" && mine.error) return { ok: false, status: res.status, error: `n8n: ${clean(mine.error)}` };
  const link = mine?.user?.inviteAcceptUrl;
  const acceptUrl = safeInviteLink(link);
  const id = mine?.user?.id;
  return {
    ok: true,
    status: res.status,
    state: "invited",
    ...(typeof id === "string" ? { userId: id } : {}),
    emailSent: mine?.user?.emailSent === true,
    ...(acceptUrl ? { acceptUrl } : {}),
    ...(link !== undefined && !acceptUrl ? { unsafeLink: true } : {}),
  };
}

/** The credentials inside an accept link (the link and its token), for redaction. */
export function linkSecrets(acceptUrl: string | undefined): string[] {
  if (!acceptUrl) return [];
  let token: string | null;
  try {
    token = new URL(acceptUrl).searchParams.get("token");
  } catch {
    token = null;
  }
  return token ? [acceptUrl, token] : [acceptUrl];
}
