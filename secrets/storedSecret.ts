import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as random from "@pulumi/random";

interface SecretArgs {
  /** The secret's name (before the unique suffix AWS appends to a restorable one), e.g. `pluto/openwebui/secret-key`. */
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
  /** The secret's ARN, resolved once its value is stored: for IAM policies and for code that reads the current value. */
  readonly arn: pulumi.Output<string>;
  /**
   * What an ECS task takes (`secrets[].valueFrom`): the ARN pinned to this value's version id,
   * `ARN:::VERSION-ID` (json-key and version-stage empty;
   * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html).
   * ECS reads a secret only when a task starts, and a task definition that names the bare ARN does
   * not change with the value, so nothing would roll and running tasks would keep the old value
   * (e.g. a REDIS_URL naming a deleted cluster). A new value is a new version, so the task
   * definition changes and the service rolls onto it; a rollback gets the value its tasks had.
   */
  readonly valueFrom: pulumi.Output<string>;
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

function secretWithValue(
  name: string,
  args: SecretArgs,
  value: pulumi.Input<string>,
  parent: pulumi.Resource,
  lifetime: Lifetime,
  ignoreValueChanges: boolean,
): StoredSecret {
  const secret = new aws.secretsmanager.Secret(
    name,
    {
      ...(lifetime === "restorable"
        ? { namePrefix: `${args.secretName}-`, recoveryWindowInDays: SECRET_RECOVERY_WINDOW_DAYS }
        : { name: args.secretName, recoveryWindowInDays: 0 }),
      description: args.description,
      tags: args.tags,
    },
    { parent },
  );
  const version = new aws.secretsmanager.SecretVersion(
    `${name}-value`,
    {
      secretId: secret.id,
      secretString: value,
    },
    { parent: secret, ignoreChanges: ignoreValueChanges ? ["secretString"] : [] },
  );
  // A value Pulumi does not own (the operator's) is read at its current version.
  const valueFrom = ignoreValueChanges ? version.secretArn : ecsSecretValueFrom(version.secretArn, version.versionId);
  return { secret, version, arn: version.secretArn, valueFrom };
}

/** The ECS `valueFrom` of one version of a secret: `ARN:::VERSION-ID`. */
export function ecsSecretValueFrom(arn: pulumi.Input<string>, versionId: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.interpolate`${arn}:::${versionId}`;
}

/**
 * A Secrets Manager secret with one value. Consumers get only the ARN (ECS `secrets`,
 * Lambda environment), resolved once the value is stored; the value never appears in a task
 * definition or function config.
 */
export function storedSecret(name: string, args: SecretArgs & { value: pulumi.Input<string> }, parent: pulumi.Resource): StoredSecret {
  return secretWithValue(name, args, pulumi.secret(args.value), parent, "restorable", false);
}

/**
 * A stored secret whose value the stack generates: letters and digits (safe in any header, URL or
 * SQL literal), `length` characters, made once and kept in state. The password resource and the
 * secret share `name`.
 */
export function generatedSecret(name: string, args: SecretArgs & { length: number }, parent: pulumi.Resource): StoredSecret {
  const { length, ...secret } = args;
  const value = new random.RandomPassword(name, { length, special: false }, { parent });
  return storedSecret(name, { ...secret, value: value.result }, parent);
}

/**
 * A secret whose value only exists after deployment (e.g. an API key created in an app's UI).
 * Pulumi creates it with a placeholder and then leaves the value alone, so the operator's
 * `aws secretsmanager put-secret-value` is never overwritten by the next `pulumi up`.
 */
export function operatorSecret(name: string, args: SecretArgs, parent: pulumi.Resource): StoredSecret {
  return secretWithValue(name, args, OPERATOR_SECRET_PLACEHOLDER, parent, "disposable", true);
}
