/**
 * The stack's resources as the graph stack policies walk: props copied out of the policy server's
 * unknown-checking proxy into plain data (an unknown value becomes `UNKNOWN`, never an exception),
 * and references (ids, ARNs) followed to the resource they name, by value first and through the
 * property's dependencies when the value is not known yet (preview). Pure; no @pulumi imports.
 */
import { isUnknown } from "../rules";

/** A value that is not known until deploy (Pulumi's sentinel, or a proxy that threw on access). */
export const UNKNOWN: unique symbol = Symbol("unknown");
export type Plain = string | number | boolean | null | undefined | typeof UNKNOWN | Plain[] | { [key: string]: Plain };

/** One resource as a stack policy, `pluto synth` or a plan file hands it over. */
export interface StackResourceInput {
  type: string;
  urn?: string;
  name?: string;
  props: unknown;
  /** Input property -> URNs of the resources its value was computed from. */
  propertyDependencies?: Record<string, string[]>;
}

export interface GraphResource {
  type: string;
  urn: string;
  name: string;
  props: Record<string, Plain>;
  deps: Record<string, string[]>;
}

/** A finding of a stack rule, before the policy's level is applied. */
export interface RawStackFinding {
  /** URN of the resource it is about. */
  resource?: string;
  message: string;
  /** A weaker form of the problem, or something that could not be checked: advisory whatever the level. */
  advisory?: boolean;
}

const MAX_DEPTH = 40;

/** Copies a value out of the policy proxy; anything unreadable becomes UNKNOWN. */
export function plain(value: unknown, depth = 0): Plain {
  try {
    if (isUnknown(value)) return UNKNOWN;
    if (value === null || value === undefined || typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
    if (depth > MAX_DEPTH || typeof value !== "object") return UNKNOWN;
    if (Array.isArray(value)) {
      const out: Plain[] = [];
      const length = value.length;
      for (let i = 0; i < length; i++) {
        try {
          out.push(plain(value[i], depth + 1));
        } catch {
          out.push(UNKNOWN);
        }
      }
      return out;
    }
    const out: Record<string, Plain> = {};
    for (const key of Object.keys(value)) {
      try {
        out[key] = plain((value as Record<string, unknown>)[key], depth + 1);
      } catch {
        out[key] = UNKNOWN;
      }
    }
    return out;
  } catch {
    return UNKNOWN;
  }
}

export const isRecord = (v: unknown): v is Record<string, Plain> => typeof v === "object" && v !== null && !Array.isArray(v);

/** `obj.key` of a plain value (UNKNOWN stays UNKNOWN; anything else that is not an object gives undefined). */
export function at(obj: Plain, key: string): Plain {
  if (obj === UNKNOWN) return UNKNOWN;
  return isRecord(obj) ? obj[key] : undefined;
}

/** The elements of a list; UNKNOWN for an unknown list, [] for none. */
export function list(v: Plain): Plain[] | typeof UNKNOWN {
  if (v === UNKNOWN) return UNKNOWN;
  if (Array.isArray(v)) return v;
  return v === undefined || v === null ? [] : [v];
}

export function str(v: Plain): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

/** A number, also from its string form (the AWS provider takes ports as either). */
export function num(v: Plain): number | undefined {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && /^-?\d+$/.test(v.trim())) return Number(v.trim());
  return undefined;
}

/** A value as a message shows it. */
export function text(v: Plain): string {
  if (v === UNKNOWN) return "(not known until deploy)";
  if (typeof v === "string") return v;
  if (v === undefined) return "(none)";
  return JSON.stringify(v);
}

export function isTrue(v: Plain): boolean {
  return v === true || (typeof v === "string" && v.trim().toLowerCase() === "true");
}

/** The outcome of following one reference. */
export type Ref =
  | { kind: "resource"; target: GraphResource }
  /** A known value naming nothing in this stack (a resource managed elsewhere). */
  | { kind: "external"; value: string }
  /** Not known until deploy, and the property's dependencies do not tell. */
  | { kind: "unknown" }
  | { kind: "none" };

export class StackGraph {
  readonly resources: GraphResource[];
  private readonly byUrn = new Map<string, GraphResource>();

  constructor(input: StackResourceInput[]) {
    this.resources = [];
    (Array.isArray(input) ? input : []).forEach((r, i) => {
      if (typeof r !== "object" || r === null || typeof r.type !== "string") return;
      const props = plain(r.props);
      const urn = typeof r.urn === "string" && r.urn !== "" ? r.urn : `#${i}`;
      const deps: Record<string, string[]> = {};
      for (const [k, v] of Object.entries(r.propertyDependencies ?? {})) if (Array.isArray(v)) deps[k] = v.filter((u) => typeof u === "string");
      const g: GraphResource = { type: r.type, urn, name: typeof r.name === "string" ? r.name : urn, props: isRecord(props) ? props : {}, deps };
      this.resources.push(g);
      this.byUrn.set(urn, g);
    });
  }

  ofType(...types: string[]): GraphResource[] {
    return this.resources.filter((r) => types.includes(r.type));
  }

  get(urn: string): GraphResource | undefined {
    return this.byUrn.get(urn);
  }

  /** The values a resource is referred to by: id, ARN, DNS name, and the id at the end of an EC2 ARN (`…:security-group/sg-1`). */
  identities(r: GraphResource): string[] {
    const out: string[] = [];
    for (const key of ["id", "arn", "dnsName"]) {
      const v = str(r.props[key]);
      if (v === undefined || v === "[secret]") continue;
      out.push(v);
      const m = /^arn:aws[a-z-]*:ec2:[^:]*:[^:]*:[a-z-]+\/(.+)$/.exec(v);
      if (m) out.push(m[1]);
    }
    return out;
  }

  /** The resources of `types` the property `prop` of `from` was computed from. */
  dependencies(from: GraphResource, prop: string, types: string[]): GraphResource[] {
    return (from.deps[prop] ?? []).map((u) => this.byUrn.get(u)).filter((r): r is GraphResource => r !== undefined && types.includes(r.type));
  }

  /**
   * Follows one reference (`value`, found under the top-level property `prop` of `from`) to a
   * resource of one of `types`: by id/ARN, else through the property's dependencies when they
   * name exactly one resource of those types.
   */
  ref(from: GraphResource, prop: string, value: Plain, types: string[]): Ref {
    const known = typeof value === "string" && value !== "" && !isUnknown(value) ? value : undefined;
    if (known !== undefined) {
      const match = this.ofType(...types).find((r) => this.identities(r).includes(known));
      if (match) return { kind: "resource", target: match };
    } else if (value === undefined || value === null || value === "") {
      return { kind: "none" };
    }
    const deps = this.dependencies(from, prop, types);
    if (deps.length === 1) return { kind: "resource", target: deps[0] };
    return known !== undefined ? { kind: "external", value: known } : { kind: "unknown" };
  }

  /**
   * Follows a list of references (security groups of a service, say) as a set. `unresolved`
   * counts the elements that could not be matched by value nor through the dependencies.
   */
  refs(from: GraphResource, prop: string, values: Plain, types: string[]): { targets: GraphResource[]; external: string[]; unknown: boolean } {
    const items = list(values);
    const deps = this.dependencies(from, prop, types);
    if (items === UNKNOWN) return deps.length ? { targets: deps, external: [], unknown: false } : { targets: [], external: [], unknown: true };
    const targets = new Set<GraphResource>();
    const external: string[] = [];
    let unmatched = 0;
    for (const v of items) {
      const known = typeof v === "string" && v !== "" ? v : undefined;
      const match = known !== undefined ? this.ofType(...types).find((r) => this.identities(r).includes(known)) : undefined;
      if (match) targets.add(match);
      else if (known !== undefined && deps.length === 0) external.push(known);
      else unmatched++;
    }
    if (unmatched > 0) for (const d of deps) targets.add(d);
    return { targets: [...targets], external, unknown: unmatched > 0 && deps.length === 0 };
  }
}

/** How a resource is named in a message: its logical name and type. */
export function label(r: GraphResource): string {
  return `${r.name} (${r.type})`;
}
