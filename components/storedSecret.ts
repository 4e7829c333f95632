import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

interface SecretArgs {
  /** The secret's name before the unique suffix AWS appends, e.g. `pluto/openwebui/secret-key`. */
  secretName: string;
  description: string;
  tags?: Record<string, string>;
}

/** What a secret the operator fills in holds until they do; consumers treat it as "not configured". */
export const OPERATOR_SECRET_PLACEHOLDER = "set-me: see README (n8n API key)";

/** Days Secrets Manager keeps a deleted secret restorable (`aws secretsmanager restore-secret`). */
export const SECRET_RECOVERY_WINDOW_DAYS = 7;

function secretWithValue(name: string, args: SecretArgs, value: pulumi.Input<string>, parent: pulumi.Resource, ignoreValueChanges: boolean) {
  const secret = new aws.secretsmanager.Secret(name, {
    // A deleted secret keeps its name for the recovery window
    // (https://docs.aws.amazon.com/secretsmanager/latest/userguide/manage_delete-restore-secret.html),
    // so a fixed name would fail the next `pulumi up` after a destroy. A name prefix gets a unique
    // suffix from AWS each time the secret is created, and the deleted one stays restorable:
    // WEBUI_SECRET_KEY, for one, is needed to read a database restored from its final snapshot.
    namePrefix: `${args.secretName}-`,
    description: args.description,
    recoveryWindowInDays: SECRET_RECOVERY_WINDOW_DAYS,
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
