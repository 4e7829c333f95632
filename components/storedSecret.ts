import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

/**
 * A Secrets Manager secret with one value. Consumers get only the ARN (ECS `secrets`,
 * Lambda environment); the value never appears in a task definition or function config.
 */
export function storedSecret(
  name: string,
  args: { secretName: string; description: string; value: pulumi.Input<string>; tags?: Record<string, string> },
  parent: pulumi.Resource,
): aws.secretsmanager.Secret {
  const secret = new aws.secretsmanager.Secret(name, {
    name: args.secretName,
    description: args.description,
    // A short window so a destroy-and-recreate of a dev stack can reuse the name within days.
    recoveryWindowInDays: 7,
    tags: args.tags,
  }, { parent });
  new aws.secretsmanager.SecretVersion(`${name}-value`, {
    secretId: secret.id,
    secretString: pulumi.secret(args.value),
  }, { parent: secret });
  return secret;
}

/** What a secret the operator fills in holds until they do; consumers treat it as "not configured". */
export const OPERATOR_SECRET_PLACEHOLDER = "set-me: see README (n8n API key)";

/**
 * A secret whose value only exists after deployment (e.g. an API key created in an app's UI).
 * Pulumi creates it with a placeholder and then leaves the value alone, so the operator's
 * `aws secretsmanager put-secret-value` is never overwritten by the next `pulumi up`.
 */
export function operatorSecret(
  name: string,
  args: { secretName: string; description: string; tags?: Record<string, string> },
  parent: pulumi.Resource,
): aws.secretsmanager.Secret {
  const secret = new aws.secretsmanager.Secret(name, {
    name: args.secretName,
    description: args.description,
    recoveryWindowInDays: 7,
    tags: args.tags,
  }, { parent });
  new aws.secretsmanager.SecretVersion(`${name}-value`, {
    secretId: secret.id,
    secretString: OPERATOR_SECRET_PLACEHOLDER,
  }, { parent: secret, ignoreChanges: ["secretString"] });
  return secret;
}
