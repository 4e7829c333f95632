/** Reads one secret's string value by ARN. */
export type SecretReader = (arn: string) => Promise<string>;

/**
 * Caches secret values for the container's life (one Secrets Manager call per secret per cold
 * start). Concurrent first reads share one request; a failed read is not cached, so the next
 * record retries it.
 */
export function cachedSecrets(read: SecretReader): SecretReader {
  const cache = new Map<string, Promise<string>>();
  return (arn) => {
    let value = cache.get(arn);
    if (!value) {
      value = read(arn);
      cache.set(arn, value);
      value.catch(() => cache.delete(arn));
    }
    return value;
  };
}
