import { Command } from "commander";
import { Io } from "../../io";
import { EXIT } from "../../errors";
import { ContainerDiff, countChanges, diffContainers, formatDiff, snapshotContainers } from "./envDiff";
import { describeTaskDefinition } from "./ecs";
import { emit } from "./format";
import { shortTaskDefinition, taskDefinitionRef } from "./names";
import { CommonOptions, OpsDeps, openSession, withCommonOptions } from "./options";

export interface DiffOptions extends CommonOptions {
  family?: string;
}

export interface DiffReport {
  from: string;
  to: string;
  containers: ContainerDiff[];
}

/** `pluto diff REV_A REV_B`: runbook step 2 without jq. Differences are information, so the exit code stays 0. */
export async function runDiff(revA: string, revB: string, opts: DiffOptions, deps: Pick<OpsDeps, "clients">, io: Io): Promise<number> {
  const session = await openSession(opts, deps);
  const family = opts.family ?? session.names.family;
  const refA = taskDefinitionRef(revA, family);
  const refB = taskDefinitionRef(revB, family);
  const [a, b] = await Promise.all([describeTaskDefinition(session, refA), describeTaskDefinition(session, refB)]);
  const report: DiffReport = {
    from: shortTaskDefinition(a.taskDefinitionArn ?? refA),
    to: shortTaskDefinition(b.taskDefinitionArn ?? refB),
    containers: diffContainers(snapshotContainers(a), snapshotContainers(b)),
  };
  emit(io, Boolean(opts.json), report, () => {
    const n = countChanges(report.containers);
    return [`${report.from} -> ${report.to}: ${n.added} added, ${n.removed} removed, ${n.changed} changed`, ...formatDiff(report.containers)];
  });
  return EXIT.ok;
}

export function registerDiff(program: Command, io: Io, result: { exitCode: number }, deps: OpsDeps): void {
  withCommonOptions(
    program
      .command("diff")
      .description("container-by-container env/secrets/image diff between two task definition revisions")
      .argument("<revA>", "revision number, family:revision or task definition ARN")
      .argument("<revB>", "revision number, family:revision or task definition ARN")
      .option("--family <family>", "task definition family (default: <prefix>-openwebui)"),
  ).action(async (revA: string, revB: string, opts: DiffOptions) => {
    result.exitCode = await runDiff(revA, revB, opts, deps, io);
  });
}
