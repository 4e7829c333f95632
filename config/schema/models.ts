/** `pluto:models`: the model connections; their validation is config/models.ts, shared with `pluto doctor`. */
import { DEFAULT_GATEWAY_IMAGE, ModelsConfig, parseModelsConfig } from "../models";
import { KeySpec, reportLine } from "./fields";
import { imagePinProblem } from "./images";
import { z } from "zod";

export const models: KeySpec<ModelsConfig> = {
  description: `Object of model connections (default none). bedrock: models (list of Bedrock model or inference profile ids, at most 25), region (default aws:region) and gatewayImage (default ${DEFAULT_GATEWAY_IMAGE}), reached through the task role. openai: a list of {name, baseUrl, apiKeySecretArn}, OpenAI-compatible endpoints whose keys stay in Secrets Manager. Set with --path, e.g. \`pulumi config set --path 'pluto:models.bedrock.models[0]' <id>\`.`,
  default: {},
  schema: (context) =>
    z
      .string()
      .optional()
      .transform((raw, ctx) => {
        const problems: string[] = [];
        const parsed = parseModelsConfig(raw, context.region, problems, imagePinProblem);
        problems.forEach((p) => reportLine(ctx, p));
        // Kept even when wrong: other keys' defaults depend on it (the gateway's memory).
        return parsed;
      }),
};
