/**
 * Evaluates the pack's resource and stack policies over a list of resources in-process, the way the
 * policy server does (same policy objects, same enforcement-level precedence, same unknown-value
 * proxy), without starting gRPC. For synth output and tests; `pulumi preview --policy-pack` uses index.ts.
 */
import { Policies, PolicyResource, PolicyResourceOptions, ReportViolation, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { packPolicies } from "./pack";

// Exported by @pulumi/policy at run time but missing from its .d.ts; the policy server wraps props in exactly this proxy.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- no typed import exists
const { unknownCheckingProxy, UnknownValueError } = require("@pulumi/policy") as {
  unknownCheckingProxy: <T>(props: T) => T;
  UnknownValueError: new (...args: unknown[]) => Error;
};

export interface PolicyResourceInput {
  type: string;
  name: string;
  urn: string;
  props: Record<string, unknown>;
  /** Property name -> URNs it depends on (lets sqs-dlq-alarmed match values unknown during preview). */
  propertyDependencies?: Record<string, string[]>;
}

export interface PolicyViolation {
  policy: string;
  level: "mandatory" | "advisory";
  /** The resource the violation is about (absent for a stack-wide violation). */
  urn?: string;
  message: string;
}

type Level = "mandatory" | "advisory" | "remediate" | "disabled";
/** Pack config as `pulumi policy enable --config` takes it: `{"all": level, "<policy>": level | {enforcementLevel, ...options}}`. */
export type PackConfig = Record<string, Level | ({ enforcementLevel?: Level } & Record<string, unknown>)>;

class NotApplicable extends Error {}

const NO_OPTS: PolicyResourceOptions = {
  protect: false,
  ignoreChanges: [],
  aliases: [],
  customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
  additionalSecretOutputs: [],
};

function levelFor(name: string, declared: Level | undefined, config: PackConfig): Level {
  const c = config[name];
  const configured = typeof c === "string" ? c : c?.enforcementLevel;
  const all = config.all;
  return configured ?? (typeof all === "string" ? all : undefined) ?? declared ?? "advisory";
}

function optionsFor(name: string, config: PackConfig): Record<string, unknown> {
  const c = config[name];
  if (typeof c !== "object" || c === null) return {};
  const { enforcementLevel: _level, ...options } = c;
  return options;
}

function reporter(policy: string, level: Level, urn: string | undefined, out: PolicyViolation[]): ReportViolation {
  const effective = level === "advisory" ? "advisory" : "mandatory"; // remediate is reported as mandatory
  return (message: string | { message?: string; enforcementLevel?: Level; urn?: string }, violationUrn?: string) => {
    if (typeof message === "object") {
      out.push({ policy, level: message.enforcementLevel === "advisory" ? "advisory" : effective, urn: message.urn ?? urn, message: message.message ?? "" });
    } else {
      const u = violationUrn ?? urn;
      out.push({ policy, level: effective, ...(u ? { urn: u } : {}), message });
    }
  };
}

function explainError(policy: string, e: unknown, urn: string | undefined, out: PolicyViolation[]): void {
  if (e instanceof NotApplicable) return;
  if (e instanceof UnknownValueError) {
    out.push({ policy, level: "advisory", urn, message: `can't run policy '${policy}' during preview: ${e.message}` });
    return;
  }
  throw new Error(`Error validating ${urn ?? "stack"} with policy '${policy}': ${e instanceof Error ? e.message : String(e)}`);
}

/**
 * Runs every enabled policy of the pack (or just `policies`); violations in policy order, resource by
 * resource. A policy that throws (other than for an unknown value) rejects, as the server would fail the RPC.
 */
export async function runPolicies(resources: PolicyResourceInput[], config: PackConfig = {}, policies: Policies = packPolicies): Promise<PolicyViolation[]> {
  const out: PolicyViolation[] = [];
  const notApplicable = (reason?: string): never => {
    throw new NotApplicable(reason);
  };
  for (const p of policies) {
    const level = levelFor(p.name, p.enforcementLevel, config);
    if (level === "disabled") continue;
    const getConfig = <T extends object>() => optionsFor(p.name, config) as T;
    const validateResource = (p as ResourceValidationPolicy).validateResource;
    if (validateResource) {
      const validations = Array.isArray(validateResource) ? validateResource : [validateResource];
      for (const r of resources) {
        const props = unknownCheckingProxy(r.props);
        for (const validate of validations) {
          try {
            await validate(
              {
                type: r.type,
                props,
                urn: r.urn,
                name: r.name,
                opts: NO_OPTS,
                stackTags: new Map(),
                isType: () => false,
                asType: () => undefined,
                getConfig,
                notApplicable,
              },
              reporter(p.name, level, r.urn, out),
            );
          } catch (e) {
            explainError(p.name, e, r.urn, out);
          }
        }
      }
    }
    const validateStack = (p as StackValidationPolicy).validateStack;
    if (validateStack) {
      const byUrn = new Map<string, PolicyResource>();
      const stackResources: PolicyResource[] = resources.map((r) => {
        const pr: PolicyResource = {
          type: r.type,
          props: unknownCheckingProxy(r.props),
          urn: r.urn,
          name: r.name,
          opts: NO_OPTS,
          dependencies: [],
          propertyDependencies: {},
          isType: () => false,
          asType: () => undefined,
        };
        byUrn.set(r.urn, pr);
        return pr;
      });
      resources.forEach((r, i) => {
        for (const [k, urns] of Object.entries(r.propertyDependencies ?? {})) {
          stackResources[i].propertyDependencies[k] = urns.map((u) => byUrn.get(u)).filter((x): x is PolicyResource => x !== undefined);
        }
      });
      try {
        await validateStack({ resources: stackResources, stackTags: new Map(), getConfig, notApplicable }, reporter(p.name, level, undefined, out));
      } catch (e) {
        explainError(p.name, e, undefined, out);
      }
    }
  }
  return out;
}
