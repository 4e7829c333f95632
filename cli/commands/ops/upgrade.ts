import { Command } from "commander";
import { spawn } from "child_process";
import * as path from "path";
import { Io } from "../../io";
import { CliError, EXIT } from "../../errors";
import { readStackConfig } from "../../synth/stackConfig";
import { showPlan, confirmChange } from "./change";
import { deploymentCheck, versionsCheck } from "./checks";
import { runningTasks } from "./doctor";
import { describeService, describeTaskDefinition } from "./ecs";
import { emit } from "./format";
import { shortTaskDefinition, taskId } from "./names";
import { defaultDeps, OpsDeps, OpsSession, openSession } from "./options";
import { ChangeOptions, withChangeOptions } from "./redeploy";
import { rollbackAdvice, RollbackFacts, Stage } from "./upgradeRollback";
import { formatVersion, upgradePath, Version } from "./upgradePath";
import {
  ALL_SUSPENDED,
  createSnapshot,
  describeDatabase,
  findScalableTarget,
  NONE_SUSPENDED,
  Poll,
  scalableResourceId,
  setDesiredCount,
  setScalingSuspended,
  StepFailed,
  waitHealthy,
  waitSnapshotAvailable,
  waitTasksGone,
} from "./upgradeSteps";

/** Runs the Pulumi CLI in the project directory; resolves to its exit code. */
export type PulumiRunner = (args: string[], cwd: string) => Promise<number>;

/** Pulumi's output goes to stderr, so that stdout stays the command's own (one JSON document with --json). */
export const runPulumi: PulumiRunner = (args, cwd) =>
  new Promise((resolve) => {
    const child = spawn("pulumi", args, { cwd, stdio: ["inherit", process.stderr, "inherit"] });
    child.on("error", () => resolve(127));
    child.on("close", (code) => resolve(code ?? 1));
  });

export interface UpgradeOptions extends ChangeOptions {
  /** The Open WebUI image to move to; must equal the stack's `pluto:openWebUiImage`. */
  to: string;
  /** Minutes to wait for the new version to become healthy (per wait). */
  timeout: string;
}

export type UpgradeDeps = Pick<OpsDeps, "clients" | "confirm"> & Partial<OpsDeps> & { pulumi?: PulumiRunner };

export interface UpgradeResult {
  stack: string;
  cluster: string;
  service: string;
  from: string;
  to: string;
  snapshot: string;
  desiredCount: number;
  autoscaling: boolean;
  dryRun?: boolean;
  /** Steps finished, in order, with the time each finished. */
  done: { stage: Stage; at: string }[];
  /** From the moment the old tasks were told to stop until the new version's first task was healthy. */
  outageSeconds?: number;
  failed?: { stage: Stage; error: string; undone: string[]; advice: string[] };
}

/** Waits: a snapshot of a small database takes minutes; stopping takes the 30 s deregistration delay plus the 30 s stop timeout. */
const SNAPSHOT_POLL = { intervalMs: 30_000, attempts: 120 };
const STOP_POLL = { intervalMs: 10_000, attempts: 60 };
const HEALTH_INTERVAL_MS = 15_000;

/** `pluto-openwebui-v0-8-2-to-v0-11-2-20261207-124500`: RDS allows letters, digits and single hyphens. */
export function snapshotName(database: string, from: Version | undefined, to: Version, now: Date): string {
  const v = (x: Version | undefined) => (x ? `v${x.major}-${x.minor}-${x.patch}` : "unversioned");
  const stamp = now.toISOString().slice(0, 19).replace(/[-:]/g, "").replace("T", "-");
  return `${database}-${v(from)}-to-${v(to)}-${stamp}`;
}

export function pulumiUpArgs(stack: string, from: string, to: string): string[] {
  // --refresh=false: the AWS provider sends desiredCount only when the program's value differs from
  // the state's (terraform-provider-aws, ECS resourceServiceUpdate: `if d.HasChange("desired_count")`),
  // so without a refresh the service stays at the 0 tasks pluto set. `--refresh` is a string flag
  // whose `false` overrides a project's `refresh: always` (pulumi/pulumi pkg/cmd/pulumi, up command).
  return ["up", "--yes", "--stack", stack, "--refresh=false", "--policy-pack", "policies", "--message", `pluto upgrade: Open WebUI ${from} -> ${to}`];
}

/**
 * The one task must migrate. Open WebUI migrates only when ENABLE_DB_MIGRATIONS is unset or "true"
 * in any case (open-webui/docs reference/env-configuration.mdx @1eea3847: bool, default `True`;
 * backend/open_webui/env.py reads it as `.lower() == "true"`).
 */
export function migrationsDisabled(environment: { name?: string; value?: string }[]): string | undefined {
  const value = environment.find((e) => e.name === "ENABLE_DB_MIGRATIONS")?.value;
  return value !== undefined && value.toLowerCase() !== "true" ? `ENABLE_DB_MIGRATIONS=${value}` : undefined;
}

interface Prepared {
  session: OpsSession;
  facts: RollbackFacts;
  oldTaskDefinition: string;
  runningArns: string[];
  hasScaling: boolean;
  plan: string[];
}

/** Everything read before consent; refuses (exit 2) anything that would make the upgrade unsafe to start. */
async function prepare(opts: UpgradeOptions, deps: UpgradeDeps): Promise<Prepared> {
  if (!opts.stack)
    throw new CliError("--stack is required: pluto upgrade runs `pulumi up` for that stack and reads pluto:openWebUiImage from its Pulumi.<stack>.yaml");
  const stack = opts.stack;
  const minutes = Number(opts.timeout);
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 120) throw new CliError(`--timeout ${opts.timeout} must be a whole number of minutes, 1-120`);
  const projectDir = (deps.projectDir ?? defaultDeps.projectDir)();
  const session = await openSession(opts, deps);
  const stackName = stack.split("/").pop()!;
  const stackFile = `Pulumi.${stackName}.yaml`;
  const configured = readStackConfig(path.join(projectDir, stackFile)).config["pluto:openWebUiImage"];
  if (configured !== opts.to)
    throw new CliError(
      `${stackFile} sets pluto:openWebUiImage to ${configured ?? "nothing (the default)"}, not ${opts.to}; Pulumi owns the task definition, so set it first: pulumi config set pluto:openWebUiImage ${opts.to} --stack ${stack}`,
    );
  const cluster = opts.cluster ?? session.names.cluster;
  const service = opts.service ?? session.names.service;
  const svc = await describeService(session, cluster, service);
  const td = await describeTaskDefinition(session, svc.taskDefinition ?? session.names.family);
  const from = td.containerDefinitions?.find((c) => c.name === "openwebui")?.image;
  if (!from) throw new CliError(`task definition ${shortTaskDefinition(td.taskDefinitionArn ?? "?")} has no openwebui container`, EXIT.cannotCheck);
  const route = upgradePath(from, opts.to);
  if (!route.ok) throw new CliError(`refusing to upgrade: ${route.reason}`);
  const deployments = deploymentCheck(svc);
  if (deployments.status === "fail") throw new CliError(`refusing to upgrade while the service is not steady: ${deployments.summary} (see \`pluto doctor\`)`);
  const running = await runningTasks(session, cluster, service);
  const versions = versionsCheck(svc, running);
  if (versions.status === "fail") throw new CliError(`refusing to upgrade: ${versions.summary}`);
  const db = await describeDatabase(session);
  if (db.DBInstanceStatus !== "available")
    throw new CliError(`refusing to upgrade: database ${session.names.database} is ${db.DBInstanceStatus ?? "in an unknown state"}, not available`);
  const target = await findScalableTarget(session, cluster, service);
  const desiredCount = svc.desiredCount ?? 0;
  const snapshot = snapshotName(session.names.database, route.from, route.to, (deps.now ?? defaultDeps.now)());
  const facts: RollbackFacts = {
    stack,
    region: opts.region ?? (session.ctx.region === "the configured region" ? undefined : session.ctx.region),
    profile: opts.profile,
    cluster,
    service,
    desiredCount: Math.max(desiredCount, 1),
    database: session.names.database,
    snapshot,
    subnetGroup: db.DBSubnetGroup?.DBSubnetGroupName,
    securityGroups: (db.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId ?? "").filter(Boolean),
    parameterGroup: db.DBParameterGroups?.[0]?.DBParameterGroupName,
    fromImage: from,
    toImage: opts.to,
    ...(target ? { scalingBefore: { ...NONE_SUSPENDED, ...target.SuspendedState } } : {}),
  };
  const fromLabel = route.from ? formatVersion(route.from) : from;
  const plan = [
    `will upgrade Open WebUI of service ${service} in cluster ${cluster} (${session.ctx.region}), stack ${stack}:`,
    `  from ${from} (${shortTaskDefinition(td.taskDefinitionArn ?? "?")}, ${running.length} task(s) running, desired ${desiredCount}${target ? `, autoscaling ${target.MinCapacity}-${target.MaxCapacity}` : ""})`,
    `  to   ${opts.to} (pluto:openWebUiImage in ${stackFile})`,
    ...(route.note ? [`  note: ${route.note}`] : []),
    `  1. snapshot ${session.names.database} as ${snapshot} and wait until it is available (the old version keeps serving)`,
    target ? `  2. suspend autoscaling of ${scalableResourceId(cluster, service)} (scale-in, scale-out, scheduled)` : `  2. (no autoscaling to suspend)`,
    `  3. scale to 0 and wait until no task of ${fromLabel} runs: the outage starts here`,
    `  4. pulumi ${pulumiUpArgs(stack, from, opts.to).join(" ")}: Pulumi registers the new revision; the service stays at 0 tasks`,
    `  5. start ONE task of ${formatVersion(route.to)}: it alone runs the database migrations; wait until it is healthy (up to ${minutes} min): the outage ends here`,
    `  6. scale back to ${facts.desiredCount} task(s) and wait until all are healthy`,
    target ? `  7. resume autoscaling as it was` : `  7. (no autoscaling to resume)`,
    `  a failure at any step stops the upgrade, leaves no old version running against a migrated database, and prints the exact rollback`,
  ];
  return {
    session,
    facts,
    oldTaskDefinition: td.taskDefinitionArn ?? "",
    runningArns: running.map((t) => t.taskArn ?? "").filter(Boolean),
    hasScaling: Boolean(target),
    plan,
  };
}

/**
 * Moves the running stack to another Open WebUI version so that it cannot stop half-way: snapshot,
 * old version gone, one new task migrates, health, scale back. See docs/upgrades.md.
 */
export async function runUpgrade(opts: UpgradeOptions, deps: UpgradeDeps, io: Io): Promise<UpgradeResult> {
  const p = await prepare(opts, deps);
  const { session: s, facts: f } = p;
  const result: UpgradeResult = {
    stack: f.stack,
    cluster: f.cluster,
    service: f.service,
    from: f.fromImage,
    to: f.toImage,
    snapshot: f.snapshot,
    desiredCount: f.desiredCount,
    autoscaling: p.hasScaling,
    done: [],
  };
  const go = await confirmChange(io, opts, p.plan, `Upgrade Open WebUI to ${f.toImage}? (a short outage)`, deps.confirm);
  if (!go) return { ...result, dryRun: true };

  const now = deps.now ?? defaultDeps.now;
  const sleep = deps.sleep ?? defaultDeps.sleep;
  const pulumi = deps.pulumi ?? runPulumi;
  const projectDir = (deps.projectDir ?? defaultDeps.projectDir)();
  const poll = (base: { intervalMs: number; attempts: number }): Poll => ({ ...base, sleep });
  const healthPoll = poll({ intervalMs: HEALTH_INTERVAL_MS, attempts: Math.ceil((Number(opts.timeout) * 60_000) / HEALTH_INTERVAL_MS) });
  const say = (line: string) => showPlan(io, opts.json, [line]);
  const finish = (stage: Stage, line: string) => {
    result.done.push({ stage, at: now().toISOString() });
    say(`done: ${line}`);
  };

  if ((await pulumi(["version"], projectDir)) !== 0)
    throw new CliError("the Pulumi CLI did not run (`pulumi version` failed); nothing was changed", EXIT.cannotCheck);

  let stage: Stage = "snapshot";
  try {
    await createSnapshot(s, f.snapshot, f.fromImage, f.toImage);
    await waitSnapshotAvailable(s, f.snapshot, poll(SNAPSHOT_POLL));
    finish(stage, `snapshot ${f.snapshot} is available`);

    stage = "suspend-autoscaling";
    if (p.hasScaling) {
      await setScalingSuspended(s, f.cluster, f.service, ALL_SUSPENDED);
      finish(stage, `autoscaling of ${scalableResourceId(f.cluster, f.service)} suspended`);
    }

    stage = "scale-down";
    const outageStart = now();
    await setDesiredCount(s, f.cluster, f.service, 0);
    await waitTasksGone(s, f.cluster, f.service, p.runningArns, poll(STOP_POLL));
    finish(stage, `no task of ${f.service} runs (${p.runningArns.map(taskId).join(", ") || "none were running"} stopped)`);

    stage = "pulumi-up";
    const code = await pulumi(pulumiUpArgs(f.stack, f.fromImage, f.toImage), projectDir);
    if (code !== 0) throw new StepFailed(`pulumi up exited with ${code}`);
    const svc = await describeService(s, f.cluster, f.service);
    const newTaskDefinition = svc.taskDefinition ?? "";
    if (!newTaskDefinition || newTaskDefinition === p.oldTaskDefinition)
      throw new StepFailed(`pulumi up left the service on ${shortTaskDefinition(p.oldTaskDefinition)}: no new revision was deployed`);
    const td = await describeTaskDefinition(s, newTaskDefinition);
    const app = td.containerDefinitions?.find((c) => c.name === "openwebui");
    if (app?.image !== f.toImage)
      throw new StepFailed(`pulumi up deployed ${shortTaskDefinition(newTaskDefinition)} with ${app?.image ?? "no openwebui container"}, not ${f.toImage}`);
    const migrations = migrationsDisabled(app.environment ?? []);
    if (migrations) throw new StepFailed(`${shortTaskDefinition(newTaskDefinition)} sets ${migrations}: its one task would not migrate the database`);
    if ((svc.desiredCount ?? 0) !== 0) {
      // Several new tasks may be starting together; stop them before anything else.
      stage = "first-task";
      throw new StepFailed(`pulumi up set the desired count to ${svc.desiredCount} (was the stack refreshed?): several new tasks could race the migrations`);
    }
    finish(stage, `pulumi up deployed ${shortTaskDefinition(newTaskDefinition)} (${f.toImage}) at 0 tasks`);

    stage = "first-task";
    const since = now();
    await setDesiredCount(s, f.cluster, f.service, 1);
    await waitHealthy(s, f.cluster, f.service, newTaskDefinition, 1, f.toImage, since, healthPoll);
    result.outageSeconds = Math.round((now().getTime() - outageStart.getTime()) / 1000);
    finish(stage, `one task of ${f.toImage} migrated the database and is healthy (outage so far ${result.outageSeconds} s)`);

    stage = "scale-back";
    if (f.desiredCount > 1) {
      await setDesiredCount(s, f.cluster, f.service, f.desiredCount);
      await waitHealthy(s, f.cluster, f.service, newTaskDefinition, f.desiredCount, f.toImage, since, healthPoll);
    }
    finish(stage, `${f.desiredCount} healthy task(s) of ${f.toImage}`);

    stage = "resume-autoscaling";
    if (p.hasScaling) {
      await setScalingSuspended(s, f.cluster, f.service, f.scalingBefore!);
      finish(stage, `autoscaling resumed`);
    }
    return result;
  } catch (e) {
    if (!(e instanceof StepFailed || e instanceof CliError)) throw e;
    const { undone, heldAtZero } = await leaveSafe(stage, p, poll(STOP_POLL));
    const advice = undone.length && stage === "scale-down" && heldAtZero ? [] : rollbackAdvice(stage, f, heldAtZero);
    result.failed = { stage, error: e.message, undone, advice };
    return result;
  }
}

/**
 * After a failure, the one thing pluto does by itself: never leave a state it can undo safely.
 * Before the new version started, the old one comes back as it was; once the new version may have
 * migrated, nothing may run until the operator has chosen (the circuit breaker would otherwise
 * start the old revision against the migrated database).
 */
async function leaveSafe(stage: Stage, p: Prepared, stopPoll: Poll): Promise<{ undone: string[]; heldAtZero: boolean }> {
  const { session: s, facts: f } = p;
  const undone: string[] = [];
  try {
    if (stage === "scale-down") {
      await setDesiredCount(s, f.cluster, f.service, f.desiredCount);
      undone.push(`set ${f.service} back to ${f.desiredCount} task(s) of ${f.fromImage}`);
      if (p.hasScaling) {
        await setScalingSuspended(s, f.cluster, f.service, f.scalingBefore!);
        undone.push("resumed autoscaling as it was");
      }
      return { undone, heldAtZero: true };
    }
    if (stage === "first-task") {
      // Listed before the scale-down: afterwards their desired status is STOPPED and ListTasks(RUNNING) no longer names them.
      const started = await runningTasks(s, f.cluster, f.service);
      await setDesiredCount(s, f.cluster, f.service, 0);
      await waitTasksGone(s, f.cluster, f.service, started.map((t) => t.taskArn ?? "").filter(Boolean), stopPoll);
      undone.push(`scaled ${f.service} to 0 and waited until no task runs; autoscaling stays suspended`);
    }
    return { undone, heldAtZero: true };
  } catch (e) {
    undone.push(`could not finish undoing: ${(e as Error).message}`);
    return { undone, heldAtZero: false };
  }
}

export function formatUpgrade(r: UpgradeResult): string[] {
  if (r.dryRun) return [];
  if (!r.failed)
    return [
      `upgraded ${r.service} from ${r.from} to ${r.to}: ${r.desiredCount} healthy task(s); outage ${r.outageSeconds ?? "?"} s`,
      `the snapshot ${r.snapshot} stays until you delete it (aws rds delete-db-snapshot --db-snapshot-identifier ${r.snapshot})`,
    ];
  return [];
}

/** The failure report: on stderr, as the operator's next steps. */
export function formatFailure(r: UpgradeResult): string[] {
  if (!r.failed) return [];
  return [
    `upgrade stopped at step "${r.failed.stage}": ${r.failed.error}`,
    ...r.failed.undone.map((u) => `pluto ${u}`),
    ...(r.failed.advice.length ? r.failed.advice : ["the service is as it was before the upgrade; the snapshot stays"]),
  ];
}

export function registerUpgrade(program: Command, io: Io, result: { exitCode: number }, deps: OpsDeps): void {
  withChangeOptions(
    program
      .command("upgrade")
      .description(
        "move Open WebUI to the image set in pluto:openWebUiImage: snapshot, stop the old version, pulumi up, one task migrates, health, scale back (exit 0 upgraded, 1 stopped with a rollback printed, 2 refused)",
      ),
  )
    .requiredOption("--to <image>", "the Open WebUI image to move to; must equal pluto:openWebUiImage in the stack's file")
    .option("--timeout <minutes>", "how long to wait for the new version to become healthy", "20")
    .action(async (opts: UpgradeOptions) => {
      const r = await runUpgrade(opts, deps, io);
      emit(io, Boolean(opts.json), r, () => formatUpgrade(r));
      for (const line of formatFailure(r)) io.err(line);
      result.exitCode = r.failed ? EXIT.findings : EXIT.ok;
    });
}
