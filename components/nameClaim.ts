import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { nameClaimHandler } from "../functions/nameClaim";
import { handlerOnlyCodePaths } from "../packaging/lambdaPackaging";
import { assumeRole, onlyThesePolicies } from "../iam/rolePolicies";

export interface NameClaimArgs {
  /** Prefix of physical names: the function is `${namePrefix}-cognito-name-claim`. */
  namePrefix: string;
  /** Retention of the function's log group, in days. Defaults to 30. */
  logRetentionDays?: number;
  tags?: Record<string, string>;
}

/**
 * The Cognito Pre Token Generation trigger that carries the person's name to Open WebUI (see
 * functions/nameClaim.ts). `Identity` wires it into the pool (`preTokenGeneration`) with the
 * invoke permission; this component owns the function, its role and its log group.
 */
export class NameClaim extends pulumi.ComponentResource {
  /** `${namePrefix}-cognito-name-claim`. */
  readonly function: aws.lambda.Function;

  constructor(name: string, args: NameClaimArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("pluto:identity:NameClaim", name, {}, opts);
    const tags = { Name: name, ...args.tags };
    const functionName = `${args.namePrefix}-cognito-name-claim`;

    // Created here so the name is fixed, retention is set and the role needs no logs:CreateLogGroup.
    const logs = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      {
        name: `/aws/lambda/${functionName}`,
        retentionInDays: args.logRetentionDays ?? 30,
        tags,
      },
      { parent: this },
    );
    // It calls nothing: writing its own logs is all it may do.
    const role = new aws.iam.Role(`${name}-role`, { assumeRolePolicy: assumeRole("lambda.amazonaws.com"), tags }, { parent: this });
    const policy = new aws.iam.RolePolicy(
      `${name}-role`,
      {
        role: role.name,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [pulumi.interpolate`${logs.arn}:*`] }],
        }),
      },
      { parent: role },
    );
    onlyThesePolicies(`${name}-role`, role, [policy]);

    this.function = new aws.lambda.CallbackFunction(
      `${name}-function`,
      {
        name: functionName,
        description: "Cognito Pre Token Generation: the person's name, percent-encoded, in preferred_username for Open WebUI",
        runtime: aws.lambda.Runtime.NodeJS22dX,
        architectures: ["arm64"],
        // Runs at every sign-in and token refresh inside Cognito's 5 s; it loads no SDK, so the
        // smallest size starts fast.
        memorySize: 128,
        timeout: 5,
        role,
        loggingConfig: { logFormat: "Text", logGroup: logs.name },
        codePathOptions: handlerOnlyCodePaths(),
        callback: nameClaimHandler,
        tags,
      },
      { parent: this, dependsOn: [policy] },
    );

    this.registerOutputs({ function: this.function });
  }
}
