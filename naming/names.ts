import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

/**
 * Pulumi auto-names a resource `<logical name>-<7 random hex digits>`: pulumi-terraform-bridge
 * `AutoName` (pkg/tfbridge/info/autonaming.go, `Randlen: 7`) appends the separator and the random
 * part to the URN name, and refuses the name when that is longer than the resource's maximum
 * ("name '…' plus 7 random chars is longer than maximum length 32").
 */
export const AUTO_NAME_SUFFIX_LENGTH = 8;

/** The name Pulumi would give a resource with this logical name, with `x` for the random part. */
export function modelledAutoName(logicalName: string): string {
  return `${logicalName}-${"x".repeat(AUTO_NAME_SUFFIX_LENGTH - 1)}`;
}

/** True when Pulumi's auto-name for `logicalName` stays within `maxLength`. */
export function autoNameFits(logicalName: string, maxLength: number): boolean {
  return logicalName.length + AUTO_NAME_SUFFIX_LENGTH <= maxLength;
}

/**
 * The `name` to give a resource whose AWS name is capped at `maxLength` (load balancers and target
 * groups: 32). When Pulumi's own auto-name fits, `undefined`: Pulumi names it, and stacks created
 * before this existed keep their resources. Otherwise the logical name cut to fit, plus a random
 * suffix that changes whenever an input in `replaceOn` changes, so that a replacement can still be
 * created before the old resource is deleted (which a fixed name would prevent, as a taken name).
 * The provider's own `namePrefix` is no help: target groups take at most 6 characters of it
 * (@pulumi/aws lb/targetGroup.d.ts), too few to say which stack a group belongs to.
 */
export function cappedName(
  logicalName: string,
  maxLength: number,
  replaceOn: Record<string, pulumi.Input<string>>,
  parent: pulumi.Resource,
): pulumi.Output<string> | undefined {
  if (autoNameFits(logicalName, maxLength)) return undefined;
  const base = logicalName.slice(0, maxLength - AUTO_NAME_SUFFIX_LENGTH).replace(/-+$/, "");
  const suffix = new random.RandomString(
    `${logicalName}-name`,
    {
      length: AUTO_NAME_SUFFIX_LENGTH - 1,
      upper: false,
      special: false,
      keepers: replaceOn,
    },
    { parent },
  );
  return pulumi.interpolate`${base}-${suffix.result}`;
}
