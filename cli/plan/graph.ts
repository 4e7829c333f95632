/**
 * The deployment graph of a synthesised stack: which resources each resource waits for, and the
 * longest chain of waits (the critical path) given how long each resource takes to create.
 * Pure functions over the synth records; no Pulumi imports.
 */

/** What the graph needs from a synthesised resource (`SynthResource` fits). */
export interface GraphResource {
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  parent?: string;
  /** URNs the engine request named (explicit `dependsOn` and the resources behind consumed outputs). */
  dependencies: string[];
}

/**
 * A resource that takes time of its own to create: a custom resource, or a component with no
 * children of ours (a remote component such as `awsx:ec2:Vpc`, whose children run in its provider
 * and which answers only once all of them exist).
 */
export function isLeaf(r: GraphResource, childCount: number): boolean {
  return r.custom || childCount === 0;
}

/**
 * For every resource, the leaf resources it waits for before AWS is asked to create it:
 * - its engine dependencies, where a dependency on a component stands for every leaf inside it
 *   (waiting on a component means waiting on its children);
 * - its parent when the parent is a custom resource (a child's URN needs the parent's, which the
 *   engine returns only once the parent exists);
 * - what its component ancestors wait for (a component registers only after its own dependencies,
 *   and its children need its URN).
 * Unknown URNs (default providers, the stack itself) are dropped. Sorted, without duplicates.
 */
export function resolveWaits(resources: GraphResource[]): Map<string, string[]> {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const children = new Map<string, GraphResource[]>();
  for (const r of resources) if (r.parent && byUrn.has(r.parent)) children.set(r.parent, [...(children.get(r.parent) ?? []), r]);
  const leaf = (r: GraphResource) => isLeaf(r, children.get(r.urn)?.length ?? 0);

  const leavesMemo = new Map<string, string[]>();
  const leavesOf = (urn: string): string[] => {
    const r = byUrn.get(urn);
    if (!r) return [];
    if (leaf(r)) return [urn];
    if (!leavesMemo.has(urn)) {
      leavesMemo.set(urn, []); // a cycle through components cannot recurse forever
      leavesMemo.set(
        urn,
        (children.get(urn) ?? []).flatMap((c) => leavesOf(c.urn)),
      );
    }
    return leavesMemo.get(urn)!;
  };

  const inheritedMemo = new Map<string, string[]>();
  const inherited = (urn: string | undefined): string[] => {
    const p = urn ? byUrn.get(urn) : undefined;
    if (!p) return [];
    if (p.custom) return [p.urn];
    if (!inheritedMemo.has(p.urn)) {
      inheritedMemo.set(p.urn, []);
      inheritedMemo.set(p.urn, [...p.dependencies.flatMap(leavesOf), ...inherited(p.parent)]);
    }
    return inheritedMemo.get(p.urn)!;
  };

  const out = new Map<string, string[]>();
  for (const r of resources) {
    const waits = new Set([...r.dependencies.flatMap(leavesOf), ...inherited(r.parent)]);
    waits.delete(r.urn);
    out.set(r.urn, [...waits].sort());
  }
  return out;
}

/** One resource on the critical path, with its start and finish in seconds from the start of the deployment. */
export interface PathStep {
  urn: string;
  start: number;
  seconds: number;
  finish: number;
}

export interface Schedule {
  /** Seconds until the last resource exists, if every resource starts as soon as what it waits for exists. */
  totalSeconds: number;
  /** The chain of waits that ends last, first resource first. */
  path: PathStep[];
  /** Finish time of every resource. */
  finish: Map<string, number>;
}

/**
 * The earliest-finish schedule of the graph (unlimited parallelism, as the Pulumi engine runs
 * independent steps concurrently) and its critical path. `seconds(urn)` is a resource's own
 * creation time (0 for components). Throws naming the resources of a dependency cycle.
 */
export function criticalPath(waits: Map<string, string[]>, seconds: (urn: string) => number): Schedule {
  const finish = new Map<string, number>();
  const via = new Map<string, string | undefined>();
  const visiting = new Set<string>();
  const visit = (urn: string, trail: string[]): number => {
    const known = finish.get(urn);
    if (known !== undefined) return known;
    if (visiting.has(urn)) throw new Error(`dependency cycle: ${[...trail.slice(trail.indexOf(urn)), urn].join(" -> ")}`);
    visiting.add(urn);
    let start = 0;
    let before: string | undefined;
    for (const dep of [...(waits.get(urn) ?? [])].sort()) {
      if (!waits.has(dep)) continue;
      const f = visit(dep, [...trail, urn]);
      // Ties go to the first in sorted order, so the reported path is stable.
      if (f > start) [start, before] = [f, dep];
    }
    visiting.delete(urn);
    via.set(urn, before);
    const f = start + seconds(urn);
    finish.set(urn, f);
    return f;
  };
  for (const urn of [...waits.keys()].sort()) visit(urn, []);

  let last: string | undefined;
  for (const [urn, f] of finish) if (last === undefined || f > finish.get(last)! || (f === finish.get(last)! && urn < last)) last = urn;
  const path: PathStep[] = [];
  for (let urn = last; urn !== undefined; urn = via.get(urn)) {
    const f = finish.get(urn)!;
    path.unshift({ urn, start: f - seconds(urn), seconds: seconds(urn), finish: f });
  }
  return { totalSeconds: last === undefined ? 0 : finish.get(last)!, path, finish };
}
