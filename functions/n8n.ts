import { excerpt, Fetch, joinUrl, postJson, redact } from "./http";

/**
 * n8n's public API creates (invites) users with `POST /api/v1/users`, body `[{email, role}]`,
 * authenticated by `X-N8N-API-KEY` (n8n-io/n8n packages/cli/src/public-api/v1/handlers/users).
 * The guide's `/api/v1/invitations` is the editor's internal REST route, hence its 404.
 */
export const N8N_USERS_PATH = "/api/v1/users";
export const N8N_MEMBER_ROLE = "global:member";

export type InviteOutcome = { ok: true; status: number } | { ok: false; status?: number; error: string };

/** Invites one user. n8n reports per-user problems inside a 2xx body as `error`. */
export async function inviteToN8n(fetchFn: Fetch, baseUrl: string, apiKey: string, email: string, timeoutMs: number): Promise<InviteOutcome> {
  const res = await postJson(fetchFn, joinUrl(baseUrl, N8N_USERS_PATH), { "x-n8n-api-key": apiKey }, [{ email, role: N8N_MEMBER_ROLE }], timeoutMs);
  if (res.status < 200 || res.status >= 300) return { ok: false, status: res.status, error: `n8n answered ${res.status}: ${excerpt(res.body, apiKey)}` };
  const perUserError = firstUserError(res.body);
  return perUserError ? { ok: false, status: res.status, error: `n8n: ${redact(perUserError, apiKey)}` } : { ok: true, status: res.status };
}

function firstUserError(body: string): string | undefined {
  try {
    const items: unknown = JSON.parse(body);
    if (!Array.isArray(items)) return undefined;
    const failed = items.find((item) => typeof item?.error === "string" && item.error);
    return failed?.error;
  } catch {
    return undefined;
  }
}
