/**
 * An ECS `valueFrom` for Secrets Manager is
 * `arn:aws:secretsmanager:region:account:secret:name:json-key:version-stage:version-id`, and it
 * names a version either by stage or by id, never both: "If a version staging label is specified, you
 * can't specify a version ID", and the other way round
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html).
 * Such a reference passes any pattern check and fails only when a task starts
 * (ResourceInitializationError), so the stack refuses it at config time.
 */

/** The version selectors of a parsed `valueFrom`. */
export interface SecretVersionSelector {
  versionStage?: string;
  versionId?: string;
}

/** Why a secret reference cannot be used by ECS, or undefined when its version selector is usable. */
export function secretVersionSelectorProblem(ref: SecretVersionSelector): string | undefined {
  if (ref.versionStage && ref.versionId)
    return (
      `names both a version stage (${ref.versionStage}) and a version id (${ref.versionId}); ECS accepts one or the other ` +
      "and refuses the task at start: keep one, e.g. ARN:json-key:AWSCURRENT: or ARN:json-key::VERSION-ID"
    );
  return undefined;
}
