import { Command } from "commander";
import { StopTaskCommand } from "@aws-sdk/client-ecs";
import { Io } from "../../io";
import { EXIT } from "../../errors";
import { aws } from "./awsErrors";
import { describeService, listServiceTasks } from "./ecs";
import { emit } from "./format";
import { taskId } from "./names";
import { OpsDeps, openSession } from "./options";
import { confirmChange, showPlan } from "./change";
import { ChangeOptions, withChangeOptions } from "./redeploy";

export const DEFAULT_STOP_REASON = "pluto restart: forcing fresh restart";

export interface RestartOptions extends ChangeOptions {
  reason: string;
}

export interface RestartResult {
  cluster: string;
  service: string;
  stopped: string[];
  /** With --dry-run: the tasks that would have been stopped. */
  dryRun?: boolean;
  wouldStop?: string[];
}

/** Runbook step 5: stop the running task(s); the service scheduler starts fresh ones. */
export async function runRestart(opts: RestartOptions, deps: Pick<OpsDeps, "clients" | "confirm"> & Partial<OpsDeps>, io: Io): Promise<RestartResult> {
  const session = await openSession(opts, deps);
  const cluster = opts.cluster ?? session.names.cluster;
  const service = opts.service ?? session.names.service;
  await describeService(session, cluster, service);
  const tasks = await listServiceTasks(session, cluster, service, "RUNNING");
  if (tasks.length === 0) {
    showPlan(io, opts.json, [`service ${service} in cluster ${cluster} has no running tasks; nothing to stop`]);
    return { cluster, service, stopped: [] };
  }
  const go = await confirmChange(
    io,
    opts,
    [
      `will stop ${tasks.length} running task(s) of service ${service} in cluster ${cluster} (${session.ctx.region}); ECS starts replacements`,
      ...tasks.map((t) => `  ${taskId(t)}`),
      `  reason: "${opts.reason}"`,
    ],
    `Stop ${tasks.length} task(s) of ${service}?`,
    deps.confirm,
  );
  if (!go) return { cluster, service, stopped: [], dryRun: true, wouldStop: tasks.map(taskId) };
  const stopped: string[] = [];
  for (const task of tasks) {
    await aws({ ...session.ctx, cluster, service }, "ecs:StopTask", () =>
      session.clients.ecs.send(new StopTaskCommand({ cluster, task, reason: opts.reason })),
    );
    stopped.push(taskId(task));
  }
  return { cluster, service, stopped };
}

export function registerRestart(program: Command, io: Io, result: { exitCode: number }, deps: OpsDeps): void {
  withChangeOptions(program.command("restart").description("stop the service's running task(s) so ECS starts fresh ones (runbook step 5)"))
    .option("--reason <text>", "stop reason recorded on each task", DEFAULT_STOP_REASON)
    .action(async (opts: RestartOptions) => {
      const r = await runRestart(opts, deps, io);
      emit(io, Boolean(opts.json), r, () => (r.stopped.length ? [`stopped ${r.stopped.length} task(s): ${r.stopped.join(", ")}`] : []));
      result.exitCode = EXIT.ok;
    });
}
