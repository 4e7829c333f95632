import * as path from "path";
import { readStackConfig } from "../../cli/synth/stackConfig";
import { synthesize, SynthResource, SynthResult } from "../../cli/synth/harness";
import { ContainerDefinition } from "../../settings/golden";

export const ROOT = path.join(__dirname, "..", "..");

/** The example stack file Pulumi.<stack>.yaml (its pins are above every security floor). */
export function stackFile(stack: "dev" | "prod" = "dev"): string {
  return path.join(ROOT, `Pulumi.${stack}.yaml`);
}

/** The example dev stack's config (Pulumi.dev.yaml), as the Pulumi CLI would hand it over. */
export function devConfig(): { config: Record<string, string>; secretKeys: string[] } {
  const read = readStackConfig(path.join(ROOT, "Pulumi.dev.yaml"));
  return read;
}

/** A synthesised stack with finders that fail loudly when a resource is missing. */
export class Stack {
  constructor(readonly result: SynthResult) {}

  all(type: string): SynthResource[] {
    return this.result.resources.filter((r) => r.type === type);
  }

  /** The single resource of `type` (optionally whose logical name ends with `suffix`). */
  one(type: string, suffix?: string): SynthResource {
    const found = this.all(type).filter((r) => suffix === undefined || r.name.endsWith(suffix));
    if (found.length !== 1)
      throw new Error(`expected exactly one ${type}${suffix ? ` named *${suffix}` : ""}, found ${found.map((r) => r.name).join(", ") || "none"}`);
    return found[0];
  }

  byUrn(urn: string): SynthResource {
    const r = this.result.resources.find((x) => x.urn === urn);
    if (!r) throw new Error(`no resource with urn ${urn}`);
    return r;
  }

  inputs(type: string, suffix?: string): any {
    return this.one(type, suffix).inputs;
  }

  /** Containers of the task definition for `family`, parsed from its JSON string. */
  containers(family: string): ContainerDefinition[] {
    const td = this.all("aws:ecs/taskDefinition:TaskDefinition").find((r) => (r.inputs as any).family === family);
    if (!td) throw new Error(`no task definition with family ${family}`);
    return JSON.parse((td.inputs as any).containerDefinitions);
  }

  /** A role's inline policies (its `aws.iam.RolePolicy` children), as `{ name, policy }` sorted by name (undefined when auto-named). */
  inlinePolicies(role: SynthResource): { name: string; policy: string }[] {
    return this.all("aws:iam/rolePolicy:RolePolicy")
      .filter((p) => p.parent === role.urn)
      .map((p) => ({ name: (p.inputs as any).name, policy: (p.inputs as any).policy }))
      .sort((a, b) => String(a.name).localeCompare(String(b.name)));
  }

  /** The managed policy ARNs a role holds exclusively (its `RolePolicyAttachmentsExclusive` child). */
  managedPolicyArns(role: SynthResource): string[] {
    const exclusive = this.all("aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive").filter((p) => p.parent === role.urn);
    if (exclusive.length !== 1) throw new Error(`expected one RolePolicyAttachmentsExclusive for ${role.name}, found ${exclusive.length}`);
    return (exclusive[0].inputs as any).policyArns;
  }

  /** What a task's `valueFrom` is for a secret the stack stores: its ARN pinned to its version, `ARN:::VERSION-ID`. */
  storedValueFrom(secret: SynthResource): string {
    const version = this.all("aws:secretsmanager/secretVersion:SecretVersion").find((v) => (v.inputs as any).secretId === secret.id);
    if (!version) throw new Error(`no stored version of ${secret.name}`);
    // The provider's (and the mock's) id of a version is `ARN|VERSION-ID`.
    return `${secret.id}:::${version.id.split("|")[1]}`;
  }

  container(family: string, name: string): ContainerDefinition {
    const c = this.containers(family).find((x) => x.name === name);
    if (!c) throw new Error(`no container ${name} in ${family}`);
    return c;
  }
}

export function env(c: ContainerDefinition): Record<string, string> {
  return Object.fromEntries(c.environment.map((e) => [e.name, e.value]));
}

const synthesised = new Map<string, Promise<Stack>>();

/**
 * The dev stack with `overrides` applied, synthesised once per distinct config for the whole test
 * run (tests only read the result), which keeps the suite fast.
 */
export function synthStack(overrides: Record<string, string | undefined> = {}): Promise<Stack> {
  const key = JSON.stringify(Object.entries(overrides).sort());
  if (!synthesised.has(key)) {
    const { config, secretKeys } = devConfig();
    for (const [k, v] of Object.entries(overrides)) {
      if (v === undefined) delete config[k];
      else config[k] = v;
    }
    synthesised.set(
      key,
      synthesize({ config, secretKeys, stack: "dev" }).then((r) => new Stack(r)),
    );
  }
  return synthesised.get(key)!;
}
