import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

interface SecretArgs {
  secretName: string;
  description: string;
  tags?: Record<string, string>;
}

/**
 * A Secrets Manager secret and its value. `arn` is the secret's ARN taken from the stored version,
 * so whatever consumes it (an ECS task definition, an IAM policy, a Lambda's environment) is created
 * only once the value exists: ECS cannot start a task whose `secrets` point at a secret without an
 * AWSCURRENT version ("ResourceInitializationError: unable to pull secrets"), and the deployment
 * circuit breaker then fails the first deployment. DATABASE_URL, for one, has a value only once the
 * database exists.
 */
export interface StoredSecret {
  readonly secret: aws.secretsmanager.Secret;
  readonly version: aws.secretsmanager.SecretVersion;
  /** The secret's ARN, resolved once its value is stored. */
  readonly arn: pulumi.Output<string>;
}

/** What a secret the operator fills in holds until they do; consumers treat it as "not configured". */
export const OPERATOR_SECRET_PLACEHOLDER = "set-me: see README (n8n API key)";

function secretWithValue(name: string, args: SecretArgs, value: pulumi.Input<string>, parent: pulumi.Resource, ignoreValueChanges: boolean): StoredSecret {
  const secret = new aws.secretsmanager.Secret(name, {
    name: args.secretName,
    description: args.description,
    // A short window so a destroy-and-recreate of a dev stack can reuse the name within days.
    recoveryWindowInDays: 7,
    tags: args.tags,
  }, { parent });
  const version = new aws.secretsmanager.SecretVersion(`${name}-value`, {
    secretId: secret.id,
    secretString: value,
  }, { parent: secret, ignoreChanges: ignoreValueChanges ? ["secretString"] : [] });
  return { secret, version, arn: version.secretArn };
}

/**
 * A Secrets Manager secret with one value. Consumers get only the ARN (ECS `secrets`,
 * Lambda environment), resolved once the value is stored; the value never appears in a task
 * definition or function config.
 */
export function storedSecret(
  name: string,
  args: SecretArgs & { value: pulumi.Input<string> },
  parent: pulumi.Resource,
): StoredSecret {
  return secretWithValue(name, args, pulumi.secret(args.value), parent, false);
}

/**
 * A secret whose value only exists after deployment (e.g. an API key created in an app's UI).
 * Pulumi creates it with a placeholder and then leaves the value alone, so the operator's
 * `aws secretsmanager put-secret-value` is never overwritten by the next `pulumi up`.
 */
export function operatorSecret(name: string, args: SecretArgs, parent: pulumi.Resource): StoredSecret {
  return secretWithValue(name, args, OPERATOR_SECRET_PLACEHOLDER, parent, true);
}
