/** Credentials must come from ECS secrets, never the task definition's plain environment or command line. */
import { RawFinding, TaskRule } from "./types";
import { flagTokens } from "./settings";

// Plural and numbered forms too: Open WebUI's OPENAI_API_KEYS (';'-joined keys), per-connection
// PLUTO_OPENAI_API_KEY_<n>, and LiteLLM's LITELLM_MASTER_KEY / LITELLM_SALT_KEY.
const SECRET_NAME = /(^|_)(SECRET|PASSWORD|PASSWD|TOKEN|API_KEYS?|APIKEYS?|SECRET_KEY|PRIVATE_KEY|SECRET_ACCESS_KEY|MASTER_KEY|SALT_KEY)(_\d+)?$/;
const URL_NAME = /(^|_)(URL|URI|DSN)$/;

/** True when `value` is a URL whose user-info carries a password (`scheme://user:pass@host`). Linear time. */
export function urlHasPassword(value: string): boolean {
  const scheme = value.indexOf("://");
  if (scheme < 1) return false;
  const rest = value.slice(scheme + 3);
  let end = rest.length;
  for (const ch of ["/", "?", "#"]) {
    const i = rest.indexOf(ch);
    if (i >= 0 && i < end) end = i;
  }
  const authority = rest.slice(0, end);
  const at = authority.lastIndexOf("@");
  if (at < 0) return false;
  const colon = authority.slice(0, at).indexOf(":");
  return colon >= 0 && colon < at - 1;
}

/**
 * A setting that holds a credential by its name (`*_SECRET`, `*_PASSWORD`, `*_TOKEN`, `*_API_KEY(S)`,
 * LiteLLM's `*_MASTER_KEY`, …) or a URL carrying a password (`DATABASE_URL`, `*_URL`, `*_URI`, `*_DSN`).
 * One definition for the pack's `ecs-no-plaintext-secrets` and for what `pluto diff` never prints.
 */
export function isSecretSetting(name: string, value = ""): boolean {
  const upper = name.toUpperCase().replace(/-/g, "_");
  return SECRET_NAME.test(upper) || ((upper === "DATABASE_URL" || URL_NAME.test(upper)) && urlHasPassword(value));
}

/** Values that cannot be a secret: a reference to one (ARN), or a switch (`OAUTH2_PROXY_PASS_ACCESS_TOKEN=true`). */
function notASecret(value: string): boolean {
  return /^arn:aws[a-z-]*:(secretsmanager|ssm|kms):/.test(value) || /^(true|false|yes|no|on|off|0|1)$/i.test(value.trim());
}

export const noPlaintextSecrets: TaskRule = (containers) => {
  const out: RawFinding[] = [];
  const fix = "Fix: store it in Secrets Manager and pass it through the container's `secrets` (valueFrom), never `environment` or the command line.";
  const why = "anyone who can describe the task definition (or read the preview) can read it";
  for (const c of containers) {
    for (const [name, value] of Object.entries(c.environment)) {
      if (value.trim() === "" || notASecret(value)) continue;
      if (!isSecretSetting(name, value)) continue;
      if (SECRET_NAME.test(name)) {
        out.push({ container: c.name, message: `${name} has a literal value in the environment of container ${c.name}: ${why}. ${fix}` });
      } else {
        out.push({ container: c.name, message: `${name} in the environment of container ${c.name} embeds a password: ${why}. ${fix}` });
      }
    }
    for (const f of flagTokens(c.command)) {
      const value = f.inline ?? f.next;
      if (value && isSecretSetting(f.name) && !notASecret(value)) {
        out.push({ container: c.name, message: `--${f.name} has a literal value on the command line of container ${c.name}: ${why}. ${fix}` });
      }
    }
  }
  return out;
};
