import { CliError, EXIT } from "../../errors";

/** What a failed call was about, so that the message can name the missing thing. */
export interface AwsContext {
  region: string;
  profile?: string;
  cluster?: string;
  service?: string;
  queue?: string;
}

const NAME_PATTERN = (name: string) => new RegExp(`(^|\\.)${name}$`);

function errorName(e: unknown): string {
  const err = e as { name?: string; Code?: string; code?: string };
  return String(err?.name ?? err?.Code ?? err?.code ?? "");
}

function errorMessage(e: unknown): string {
  return String((e as { message?: string })?.message ?? e);
}

/**
 * Maps an AWS SDK failure to the one-line "cannot check" error the operator can act on.
 * `action` is the IAM action of the call (e.g. `ecs:DescribeServices`).
 */
export function translateAwsError(e: unknown, action: string, ctx: AwsContext): CliError {
  if (e instanceof CliError) return e;
  const name = errorName(e);
  const message = errorMessage(e);
  if (name === "CredentialsProviderError" || /Could not load credentials|Could not resolve credentials/i.test(message)) {
    // With a profile chosen (--profile or AWS_PROFILE), "set AWS_PROFILE" would send the operator in a circle.
    if (ctx.profile)
      return new CliError(
        `no AWS credentials found: profile "${ctx.profile}" has no usable credentials (sign in again, e.g. \`aws sso login --profile ${ctx.profile}\`, or check it in ~/.aws/config)`,
        EXIT.cannotCheck,
      );
    return new CliError("no AWS credentials found (set AWS_PROFILE or use --profile, or configure the default credential chain)", EXIT.cannotCheck);
  }
  if (/^Region is missing/.test(message)) {
    return new CliError("no AWS region configured (set AWS_REGION or use --region)", EXIT.cannotCheck);
  }
  if (/^(ExpiredToken|ExpiredTokenException|RequestExpired)$/.test(name) || /security token included in the request is expired/i.test(message)) {
    return new CliError(`AWS credentials have expired while calling ${action} (refresh the session, e.g. \`aws sso login\`)`, EXIT.cannotCheck);
  }
  if (/^(UnrecognizedClientException|InvalidClientTokenId|InvalidSignatureException)$/.test(name)) {
    return new CliError(`AWS rejected the credentials while calling ${action}: ${message}`, EXIT.cannotCheck);
  }
  if (/^(AccessDenied|AccessDeniedException|UnauthorizedOperation|NotAuthorizedException)$/.test(name) || /not authorized to perform/i.test(message)) {
    return new CliError(`access denied calling ${action} in ${ctx.region}: ${message}`, EXIT.cannotCheck);
  }
  if (name === "ClusterNotFoundException") {
    return new CliError(`cluster ${ctx.cluster ?? "?"} not found in ${ctx.region} (use --cluster or --prefix)`, EXIT.cannotCheck);
  }
  if (name === "ServiceNotFoundException") {
    return new CliError(`service ${ctx.service ?? "?"} not found in cluster ${ctx.cluster ?? "?"} (use --service or --prefix)`, EXIT.cannotCheck);
  }
  if (name === "ServiceNotActiveException") {
    return new CliError(`service ${ctx.service ?? "?"} in cluster ${ctx.cluster ?? "?"} is not active`, EXIT.cannotCheck);
  }
  if (NAME_PATTERN("NonExistentQueue").test(name) || name === "QueueDoesNotExist") {
    return new CliError(`queue ${ctx.queue ?? "?"} not found in ${ctx.region} (use --prefix or the queue flags)`, EXIT.cannotCheck);
  }
  if (name === "ResourceNotFoundException") {
    return new CliError(`${action} in ${ctx.region}: ${message}`, EXIT.cannotCheck);
  }
  return new CliError(`${action} failed in ${ctx.region}: ${name ? name + ": " : ""}${message}`, EXIT.cannotCheck);
}

/** Runs one AWS call and turns any failure into a `CliError` naming the call. */
export async function aws<T>(ctx: AwsContext, action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    throw translateAwsError(e, action, ctx);
  }
}
