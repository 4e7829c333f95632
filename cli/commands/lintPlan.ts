/**
 * `pluto lint` over a whole plan, so a pull request can be checked without the Pulumi engine:
 *
 * - `pluto synth --json` output: `{project, stack, resources: [{urn, type, name, parent, dependencies,
 *   aliases, inputs}], outputs, violations}`. Its inputs refer to other resources by the ids and ARNs
 *   the synth mocks gave them, so the mocks' outputs are rebuilt to follow those references.
 * - `pulumi preview --json`: a PreviewDigest `{steps: [{op, urn, oldState?, newState?}], …}` whose
 *   states are apitype.ResourceV3 `{urn, custom, id?, type, inputs, outputs, propertyDependencies, …}`
 *   (pulumi/pulumi pkg/backend/display/json.go ShowPreviewDigest, pkg/display/object.go PreviewDigest,
 *   sdk/go/common/apitype/core.go ResourceV3). Values unknown until deploy are the sentinel
 *   "04da6b54-80e4-46f7-96ec-b56ff0331ba9", secrets "[secret]". Steps of unchanged resources appear
 *   only with `--show-sames`; without it, references to them cannot be followed and are reported.
 * - `pulumi stack export`: `{deployment: {resources: [ResourceV3…]}}`, the same states.
 *
 * Runs the pack's task rules on every task definition and its stack policies on the whole graph,
 * with the same config as the rest of lint. Pure apart from the synth mocks it loads on demand.
 */
import type { LintEntry } from "./lint";
import { containersFromResource, deadLetterInputFromResources } from "../../policies/adapters";
import { Finding, RulesConfig, checkContainers, checkDeadLetterAlarms } from "../../policies/rules";
import { checkGraph } from "../../policies/stack";
import { StackResourceInput } from "../../policies/stack/graph";

export type PlanKind = "synth" | "preview" | "state";

export interface Plan {
  kind: PlanKind;
  resources: (StackResourceInput & { urn: string; name: string })[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const nameOf = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);
const typeOf = (urn: string) => urn.split("::")[2]?.split("$").pop() ?? "";

/** The region most ARNs of the document name (the synth mocks build ids and ARNs with it). */
function regionOf(doc: unknown): string {
  const counts = new Map<string, number>();
  for (const m of JSON.stringify(doc).matchAll(/arn:aws[a-z-]*:[a-z0-9-]+:([a-z]{2}(?:-[a-z]+)+-\d):/g)) counts.set(m[1], (counts.get(m[1]) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? "us-west-2";
}

function fromSynth(doc: Record<string, unknown>, resources: unknown[]): Plan | string {
  // Loaded on demand: only a synth document needs the mocks (and @pulumi/pulumi's types behind them).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { PlutoMocks } = require("../synth/mocks") as typeof import("../synth/mocks");
  const mocks = new PlutoMocks(regionOf(doc));
  const out: Plan["resources"] = [];
  for (const [i, r] of resources.entries()) {
    if (!isRecord(r) || typeof r.type !== "string" || typeof r.urn !== "string" || !isRecord(r.inputs)) {
      return `resources[${i}] is not a synthesised resource (needs urn, type and inputs)`;
    }
    const name = typeof r.name === "string" ? r.name : nameOf(r.urn);
    let props: Record<string, unknown> = r.inputs;
    try {
      const mocked = mocks.newResource({ type: r.type, name, inputs: r.inputs, custom: true }) as { id?: string; state?: Record<string, unknown> };
      props = { ...r.inputs, ...(mocked.state ?? {}), ...(mocked.id ? { id: mocked.id } : {}) };
    } catch {
      // A resource the mocks cannot rebuild keeps its inputs; references to it are then reported as unfollowed.
    }
    out.push({ type: r.type, urn: r.urn, name, props });
  }
  return { kind: "synth", resources: out };
}

/** One apitype.ResourceV3 state as a policy resource: inputs overlaid with outputs (and the id), as the engine hands them over. */
function fromState(state: Record<string, unknown>, where: string): Plan["resources"][number] | string {
  const urn = state.urn;
  if (typeof urn !== "string" || urn === "") return `${where} has no urn`;
  const type = typeof state.type === "string" ? state.type : typeOf(urn);
  const inputs = isRecord(state.inputs) ? state.inputs : {};
  const outputs = isRecord(state.outputs) ? state.outputs : {};
  const deps: Record<string, string[]> = {};
  if (isRecord(state.propertyDependencies)) {
    for (const [k, v] of Object.entries(state.propertyDependencies)) if (Array.isArray(v)) deps[k] = v.filter((u): u is string => typeof u === "string");
  }
  const id = typeof state.id === "string" && state.id !== "" ? { id: state.id } : {};
  return { type, urn, name: nameOf(urn), props: { ...inputs, ...outputs, ...id }, propertyDependencies: deps };
}

/** Operations after which the resource no longer exists (pulumi/pulumi pkg/resource/deploy/step.go StepOp). */
const GONE = ["delete", "delete-replaced", "discard", "discard-replaced", "remove-pending-replace"];

function fromPreview(steps: unknown[]): Plan | string {
  const byUrn = new Map<string, Plan["resources"][number]>();
  for (const [i, s] of steps.entries()) {
    if (!isRecord(s) || typeof s.op !== "string") return `steps[${i}] is not a preview step (needs op)`;
    if (GONE.includes(s.op)) {
      if (typeof s.urn === "string") byUrn.delete(s.urn);
      continue;
    }
    if (!isRecord(s.newState)) continue;
    const r = fromState(s.newState, `steps[${i}].newState`);
    if (typeof r === "string") return r;
    byUrn.set(r.urn, r);
  }
  return { kind: "preview", resources: [...byUrn.values()] };
}

/**
 * The plan a JSON document holds; undefined when it is not a plan at all (lint then reads it as
 * task definitions), a string saying why when it looks like one but cannot be used.
 */
export function readPlan(doc: unknown): Plan | string | undefined {
  if (!isRecord(doc)) return undefined;
  let plan: Plan | string;
  if (Array.isArray(doc.steps)) plan = fromPreview(doc.steps);
  else if (Array.isArray(doc.resources)) plan = fromSynth(doc, doc.resources);
  else if (isRecord(doc.deployment) && (Array.isArray(doc.deployment.resources) || doc.deployment.resources === undefined)) {
    const list = (doc.deployment.resources ?? []) as unknown[];
    const out: Plan["resources"] = [];
    for (const [i, s] of list.entries()) {
      const r = isRecord(s) ? fromState(s, `deployment.resources[${i}]`) : `deployment.resources[${i}] is not a resource`;
      if (typeof r === "string") return r;
      if (!(isRecord(s) && s.delete === true)) out.push(r);
    }
    plan = { kind: "state", resources: out };
  } else if ("steps" in doc || "resources" in doc) {
    return `${"steps" in doc ? "steps" : "resources"} is not a list`;
  } else return undefined;
  if (typeof plan === "string") return plan;
  return plan.resources.length
    ? plan
    : `the ${plan.kind === "preview" ? "preview has no steps with a new state (run pulumi preview --json --show-sames)" : "plan has no resources"}`;
}

type PlanFinding = Finding & { resource?: string };

/** Every finding of the pack over a plan: task rules per task definition, stack policies over the graph. */
export function checkPlan(plan: Plan, config: RulesConfig): PlanFinding[] {
  const out: PlanFinding[] = [];
  for (const r of plan.resources) {
    const adapted = containersFromResource(r.type, r.props);
    if (adapted === undefined) continue;
    if ("unchecked" in adapted)
      out.push({ policy: "(task definition)", level: "advisory", resource: r.urn, message: `could not be checked: ${adapted.unchecked}` });
    else for (const f of checkContainers(adapted.containers, config)) out.push({ ...f, resource: r.urn });
  }
  for (const f of checkDeadLetterAlarms(deadLetterInputFromResources(plan.resources), config)) out.push(f);
  for (const f of checkGraph(plan.resources, config)) out.push(f);
  return out;
}

/** Lint entries for a plan file: one per resource with findings (index = its position), one for stack-wide findings. */
export function lintPlan(file: string, doc: unknown, config: RulesConfig): LintEntry[] | undefined {
  const plan = readPlan(doc);
  if (plan === undefined) return undefined;
  if (typeof plan === "string") return [{ file, error: `${file}: not a usable plan: ${plan}` }];
  const findings = checkPlan(plan, config);
  const entries: LintEntry[] = [];
  const stackWide = findings.filter((f) => f.resource === undefined || !plan.resources.some((r) => r.urn === f.resource));
  plan.resources.forEach((r, index) => {
    const own = findings.filter((f) => f.resource === r.urn).map(({ resource: _r, ...f }) => f);
    if (own.length) entries.push({ file, index, taskDefinition: `${r.type}::${r.name}`, findings: own });
  });
  if (stackWide.length || entries.length === 0) entries.push({ file, findings: stackWide.map(({ resource: _r, ...f }) => f) });
  return entries;
}
