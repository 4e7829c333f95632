import { expect } from "chai";
import { UpdateServiceCommand } from "@aws-sdk/client-ecs";
import { CreateDBSnapshotCommand } from "@aws-sdk/client-rds";
import { RegisterScalableTargetCommand } from "@aws-sdk/client-application-auto-scaling";
import { NEW_IMAGE, OLD_IMAGE, UpgradeWorld, WorldOptions } from "./upgradeWorld";
import { memoryIo } from "../../../cli/io";
import { migrationsDisabled, runUpgrade, snapshotName } from "../../../cli/commands/ops/upgrade";
import { REQUIRED_STOPS, upgradePath } from "../../../cli/commands/ops/upgradePath";

const SNAPSHOT = "pluto-openwebui-v0-8-2-to-v0-11-4-20261207-124500";
const R = " --region eu-west-1";
const REFUSAL = "pluto: refusing to change anything without --yes (stdin is not a terminal)";

describe("pluto upgrade", () => {
  let w: UpgradeWorld;
  const world = (opts: WorldOptions = {}) => (w = new UpgradeWorld(opts));
  afterEach(() => w?.restore());

  describe("plan and consent", () => {
    it("--dry-run shows the plan and changes nothing", async () => {
      world({ desiredCount: 2, autoscaling: { min: 2, max: 4 } });
      const r = await w.run(["--to", NEW_IMAGE, "--dry-run"]);
      expect(r.code).to.equal(0);
      expect(r.out).to.include("will upgrade Open WebUI of service pluto-openwebui in cluster pluto-cluster (eu-west-1), stack prod:");
      expect(r.out).to.include(`  from ${OLD_IMAGE} (pluto-openwebui:56, 2 task(s) running, desired 2, autoscaling 2-4)`);
      expect(r.out).to.include(`  to   ${NEW_IMAGE} (pluto:openWebUiImage in Pulumi.prod.yaml)`);
      expect(r.out).to.include(`  1. snapshot pluto-openwebui as ${SNAPSHOT} and wait until it is available`);
      expect(r.out).to.include("  2. suspend autoscaling of service/pluto-cluster/pluto-openwebui");
      expect(r.out).to.include("  4. pulumi up --yes --stack prod --refresh=false --policy-pack policies");
      expect(r.out).to.include("  5. start ONE task of 0.11.4: it alone runs the database migrations");
      expect(r.out).to.include("  6. scale back to 2 task(s)");
      expect(r.out).to.include("dry run: nothing was changed");
      expect(w.log).to.deep.equal([]);
      expect(w.m.rds.commandCalls(CreateDBSnapshotCommand)).to.have.length(0);
      expect(w.m.ecs.commandCalls(UpdateServiceCommand)).to.have.length(0);
      expect(w.scaling.commandCalls(RegisterScalableTargetCommand)).to.have.length(0);
    });

    it("refuses off a terminal without --yes, changing nothing", async () => {
      world();
      const r = await w.run(["--to", NEW_IMAGE]);
      expect(r.code).to.equal(2);
      expect(r.err).to.equal(REFUSAL);
      expect(r.out).to.include("3. scale to 0 and wait until no task of 0.8.2 runs: the outage starts here");
      expect(w.log).to.deep.equal([]);
    });

    it("asks at a terminal and changes nothing when the answer is no", async () => {
      world();
      const asked: string[] = [];
      const r = await w.run(["--to", NEW_IMAGE], { isTTY: true, confirm: async (q) => (asked.push(q), false) });
      expect(asked).to.deep.equal([`Upgrade Open WebUI to ${NEW_IMAGE}? (a short outage)`]);
      expect(r.code).to.equal(1);
      expect(r.err).to.equal("pluto: aborted; nothing was changed");
      expect(w.log).to.deep.equal([]);
    });
  });

  describe("refuses before changing anything", () => {
    it("when the stack's pluto:openWebUiImage is not the target (Pulumi owns the task definition)", async () => {
      world();
      w.writeStackImage("ghcr.io/open-webui/open-webui:v0.10.2");
      const r = await w.run(["--to", NEW_IMAGE, "--yes"]);
      expect(r.code).to.equal(2);
      expect(r.err).to.equal(
        `pluto: Pulumi.prod.yaml sets pluto:openWebUiImage to ghcr.io/open-webui/open-webui:v0.10.2, not ${NEW_IMAGE}; Pulumi owns the task definition, so set it first: pulumi config set pluto:openWebUiImage ${NEW_IMAGE} --stack prod`,
      );
      expect(w.log).to.deep.equal([]);
    });

    it("without --stack", async () => {
      world();
      const io = memoryIo();
      const error = await runUpgrade({ to: NEW_IMAGE, timeout: "20", region: "eu-west-1", yes: true }, w.deps(), io).catch((e: Error) => e);
      expect((error as Error).message).to.match(/^--stack is required/);
    });

    it("a --timeout that is not 1-120 whole minutes", async () => {
      world();
      const r = await w.run(["--to", NEW_IMAGE, "--yes", "--timeout", "0.5"]);
      expect(r.code).to.equal(2);
      expect(r.err).to.equal("pluto: --timeout 0.5 must be a whole number of minutes, 1-120");
      expect(w.log).to.deep.equal([]);
    });

    it("a downgrade, a floating tag, and two versions already running", async () => {
      world();
      w.writeStackImage("ghcr.io/open-webui/open-webui:v0.8.1");
      let r = await w.run(["--to", "ghcr.io/open-webui/open-webui:v0.8.1", "--yes"]);
      expect(r.code).to.equal(2);
      expect(r.err).to.match(/^pluto: refusing to upgrade: 0\.8\.2 → 0\.8\.1 is a downgrade/);
      w.writeStackImage("ghcr.io/open-webui/open-webui:main");
      r = await w.run(["--to", "ghcr.io/open-webui/open-webui:main", "--yes"]);
      expect(r.err).to.match(/floating tag :main/);
      w.writeStackImage(NEW_IMAGE);
      w.tasks[0].image = "ghcr.io/open-webui/open-webui:v0.8.3";
      w.tasks.push({ ...w.tasks[0], arn: w.tasks[0].arn + "b", image: OLD_IMAGE });
      w.desiredCount = 2;
      r = await w.run(["--to", NEW_IMAGE, "--yes"]);
      expect(r.code).to.equal(2);
      expect(r.err).to.match(/^pluto: refusing to upgrade: 2 versions of openwebui running at once/);
      expect(w.log).to.deep.equal([]);
    });
  });

  describe("the happy path", () => {
    it("one task: snapshot first, old gone, pulumi up at 0 tasks, then one new task until healthy", async () => {
      world();
      const r = await w.run(["--to", NEW_IMAGE, "--yes"]);
      expect(r.err).to.equal("");
      expect(r.code).to.equal(0);
      expect(w.log).to.deep.equal([
        `rds:CreateDBSnapshot ${SNAPSHOT}`,
        "rds:snapshot available",
        "ecs:UpdateService desired=0",
        "pulumi up --yes --stack prod --refresh=false",
        "ecs:UpdateService desired=1",
      ]);
      expect(w.violations).to.deep.equal([]);
      expect(w.tasks.filter((t) => t.last === "RUNNING").map((t) => [t.image, t.health])).to.deep.equal([[NEW_IMAGE, "HEALTHY"]]);
      expect(r.out).to.match(
        /^upgraded pluto-openwebui from ghcr.io\/open-webui\/open-webui:v0.8.2 to ghcr.io\/open-webui\/open-webui:v0.11.4: 1 healthy task\(s\); outage \d+ s$/m,
      );
      expect(r.out).to.include(`the snapshot ${SNAPSHOT} stays until you delete it`);
    });

    it("scaled out with autoscaling: suspended before the scale-down, one migrating task, scale back, resumed last", async () => {
      world({ desiredCount: 3, autoscaling: { min: 2, max: 6 } });
      const r = await w.run(["--to", NEW_IMAGE, "--yes"]);
      expect(r.code).to.equal(0);
      expect(w.log).to.deep.equal([
        `rds:CreateDBSnapshot ${SNAPSHOT}`,
        "rds:snapshot available",
        "autoscaling:suspend",
        "ecs:UpdateService desired=0",
        "pulumi up --yes --stack prod --refresh=false",
        "ecs:UpdateService desired=1",
        "ecs:UpdateService desired=3",
        "autoscaling:resume",
      ]);
      expect(w.violations).to.deep.equal([]);
      const resource = { ServiceNamespace: "ecs", ResourceId: "service/pluto-cluster/pluto-openwebui", ScalableDimension: "ecs:service:DesiredCount" };
      expect(w.scaling.commandCalls(RegisterScalableTargetCommand).map((c) => c.args[0].input)).to.deep.equal([
        { ...resource, SuspendedState: { DynamicScalingInSuspended: true, DynamicScalingOutSuspended: true, ScheduledScalingSuspended: true } },
        { ...resource, SuspendedState: { DynamicScalingInSuspended: false, DynamicScalingOutSuspended: false, ScheduledScalingSuspended: false } },
      ]);
      expect(w.tasks.filter((t) => t.last === "RUNNING" && t.health === "HEALTHY" && t.image === NEW_IMAGE)).to.have.length(3);
    });

    it("takes the snapshot with the versions in its name and tags, and --json reports the steps", async () => {
      world();
      const r = await w.run(["--to", NEW_IMAGE, "--yes", "--json"]);
      expect(w.m.rds.commandCalls(CreateDBSnapshotCommand)[0].args[0].input).to.deep.equal({
        DBInstanceIdentifier: "pluto-openwebui",
        DBSnapshotIdentifier: SNAPSHOT,
        Tags: [
          { Key: "pluto:upgrade-from", Value: OLD_IMAGE },
          { Key: "pluto:upgrade-to", Value: NEW_IMAGE },
        ],
      });
      const doc = JSON.parse(r.out);
      expect(doc.done.map((d: { stage: string }) => d.stage)).to.deep.equal(["snapshot", "scale-down", "pulumi-up", "first-task", "scale-back"]);
      expect(doc).to.include({ from: OLD_IMAGE, to: NEW_IMAGE, snapshot: SNAPSHOT, desiredCount: 1 });
      expect(doc.outageSeconds).to.be.a("number");
      expect(r.err).to.include("will upgrade Open WebUI");
    });
  });

  describe("a failure stops the upgrade and prints the exact rollback", () => {
    const PIN = [`pulumi config set pluto:openWebUiImage ${OLD_IMAGE} --stack prod`, "pulumi up --stack prod --refresh=false"];
    const RESTORE = [
      `aws rds restore-db-instance-from-db-snapshot --db-snapshot-identifier ${SNAPSHOT} --db-instance-identifier pluto-openwebui-restored --db-subnet-group-name pluto-db-subnets-1a2b3c --vpc-security-group-ids sg-0db0db0db0db0db00 --db-parameter-group-name pluto-db-params-4d5e6f --no-publicly-accessible --deletion-protection${R}`,
      `aws rds wait db-instance-available --db-instance-identifier pluto-openwebui-restored${R}`,
      `aws rds modify-db-instance --db-instance-identifier pluto-openwebui --new-db-instance-identifier pluto-openwebui-before-restore --apply-immediately${R}`,
      `aws rds wait db-instance-available --db-instance-identifier pluto-openwebui-before-restore${R}`,
      `aws rds modify-db-instance --db-instance-identifier pluto-openwebui-restored --new-db-instance-identifier pluto-openwebui --apply-immediately${R}`,
      `aws rds wait db-instance-available --db-instance-identifier pluto-openwebui${R}`,
      `# then give the Pulumi state the restored instance's DbiResourceId: docs/backups.md, "Then tell Pulumi which instance is now its own"`,
    ];
    const RESUME = `aws application-autoscaling register-scalable-target --service-namespace ecs --scalable-dimension ecs:service:DesiredCount --resource-id service/pluto-cluster/pluto-openwebui --suspended-state DynamicScalingInSuspended=false,DynamicScalingOutSuspended=false,ScheduledScalingSuspended=false${R}`;
    const lines = (err: string) => err.split("\n").map((l) => l.trim());
    /** `expected` appears in `err` as consecutive lines, in this order. */
    const expectRun = (err: string, expected: string[]) => {
      const all = lines(err);
      const start = all.indexOf(expected[0]);
      expect(start, `${expected[0]} in\n${err}`).to.be.at.least(0);
      expect(all.slice(start, start + expected.length)).to.deep.equal(expected);
    };

    it("snapshot refused: nothing changed, the service untouched", async () => {
      world({ failCall: "rds:CreateDBSnapshot", autoscaling: { min: 1, max: 3 } });
      const failed = await w.run(["--to", NEW_IMAGE, "--yes"]);
      expect(failed.code).to.equal(1);
      expect(lines(failed.err)).to.include.members([
        'upgrade stopped at step "snapshot": rds:CreateDBSnapshot failed in eu-west-1: InternalFailure: rds:CreateDBSnapshot refused by the test',
        `nothing of the service was changed: ${OLD_IMAGE} still serves, and the database was not migrated.`,
      ]);
      expect(w.log).to.deep.equal([]);
    });

    it("snapshot ends failed: stops before any scale-down", async () => {
      world({ snapshotEndsAs: "failed" });
      const r = await w.run(["--to", NEW_IMAGE, "--yes"]);
      expect(r.code).to.equal(1);
      expect(r.err).to.include(`upgrade stopped at step "snapshot": snapshot ${SNAPSHOT}: status failed`);
      expect(w.log).to.deep.equal([`rds:CreateDBSnapshot ${SNAPSHOT}`]);
    });

    it("autoscaling cannot be suspended: stops before any scale-down", async () => {
      world({ failCall: "autoscaling:suspend", autoscaling: { min: 1, max: 3 } });
      const r = await w.run(["--to", NEW_IMAGE, "--yes"]);
      expect(r.code).to.equal(1);
      expect(r.err).to.include('upgrade stopped at step "suspend-autoscaling"');
      expect(r.err).to.include("nothing of the service was changed");
      expect(w.log).to.deep.equal([`rds:CreateDBSnapshot ${SNAPSHOT}`, "rds:snapshot available"]);
    });

    it("scale-down refused: pluto puts the old version back as it was", async () => {
      world({ failCall: "ecs:UpdateService desired=0", desiredCount: 2, autoscaling: { min: 2, max: 4 } });
      const r = await w.run(["--to", NEW_IMAGE, "--yes"]);
      expect(r.code).to.equal(1);
      expect(lines(r.err)).to.include.members([`pluto set pluto-openwebui back to 2 task(s) of ${OLD_IMAGE}`, "pluto resumed autoscaling as it was"]);
      expect(w.log.slice(-3)).to.deep.equal(["autoscaling:suspend", "ecs:UpdateService desired=2", "autoscaling:resume"]);
      expect(w.violations).to.deep.equal([]);
    });

    it("pulumi up fails: the service stays at 0; pin the old image and scale back (no restore needed)", async () => {
      world({ pulumiExit: 255, desiredCount: 2, autoscaling: { min: 2, max: 4 } });
      const r = await w.run(["--to", NEW_IMAGE, "--yes"]);
      expect(r.code).to.equal(1);
      expect(r.err).to.include('upgrade stopped at step "pulumi-up": pulumi up exited with 255');
      expectRun(r.err, [
        ...PIN,
        `aws ecs update-service --cluster pluto-cluster --service pluto-openwebui --desired-count 2${R}`,
        `aws ecs wait services-stable --cluster pluto-cluster --services pluto-openwebui${R}`,
        RESUME,
      ]);
      expect(r.err).to.not.include("restore-db-instance-from-db-snapshot");
      expect(w.log.at(-1)).to.equal("pulumi up --yes --stack prod --refresh=false");
      expect(w.desiredCount).to.equal(0);
    });

    it("the new revision turns migrations off: stopped before any new task starts", async () => {
      world({ newRevisionEnv: { ENABLE_DB_MIGRATIONS: "False" } });
      const r = await w.run(["--to", NEW_IMAGE, "--yes"]);
      expect(r.code).to.equal(1);
      expect(r.err).to.include(
        'upgrade stopped at step "pulumi-up": pluto-openwebui:57 sets ENABLE_DB_MIGRATIONS=False: its one task would not migrate the database',
      );
      expect(w.log.at(-1)).to.equal("pulumi up --yes --stack prod --refresh=false");
      expect(w.tasks.filter((t) => t.last !== "STOPPED")).to.deep.equal([]);
    });

    it("the new version never becomes healthy: pluto scales to 0, autoscaling stays suspended; restore, pin, scale back", async () => {
      world({ newVersionFails: true, desiredCount: 2, autoscaling: { min: 2, max: 4 } });
      const r = await w.run(["--to", NEW_IMAGE, "--yes"]);
      expect(r.code).to.equal(1);
      expect(r.err).to.match(
        /upgrade stopped at step "first-task": 1 healthy task\(s\) of pluto-openwebui:57: task task\d+ stopped: Task failed container health checks/,
      );
      expect(lines(r.err)).to.include("pluto scaled pluto-openwebui to 0 and waited until no task runs; autoscaling stays suspended");
      expectRun(r.err, [
        ...RESTORE,
        ...PIN,
        `aws ecs update-service --cluster pluto-cluster --service pluto-openwebui --desired-count 2${R}`,
        `aws ecs wait services-stable --cluster pluto-cluster --services pluto-openwebui${R}`,
        RESUME,
      ]);
      expect(w.log.slice(-2)).to.deep.equal(["ecs:UpdateService desired=1", "ecs:UpdateService desired=0"]);
      expect(w.log).to.not.include("autoscaling:resume");
      expect(w.tasks.filter((t) => t.last !== "STOPPED")).to.deep.equal([]);
      expect(w.violations).to.deep.equal([]);
    });

    it("pulumi up restores the desired count (a refreshed stack): stopped at once, as a failed first task", async () => {
      world({ pulumiSetsDesired: 3, desiredCount: 3 });
      const r = await w.run(["--to", NEW_IMAGE, "--yes"]);
      expect(r.code).to.equal(1);
      expect(r.err).to.include('upgrade stopped at step "first-task": pulumi up set the desired count to 3');
      expect(lines(r.err)).to.include.members(RESTORE);
      expect(w.desiredCount).to.equal(0);
    });

    it("the scale-back fails: the new version serves on one task; the commands to finish", async () => {
      world({ failCall: "ecs:UpdateService desired=3", desiredCount: 3, autoscaling: { min: 2, max: 6 } });
      const r = await w.run(["--to", NEW_IMAGE, "--yes"]);
      expect(r.code).to.equal(1);
      expect(r.err).to.include('upgrade stopped at step "scale-back"');
      expectRun(r.err, [
        `aws ecs update-service --cluster pluto-cluster --service pluto-openwebui --desired-count 3${R}`,
        `aws ecs wait services-stable --cluster pluto-cluster --services pluto-openwebui${R}`,
        RESUME,
      ]);
      expect(w.tasks.filter((t) => t.last === "RUNNING").map((t) => t.image)).to.deep.equal([NEW_IMAGE]);
    });

    it("autoscaling cannot be resumed: the command to resume it", async () => {
      world({ failCall: "autoscaling:resume", autoscaling: { min: 1, max: 3 } });
      const r = await w.run(["--to", NEW_IMAGE, "--yes"]);
      expect(r.code).to.equal(1);
      expect(r.err).to.include('upgrade stopped at step "resume-autoscaling"');
      expect(lines(r.err)).to.include(RESUME);
    });
  });

  describe("the version path", () => {
    it("0.8.2 → 0.11.x is one move: upstream names no required intermediate version", () => {
      expect(REQUIRED_STOPS).to.deep.equal([]);
      expect(upgradePath(OLD_IMAGE, NEW_IMAGE)).to.deep.include({ ok: true, from: { major: 0, minor: 8, patch: 2 }, to: { major: 0, minor: 11, patch: 4 } });
    });

    it("refuses a move across a required stop, a downgrade, the same release and an untagged target", () => {
      const stop = [{ major: 0, minor: 10, patch: 0 }];
      expect(upgradePath(OLD_IMAGE, NEW_IMAGE, stop)).to.deep.equal({
        ok: false,
        reason: "upstream requires a stop at 0.10.0 between 0.8.2 and 0.11.4: run pluto upgrade to 0.10.0 first",
      });
      expect(upgradePath("ghcr.io/open-webui/open-webui:v0.9.6", "ghcr.io/open-webui/open-webui:v0.10.0", stop)).to.include({ ok: true });
      expect(upgradePath(NEW_IMAGE, OLD_IMAGE)).to.include({ ok: false });
      expect(upgradePath(NEW_IMAGE, "ghcr.io/open-webui/open-webui:0.11.4")).to.include({ ok: false });
      expect(upgradePath(OLD_IMAGE, "ghcr.io/open-webui/open-webui@sha256:" + "a".repeat(64))).to.include({ ok: false });
    });

    it("allows an untagged running image, saying the path cannot be checked", () => {
      const p = upgradePath("ghcr.io/open-webui/open-webui@sha256:" + "b".repeat(64), NEW_IMAGE);
      expect(p).to.include({ ok: true });
      expect((p as { note?: string }).note).to.match(/has no release tag: the path to 0\.11\.4 cannot be checked/);
    });

    it("reads ENABLE_DB_MIGRATIONS as Open WebUI does: only unset or true (any case) migrates", () => {
      expect(migrationsDisabled([])).to.equal(undefined);
      expect(migrationsDisabled([{ name: "ENABLE_DB_MIGRATIONS", value: "TRUE" }])).to.equal(undefined);
      expect(migrationsDisabled([{ name: "ENABLE_DB_MIGRATIONS", value: "1" }])).to.equal("ENABLE_DB_MIGRATIONS=1");
      expect(migrationsDisabled([{ name: "ENABLE_DB_MIGRATIONS", value: "false" }])).to.equal("ENABLE_DB_MIGRATIONS=false");
    });

    it("names the snapshot after both versions and the time, within RDS's identifier rules", () => {
      const name = snapshotName("pluto-openwebui", { major: 0, minor: 8, patch: 2 }, { major: 0, minor: 11, patch: 4 }, new Date("2026-12-07T12:45:00.123Z"));
      expect(name).to.equal(SNAPSHOT);
      expect(name).to.match(/^[A-Za-z](?!.*--)[A-Za-z0-9-]{0,254}(?<!-)$/);
    });
  });
});
