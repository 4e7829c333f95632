/**
 * Settings the rules cannot see: environment files, command-line words computed at run time, and
 * oauth2-proxy's own config files. Each would let a forbidden setting through unchecked.
 */
import { RawFinding, TaskRule, isUnknown, quote } from "./types";
import { isOauth2Proxy } from "./identity";
import { readCommand } from "./settings";

export const noHiddenSettings: TaskRule = (containers) => {
  const out: RawFinding[] = [];
  const fix = "Fix: give these settings in the task definition's environment (or secrets) where the policy pack can check them.";
  for (const c of containers) {
    const files = c.environmentFiles ?? [];
    if (files.length > 0) {
      const shown = files.map((f) => (isUnknown(f) ? "(unknown until deploy)" : f)).join(", ");
      out.push({
        container: c.name,
        message: `Container ${c.name} reads environment files (${shown}): the policy rules cannot see the settings in them, so a forbidden one there (WEBUI_AUTH, ENABLE_SIGNUP, OAUTH2_PROXY_REVERSE_PROXY, ...) would go unchecked. ${fix}`,
      });
    }
    if (!isOauth2Proxy(c)) continue;
    const { flags, unreadable } = readCommand(c.command);
    if (unreadable.length > 0) {
      out.push({
        container: c.name,
        message: `The command line of container ${c.name} has words computed at run time (${unreadable.map((w) => quote(w)).join(", ")}): the shell could turn them into any oauth2-proxy option (--skip-jwt-bearer-tokens, --reverse-proxy, a skip-auth route, ...), which the policy rules cannot see. Fix: write the command line out literally, options as plain environment.`,
      });
    }
    // oauth2-proxy v7.15.3 main.go: both files are given only as command-line flags.
    for (const flag of ["config", "alpha-config"]) {
      for (const f of flags.filter((t) => t.name === flag)) {
        const file = f.inline ?? f.next ?? "";
        out.push({
          container: c.name,
          message: `--${flag}${file ? ` ${file}` : ""} in container ${c.name}: oauth2-proxy reads settings from that file, which the policy rules cannot see, so a forbidden one there (reverse_proxy, trusted_ips, skip_auth_routes, ...) would go unchecked. ${fix}`,
        });
      }
    }
  }
  return out;
};
