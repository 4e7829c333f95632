/** The rules applied to the stack's own config keys, so `pluto synth` names the key (exit 2) before any resource exists. */
import { TASK_POLICIES } from "./catalog";
import { checkContainers } from "./engine";

/**
 * The oauth2-proxy settings of a config map (`pluto:oauth2ProxySettings`) that the pack would refuse,
 * each with the key it is under: the same rules, run over an oauth2-proxy carrying only those
 * settings, so `pluto synth` names the key before any resource exists. Pure.
 */
export function oauth2ProxySettingProblems(settings: Record<string, string>): { key: string; problem: string }[] {
  // Judged elsewhere: who may sign in is the allow-list's, skip-auth routes are the app's.
  const skip = ["oauth2-proxy-skip-auth-routes-allowlist", "oauth2-proxy-email-domain-any"];
  const levels: Record<string, "mandatory" | "disabled"> = {};
  for (const p of TASK_POLICIES) levels[p.name] = p.name.startsWith("oauth2-proxy-") && !skip.includes(p.name) ? "mandatory" : "disabled";
  const container = { name: "oauth2-proxy", environment: { ...settings }, secrets: [], command: [] };
  const out: { key: string; problem: string }[] = [];
  for (const f of checkContainers([container], { levels })) {
    if (f.level !== "mandatory") continue;
    const key = Object.keys(settings).find((k) => f.message.startsWith(k)) ?? /OAUTH2_PROXY_[A-Z0-9_]+/.exec(f.message)?.[0] ?? "(oauth2-proxy)";
    out.push({ key, problem: `refused by policy ${f.policy}: ${f.message}` });
  }
  return out;
}
