/**
 * `pluto:models`: the model connections, Amazon Bedrock through the gateway sidecar and
 * OpenAI-compatible endpoints. The identifiers and IAM they use are config/models.ts, shared with
 * `pluto doctor`.
 */
import { z } from "zod";
import {
  BEDROCK_CONNECTION,
  BedrockModels,
  DEFAULT_GATEWAY_IMAGE,
  isAwsRegion,
  MAX_BEDROCK_MODELS,
  ModelsConfig,
  NO_MODELS,
  parseBedrockModelId,
  parseSecretReference,
  ROLE_INLINE_POLICY_LIMIT,
} from "../models";
import { secretVersionSelectorProblem } from "../secretArn";
import { always, field, isObject, KeySpec, ParseContext, report, strictFields, text } from "./fields";
import { imagePinProblem } from "./images";

const CONNECTION_NAME = /^[a-z][a-z0-9-]{0,31}$/;

/** Problem with an https base URL of an OpenAI-compatible API, or undefined. */
export function baseUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "is not a URL";
  }
  if (url.protocol !== "https:") return "must use https (the key travels in its Authorization header)";
  if (url.username || url.password) return "must not carry credentials; put the key in Secrets Manager (apiKeySecretArn)";
  if (url.search || url.hash) return "must not have a query or fragment (Open WebUI appends /models and /chat/completions to it)";
  // Open WebUI splits OPENAI_API_BASE_URLS on ';' (config.py).
  if (value.includes(";")) return "must not contain ';'";
  return undefined;
}

const MODELS_LIST = "expected a non-empty list of Bedrock model ids or inference profile ids, e.g. [anthropic.claude-3-5-haiku-20241022-v1:0]";

/** An object of `shape`'s fields (any other is reported), or `notAnObject` for anything else. */
function strictObject<S extends z.ZodRawShape>(shape: S, notAnObject: string) {
  return z
    .unknown()
    .transform((v, ctx) => {
      if (isObject(v)) return v;
      report(ctx, notAnObject);
      return null;
    })
    .pipe(z.looseObject(shape).superRefine(strictFields(Object.keys(shape))));
}

const bedrockShape = {
  models: field<string[]>(undefined, (list, ctx) => {
    if (!Array.isArray(list) || list.length === 0) report(ctx, MODELS_LIST);
    else if (list.length > MAX_BEDROCK_MODELS)
      report(
        ctx,
        `${list.length} models; at most ${MAX_BEDROCK_MODELS} fit the task role's IAM policy (IAM allows ${ROLE_INLINE_POLICY_LIMIT} characters of inline policy per role)`,
      );
    else {
      const models: string[] = [];
      list.forEach((m: unknown, i) => {
        const id = typeof m === "string" ? m.trim() : "";
        if (!parseBedrockModelId(id))
          report(
            ctx,
            `${JSON.stringify(m)} is not a Bedrock model id or inference profile id ` +
              `(expected e.g. anthropic.claude-3-5-haiku-20241022-v1:0 or us.anthropic.claude-3-5-haiku-20241022-v1:0; ARNs are not accepted)`,
            [i],
          );
        else if (models.includes(id)) report(ctx, `${id} is listed twice`, [i]);
        else models.push(id);
      });
      return models;
    }
    return null;
  }),
  region: text((r, given) => (isAwsRegion(r) ? undefined : `expected an AWS region such as us-east-1, got ${JSON.stringify(given)}`)),
  gatewayImage: text((image, given) => {
    const problem = imagePinProblem(image);
    return problem && `${JSON.stringify(given)} ${problem}`;
  }),
};

const bedrock = strictObject(bedrockShape, "expected an object {models, region?, gatewayImage?}").superRefine((b, ctx) => {
  if (b.models === undefined) report(ctx, MODELS_LIST, ["models"]);
});

/** One OpenAI-compatible connection; uniqueness across connections is the list's rule. */
function connection(stackRegion: string | undefined) {
  return strictObject(
    {
      name: always<string>((v, ctx) => {
        const name = typeof v === "string" ? v : "";
        if (!CONNECTION_NAME.test(name)) report(ctx, `expected 1-32 lower-case letters, digits or dashes starting with a letter, got ${JSON.stringify(v)}`);
        else if (name === BEDROCK_CONNECTION)
          report(ctx, `"${BEDROCK_CONNECTION}" is reserved for the Bedrock gateway (pluto:models.bedrock); choose another name`);
        else return name;
        return null;
      }),
      baseUrl: always<string>((v, ctx) => {
        const rawUrl = typeof v === "string" ? v.trim() : "";
        const problem = rawUrl ? baseUrlProblem(rawUrl) : "is required";
        if (problem === undefined) return rawUrl.replace(/\/+$/, "");
        report(ctx, `${rawUrl ? JSON.stringify(v) + " " : ""}${problem}, e.g. https://api.openai.com/v1`);
        return null;
      }),
      apiKeySecretArn: always<string>((v, ctx) => {
        const arn = typeof v === "string" ? v.trim() : "";
        const ref = parseSecretReference(arn);
        if (!ref)
          report(
            ctx,
            "expected the full ARN of a Secrets Manager secret (arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-AbCdEf, " +
              `optionally followed by :json-key::), got ${JSON.stringify(v)}`,
          );
        else if (secretVersionSelectorProblem(ref)) report(ctx, secretVersionSelectorProblem(ref)!);
        else if (stackRegion && ref.region !== stackRegion)
          report(ctx, `the secret is in ${ref.region} but the stack is in ${stackRegion}; keep the key in the stack's region`);
        else return arn;
        return null;
      }),
    },
    "expected an object {name, baseUrl, apiKeySecretArn}",
  );
}

function openai(stackRegion: string | undefined) {
  return z
    .unknown()
    .transform((v, ctx) => {
      if (Array.isArray(v)) return v as unknown[];
      report(ctx, "expected a list of connections [{name, baseUrl, apiKeySecretArn}]");
      return null;
    })
    .pipe(z.array(connection(stackRegion)).nullable())
    .superRefine((connections, ctx) => {
      // Open WebUI tells connections apart by position only; names and URLs tell them apart for people.
      (connections ?? []).forEach((c, i) => {
        const earlier = (connections ?? []).slice(0, i);
        if (c?.name && earlier.some((o) => o?.name === c.name)) report(ctx, `"${c.name}" is used by another connection; names must be unique`, [i, "name"]);
        if (c?.baseUrl && earlier.some((o) => o?.baseUrl === c.baseUrl)) report(ctx, `${c.baseUrl} is used by another connection`, [i, "baseUrl"]);
      });
    });
}

/** `pluto:models` as parsed: each part as given, null where wrong. */
export type ModelsFields = {
  bedrock?: { models?: string[] | null; region?: string | null; gatewayImage?: string | null } | null;
  openai?: ({ name: string | null; baseUrl: string | null; apiKeySecretArn: string | null } | null)[] | null;
};

/** The connections with every default applied: Bedrock in the stack's region, the pinned gateway image. */
export function resolveModels(f: ModelsFields | null | undefined, stackRegion: string | undefined): ModelsConfig {
  if (!f) return NO_MODELS;
  const b = f.bedrock;
  const bedrockModels: BedrockModels | undefined = b
    ? { models: b.models ?? [], region: b.region ?? stackRegion ?? "", gatewayImage: b.gatewayImage ?? DEFAULT_GATEWAY_IMAGE }
    : undefined;
  const connections = (f.openai ?? []).flatMap((c) =>
    c?.name && c.baseUrl && c.apiKeySecretArn ? [{ name: c.name, baseUrl: c.baseUrl, apiKeySecretArn: c.apiKeySecretArn }] : [],
  );
  return { ...(bedrockModels ? { bedrock: bedrockModels } : {}), openai: connections };
}

function modelsSchema(context: ParseContext) {
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined) return {};
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch {
        value = undefined;
      }
      if (isObject(value)) return value;
      report(
        ctx,
        `expected an object {bedrock?, openai?} (set fields with \`pulumi config set --path models.bedrock.models[0] <id>\`), got ${JSON.stringify(raw)}`,
      );
      return null;
    })
    .pipe(
      z
        .looseObject({ bedrock: bedrock.optional(), openai: openai(context.region).optional() })
        .superRefine(strictFields(["bedrock", "openai"]))
        .nullable(),
    );
}

export const models: KeySpec<ModelsFields> = {
  description: `Object of model connections (default none). bedrock: models (list of Bedrock model or inference profile ids, at most ${MAX_BEDROCK_MODELS}), region (default aws:region) and gatewayImage (default ${DEFAULT_GATEWAY_IMAGE}), reached through the task role. openai: a list of {name, baseUrl, apiKeySecretArn}, OpenAI-compatible endpoints whose keys stay in Secrets Manager. Set with --path, e.g. \`pulumi config set --path 'pluto:models.bedrock.models[0]' <id>\`.`,
  default: {},
  structured: true,
  schema: modelsSchema,
};
