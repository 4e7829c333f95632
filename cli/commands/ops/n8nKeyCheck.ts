import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { N8N_USERS_PATH, UNSET_KEY_PREFIX } from "../../../functions/n8n";
import { joinUrl } from "../../../functions/http";
import { Check } from "./checks";
import { OpsSession } from "./options";

/**
 * Warn this long before the n8n API key expires: the onboarding worker fails every new member with
 * 401 once it has (they wait in the DLQ), and n8n's key form offers 7, 30, 60 and 90 days, 30 by
 * default (packages/frontend/editor-ui, ApiKeyCreateOrEditModal, n8n 2.41.1), so two weeks leaves a
 * 30-day key half its life to be replaced.
 */
export const KEY_WARN_DAYS = 14;
const DAY_MS = 24 * 3600 * 1000;

/**
 * When an n8n API key expires, from the key itself: n8n's public-API keys are JWTs (`iss: n8n`,
 * `aud: public-api`; packages/cli/src/services/public-api-key.service.ts `generateApiKey`, n8n 2.41.1)
 * signed with `expiresIn` when the operator chose an expiry, so `exp` is that moment in JWT seconds,
 * and n8n refuses the key from then on (401). The signature is not checked: only n8n can, and only
 * the date is wanted. null: no expiry; undefined: not a JWT at all.
 */
export function keyExpiry(key: string): Date | null | undefined {
  const parts = key.trim().split(".");
  if (parts.length !== 3) return undefined;
  let payload: { exp?: unknown };
  try {
    payload = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8")) as { exp?: unknown };
  } catch {
    return undefined;
  }
  if (!payload || typeof payload !== "object") return undefined;
  if (typeof payload.exp !== "number") return null;
  return new Date(payload.exp * 1000);
}

/** What n8n answered the scope probe: an empty invitation list (creates nothing). */
export type ScopeProbe = { status: number } | { error: string };

/**
 * The finding for the key the worker reads. Its scopes are not in the JWT (n8n keeps them in its
 * database), so the scope is learnt from n8n itself when a URL is given: `POST /api/v1/users []`
 * answers 201 with `user:create`, 403 without, 401 for a key n8n does not accept.
 */
export function n8nKeyFinding(key: string, now: Date, probe?: ScopeProbe): Check {
  const name = "n8n-key";
  if (key.startsWith(UNSET_KEY_PREFIX))
    return { name, status: "warn", summary: "the n8n API key secret still holds its placeholder: no member is invited to n8n", details: [] };
  const expiry = keyExpiry(key);
  const details: string[] = [];
  let status: Check["status"] = "pass";
  let summary: string;
  if (expiry === undefined) {
    status = "warn";
    summary = "the stored n8n API key is not a JWT: not a key n8n created (Settings > n8n API)?";
  } else if (expiry === null) {
    summary = "the n8n API key never expires";
  } else {
    const days = Math.floor((expiry.getTime() - now.getTime()) / DAY_MS);
    const when = expiry.toISOString();
    if (expiry <= now) {
      status = "fail";
      summary = `the n8n API key expired at ${when}: every new member fails with 401 into the DLQ`;
    } else if (days < KEY_WARN_DAYS) {
      status = "warn";
      summary = `the n8n API key expires in ${days} day(s), at ${when}`;
    } else summary = `the n8n API key expires at ${when} (in ${days} days)`;
    if (status !== "pass" || days < 365)
      details.push(
        "create a key with Expiration: No Expiration and the user:create scope in n8n (Settings > n8n API), store it in the secret, then `pluto dlq redrive`",
      );
  }
  if (probe && "error" in probe) details.push(`the scope was not checked: n8n did not answer (${probe.error})`);
  else if (probe?.status === 403) {
    status = "fail";
    summary += "; it lacks the user:create scope (n8n answers 403)";
  } else if (probe?.status === 401) {
    status = "fail";
    summary += "; n8n refuses it (401: revoked, expired or from another n8n)";
  } else if (probe && (probe.status < 200 || probe.status >= 300)) details.push(`the scope was not checked: n8n answered ${probe.status}`);
  else if (probe) summary += "; it has the user:create scope";
  else details.push("the scope was not checked (pass --n8n-url to ask n8n)");
  return { name, status, summary, details };
}

/** Asks n8n whether the key may invite, creating nothing. */
export async function probeScope(fetchFn: typeof fetch, n8nUrl: string, key: string, timeoutMs = 10_000): Promise<ScopeProbe> {
  try {
    const res = await fetchFn(joinUrl(n8nUrl, N8N_USERS_PATH), {
      method: "POST",
      headers: { "content-type": "application/json", "x-n8n-api-key": key },
      body: "[]",
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: res.status };
  } catch (e) {
    return { error: (e as Error).name };
  }
}

/**
 * `pluto doctor`'s n8n key check: the secret the worker reads (`<prefix>/n8n/api-key`, created by
 * components/userProvisioning.ts). Skipped when there is none (n8n not deployed).
 */
export async function n8nKeyCheck(
  s: OpsSession,
  deps: { secrets: SecretsManagerClient; fetch: typeof fetch },
  now: Date,
  opts: { n8nUrl?: string } = {},
): Promise<Check> {
  const secretId = `${s.prefix}/n8n/api-key`;
  let key: string | undefined;
  try {
    key = (await deps.secrets.send(new GetSecretValueCommand({ SecretId: secretId })))?.SecretString;
  } catch (e) {
    const name = (e as Error).name;
    if (name === "ResourceNotFoundException") return { name: "n8n-key", status: "skip", summary: `no secret ${secretId}: n8n is not deployed`, details: [] };
    return { name: "n8n-key", status: "warn", summary: `cannot read the secret ${secretId}: ${name}`, details: [] };
  }
  if (!key) return { name: "n8n-key", status: "skip", summary: `the secret ${secretId} holds no text`, details: [] };
  const probe = opts.n8nUrl ? await probeScope(deps.fetch, opts.n8nUrl, key) : undefined;
  return n8nKeyFinding(key, now, probe);
}
