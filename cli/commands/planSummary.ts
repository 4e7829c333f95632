import { Command } from "commander";
import { CliError, EXIT } from "../errors";
import { Io, jsonTarget, writeJson, writeText } from "../io";
import { costPie, criticalPathGantt } from "../diagrams/planCharts";
import { refuseStackArgument } from "../synth/stackName";
import type { RegisterCommand } from "./index";
import { synthesizeStack } from "./synth";
import { SynthResource } from "../synth/harness";
import { criticalPath, resolveWaits } from "../plan/graph";
import { creationTime, Duration, servingAfterUp, ServingWait, sourceKind } from "../plan/durations";
import { Assumptions, CostEstimate, estimateMonthlyCost, parseAssumptions } from "../plan/cost";

export interface PlanSummaryOptions {
  stack: string;
  config?: string;
  /** `--json`: a file, or `-`/no value for stdout (see `jsonTarget`). */
  json?: string | boolean;
  assume?: string[];
  /** Project directory (holds index.ts and Pulumi.<stack>.yaml). */
  cwd?: string;
  /** Write the critical path as a Mermaid Gantt chart to this file. */
  gantt?: string;
  /** Write the monthly cost by group as a Mermaid pie chart to this file. */
  costPie?: string;
  /** Whether `--stack` was given (see `chooseStack`). */
  stackGiven?: boolean;
}

export interface PathEntry {
  urn: string;
  /** A component whose children run in its own provider (e.g. awsx): it answers only when all of them exist. */
  remoteComponent?: boolean;
  type: string;
  name: string;
  start: number;
  seconds: number;
  finish: number;
  /** Why it waited for the previous entry: `input <property>`, `dependsOn`, `parent` or `component`. */
  waitsVia?: string;
  source: string;
}

export interface PlanSummary {
  project: string;
  stack: string;
  region: string;
  resources: number;
  firstDeploy: {
    totalSeconds: number;
    criticalPath: PathEntry[];
    /** After `pulumi up` ends: how long until the app answers (ECS starts the tasks then). */
    servingAfter?: ServingWait;
  };
  cost: CostEstimate;
}

/** How `r` came to wait for `dep`, for the reader who wants to shorten the path. */
export function waitReason(r: SynthResource, dep: string): string {
  const props = Object.entries(r.propertyDependencies ?? {})
    .filter(([, urns]) => urns.includes(dep))
    .map(([k]) => k);
  if (props.length) return `input ${props.sort().join(", ")}`;
  if (r.parent === dep) return "parent";
  if (r.dependencies.includes(dep)) return "dependsOn";
  return "component";
}

/** The estimated first deploy (critical path) and monthly cost of synthesised resources. Pure. */
export function summarise(result: { project: string; stack: string; resources: SynthResource[] }, region: string, assumptions?: Assumptions): PlanSummary {
  const byUrn = new Map(result.resources.map((r) => [r.urn, r]));
  const waits = resolveWaits(result.resources);
  const parents = new Set(result.resources.map((r) => r.parent).filter(Boolean));
  const leaves = new Map<string, string[]>();
  for (const r of result.resources) if (r.custom || !parents.has(r.urn)) leaves.set(r.urn, waits.get(r.urn) ?? []);
  const durations = new Map<string, Duration>();
  for (const urn of leaves.keys()) durations.set(urn, creationTime(byUrn.get(urn)!.type, byUrn.get(urn)!.inputs));
  const schedule = criticalPath(leaves, (urn) => durations.get(urn)!.seconds);
  const path = schedule.path.map((step, i): PathEntry => {
    const r = byUrn.get(step.urn)!;
    return {
      ...step,
      type: r.type,
      name: r.name,
      ...(r.custom ? {} : { remoteComponent: true }),
      ...(i > 0 ? { waitsVia: waitReason(r, schedule.path[i - 1].urn) } : {}),
      source: durations.get(step.urn)!.source,
    };
  });
  return {
    project: result.project,
    stack: result.stack,
    region,
    resources: result.resources.length,
    firstDeploy: { totalSeconds: schedule.totalSeconds, criticalPath: path, ...optional("servingAfter", servingAfterUp(result.resources)) },
    cost: estimateMonthlyCost(result.resources, region, assumptions),
  };
}

const optional = <K extends string, V>(key: K, value: V | undefined) => (value === undefined ? {} : ({ [key]: value } as Record<K, V>));

export function minutes(seconds: number): string {
  const m = Math.floor(seconds / 60);
  return `${m}:${String(Math.round(seconds - m * 60)).padStart(2, "0")}`;
}

const KIND: Record<ReturnType<typeof sourceKind>, string> = { measured: "measured", documented: "documented", estimate: "estimate", none: "-" };

export function formatSummary(s: PlanSummary): string[] {
  const lines = [`${s.project} (${s.stack}) in ${s.region}: ${s.resources} resources`, ""];
  lines.push(`First deploy, estimated: ${minutes(s.firstDeploy.totalSeconds)} (min:s) along the critical path`);
  lines.push("  start  takes  resource                                   waits for the line above via   figure");
  for (const e of s.firstDeploy.criticalPath) {
    lines.push(
      `  ${minutes(e.start).padStart(5)}  ${minutes(e.seconds).padStart(5)}  ${`${e.type.split(":").pop()} ${e.name}`.padEnd(42)} ${(e.waitsVia ?? "").padEnd(30)} ${KIND[sourceKind(e)]}`,
    );
  }
  lines.push("  Every resource starts as soon as what it waits for exists; durations and their sources: cli/plan/durations.ts.");
  for (const e of s.firstDeploy.criticalPath.filter((x) => x.remoteComponent)) {
    lines.push(`  Note: ${e.type} ${e.name} is a remote component; whatever uses any of its outputs waits until all of its children exist, used or not.`);
  }
  const wait = s.firstDeploy.servingAfter;
  if (wait)
    lines.push(
      `  After \`pulumi up\` ends the app is not serving yet: ECS starts the tasks then (waitForSteadyState=false). Allow about ${minutes(wait.seconds)}, at most ${minutes(wait.upToSeconds)} (the health-check grace period; ${wait.source}).`,
    );
  const sources = [...new Set(s.firstDeploy.criticalPath.filter((e) => sourceKind(e) !== "none").map((e) => `${e.type.split(":").pop()}: ${e.source}`))];
  for (const src of sources) lines.push(`  - ${src}`);
  const c = s.cost;
  lines.push("");
  const range = c.totalMax > c.total ? ` at the desired task count, up to $${c.totalMax.toFixed(2)} with autoscaling at its maximum` : "";
  lines.push(
    `Monthly cost, estimated: $${c.total.toFixed(2)}${range} (On-Demand list prices for ${c.priceRegion} as of ${c.pricesAsOf}; AWS changes prices, check the pricing pages before you rely on it)`,
  );
  const width = Math.max(...c.items.map((i) => i.item.length));
  const amount = (i: CostEstimate["items"][number]) => `$${i.monthly.toFixed(2)}${i.monthlyMax !== undefined ? `–$${i.monthlyMax.toFixed(2)}` : ""}`;
  const amountWidth = Math.max(8, ...c.items.map((i) => amount(i).length));
  for (const i of c.items) lines.push(`  ${i.item.padEnd(width)}  ${amount(i).padStart(amountWidth)}  ${i.detail}`);
  if (c.items.some((i) => i.item.startsWith("Bedrock ")))
    lines.push(
      `  model prices: Bedrock On-Demand per million tokens in us-east-1 as of ${c.modelPricesAsOf} (${c.modelPricesSource}); use per member is an assumption below`,
    );
  const best = c.savings[0];
  if (best) lines.push(`  largest saving: pluto:${best.key} ${best.change} saves about $${best.monthly.toFixed(2)} a month (${best.tradeoff})`);
  lines.push(
    `  assumptions (--assume key=value): ${Object.entries(c.assumptions)
      .map(([k, v]) => `${k}=${v}`)
      .join(", ")}`,
  );
  lines.push(`  not estimated: ${c.notEstimated.join("; ")}`);
  for (const w of c.warnings) lines.push(`warning: ${w}`);
  return lines;
}

export async function runPlanSummary(opts: PlanSummaryOptions, io: Io): Promise<number> {
  let assumptions: Assumptions;
  try {
    assumptions = parseAssumptions(opts.assume ?? []);
  } catch (e) {
    throw new CliError((e as Error).message, EXIT.cannotCheck);
  }
  const target = jsonTarget(opts.json);
  const result = await synthesizeStack(opts);
  const summary = summarise(result, result.config["aws:region"] ?? "us-east-1", assumptions);
  if (target) writeJson(io, target, summary);
  if (opts.gantt !== undefined) writeText(opts.gantt, criticalPathGantt(summary));
  if (opts.costPie !== undefined) writeText(opts.costPie, costPie(summary));
  if (target !== "stdout") for (const line of formatSummary(summary)) io.out(line);
  for (const w of summary.cost.warnings) if (target === "stdout") io.err(`warning: ${w}`);
  return EXIT.ok;
}

export const registerPlanSummary: RegisterCommand = (program: Command, io: Io, result) => {
  program
    .command("plan-summary")
    .description("Estimate the first deploy's duration (critical path) and the monthly cost, offline from the synthesised program")
    .option("-s, --stack <name>", "stack whose Pulumi.<stack>.yaml is read", "dev")
    .option("-c, --config <file>", "read stack config from this file instead")
    .option("--assume <key=value...>", "change a usage assumption, e.g. --assume efsGb=50 logsGb=20")
    .option("--json [file]", "write one JSON document {project, stack, region, resources, firstDeploy, cost} to <file>; no file or - prints it to stdout")
    .option("--gantt <file>", "write the first deploy's critical path as a Mermaid Gantt chart to <file>")
    .option("--cost-pie <file>", "write the monthly cost by group as a Mermaid pie chart to <file>")
    .allowExcessArguments(true)
    .action(async (opts: PlanSummaryOptions, cmd: Command) => {
      refuseStackArgument("plan-summary", cmd.args);
      result.exitCode = await runPlanSummary({ ...opts, stackGiven: cmd.getOptionValueSource("stack") !== "default" }, io);
    });
};
