/**
 * Apps behind oauth2-proxy listen on loopback only. Open WebUI trusts the identity header, so its
 * port must be reachable from nowhere but the sidecar in the same task; binding it to 127.0.0.1 keeps
 * a wiring mistake (a load balancer entry or security group rule pointing at the app port) from
 * exposing it even when the stack policies that check that wiring are disabled.
 *
 * - Open WebUI: the image's start.sh runs `uvicorn … --host "$HOST"` with HOST defaulting to
 *   0.0.0.0 (open-webui backend/start.sh @059cf821, v0.11 line).
 * - n8n: N8N_LISTEN_ADDRESS, default "::" (every address): GlobalConfig `listen_address` in
 *   n8n-io/n8n packages/@n8n/config src/index.ts (@n8n/config 2.39.0, shipped with n8n 2.41.1).
 */
import { RawFinding, TaskRule, isUnknown, quote } from "./types";
import { envValue } from "./settings";
import { isN8n, isOauth2Proxy, isOpenWebui } from "./identity";

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1"]);

function bindingProblem(app: string, name: string, value: string | undefined, defaultValue: string): string | undefined {
  if (value !== undefined && isUnknown(value)) return `${name} of ${app} is not known until deploy, so its listen address cannot be checked`;
  const v = (value ?? defaultValue).trim().toLowerCase();
  if (LOOPBACK.has(v)) return undefined;
  return `${app} listens on ${value === undefined ? `${quote(defaultValue)} (${name} unset)` : `${name}=${quote(value)}`}, every address of the task`;
}

export const appListensOnLoopback: TaskRule = (containers) => {
  if (!containers.some(isOauth2Proxy)) return []; // Only apps that sit behind the sidecar.
  const out: RawFinding[] = [];
  for (const c of containers) {
    if (isOauth2Proxy(c)) continue;
    const problem = isOpenWebui(c)
      ? bindingProblem(`Open WebUI (container ${c.name})`, "HOST", envValue(c, "HOST"), "0.0.0.0")
      : isN8n(c)
        ? bindingProblem(`n8n (container ${c.name})`, "N8N_LISTEN_ADDRESS", envValue(c, "N8N_LISTEN_ADDRESS"), "::")
        : undefined;
    if (!problem) continue;
    out.push({
      container: c.name,
      message: `${problem}: a load balancer entry or security group rule that reaches the app port skips oauth2-proxy, and Open WebUI trusts the identity header it would then take from anyone. Fix: listen on 127.0.0.1 (the sidecar reaches it there).`,
    });
  }
  return out;
};
