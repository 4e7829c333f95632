/**
 * The AWS calls of `pluto upgrade`, one function per step, each waiting until AWS reports the step
 * done. Waiting polls with the command's own `sleep` so that tests run without time passing.
 */
import { CreateDBSnapshotCommand, DBInstance, DescribeDBInstancesCommand, DescribeDBSnapshotsCommand } from "@aws-sdk/client-rds";
import { DescribeScalableTargetsCommand, RegisterScalableTargetCommand, ScalableTarget, SuspendedState } from "@aws-sdk/client-application-auto-scaling";
import { Service, Task, UpdateServiceCommand } from "@aws-sdk/client-ecs";
import { CliError, EXIT } from "../../errors";
import { aws } from "./awsErrors";
import { describeTasks } from "./doctor";
import { describeService, listServiceTasks } from "./ecs";
import { shortTaskDefinition, taskId } from "./names";
import { OpsSession } from "./options";

/** How often and how many times a wait asks AWS before it gives up. */
export interface Poll {
  sleep: (ms: number) => Promise<void>;
  intervalMs: number;
  attempts: number;
}

/** What one look at AWS found: done, still going (and why), or failed for good. */
export type Progress<T> = { done: T } | { waiting: string } | { failed: string };

/** A step that did not finish; `message` says what AWS reported last. */
export class StepFailed extends Error {}

export async function waitFor<T>(what: string, poll: Poll, look: () => Promise<Progress<T>>): Promise<T> {
  let last = "";
  for (let attempt = 0; attempt < poll.attempts; attempt++) {
    if (attempt > 0) await poll.sleep(poll.intervalMs);
    const p = await look();
    if ("done" in p) return p.done;
    if ("failed" in p) throw new StepFailed(`${what}: ${p.failed}`);
    last = p.waiting;
  }
  const minutes = Math.round((poll.intervalMs * poll.attempts) / 60_000);
  throw new StepFailed(`${what}: still not done after ${minutes} min${last ? ` (${last})` : ""}`);
}

/** The stack's database as RDS describes it: its status, and the network settings a restore must repeat. */
export async function describeDatabase(s: OpsSession): Promise<DBInstance> {
  const out = await aws(s.ctx, "rds:DescribeDBInstances", () => s.clients.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: s.names.database })));
  const db = out.DBInstances?.[0];
  if (!db) throw new CliError(`database ${s.names.database} not found in ${s.ctx.region} (use --prefix or --stack)`, EXIT.cannotCheck);
  return db;
}

/**
 * A manual snapshot: unlike the automated ones it outlives the instance and the retention window.
 * Taken while the old version still serves (a single-AZ instance pauses I/O for "a few seconds to
 * a few minutes", https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_CreateSnapshot.html).
 */
export async function createSnapshot(s: OpsSession, snapshot: string, fromImage: string, toImage: string): Promise<void> {
  await aws(s.ctx, "rds:CreateDBSnapshot", () =>
    s.clients.rds.send(
      new CreateDBSnapshotCommand({
        DBInstanceIdentifier: s.names.database,
        DBSnapshotIdentifier: snapshot,
        Tags: [
          { Key: "pluto:upgrade-from", Value: fromImage },
          { Key: "pluto:upgrade-to", Value: toImage },
        ],
      }),
    ),
  );
}

export async function waitSnapshotAvailable(s: OpsSession, snapshot: string, poll: Poll): Promise<void> {
  await waitFor(`snapshot ${snapshot}`, poll, async () => {
    const out = await aws(s.ctx, "rds:DescribeDBSnapshots", () => s.clients.rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: snapshot })));
    const snap = out.DBSnapshots?.[0];
    const status = snap?.Status ?? "not listed yet";
    if (status === "available") return { done: undefined };
    if (/failed|error|deleted/i.test(status)) return { failed: `status ${status}` };
    return { waiting: `status ${status}${snap?.PercentProgress !== undefined ? `, ${snap.PercentProgress} %` : ""}` };
  });
}

/** Application Auto Scaling's id of the service's task count. */
export const scalableResourceId = (cluster: string, service: string): string => `service/${cluster}/${service}`;
const DIMENSION = "ecs:service:DesiredCount";
export const ALL_SUSPENDED: SuspendedState = { DynamicScalingInSuspended: true, DynamicScalingOutSuspended: true, ScheduledScalingSuspended: true };
export const NONE_SUSPENDED: SuspendedState = { DynamicScalingInSuspended: false, DynamicScalingOutSuspended: false, ScheduledScalingSuspended: false };

/** The service's scalable target, when `openWebUi.autoscaling` created one. */
export async function findScalableTarget(s: OpsSession, cluster: string, service: string): Promise<ScalableTarget | undefined> {
  const resourceId = scalableResourceId(cluster, service);
  const out = await aws(s.ctx, "application-autoscaling:DescribeScalableTargets", () =>
    s.clients.autoscaling.send(new DescribeScalableTargetsCommand({ ServiceNamespace: "ecs", ResourceIds: [resourceId], ScalableDimension: DIMENSION })),
  );
  return out.ScalableTargets?.find((t) => t.ResourceId === resourceId);
}

/**
 * Suspends or resumes autoscaling. Re-registering with only `SuspendedState` keeps the target's
 * minimum and maximum (Application Auto Scaling API reference, RegisterScalableTarget: "to update a
 * scalable target, specify the parameters that you want to change").
 */
export async function setScalingSuspended(s: OpsSession, cluster: string, service: string, state: SuspendedState): Promise<void> {
  await aws(s.ctx, "application-autoscaling:RegisterScalableTarget", () =>
    s.clients.autoscaling.send(
      new RegisterScalableTargetCommand({
        ServiceNamespace: "ecs",
        ResourceId: scalableResourceId(cluster, service),
        ScalableDimension: DIMENSION,
        SuspendedState: state,
      }),
    ),
  );
}

export async function setDesiredCount(s: OpsSession, cluster: string, service: string, desiredCount: number): Promise<void> {
  await aws({ ...s.ctx, cluster, service }, "ecs:UpdateService", () => s.clients.ecs.send(new UpdateServiceCommand({ cluster, service, desiredCount })));
}

/**
 * Until no task of the service runs: none is wanted RUNNING any more, and every task that ran
 * (`before`) or was told to stop (ListTasks with desired status STOPPED) has reached STOPPED — a
 * task on its way out still serves the requests it holds and keeps its database connections (the
 * ALB deregistration delay, then the stop timeout).
 */
export async function waitTasksGone(s: OpsSession, cluster: string, service: string, before: string[], poll: Poll): Promise<void> {
  await waitFor(`stopping the tasks of ${service}`, poll, async () => {
    const wanted = await listServiceTasks(s, cluster, service, "RUNNING");
    const stopping = await listServiceTasks(s, cluster, service, "STOPPED", 100);
    const arns = [...new Set([...before, ...stopping])];
    const notYet = (arns.length ? await describeTasks(s, cluster, service, arns) : []).filter((t) => t.lastStatus !== "STOPPED");
    if (wanted.length === 0 && notYet.length === 0) return { done: undefined };
    const names = [...new Set([...wanted.map(taskId), ...notYet.map((t) => taskId(t.taskArn ?? "?"))])];
    return { waiting: `${names.length} task(s) not stopped yet: ${names.join(", ")}` };
  });
}

/** The Open WebUI container's image in a task as ECS ran it. */
const appImage = (t: Task): string | undefined => (t.containers ?? []).find((c) => c.name === "openwebui")?.image;

/**
 * Until the service runs exactly `count` tasks of `taskDefinitionArn`, each RUNNING and HEALTHY
 * (the container health check on /health, which Open WebUI answers only after its start-up, and so
 * after its migrations), with one deployment and nothing pending — the `services-stable` waiter's
 * condition (deployments of length 1, runningCount equal to desiredCount) plus task health.
 * Any task of the new revision that stopped meanwhile fails the wait at once: it may have been
 * killed mid-start, and ECS would start another (or the circuit breaker the old revision).
 */
export async function waitHealthy(
  s: OpsSession,
  cluster: string,
  service: string,
  taskDefinitionArn: string,
  count: number,
  image: string,
  since: Date,
  poll: Poll,
): Promise<Task[]> {
  const revision = shortTaskDefinition(taskDefinitionArn);
  return waitFor<Task[]>(`${count} healthy task(s) of ${revision}`, poll, async (): Promise<Progress<Task[]>> => {
    const svc: Service = await describeService(s, cluster, service);
    const stoppedArns = await listServiceTasks(s, cluster, service, "STOPPED", 100);
    const stopped = (stoppedArns.length ? await describeTasks(s, cluster, service, stoppedArns) : []).filter(
      (t) => t.taskDefinitionArn === taskDefinitionArn && (t.createdAt?.getTime() ?? 0) >= since.getTime(),
    );
    if (stopped.length)
      return {
        failed: stopped.map((t) => `task ${taskId(t.taskArn ?? "?")} stopped: ${t.stoppedReason ?? t.stopCode ?? "no reason given"}`).join("; "),
      };
    const failed = (svc.deployments ?? []).find((d) => d.status === "PRIMARY" && d.rolloutState === "FAILED");
    if (failed) return { failed: `deployment ${failed.id} FAILED${failed.rolloutStateReason ? `: ${failed.rolloutStateReason}` : ""}` };
    const runningArns = await listServiceTasks(s, cluster, service, "RUNNING");
    const tasks = runningArns.length ? await describeTasks(s, cluster, service, runningArns) : [];
    const foreign = tasks.filter((t) => t.taskDefinitionArn !== taskDefinitionArn || appImage(t) !== image);
    if (foreign.length)
      return {
        failed: `task ${taskId(foreign[0].taskArn ?? "?")} runs ${shortTaskDefinition(foreign[0].taskDefinitionArn ?? "?")} (${appImage(foreign[0]) ?? "?"})`,
      };
    const healthy = tasks.filter((t) => t.lastStatus === "RUNNING" && t.healthStatus === "HEALTHY");
    const steady = (svc.deployments ?? []).length === 1 && svc.runningCount === count && (svc.pendingCount ?? 0) === 0 && svc.desiredCount === count;
    if (steady && healthy.length === count && tasks.length === count) return { done: healthy };
    const states = tasks.map((t) => `${taskId(t.taskArn ?? "?")} ${t.lastStatus ?? "?"}/${t.healthStatus ?? "?"}`).join(", ");
    return { waiting: `${svc.runningCount ?? 0}/${count} running${states ? `: ${states}` : ""}` };
  });
}
