/**
 * The stack configuration, declared once. Every `pluto:` key is a `KeySpec` in the file of its
 * concern; this module lists them in the order `pluto synth` reports them, adds the rules that span
 * keys, and derives what the rest of the program reads: the key lists, the defaults, and the
 * `config:` block of Pulumi.yaml (cli/synth/projectYaml.ts writes it, `npm run generate`).
 */
import { z } from "zod";
import { isAllowed } from "../../functions/allowList";
import { groupSettingProblems, usableGroups } from "../groups";
import { secretKeyProblems, settingCollisions, unknownKeyProblems } from "../keys";
import { hasModels, MODEL_SETTINGS } from "../models";
import { googleWorkspaceConflict } from "../workspace";
import { alarmsSchema, ALARM_DEFAULTS } from "../alarms";
import { allowAnyGoogleAccount, allowedEmailDomains, allowedEmails, requireGoogleWorkspace } from "./allowList";
import { backup, BACKUP_DEFAULTS } from "./backup";
import { database, DATABASE_DEFAULTS, databaseProblems, resolveDatabase } from "./database";
import { Ctx, KeySpec, ParseContext, reportLine } from "./fields";
import { groups } from "./groups";
import { adminEmail, alarmEmail, domain, googleClientId, googleClientSecret, hostedZoneName, namePrefix } from "./identity";
import { oauth2ProxyImage, openWebUiImage } from "./images";
import { models, resolveModels } from "./models";
import { n8n, N8N_DEFAULTS, n8nProblems, resolveN8n } from "./n8n";
import { accessLogRetentionDays, natGateways, waf, WAF_DEFAULTS } from "./network";
import { oauth2ProxySettings, openWebUiSecrets, openWebUiSettings } from "./settings";
import {
  AUTOSCALING_DEFAULTS,
  isScaledOut,
  MEMORY_WITH_GATEWAY,
  OPEN_WEBUI_DEFAULTS,
  openWebUi,
  openWebUiProblems,
  redisNodeType,
  resolveOpenWebUi,
} from "./sizing";

const alarms: KeySpec<Record<string, number>> = {
  description: `Object, fields set with \`pulumi config set --path pluto:alarms.<field> <value>\`: thresholds of the alarms emailed to alarmEmail (docs/monitoring.md), whole numbers. ${Object.entries(
    ALARM_DEFAULTS,
  )
    .map(([field, value]) => `${field} (default ${value})`)
    .join(", ")}.`,
  default: {},
  structured: true,
  schema: () => alarmsSchema,
};

/** Every key the program reads under the `pluto:` namespace, in the order problems are reported. */
export const KEYS = {
  namePrefix,
  domain,
  hostedZoneName,
  googleClientId,
  googleClientSecret,
  alarmEmail,
  adminEmail,
  allowedEmailDomains,
  allowedEmails,
  allowAnyGoogleAccount,
  requireGoogleWorkspace,
  openWebUiImage,
  oauth2ProxyImage,
  openWebUi,
  natGateways,
  database,
  openWebUiSettings,
  oauth2ProxySettings,
  openWebUiSecrets,
  redisNodeType,
  n8n,
  accessLogRetentionDays,
  backup,
  waf,
  models,
  groups,
  alarms,
};

export type ConfigKey = keyof typeof KEYS;
const specs = Object.entries(KEYS) as [ConfigKey, KeySpec<unknown>][];

/** Every key the program reads under the `pluto:` namespace; anything else is a typo we report. */
export const CONFIG_KEYS = Object.keys(KEYS) as ConfigKey[];

/** Keys holding objects, whose fields are set with `pulumi config set --path pluto:<key>.<field>`. */
export const STRUCTURED_KEYS = specs.filter(([, s]) => s.structured).map(([k]) => k);

/** Keys whose value must be a Pulumi secret (`pulumi config set --secret`). */
export const SECRET_CONFIG_KEYS = specs.filter(([, s]) => s.secret).map(([k]) => k);

/** Keys the stack must set: Pulumi.yaml declares them without a default. */
export const REQUIRED_KEYS = specs.filter(([, s]) => s.required !== undefined).map(([k]) => k);

/** The defaults, as the schema declares them; the program's components read them from here. */
export const DEFAULTS = {
  namePrefix: namePrefix.default as string,
  openWebUiImage: openWebUiImage.default as string,
  oauth2ProxyImage: oauth2ProxyImage.default as string,
  openWebUi: OPEN_WEBUI_DEFAULTS,
  natGateways: natGateways.default as "single",
  database: DATABASE_DEFAULTS,
  redisNodeType: redisNodeType.default as string,
  n8n: N8N_DEFAULTS,
  autoscaling: AUTOSCALING_DEFAULTS,
  accessLogRetentionDays: accessLogRetentionDays.default as number,
  backup: BACKUP_DEFAULTS,
  waf: WAF_DEFAULTS,
  /** Open WebUI's task memory when the Bedrock gateway shares it and `openWebUi.memory` is not set. */
  memoryWithGateway: MEMORY_WITH_GATEWAY,
};

/**
 * A key's schema with what its declaration says: a required key that is missing (or blank) is
 * reported in its place and read no further; a secret key must be stored encrypted.
 */
function declared(key: ConfigKey, spec: KeySpec<unknown>, context: ParseContext) {
  const schema = spec.schema(context);
  if (spec.required === undefined && !spec.secret) return schema;
  return z
    .unknown()
    .optional()
    .superRefine((given, ctx) => {
      const missing = spec.secret ? given === undefined || !context.secretGiven : typeof given !== "string" || given.trim() === "";
      if (spec.required !== undefined && missing) reportLine(ctx, `pluto:${key}: required — ${spec.required}`);
      if (spec.secret) secretKeyProblems({ [key]: context.raw[key] }, context.secretKeys).forEach((p) => reportLine(ctx, p));
    })
    .pipe(schema);
}

/** The schema of every key, for one parse (a key's schema may read the context: models its region). */
function shapeFor(context: ParseContext) {
  return Object.fromEntries(specs.map(([k, s]) => [k, declared(k, s, context)])) as {
    [K in ConfigKey]: ReturnType<(typeof KEYS)[K]["schema"]>;
  };
}

/** The parsed keys: each value as its schema gives it (null where wrong, null or undefined where not set). */
export type ParsedKeys = { [K in ConfigKey]: z.output<ReturnType<(typeof KEYS)[K]["schema"]>> };

/**
 * The rules that span keys, run after every key has been read, whether or not it was valid; a key
 * that was wrong (null) reads as its default, as it does for the rules of its own.
 */
function crossKeyRules(v: ParsedKeys, c: ParseContext, ctx: Ctx): void {
  const line = (p: string) => reportLine(ctx, p);
  // About the configuration as a whole, so listed before the problems of single keys.
  const first = (p: string) => reportLine(ctx, p, { first: true });
  unknownKeyProblems(Object.keys(c.raw), CONFIG_KEYS, STRUCTURED_KEYS).forEach(first);
  if (!c.region) first("aws:region: required — the AWS region to deploy to, e.g. `pulumi config set aws:region eu-west-1`");

  // The zone holds the app's records, so it must be the domain or one of its parents.
  const zoneGiven = c.raw.hostedZoneName !== undefined && c.raw.hostedZoneName !== "";
  if (v.domain && (v.hostedZoneName || !zoneGiven)) {
    const zone = v.hostedZoneName ?? v.domain;
    if (v.domain !== zone && !v.domain.endsWith(`.${zone}`))
      line(`pluto:hostedZoneName: "${zone}" must be the domain "${v.domain}" or one of its parents, since the app's records are created in it`);
  }

  // Who may join: someone must be admitted, and the administrator among them.
  const listsValid = v.allowedEmailDomains !== null && v.allowedEmails !== null && v.allowAnyGoogleAccount !== null;
  if (listsValid) {
    const domains = v.allowedEmailDomains ?? [];
    const emails = v.allowedEmails ?? [];
    const anyGoogleAccount = v.allowAnyGoogleAccount ?? false;
    if (domains.length === 0 && emails.length === 0 && !anyGoogleAccount)
      line(
        "pluto:allowedEmailDomains: required — who may join, e.g. `pulumi config set --path 'pluto:allowedEmailDomains[0]' example.com`; " +
          "single addresses go in pluto:allowedEmails, and `pluto:allowAnyGoogleAccount: true` admits anyone with a Google account",
      );
    else {
      if (v.requireGoogleWorkspace && anyGoogleAccount) line(googleWorkspaceConflict());
      if (v.adminEmail && !isAllowed(v.adminEmail, { domains, emails, anyGoogleAccount }))
        line(
          `pluto:adminEmail: ${v.adminEmail} is not admitted by pluto:allowedEmailDomains or pluto:allowedEmails, so the administrator could never sign in; add its domain or the address`,
        );
    }
  }

  const models = resolveModels(v.models, c.region);
  const sizing = resolveOpenWebUi(v.openWebUi, Boolean(models.bedrock));
  openWebUiProblems(v.openWebUi, sizing).forEach(line);
  databaseProblems(v.database, resolveDatabase(v.database)).forEach(line);
  n8nProblems(resolveN8n(v.n8n)).forEach(line);

  // Extra settings may add names, never replace one the stack (or pluto:models, or pluto:groups) sets.
  const settings = {
    openWebUiSettings: v.openWebUiSettings ?? {},
    oauth2ProxySettings: v.oauth2ProxySettings ?? {},
    openWebUiSecrets: v.openWebUiSecrets ?? {},
  };
  if (hasModels(models))
    for (const name of MODEL_SETTINGS.filter((n) => n in settings.openWebUiSettings))
      line(`pluto:openWebUiSettings.${name}: pluto:models sets Open WebUI's model connections; remove ${name} from openWebUiSettings`);
  settingCollisions({ ...settings, scaledOut: isScaledOut(sizing) }).forEach(line);
  groupSettingProblems(settings, usableGroups(v.groups)).forEach(line);
}

/** The whole configuration's schema for one parse: every key, then the rules that span keys. */
export function configSchema(context: ParseContext) {
  return z.looseObject(shapeFor(context)).superRefine((v, ctx) => crossKeyRules(v, context, ctx));
}
