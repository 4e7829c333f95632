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
 * with components/storedSecret.ts `OPERATOR_SECRET_PLACEHOLDER`); calling n8n with it would only
 * earn a 401, so the worker says what to do instead.
 */
export const UNSET_KEY_PREFIX = "set-me:";
/** How long an n8n invitation link stays valid (`jwtService.sign(..., { expiresIn: '90d' })` in user.service.ts). */
export const N8N_INVITE_VALIDITY = "90 days";

/**
 * What n8n did for one email, as packages/cli/src/services/user.service.ts (`inviteUsers`,
 * `sendEmails`) decides it in n8n 2.17.7 and 2.20.0 alike (the pinned 2.18.0 lies between):
 * - an unknown email becomes a pending user and is invited; so is a still-pending one (same user,
 *   a fresh link): `invited`;
 * - an email that already belongs to an active n8n user is left out of the answer (`[]`): `member`;
 * - the link (`inviteAcceptUrl`, `<editor base URL>/signup?token=<JWT>`) is returned only when n8n
 *   sent no email itself and `N8N_INVITE_LINKS_EMAIL_ONLY` is off; `emailSent` says whether n8n
 *   mailed it (only with `N8N_EMAIL_MODE=smtp` and an SMTP host).
 */
export type InviteOutcome =
  | { ok: true; status: number; state: "invited"; emailSent: boolean; acceptUrl?: string }
  | { ok: true; status: number; state: "member" }
  | { ok: false; status?: number; error: string };

interface InvitedUser {
  user?: { email?: unknown; inviteAcceptUrl?: unknown; emailSent?: unknown };
  error?: unknown;
}

/**
 * Invites one member. Anything but a readable 2xx answer for this email (refused, 4xx/5xx, a
 * per-user `error`, an unexpected body) is a failure the queue retries. Every text that may be
 * logged has the API key redacted.
 */
export async function inviteToN8n(fetchFn: Fetch, baseUrl: string, apiKey: string, email: string, timeoutMs: number): Promise<InviteOutcome> {
  if (apiKey.startsWith(UNSET_KEY_PREFIX))
    return { ok: false, error: "the n8n API key secret still holds its placeholder: create a key in n8n (Settings > n8n API) and store it in the secret" };
  const res = await postJson(fetchFn, joinUrl(baseUrl, N8N_USERS_PATH), { "x-n8n-api-key": apiKey }, [{ email, role: N8N_MEMBER_ROLE }], timeoutMs);
  if (res.status < 200 || res.status >= 300) return { ok: false, status: res.status, error: `n8n answered ${res.status}: ${excerpt(res.body, [apiKey])}` };
  let items: unknown;
  try {
    items = JSON.parse(res.body);
  } catch {
    items = undefined;
  }
  if (!Array.isArray(items))
    return { ok: false, status: res.status, error: `n8n answered ${res.status} with an unexpected body: ${excerpt(res.body, [apiKey])}` };
  if (items.length === 0) return { ok: true, status: res.status, state: "member" };
  const mine = (items as InvitedUser[]).find((i) => typeof i?.user?.email === "string" && i.user.email.toLowerCase() === email) ?? (items[0] as InvitedUser);
  if (typeof mine?.error === "string" && mine.error) return { ok: false, status: res.status, error: `n8n: ${redactAll(mine.error, [apiKey])}` };
  const link = mine?.user?.inviteAcceptUrl;
  const acceptUrl = typeof link === "string" && /^https?:\/\//.test(link) ? link : undefined;
  return { ok: true, status: res.status, state: "invited", emailSent: mine?.user?.emailSent === true, ...(acceptUrl ? { acceptUrl } : {}) };
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
