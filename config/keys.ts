/**
 * The parts of config validation that are about keys rather than values: unknown and misspelt keys,
 * dotted keys set without `--path`, secrets given in clear text, and extra settings that would
 * collide with what the stack sets itself. Pure; `parseConfig` (config/index.ts) collects the problems.
 */
import { GOLDEN_KEYS } from "../settings/golden";
import { nearest } from "./spelling";

export { editDistance, nearest } from "./spelling";

/**
 * One problem per key the program does not read. `pulumi config set pluto:database.multiAz true`
 * without `--path` stores a key literally named `database.multiAz` (Pulumi's `--path` is what
 * makes the dot a path separator), so such a key gets the command that sets the field instead.
 */
export function unknownKeyProblems(keys: string[], known: readonly string[], structured: readonly string[]): string[] {
  const problems: string[] = [];
  for (const key of keys) {
    if (known.includes(key)) continue;
    const head = key.split(".")[0];
    if (key.includes(".") && structured.includes(head)) {
      problems.push(
        `pluto:${key}: Pulumi stored this as one key named "${key}" because it was set without --path; ` +
          `set the field with \`pulumi config set --path pluto:${key} <value>\` and remove this key with \`pulumi config rm pluto:${key}\``,
      );
      continue;
    }
    const guess = key.includes(".") ? nearest(head, structured) : nearest(key, known);
    const suggestion = guess ? `did you mean pluto:${key.includes(".") ? `${guess}${key.slice(head.length)}` : guess}? ` : "";
    problems.push(`pluto:${key}: unknown key (${suggestion}known keys: ${known.join(", ")})`);
  }
  return problems;
}

/**
 * A secret given in clear text sits readable in `Pulumi.<stack>.yaml` (and in the repository's
 * history once committed); the Pulumi CLI tells the program which keys were encrypted
 * (`secretKeys`, see `configSecretKeys` in config/index.ts). An empty secret is refused too.
 * `raw` holds the keys the schema marks secret (SECRET_CONFIG_KEYS), and only those.
 */
export function secretKeyProblems(raw: Partial<Record<string, string>>, secretKeys: readonly string[] | undefined): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(raw)) {
    const value = raw[key];
    if (value === undefined) continue;
    const set = `\`pulumi config set --secret pluto:${key} <value>\``;
    if (secretKeys !== undefined && !secretKeys.includes(key)) {
      problems.push(
        `pluto:${key}: given in clear text, so anyone who can read the stack's config file can read it; rotate it and store the new value encrypted with ${set}`,
      );
    } else if (value.trim() === "") {
      problems.push(`pluto:${key}: is empty (a \`secure:\` entry with no value?); set it with ${set}`);
    }
  }
  return problems;
}

/** Why a name cannot be an extra setting: the stack sets it itself. */
function collision(name: string, scaledOut: boolean): string | undefined {
  if (GOLDEN_KEYS.openWebUiStack.includes(name)) return "is set by the stack from pluto:adminEmail (with a generated password); use that key instead";
  if (GOLDEN_KEYS.openWebUi.includes(name))
    return "is part of the golden configuration (settings/golden.ts) that keeps sign-in working, and the stack sets it itself; remove it here";
  if (scaledOut && GOLDEN_KEYS.openWebUiScaleOut.includes(name))
    return "is set by the stack because Open WebUI runs more than one task (websockets through Redis); remove it here";
  if (GOLDEN_KEYS.openWebUiSecrets.includes(name)) return "is a secret the stack generates and passes through ECS secrets; remove it here";
  return undefined;
}

export interface ExtraSettings {
  openWebUiSettings: Record<string, string>;
  oauth2ProxySettings: Record<string, string>;
  openWebUiSecrets: Record<string, string>;
  /** More than one Open WebUI task: the scale-out settings are the stack's then. */
  scaledOut: boolean;
}

/**
 * Extra settings may add names, never replace one the stack sets: that is how the guide's stack
 * drifted into a broken sign-in. Reported as config problems, each naming the setting and why.
 */
export function settingCollisions(s: ExtraSettings): string[] {
  const problems: string[] = [];
  for (const name of Object.keys(s.openWebUiSettings)) {
    const why = collision(name, s.scaledOut);
    if (why) problems.push(`pluto:openWebUiSettings.${name}: ${name} ${why}`);
  }
  for (const name of Object.keys(s.oauth2ProxySettings))
    if (GOLDEN_KEYS.oauth2Proxy.includes(name))
      problems.push(
        `pluto:oauth2ProxySettings.${name}: ${name} is part of the golden oauth2-proxy configuration (settings/golden.ts) that keeps sign-in working, and the stack sets it itself; remove it here`,
      );
  for (const name of Object.keys(s.openWebUiSecrets)) {
    const why = collision(name, s.scaledOut);
    if (why) problems.push(`pluto:openWebUiSecrets.${name}: ${name} ${why}`);
    else if (name in s.openWebUiSettings) problems.push(`pluto:openWebUiSecrets.${name}: ${name} is also in pluto:openWebUiSettings; give it in one of them`);
  }
  return problems;
}

/**
 * The full ARN of a Secrets Manager secret, as `aws secretsmanager describe-secret` prints it
 * (name plus the 6-character suffix Secrets Manager appends). ECS `valueFrom` also takes a JSON key
 * or version after the ARN, but the execution role is scoped to exactly the ARNs given, so only the
 * plain secret ARN is accepted. https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_iam-permissions.html#iam-resources
 */
const SECRET_ARN = /^arn:aws(-cn|-us-gov)?:secretsmanager:[a-z]{2}(-[a-z]+)+-\d:\d{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}$/;

/** What is wrong with a secret setting's value, or undefined when it is a usable secret ARN. */
export function secretArnProblem(value: unknown): string | undefined {
  if (typeof value !== "string") return `expected the ARN of a Secrets Manager secret, got ${JSON.stringify(value)}`;
  if (SECRET_ARN.test(value)) return undefined;
  if (/^arn:aws[\w-]*:secretsmanager:.*:secret:.+-[A-Za-z0-9]{6}:/.test(value))
    return `${JSON.stringify(value)} selects a JSON key or version of a secret; give the plain secret ARN (store the value in a secret of its own)`;
  if (/^arn:aws[\w-]*:secretsmanager:/.test(value))
    return `${JSON.stringify(value)} is not a full secret ARN; copy it from \`aws secretsmanager describe-secret --secret-id NAME --query ARN\` (it ends in a 6-character suffix)`;
  return `expected the full ARN of a Secrets Manager secret (arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-AbCdEf), got ${JSON.stringify(value)}; the value itself never goes into config`;
}
