/**
 * A small stateful stand-in for the ECS service, its database and its autoscaling target, behind
 * aws-sdk-client-mock, for `pluto upgrade`. Time moves only when the command sleeps between polls:
 * each `tick` advances every task one step, as the ECS task lifecycle does
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-lifecycle-explanation.html:
 * PROVISIONING/PENDING → RUNNING, health UNKNOWN → HEALTHY after the health check passes; a running
 * task told to stop → DEACTIVATING → STOPPED), and the service scheduler starts tasks to meet the
 * desired count counting only the tasks it wants RUNNING, so a new task can start while an old one
 * still drains (as docs/upgrades.md explains for maximum percent 100). Every changing call is written to `log`, so tests can check the order.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { mockClient } from "aws-sdk-client-mock";
import { Command } from "commander";
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  Service,
  Task,
  TaskDefinition,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import { CreateDBSnapshotCommand, DescribeDBInstancesCommand, DescribeDBSnapshotsCommand } from "@aws-sdk/client-rds";
import { ApplicationAutoScalingClient, DescribeScalableTargetsCommand, RegisterScalableTargetCommand } from "@aws-sdk/client-application-auto-scaling";
import { awsMocks, AwsMocks, restoreMocks, service, taskArn, taskDefinition, tdArn } from "./fixtures";
import { opsCommands } from "../../../cli/commands/ops";
import { createAwsClients } from "../../../cli/commands/ops/clients";
import type { OpsDeps } from "../../../cli/commands/ops/options";
import type { PulumiRunner } from "../../../cli/commands/ops/upgrade";
import { CliError } from "../../../cli/errors";
import { memoryIo } from "../../../cli/io";

export const OLD_IMAGE = "ghcr.io/open-webui/open-webui:v0.8.2";
export const NEW_IMAGE = "ghcr.io/open-webui/open-webui:v0.11.4";
export const OLD_REV = 56;
export const NEW_REV = 57;

export interface WorldOptions {
  desiredCount?: number;
  /** A scalable target with these bounds (autoscaling configured). */
  autoscaling?: { min: number; max: number };
  /** Tasks of the new revision stop at their health check instead of becoming healthy. */
  newVersionFails?: boolean;
  /** What `pulumi up` exits with (0: it deploys the new revision at the current desired count). */
  pulumiExit?: number;
  /** `pulumi up` sets the desired count back to this (as after a refresh). */
  pulumiSetsDesired?: number;
  /** Fail this AWS call (by its log name, e.g. "rds:CreateDBSnapshot"). */
  failCall?: string;
  /** Environment the new revision's openwebui container gets on top of the golden one. */
  newRevisionEnv?: Record<string, string>;
  /** Status DescribeDBSnapshots reports once the snapshot is done. */
  snapshotEndsAs?: string;
}

interface FakeTask {
  arn: string;
  rev: number;
  image: string;
  desired: "RUNNING" | "STOPPED";
  last: "PENDING" | "RUNNING" | "DEACTIVATING" | "STOPPED";
  health: "UNKNOWN" | "HEALTHY" | "UNHEALTHY";
  createdAt: Date;
  stoppedReason?: string;
}

export class UpgradeWorld {
  readonly m: AwsMocks;
  readonly scaling = mockClient(ApplicationAutoScalingClient);
  readonly log: string[] = [];
  readonly violations: string[] = [];
  /** A task of the new version has become healthy, so it ran the migrations. */
  migrated = false;
  readonly dir: string;
  desiredCount: number;
  rev = OLD_REV;
  tasks: FakeTask[] = [];
  private clock = new Date("2026-12-07T12:45:00Z");
  private snapshotPolls = 0;
  private nextTask = 1;

  constructor(readonly opts: WorldOptions = {}) {
    this.m = awsMocks();
    this.desiredCount = opts.desiredCount ?? 1;
    for (let i = 0; i < this.desiredCount; i++) this.startTask("HEALTHY", "RUNNING");
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "pluto-upgrade-"));
    fs.writeFileSync(path.join(this.dir, "Pulumi.yaml"), "name: pluto\nruntime: nodejs\n");
    this.writeStackImage(NEW_IMAGE);
    this.wire();
  }

  writeStackImage(image: string | undefined): void {
    const lines = ["config:", "  aws:region: eu-west-1", ...(image ? [`  pluto:openWebUiImage: ${image}`] : [])];
    fs.writeFileSync(path.join(this.dir, "Pulumi.prod.yaml"), lines.join("\n") + "\n");
  }

  restore(): void {
    restoreMocks(this.m);
    this.scaling.restore();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  now = (): Date => new Date(this.clock);

  /** One poll interval passes. */
  sleep = async (ms: number): Promise<void> => {
    this.clock = new Date(this.clock.getTime() + ms);
    this.tick();
  };

  pulumi: PulumiRunner = async (args) => {
    if (args[0] === "version") return 0;
    this.log.push(`pulumi ${args.slice(0, 5).join(" ")}`);
    if (this.opts.pulumiExit) return this.opts.pulumiExit;
    this.rev = NEW_REV;
    if (this.opts.pulumiSetsDesired !== undefined) this.setDesired(this.opts.pulumiSetsDesired);
    return 0;
  };

  /** The command's outside world but for the AWS clients (the SDK's own, patched by aws-sdk-client-mock). */
  deps(): Pick<OpsDeps, "clients" | "confirm" | "projectDir" | "now" | "sleep"> & { pulumi: PulumiRunner } {
    return { clients: createAwsClients, confirm: async () => true, projectDir: () => this.dir, now: this.now, sleep: this.sleep, pulumi: this.pulumi };
  }

  private image(rev: number): string {
    return rev === OLD_REV ? OLD_IMAGE : NEW_IMAGE;
  }

  private startTask(health: FakeTask["health"], last: FakeTask["last"]): void {
    // What the upgrade must never let happen (open-webui/docs troubleshooting/multi-replica.mdx).
    const alive = this.tasks.filter((t) => t.last !== "STOPPED");
    if (this.rev === NEW_REV && alive.some((t) => t.rev === OLD_REV)) this.violations.push("a new-version task started while an old one ran");
    if (this.rev === NEW_REV && !this.migrated && alive.some((t) => t.rev === NEW_REV))
      this.violations.push("two new-version tasks started against the unmigrated database");
    if (this.rev === OLD_REV && this.migrated) this.violations.push("an old-version task started against the migrated database");
    const id = `task${String(this.nextTask++).padStart(4, "0")}`;
    this.tasks.push({ arn: taskArn(id), rev: this.rev, image: this.image(this.rev), desired: "RUNNING", last, health, createdAt: this.now() });
  }

  private setDesired(n: number): void {
    this.desiredCount = n;
    const live = this.tasks.filter((t) => t.desired === "RUNNING");
    for (const t of live.slice(n)) t.desired = "STOPPED";
  }

  /** The task lifecycle and the service scheduler, one step. */
  tick(): void {
    for (const t of this.tasks) {
      // Draining (the ALB deregistration delay, then the stop timeout) takes one more step.
      if (t.desired === "STOPPED") t.last = t.last === "RUNNING" ? "DEACTIVATING" : "STOPPED";
      else if (t.last === "PENDING") t.last = "RUNNING";
      else if (t.last === "RUNNING" && t.health === "UNKNOWN") {
        if (this.opts.newVersionFails && t.rev === NEW_REV) {
          t.health = "UNHEALTHY";
          t.desired = "STOPPED";
          t.last = "STOPPED";
          t.stoppedReason = "Task failed container health checks";
        } else {
          t.health = "HEALTHY";
          if (t.rev === NEW_REV) this.migrated = true;
        }
      }
    }
    const live = this.tasks.filter((t) => t.desired === "RUNNING").length;
    for (let i = live; i < this.desiredCount; i++) this.startTask("UNKNOWN", "PENDING");
  }

  private describe(t: FakeTask): Task {
    return {
      taskArn: t.arn,
      taskDefinitionArn: tdArn(t.rev),
      lastStatus: t.last,
      desiredStatus: t.desired,
      healthStatus: t.health,
      createdAt: t.createdAt,
      ...(t.stoppedReason ? { stoppedReason: t.stoppedReason, stopCode: "TaskFailedToStart" } : {}),
      containers: [
        { name: "openwebui", image: t.image, lastStatus: t.last, healthStatus: t.health },
        { name: "oauth2-proxy", image: "quay.io/oauth2-proxy/oauth2-proxy:v7.15.3", lastStatus: t.last },
      ],
    };
  }

  private service(): Service {
    const running = this.tasks.filter((t) => t.desired === "RUNNING" && t.last === "RUNNING").length;
    const pending = this.tasks.filter((t) => t.desired === "RUNNING" && t.last === "PENDING").length;
    const base = service(this.rev, { desiredCount: this.desiredCount, runningCount: running, pendingCount: pending });
    return { ...base, deploymentConfiguration: { minimumHealthyPercent: 0, maximumPercent: 100 } };
  }

  private failIf(call: string): void {
    if (this.opts.failCall === call) throw Object.assign(new Error(`${call} refused by the test`), { name: "InternalFailure" });
  }

  private wire(): void {
    const { ecs, rds } = this.m;
    ecs.on(DescribeServicesCommand).callsFake(() => ({ services: [this.service()], failures: [] }));
    ecs.on(DescribeTaskDefinitionCommand).callsFake((input: { taskDefinition: string }) => {
      const rev = Number(input.taskDefinition.split(":").pop());
      const td: TaskDefinition = taskDefinition(rev, { image: this.image(rev), ...(rev === NEW_REV ? { set: this.opts.newRevisionEnv } : {}) });
      return { taskDefinition: td };
    });
    ecs.on(ListTasksCommand).callsFake((input: { desiredStatus: string }) => ({
      taskArns: this.tasks.filter((t) => t.desired === input.desiredStatus).map((t) => t.arn),
    }));
    ecs.on(DescribeTasksCommand).callsFake((input: { tasks: string[] }) => ({
      tasks: this.tasks.filter((t) => input.tasks.includes(t.arn)).map((t) => this.describe(t)),
    }));
    ecs.on(UpdateServiceCommand).callsFake((input: { desiredCount: number }) => {
      this.failIf(`ecs:UpdateService desired=${input.desiredCount}`);
      this.log.push(`ecs:UpdateService desired=${input.desiredCount}`);
      this.setDesired(input.desiredCount);
      return { service: this.service() };
    });
    rds.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [
        {
          DBInstanceIdentifier: "pluto-openwebui",
          DBInstanceStatus: "available",
          DBSubnetGroup: { DBSubnetGroupName: "pluto-db-subnets-1a2b3c" },
          VpcSecurityGroups: [{ VpcSecurityGroupId: "sg-0db0db0db0db0db00", Status: "active" }],
          DBParameterGroups: [{ DBParameterGroupName: "pluto-db-params-4d5e6f", ParameterApplyStatus: "in-sync" }],
        },
      ],
    });
    rds.on(CreateDBSnapshotCommand).callsFake((input: { DBSnapshotIdentifier: string }) => {
      this.failIf("rds:CreateDBSnapshot");
      this.log.push(`rds:CreateDBSnapshot ${input.DBSnapshotIdentifier}`);
      return { DBSnapshot: { DBSnapshotIdentifier: input.DBSnapshotIdentifier, Status: "creating" } };
    });
    // A manual snapshot is "creating" until it is "available" (RDS API reference, DBSnapshot.Status).
    rds.on(DescribeDBSnapshotsCommand).callsFake((input: { DBSnapshotIdentifier: string }) => {
      this.snapshotPolls++;
      const status = this.snapshotPolls < 3 ? "creating" : (this.opts.snapshotEndsAs ?? "available");
      if (status === "available" && !this.log.includes("rds:snapshot available")) this.log.push("rds:snapshot available");
      return { DBSnapshots: [{ DBSnapshotIdentifier: input.DBSnapshotIdentifier, Status: status, PercentProgress: this.snapshotPolls * 40 }] };
    });
    // Shapes of the Application Auto Scaling API reference: DescribeScalableTargets' ScalableTarget,
    // and RegisterScalableTarget, which updates only the parameters it is given.
    const a = this.opts.autoscaling;
    this.scaling.on(DescribeScalableTargetsCommand).resolves({
      ScalableTargets: a
        ? [
            {
              ServiceNamespace: "ecs",
              ResourceId: "service/pluto-cluster/pluto-openwebui",
              ScalableDimension: "ecs:service:DesiredCount",
              MinCapacity: a.min,
              MaxCapacity: a.max,
              RoleARN:
                "arn:aws:iam::123456789012:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService",
              CreationTime: new Date("2026-01-29T10:00:00Z"),
              SuspendedState: { DynamicScalingInSuspended: false, DynamicScalingOutSuspended: false, ScheduledScalingSuspended: false },
            },
          ]
        : [],
    });
    this.scaling.on(RegisterScalableTargetCommand).callsFake((input: { SuspendedState: { DynamicScalingOutSuspended: boolean } }) => {
      const what = input.SuspendedState.DynamicScalingOutSuspended ? "suspend" : "resume";
      this.failIf(`autoscaling:${what}`);
      this.log.push(`autoscaling:${what}`);
      return {};
    });
  }

  /** `pluto upgrade <args>` through the ops commands with this world's clock, sleep, project and Pulumi. */
  async run(args: string[], opts: { isTTY?: boolean; confirm?: (q: string) => Promise<boolean> } = {}) {
    const io = memoryIo({ isTTY: opts.isTTY });
    const program = new Command("pluto").exitOverride();
    const result = { exitCode: 0 };
    // `pulumi` is no OpsDeps field: it rides along, and the upgrade command reads it.
    opsCommands({ ...this.deps(), ...(opts.confirm ? { confirm: opts.confirm } : {}) })(program, io, result);
    let code: number;
    try {
      await program.parseAsync(["node", "pluto", "upgrade", "--stack", "prod", "--region", "eu-west-1", ...args]);
      code = result.exitCode;
    } catch (e) {
      if (!(e instanceof CliError)) throw e;
      io.err(`pluto: ${e.message}`);
      code = e.exitCode;
    }
    return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
  }
}
