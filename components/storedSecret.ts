import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

interface SecretArgs {
  secretName: string;
  description: string;
  tags?: Record<string, string>;
}

/** What a secret the operator fills in holds until they do; consumers treat it as "not configured". */
export const OPERATOR_SECRET_PLACEHOLDER = "set-me: see README (n8n API key)";

function secretWithValue(name: string, args: SecretArgs, value: pulumi.Input<string>, parent: pulumi.Resource, ignoreValueChanges: boolean) {
  const secret = new aws.secretsmanager.Secret(name, {
    name: args.secretName,
    description: args.description,
    // A short window so a destroy-and-recreate of a dev stack can reuse the name within days.
    recoveryWindowInDays: 7,
    tags: args.tags,
  }, { parent });
  new aws.secretsmanager.SecretVersion(`${name}-value`, {
    secretId: secret.id,
    secretString: value,
  }, { parent: secret, ignoreChanges: ignoreValueChanges ? ["secretString"] : [] });
  return secret;
}

/**
 * A Secrets Manager secret with one value. Consumers get only the ARN (ECS `secrets`,
 * Lambda environment); the value never appears in a task definition or function config.
 */
export function storedSecret(
  name: string,
  args: SecretArgs & { value: pulumi.Input<string> },
  parent: pulumi.Resource,
): aws.secretsmanager.Secret {
  return secretWithValue(name, args, pulumi.secret(args.value), parent, false);
}

/**
 * A secret whose value only exists after deployment (e.g. an API key created in an app's UI).
 * Pulumi creates it with a placeholder and then leaves the value alone, so the operator's
 * `aws secretsmanager put-secret-value` is never overwritten by the next `pulumi up`.
 */
export function operatorSecret(name: string, args: SecretArgs, parent: pulumi.Resource): aws.secretsmanager.Secret {
  return secretWithValue(name, args, OPERATOR_SECRET_PLACEHOLDER, parent, true);
}
