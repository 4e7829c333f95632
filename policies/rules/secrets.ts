/** Credentials must come from ECS secrets, never the task definition's plain environment or command line. */
import { RawFinding, TaskRule, isUnknown } from "./types";
import { flagTokens } from "./settings";

/**
 * Credentials by the words of their name, not a list of names: a word that is a credential anywhere
 * (`*_SECRET*`, `*PASSWORD*` as in PGPASSWORD, `PASSPHRASE`, `CREDENTIALS`), a last word that is one
 * (`*_TOKEN`, `*_PASS`, `*_PWD`, `*_APIKEY`), or a key whose qualifier makes it secret
 * (`*_API_KEY`, n8n's `N8N_ENCRYPTION_KEY`, `*_PRIVATE_KEY`, LiteLLM's `*_MASTER_KEY`/`*_SALT_KEY`,
 * `AWS_SECRET_ACCESS_KEY`). Plural and numbered forms too (OPENAI_API_KEYS, PLUTO_OPENAI_API_KEY_2).
 */
const SECRET_ANYWHERE = /(SECRET|PASSWORD|PASSWD|PASSPHRASE|CREDENTIALS?)S?$/;
const SECRET_LAST = /^(TOKENS?|PASS|PWD|APIKEYS?|AUTHKEY|PAT)$/;
const KEY_QUALIFIERS = [
  "API",
  "ENCRYPTION",
  "SECRET",
  "PRIVATE",
  "MASTER",
  "SALT",
  "SIGNING",
  "JWT",
  "HMAC",
  "ACCESS",
  "AUTH",
  "SESSION",
  "CLIENT",
  "LICENSE",
  "SERVICE",
  "ADMIN",
  "CIPHER",
  "CRYPTO",
  "AES",
  "WEBHOOK",
  "SHARED",
  "APP",
  "ROOT",
  "SSH",
  "DEPLOY",
  "INTEGRATION",
];

function secretByName(upper: string): boolean {
  const words = upper.split("_").filter((w) => w !== "");
  while (words.length > 1 && /^\d+$/.test(words[words.length - 1])) words.pop();
  if (words.length === 0) return false;
  if (words.some((w) => SECRET_ANYWHERE.test(w))) return true;
  const last = words[words.length - 1];
  if (SECRET_LAST.test(last)) return true;
  return /^KEYS?$/.test(last) && words.length > 1 && KEY_QUALIFIERS.includes(words[words.length - 2]);
}

/**
 * Values shaped like a credential whatever they are called: well-known token formats and private keys.
 * Prefixes from each issuer's documentation (OpenAI/Anthropic `sk-`, GitHub `ghp_`/`github_pat_`,
 * GitLab `glpat-`, Slack `xox?-`, Google API `AIza`, Hugging Face `hf_`, npm `npm_`, AWS `AKIA`).
 */
const SECRET_VALUE = [
  /^sk-[A-Za-z0-9_-]{16,}$/,
  /^(ghp|gho|ghs|ghu|ghr)_[A-Za-z0-9]{30,}$/,
  /^github_pat_[A-Za-z0-9_]{30,}$/,
  /^glpat-[A-Za-z0-9_-]{20,}$/,
  /^xox[abposr]-[A-Za-z0-9-]{10,}$/,
  /^AIza[A-Za-z0-9_-]{35}$/,
  /^hf_[A-Za-z0-9]{30,}$/,
  /^npm_[A-Za-z0-9]{36}$/,
  /^(AKIA|ASIA)[A-Z0-9]{16}$/,
  /^eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]+$/,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
];

export function looksLikeSecretValue(value: string): boolean {
  const v = value.trim();
  return SECRET_VALUE.some((re) => re.test(v));
}

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
 * A setting that holds a credential by the words of its name (see secretByName), a value shaped like
 * a credential, or a URL carrying a password (`DATABASE_URL=postgres://u:p@h`, under any name).
 * One definition for the pack's `ecs-no-plaintext-secrets` and for what `pluto diff` never prints.
 */
export function isSecretSetting(name: string, value = ""): boolean {
  const upper = name.toUpperCase().replace(/-/g, "_");
  return secretByName(upper) || urlHasPassword(value) || looksLikeSecretValue(value);
}

/** A switch (`OAUTH2_PROXY_PASS_ACCESS_TOKEN=true`) or a number cannot be a secret. */
function isSwitch(value: string): boolean {
  return /^(true|false|yes|no|on|off|0|1)$/i.test(value.trim());
}

/** A reference to a secret (Secrets Manager, SSM parameter, KMS key), which ECS resolves only through `secrets`. */
function isSecretReference(value: string): boolean {
  return /^arn:aws[a-z-]*:(secretsmanager|ssm|kms):/.test(value.trim());
}

export const noPlaintextSecrets: TaskRule = (containers) => {
  const out: RawFinding[] = [];
  const fix = "Fix: store it in Secrets Manager and pass it through the container's `secrets` (valueFrom), never `environment` or the command line.";
  const why = "anyone who can describe the task definition (or read the preview) can read it";
  for (const c of containers) {
    for (const [name, value] of Object.entries(c.environment)) {
      if (value.trim() === "" || isSwitch(value) || isUnknown(value)) continue;
      const byName = secretByName(name.toUpperCase().replace(/-/g, "_"));
      if (isSecretReference(value)) {
        // ECS passes `environment` values as they are: the app gets the ARN's text, not the secret.
        if (byName)
          out.push({
            container: c.name,
            message: `${name} in the environment of container ${c.name} is the ARN of a secret, not the secret: ECS passes environment values as they are, so the app uses the ARN's text as its ${name}, a value anyone who can describe the task definition (or guess the ARN) knows. ${fix}`,
          });
        continue;
      }
      if (byName) {
        out.push({ container: c.name, message: `${name} has a literal value in the environment of container ${c.name}: ${why}. ${fix}` });
      } else if (looksLikeSecretValue(value)) {
        out.push({
          container: c.name,
          message: `${name} in the environment of container ${c.name} holds a value shaped like a credential (a token or private key): ${why}. ${fix}`,
        });
      } else if (urlHasPassword(value)) {
        out.push({ container: c.name, message: `${name} in the environment of container ${c.name} embeds a password: ${why}. ${fix}` });
      }
    }
    for (const f of flagTokens(c.command)) {
      const value = f.inline ?? f.next;
      if (value && !f.valueUnknown && isSecretSetting(f.name, value) && !isSwitch(value) && !isSecretReference(value)) {
        out.push({ container: c.name, message: `--${f.name} has a literal value on the command line of container ${c.name}: ${why}. ${fix}` });
      }
    }
  }
  return out;
};
