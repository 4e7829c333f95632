import { Command } from "commander";
import { DescribeTasksCommand, Task, TaskDefinition } from "@aws-sdk/client-ecs";
import { checkContainers, Finding, mandatoryFindings } from "../../../policies/rules";
import { containersFromTaskDefinitionDocument } from "../../../policies/adapters";
import { Io } from "../../io";
import { EXIT } from "../../errors";
import { aws } from "./awsErrors";
import { Check, deploymentCheck, proxyModeCheck, stoppedTasksCheck, versionsCheck } from "./checks";
import { backupCheck } from "./backupCheck";
import { imageFloorCheck } from "./imageFloorCheck";
import { alarmsCheck } from "./alarmsCheck";
import { n8nKeyCheck } from "./n8nKeyCheck";
import { describeService, describeTaskDefinition, listServiceTasks } from "./ecs";
import { ContainerDiff, countChanges, diffContainers, formatDiff, hasDifferences, snapshotContainers } from "./envDiff";
import { emit } from "./format";
import { createModelCheckDeps, ModelCheckDeps, modelChecks } from "./modelChecks";
import { shortTaskDefinition, taskDefinitionRef } from "./names";
import { CommonOptions, OpsDeps, OpsSession, openSession, withCommonOptions } from "./options";

export interface DoctorOptions extends CommonOptions {
  baseline?: string;
  cluster?: string;
  service?: string;
  n8nUrl?: string;
}

export interface DoctorReport {
  region: string;
  cluster: string;
  service: string;
  taskDefinition: string;
  healthy: boolean;
  checks: Check[];
  baselineDiff?: ContainerDiff[];
}

function describeFinding(f: Finding): string {
  return `[${f.level}] ${f.policy}${f.container ? ` (${f.container})` : ""}: ${f.message}`;
}

/** The live task definition through the same rules as the policy pack; only mandatory findings fail. */
export function policyCheck(td: TaskDefinition): Check {
  const name = "policy";
  const adapted = containersFromTaskDefinitionDocument({ taskDefinition: td });
  if ("unchecked" in adapted) return { name, status: "fail", summary: `could not read the containers: ${adapted.unchecked}`, details: [] };
  const findings = checkContainers(adapted.containers);
  const mandatory = mandatoryFindings(findings);
  const advisory = findings.filter((f) => f.level === "advisory");
  const details = [...mandatory, ...advisory].map(describeFinding);
  const ref = shortTaskDefinition(td.taskDefinitionArn ?? "");
  if (mandatory.length)
    return {
      name,
      status: "fail",
      summary: `${ref} violates ${mandatory
        .map((f) => f.policy)
        .filter((p, i, all) => all.indexOf(p) === i)
        .join(", ")}`,
      details,
    };
  if (advisory.length) return { name, status: "warn", summary: `${ref} passes the mandatory policies; ${advisory.length} advisory finding(s)`, details };
  return { name, status: "pass", summary: `${ref} passes every policy (${adapted.containers.length} containers)`, details };
}

/** Runbook step 2 against a known-good revision: any drift is a finding to look at. */
export function baselineCheck(baselineRef: string, diffs: ContainerDiff[]): Check {
  const n = countChanges(diffs);
  return hasDifferences(diffs)
    ? {
        name: "baseline",
        status: "fail",
        summary: `differs from ${baselineRef}: ${n.added} added, ${n.removed} removed, ${n.changed} changed`,
        details: formatDiff(diffs),
      }
    : { name: "baseline", status: "pass", summary: `same configuration as ${baselineRef}`, details: [] };
}

export async function describeTasks(s: OpsSession, cluster: string, service: string, arns: string[]): Promise<Task[]> {
  const tasks: Task[] = [];
  // DescribeTasks takes at most 100 tasks per call.
  for (let i = 0; i < arns.length; i += 100) {
    const batch = arns.slice(i, i + 100);
    const out = await aws({ ...s.ctx, cluster, service }, "ecs:DescribeTasks", () => s.clients.ecs.send(new DescribeTasksCommand({ cluster, tasks: batch })));
    tasks.push(...(out.tasks ?? []));
  }
  return tasks;
}

async function stoppedTasks(s: OpsSession, cluster: string, service: string): Promise<Task[]> {
  // ECS keeps stopped tasks for about an hour; one page (100) is plenty for "recent".
  return describeTasks(s, cluster, service, await listServiceTasks(s, cluster, service, "STOPPED", 100));
}

/** Every task the service runs or is starting (desired status RUNNING includes PENDING ones). */
export async function runningTasks(s: OpsSession, cluster: string, service: string): Promise<Task[]> {
  return describeTasks(s, cluster, service, await listServiceTasks(s, cluster, service, "RUNNING"));
}

export async function runDoctor(
  opts: DoctorOptions,
  deps: Pick<OpsDeps, "clients"> & Partial<Pick<OpsDeps, "now">> & { models?: ModelCheckDeps },
): Promise<DoctorReport> {
  const session = await openSession(opts, deps);
  const cluster = opts.cluster ?? session.names.cluster;
  const serviceName = opts.service ?? session.names.service;
  const service = await describeService(session, cluster, serviceName);
  const td = await describeTaskDefinition(session, service.taskDefinition ?? session.names.family);
  const checks: Check[] = [policyCheck(td), proxyModeCheck(snapshotContainers(td))];
  let baselineDiff: ContainerDiff[] | undefined;
  if (opts.baseline) {
    const baseline = await describeTaskDefinition(session, taskDefinitionRef(opts.baseline, td.family ?? session.names.family));
    baselineDiff = diffContainers(snapshotContainers(baseline), snapshotContainers(td));
    checks.push(baselineCheck(shortTaskDefinition(baseline.taskDefinitionArn ?? opts.baseline), baselineDiff));
  } else {
    checks.push({ name: "baseline", status: "skip", summary: "no --baseline revision given", details: [] });
  }
  checks.push(deploymentCheck(service));
  checks.push(stoppedTasksCheck(await stoppedTasks(session, cluster, serviceName)));
  const running = await runningTasks(session, cluster, serviceName);
  checks.push(versionsCheck(service, running));
  checks.push(imageFloorCheck(running, td));
  checks.push(await backupCheck(session, deps.now?.() ?? new Date()));
  checks.push(await alarmsCheck(session));
  const models = deps.models ?? createModelCheckDeps({ region: opts.region, profile: opts.profile });
  checks.push(...(await modelChecks(session, td, running, models)));
  checks.push(await n8nKeyCheck(session, models, deps.now?.() ?? new Date(), { n8nUrl: opts.n8nUrl }));
  return {
    region: session.ctx.region,
    cluster,
    service: serviceName,
    taskDefinition: shortTaskDefinition(td.taskDefinitionArn ?? service.taskDefinition ?? "?"),
    healthy: !checks.some((c) => c.status === "fail"),
    checks,
    ...(baselineDiff ? { baselineDiff } : {}),
  };
}

export function formatDoctor(r: DoctorReport): string[] {
  const lines = [`service ${r.service} in cluster ${r.cluster} (${r.region}), task definition ${r.taskDefinition}`];
  for (const c of r.checks) {
    lines.push(`${c.status.toUpperCase()}  ${c.name.padEnd(13)}  ${c.summary}`);
    for (const d of c.details) lines.push(`      ${d}`);
  }
  const failed = r.checks.filter((c) => c.status === "fail").map((c) => c.name);
  lines.push(failed.length ? `unhealthy: ${failed.join(", ")} failed` : "healthy");
  return lines;
}

export function registerDoctor(program: Command, io: Io, result: { exitCode: number }, deps: OpsDeps): void {
  withCommonOptions(
    program
      .command("doctor")
      .description(
        "check the live service: policies, oauth2-proxy mode, baseline drift, deployments, stopped tasks, one version running, age of the latest backups, alarm states, model connections (exit 0 healthy, 1 findings, 2 cannot check)",
      )
      .option("--baseline <rev>", "known-good task definition revision to diff the running one against (e.g. 40)")
      .option("--cluster <name>", "ECS cluster (default: <prefix>-cluster)")
      .option("--service <name>", "ECS service (default: <prefix>-openwebui)")
      .option("--n8n-url <url>", "n8n's URL (https://n8n.<domain>): also ask n8n whether the stored API key may invite (user:create)"),
  ).action(async (opts: DoctorOptions) => {
    const report = await runDoctor(opts, deps);
    emit(io, Boolean(opts.json), report, () => formatDoctor(report));
    result.exitCode = report.healthy ? EXIT.ok : EXIT.findings;
  });
}
