/**
 * Extra settings for the containers: plain Open WebUI settings, oauth2-proxy settings, and secret
 * Open WebUI settings delivered from Secrets Manager. They may add names, never replace one the
 * stack sets (the cross-key rules in config/schema/index.ts, with config/keys.ts).
 */
import { oauth2ProxySettingProblems } from "../../policies/rules";
import { secretArnProblem } from "../keys";
import { Ctx, jsonMap, KeySpec, report } from "./fields";

/** A flat map of extra environment settings; values may be given as numbers or booleans and become strings. */
function settingsMap(key: string, namePattern: RegExp, expected: string) {
  return jsonMap(key, (name: string, value: unknown, ctx: Ctx) => {
    if (!namePattern.test(name)) report(ctx, `expected ${expected}`, [name]);
    else if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return String(value);
    else report(ctx, "expected a string, number or boolean value", [name]);
    return undefined;
  });
}

export const openWebUiSettings: KeySpec<Record<string, string>> = {
  description:
    "Object of extra plain Open WebUI settings, name → value (`pulumi config set --path pluto:openWebUiSettings.ENABLE_WEB_SEARCH true`). Settings the stack sets itself or the policy pack forbids are refused; with models set, so are the OpenAI connection settings.",
  default: {},
  structured: true,
  schema: () => settingsMap("openWebUiSettings", /^[A-Z][A-Z0-9_]*$/, "upper-case environment variable names"),
};

export const oauth2ProxySettings: KeySpec<Record<string, string>> = {
  description:
    "Object of extra OAUTH2_PROXY_* settings for every oauth2-proxy, name → value (e.g. OAUTH2_PROXY_ALLOWED_GROUPS). Settings the stack sets itself are refused.",
  default: {},
  structured: true,
  schema: () =>
    settingsMap("oauth2ProxySettings", /^OAUTH2_PROXY_[A-Z0-9_]+$/, "OAUTH2_PROXY_* names").superRefine((settings, ctx) => {
      // The policy pack's oauth2-proxy rules, judged before any resource exists.
      for (const p of oauth2ProxySettingProblems(settings ?? {})) report(ctx, p.problem, [p.key]);
    }),
};

/** Secret settings: name → Secrets Manager ARN (the value itself never enters config). */
export const openWebUiSecrets: KeySpec<Record<string, string>> = {
  description:
    "Object of extra secret Open WebUI settings, name → full ARN of a Secrets Manager secret (`pulumi config set --path pluto:openWebUiSecrets.OPENAI_API_KEY arn:aws:secretsmanager:eu-west-1:123456789012:secret:pluto/openai-AbC123`), delivered through ECS secrets; the execution role may read exactly these ARNs.",
  default: {},
  structured: true,
  schema: () =>
    jsonMap("openWebUiSecrets", (name: string, value: unknown, ctx: Ctx) => {
      const problem = /^[A-Z][A-Z0-9_]*$/.test(name) ? secretArnProblem(value) : "expected an upper-case environment variable name";
      if (problem) report(ctx, problem, [name]);
      return problem ? undefined : (value as string);
    }),
};
