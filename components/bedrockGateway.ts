import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as random from "@pulumi/random";
import { BedrockModels, bedrockInvokePolicy, onDemandProblem, parseBedrockModelId, ResolvedInferenceProfile } from "../config/models";
import { gatewayContainer, GatewayContainerSpec } from "../settings/modelWiring";
import { storedSecret } from "../secrets/storedSecret";

export interface BedrockGatewayArgs {
  /** Prefix of physical names (`<prefix>/bedrock-gateway/master-key`). */
  namePrefix: string;
  /** The models, their region and the pinned gateway image (validated `pluto:models.bedrock`). */
  bedrock: BedrockModels;
  tags?: Record<string, string>;
}

/**
 * Amazon Bedrock for Open WebUI without long-lived keys: an OpenAI-compatible gateway (LiteLLM
 * proxy) that runs as a sidecar in Open WebUI's task and calls Bedrock with the task role. This
 * component owns what the gateway needs; the task itself is `ProxiedService`'s:
 * - the gateway's master key, generated and kept in Secrets Manager (`sk-` + 48 characters);
 * - the task-role policy allowing InvokeModel/InvokeModelWithResponseStream on exactly the
 *   configured models, resolved at deployment from Bedrock itself (GetFoundationModel,
 *   GetInferenceProfile), so a model id that does not exist in the region fails the preview;
 * - the sidecar container's definition.
 */
export class BedrockGateway extends pulumi.ComponentResource {
  /** The master key Open WebUI sends as its API key, for ECS `secrets`: its Secrets Manager ARN pinned to the stored version. */
  readonly masterKeySecretArn: pulumi.Output<string>;
  /** The task-role policy document (JSON). */
  readonly invokePolicy: pulumi.Output<string>;
  /** The sidecar for `ProxiedService.sidecars`. */
  readonly container: GatewayContainerSpec<pulumi.Input<string>>;

  constructor(name: string, args: BedrockGatewayArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("pluto:models:BedrockGateway", name, {}, opts);
    const { bedrock } = args;
    if (bedrock.models.length === 0) throw new Error(`BedrockGateway ${name}: at least one model is required`);
    const tags = { Name: name, ...args.tags };

    const key = new random.RandomPassword(`${name}-master-key`, { length: 48, special: false }, { parent: this });
    this.masterKeySecretArn = storedSecret(
      `${name}-master-key`,
      {
        secretName: `${args.namePrefix}/bedrock-gateway/master-key`,
        description: "LITELLM_MASTER_KEY: the key Open WebUI uses to call its Bedrock gateway sidecar",
        // LiteLLM refuses a master key that does not start with sk-.
        value: pulumi.interpolate`sk-${key.result}`,
        tags,
      },
      this,
    ).valueFrom;

    const invokeOpts = { parent: this };
    const foundationModelArns = bedrock.models
      .map(parseBedrockModelId)
      .filter((m) => m?.kind === "foundation-model")
      .map((m) =>
        aws.bedrockfoundation.getModelOutput({ modelId: m.id, region: bedrock.region }, invokeOpts).apply((model) => {
          const problem = onDemandProblem(m.id, bedrock.region, model.inferenceTypesSupporteds ?? []);
          if (problem) throw new Error(problem);
          return model.modelArn;
        }),
      );
    const profiles = bedrock.models
      .map(parseBedrockModelId)
      .filter((m) => m?.kind === "inference-profile")
      .map((m) =>
        aws.bedrock
          .getInferenceProfileOutput({ inferenceProfileId: m.id, region: bedrock.region }, invokeOpts)
          .apply((p): ResolvedInferenceProfile => ({ id: m.id, arn: p.inferenceProfileArn, modelArns: (p.models ?? []).map((x) => x.modelArn) })),
      );
    this.invokePolicy = pulumi.all([pulumi.all(foundationModelArns), pulumi.all(profiles)]).apply(([fms, ps]) => bedrockInvokePolicy(fms, ps));

    this.container = gatewayContainer<pulumi.Input<string>>(bedrock, this.masterKeySecretArn);

    this.registerOutputs({ masterKeySecretArn: this.masterKeySecretArn, invokePolicy: this.invokePolicy });
  }
}
