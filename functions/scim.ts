import { excerpt, Fetch, joinUrl, postJson } from "./http";
import type { ProvisioningMessage } from "./message";

export const SCIM_USERS_PATH = "/api/v1/scim/v2/Users";
const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";

/** The SCIM 2.0 user Open WebUI creates; `active: true` gives the role `user` (false would give `pending`). */
export function toScimUser(message: ProvisioningMessage) {
  const [givenName, ...rest] = message.name.split(/\s+/);
  return {
    schemas: [USER_SCHEMA],
    userName: message.email,
    externalId: message.sub,
    displayName: message.name,
    name: { formatted: message.name, givenName, familyName: rest.join(" ") },
    emails: [{ value: message.email, primary: true }],
    active: true,
  };
}

export type ScimOutcome = { ok: true; status: 201 | 409 } | { ok: false; status?: number; error: string };

/**
 * Creates the user. 201 (created) and 409 (already exists) both mean the user can sign in,
 * which keeps redelivered messages harmless. Anything else, including timeouts and refused
 * connections, is a failure the queue retries.
 */
export async function createScimUser(fetchFn: Fetch, baseUrl: string, token: string, message: ProvisioningMessage, timeoutMs: number): Promise<ScimOutcome> {
  const res = await postJson(fetchFn, joinUrl(baseUrl, SCIM_USERS_PATH), { authorization: `Bearer ${token}`, accept: "application/scim+json" }, toScimUser(message), timeoutMs);
  if (res.status === 201 || res.status === 409) return { ok: true, status: res.status };
  return { ok: false, status: res.status, error: `SCIM answered ${res.status}: ${excerpt(res.body, token)}` };
}
