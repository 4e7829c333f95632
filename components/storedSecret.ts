import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

interface SecretArgs {
  /** The secret's name (before the unique suffix AWS appends to a restorable one), e.g. `pluto/openwebui/secret-key`. */
  secretName: string;
  description: string;
  tags?: Record<string, string>;
}

/** What a secret the operator fills in holds until they do; consumers treat it as "not configured". */
export const OPERATOR_SECRET_PLACEHOLDER = "set-me: see README (n8n API key)";

/** Days Secrets Manager keeps a deleted secret restorable (`aws secretsmanager restore-secret`). */
export const SECRET_RECOVERY_WINDOW_DAYS = 7;

/**
 * How a secret outlives `pulumi destroy`. A deleted secret keeps its name for its recovery window
 * (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DeleteSecret.html), so a
 * fixed name with a window would fail the next `pulumi up` after a destroy.
 * - `restorable`: a name prefix that AWS completes with a unique suffix at each creation, and a
 *   recovery window, so the deleted value can be restored. For generated values that data kept
 *   after a destroy may need: WEBUI_SECRET_KEY and the database password, with the final snapshot.
 * - `disposable`: the fixed name, deleted at once (ForceDeleteWithoutRecovery), so the name is free
 *   again within seconds. For a value worthless without the stack, which an operator types in:
 *   the n8n API key only works against the n8n whose data the destroy removed, and a fixed name
 *   keeps the operator's `put-secret-value` command the same.
 */
type Lifetime = "restorable" | "disposable";

function secretWithValue(name: string, args: SecretArgs, value: pulumi.Input<string>, parent: pulumi.Resource, lifetime: Lifetime, ignoreValueChanges: boolean) {
  const secret = new aws.secretsmanager.Secret(name, {
    ...(lifetime === "restorable"
      ? { namePrefix: `${args.secretName}-`, recoveryWindowInDays: SECRET_RECOVERY_WINDOW_DAYS }
      : { name: args.secretName, recoveryWindowInDays: 0 }),
    description: args.description,
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
  return secretWithValue(name, args, pulumi.secret(args.value), parent, "restorable", false);
}

/**
 * A secret whose value only exists after deployment (e.g. an API key created in an app's UI).
 * Pulumi creates it with a placeholder and then leaves the value alone, so the operator's
 * `aws secretsmanager put-secret-value` is never overwritten by the next `pulumi up`.
 */
export function operatorSecret(name: string, args: SecretArgs, parent: pulumi.Resource): aws.secretsmanager.Secret {
  return secretWithValue(name, args, OPERATOR_SECRET_PLACEHOLDER, parent, "disposable", true);
}
