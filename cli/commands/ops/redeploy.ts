import { Command } from "commander";
import { UpdateServiceCommand } from "@aws-sdk/client-ecs";
import { Io } from "../../io";
import { EXIT } from "../../errors";
import { aws } from "./awsErrors";
import { ChangeFlags, confirmChange, withChangeFlags } from "./change";
import { describeService } from "./ecs";
import { emit } from "./format";
import { shortTaskDefinition } from "./names";
import { CommonOptions, OpsDeps, openSession, withCommonOptions } from "./options";

/** Options of the two commands that change the service. */
export interface ChangeOptions extends CommonOptions, ChangeFlags {
  cluster?: string;
  service?: string;
}

export function withChangeOptions(cmd: Command): Command {
  return withChangeFlags(
    withCommonOptions(cmd)
      .option("--cluster <name>", "ECS cluster (default: <prefix>-cluster)")
      .option("--service <name>", "ECS service (default: <prefix>-openwebui)"),
  );
}

export interface RedeployResult {
  cluster: string;
  service: string;
  taskDefinition: string;
  deploymentId?: string;
  /** True when --dry-run stopped before changing anything. */
  dryRun?: boolean;
}

/** Runbook step 4's fix for stuck deployments: `update-service --force-new-deployment`. */
export async function runRedeploy(opts: ChangeOptions, deps: Pick<OpsDeps, "clients" | "confirm"> & Partial<OpsDeps>, io: Io): Promise<RedeployResult> {
  const session = await openSession(opts, deps);
  const cluster = opts.cluster ?? session.names.cluster;
  const service = opts.service ?? session.names.service;
  const current = await describeService(session, cluster, service);
  const taskDefinition = shortTaskDefinition(current.taskDefinition ?? "?");
  const go = await confirmChange(
    io,
    opts,
    [
      `will force a new deployment of service ${service} in cluster ${cluster} (${session.ctx.region})`,
      `  task definition ${taskDefinition}, ${current.runningCount ?? 0}/${current.desiredCount ?? 0} tasks running, ${(current.deployments ?? []).length} deployment(s)`,
    ],
    `Force a new deployment of ${service}?`,
    deps.confirm,
  );
  if (!go) return { cluster, service, taskDefinition, dryRun: true };
  const out = await aws({ ...session.ctx, cluster, service }, "ecs:UpdateService", () =>
    session.clients.ecs.send(new UpdateServiceCommand({ cluster, service, forceNewDeployment: true })),
  );
  const primary = out.service?.deployments?.find((d) => d.status === "PRIMARY");
  return { cluster, service, taskDefinition, ...(primary?.id ? { deploymentId: primary.id } : {}) };
}

export function registerRedeploy(program: Command, io: Io, result: { exitCode: number }, deps: OpsDeps): void {
  withChangeOptions(program.command("redeploy").description("force a new deployment of the service (runbook step 4)")).action(async (opts: ChangeOptions) => {
    const r = await runRedeploy(opts, deps, io);
    emit(io, Boolean(opts.json), r, () =>
      r.dryRun ? [] : [`started deployment ${r.deploymentId ?? "(id not returned)"} of ${r.service}; follow it with \`pluto doctor\``],
    );
    result.exitCode = EXIT.ok;
  });
}
