/** The subset of `fetch` the handlers use; injected so tests can count or fake calls. */
export type Fetch = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignal; redirect: "manual" },
) => Promise<{
  status: number;
  text(): Promise<string>;
}>;

export interface HttpResult {
  status: number;
  body: string;
}

/** POSTs JSON with a hard timeout on the whole exchange (connect, headers and body). */
export async function postJson(fetchFn: Fetch, url: string, headers: Record<string, string>, payload: unknown, timeoutMs: number): Promise<HttpResult> {
  const signal = AbortSignal.timeout(timeoutMs);
  const res = await fetchFn(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json", ...headers },
    body: JSON.stringify(payload),
    signal,
    // A redirect means oauth2-proxy is sending us to sign in: report the 302, do not follow it
    // to a login page that answers 200.
    redirect: "manual",
  });
  return { status: res.status, body: await res.text() };
}

/**
 * A response body made fit for a log line: the credentials removed (a server that echoes
 * request headers must not leak them into logs), then cut to 300 characters.
 */
export function excerpt(body: string, credentials: string[]): string {
  const clean = redactAll(body, credentials);
  return clean.length > 300 ? `${clean.slice(0, 300)}...` : clean;
}

/** Replaces every occurrence of each non-empty secret (longest first, so a secret inside another goes too). */
export function redactAll(text: string, secrets: string[]): string {
  return [...secrets]
    .filter(Boolean)
    .sort((a, b) => b.length - a.length)
    .reduce((t, s) => t.split(s).join("[redacted]"), text);
}

/** Joins a base URL (with or without trailing slash) and an absolute path. */
export function joinUrl(base: string, path: string): string {
  return base.replace(/\/+$/, "") + path;
}

/** Rejects with `${label} timed out after ${ms} ms` unless `promise` settles first. */
export function withDeadline<T>(promise: Promise<T>, ms: number, label: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${label} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
