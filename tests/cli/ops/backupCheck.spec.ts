import { expect } from "chai";
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ListTasksCommand } from "@aws-sdk/client-ecs";
import {
  GetBackupSelectionCommand,
  ListBackupPlansCommand,
  ListRecoveryPointsByResourceCommand,
  RecoveryPointByResource,
  RecoveryPointStatus,
} from "@aws-sdk/client-backup";
import { DescribeDBInstancesCommand } from "@aws-sdk/client-rds";
import { ACCOUNT, awsError, awsMocks, AwsMocks, BACKUP_PLAN_ID, FS_ARN, pluto, REGION, restoreMocks, service, taskDefinition } from "./fixtures";
import { databaseFinding, recoveryPointFinding, STALE_AFTER_HOURS } from "../../../cli/commands/ops/backupCheck";

const HOUR = 3_600_000;
const N8N_FS = `arn:aws:elasticfilesystem:${REGION}:${ACCOUNT}:file-system/fs-0n8n00000000000`;
const point = (hoursAgo: number, Status: RecoveryPointStatus = "COMPLETED", extra: Partial<RecoveryPointByResource> = {}): RecoveryPointByResource => ({
  RecoveryPointArn: `arn:aws:backup:${REGION}:${ACCOUNT}:recovery-point:${hoursAgo}`,
  CreationDate: new Date(Date.now() - hoursAgo * HOUR),
  Status,
  BackupVaultName: "pluto-backup",
  ...extra,
});

describe("pluto doctor: backups", () => {
  let m: AwsMocks;
  beforeEach(() => {
    m = awsMocks();
    m.ecs.on(DescribeServicesCommand).resolves({ services: [service(56)], failures: [] });
    m.ecs.on(DescribeTaskDefinitionCommand).resolves({ taskDefinition: taskDefinition(56) });
    m.ecs.on(ListTasksCommand).resolves({ taskArns: [] });
  });
  afterEach(() => restoreMocks(m));

  const backupsLine = (out: string) => out.split("\n").find((l) => /^\w+ {2}backups/.test(l));

  it("passes with the age of each file system's newest recovery point and the database's restore window", async () => {
    const r = await pluto(["doctor", "--region", REGION]);
    expect(r.code).to.equal(0);
    expect(backupsLine(r.out)).to.match(/^PASS {2}backups +every file system backed up within 26 h; database restorable to the last hour$/);
    expect(r.out).to.match(/^ +file system fs-0123456789abcdef0: latest recovery point 5 h ago \(\S+, vault pluto-backup\)$/m);
    expect(r.out).to.match(/^ +database pluto-openwebui: restorable to 4 min ago \(\S+; automated backups kept 7 days\)$/m);
    // Found by the stack's names: the plan <prefix>-backup, its selection, the instance <prefix>-openwebui.
    expect(m.backup.commandCalls(GetBackupSelectionCommand)[0].args[0].input).to.deep.equal({ BackupPlanId: BACKUP_PLAN_ID, SelectionId: "sel-1" });
    expect(m.backup.commandCalls(ListRecoveryPointsByResourceCommand).map((c) => c.args[0].input)).to.deep.equal([
      { ResourceArn: FS_ARN, NextToken: undefined },
    ]);
    expect(m.rds.commandCalls(DescribeDBInstancesCommand)[0].args[0].input).to.deep.equal({ DBInstanceIdentifier: "pluto-openwebui" });
  });

  it(`fails on a recovery point older than ${STALE_AFTER_HOURS} h, naming the file system`, async () => {
    m.backup.on(ListRecoveryPointsByResourceCommand).resolves({ RecoveryPoints: [point(30), point(54)] });
    const r = await pluto(["doctor", "--region", REGION]);
    expect(r.code).to.equal(1);
    expect(backupsLine(r.out)).to.match(/^FAIL {2}backups +file system fs-0123456789abcdef0: latest recovery point is 30 h old .*more than 26 h$/);
    expect(r.out).to.match(/^unhealthy: backups failed$/m);
  });

  it("fails when a file system has no completed recovery point, and says what the newest attempt did", async () => {
    m.backup
      .on(ListRecoveryPointsByResourceCommand)
      .resolves({ RecoveryPoints: [point(3, "PARTIAL", { StatusMessage: "Backup job expired before completion" })] });
    const r = await pluto(["doctor", "--region", REGION]);
    expect(r.code).to.equal(1);
    expect(backupsLine(r.out)).to.match(/no completed recovery point; newest attempt PARTIAL \(Backup job expired before completion\) at /);
  });

  it("checks every selected file system (Open WebUI's and n8n's) and reads every page", async () => {
    m.backup.on(GetBackupSelectionCommand).resolves({ BackupSelection: { SelectionName: "pluto-file-systems", IamRoleArn: "r", Resources: [FS_ARN, N8N_FS] } });
    m.backup.on(ListRecoveryPointsByResourceCommand, { ResourceArn: FS_ARN, NextToken: undefined }).resolves({ RecoveryPoints: [point(50)], NextToken: "p2" });
    m.backup.on(ListRecoveryPointsByResourceCommand, { ResourceArn: FS_ARN, NextToken: "p2" }).resolves({ RecoveryPoints: [point(2)] });
    m.backup.on(ListRecoveryPointsByResourceCommand, { ResourceArn: N8N_FS }).resolves({ RecoveryPoints: [] });
    const r = await pluto(["doctor", "--region", REGION, "--json"]);
    const check = JSON.parse(r.out).checks.find((c: { name: string }) => c.name === "backups");
    expect(check.status).to.equal("fail");
    expect(check.summary).to.equal("file system fs-0n8n00000000000: no completed recovery point");
    expect(check.details[0]).to.match(/^file system fs-0123456789abcdef0: latest recovery point 2 h ago/);
    // What the summary says failed is not repeated below it.
    expect(check.details).to.not.include(check.summary);
    expect(check.details).to.have.length(2);
    expect(m.backup.commandCalls(ListRecoveryPointsByResourceCommand)).to.have.length(3);
  });

  it("fails when the stack has no backup plan", async () => {
    m.backup.on(ListBackupPlansCommand).resolves({ BackupPlansList: [{ BackupPlanName: "someone-elses", BackupPlanId: "x" }] });
    const r = await pluto(["doctor", "--region", REGION]);
    expect(r.code).to.equal(1);
    expect(backupsLine(r.out)).to.match(/^FAIL {2}backups +no backup plan pluto-backup in eu-west-1$/);
  });

  it("fails when the database's automated backups are off, behind, or the instance is missing", async () => {
    m.rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [{ DBInstanceIdentifier: "pluto-openwebui", BackupRetentionPeriod: 0 }] });
    expect(backupsLine((await pluto(["doctor", "--region", REGION])).out)).to.match(/database pluto-openwebui: automated backups are off/);
    m.rds.on(DescribeDBInstancesCommand).rejects(awsError("DBInstanceNotFoundFault", "DBInstance pluto-openwebui not found."));
    const r = await pluto(["doctor", "--region", REGION]);
    expect(r.code).to.equal(1);
    expect(backupsLine(r.out)).to.match(/database pluto-openwebui not found/);
  });

  it("warns (without failing the report) when the operator may not read backups, naming the call", async () => {
    m.backup
      .on(ListBackupPlansCommand)
      .rejects(awsError("AccessDeniedException", "User: arn:aws:iam::123456789012:user/readonly is not authorized to perform: backup:ListBackupPlans"));
    const r = await pluto(["doctor", "--region", REGION]);
    expect(r.code).to.equal(0);
    expect(backupsLine(r.out)).to.match(/^WARN {2}backups +cannot check: access denied calling backup:ListBackupPlans in eu-west-1/);
  });

  describe("findings", () => {
    const now = new Date("2026-01-29T12:00:00Z");
    it("uses the newest usable point whatever the order, and ignores points still being created", () => {
      const at = (h: number) => new Date(now.getTime() - h * HOUR);
      const f = recoveryPointFinding(
        FS_ARN,
        [
          { CreationDate: at(40), Status: "COMPLETED" },
          { CreationDate: at(1), Status: "CREATING" },
          { CreationDate: at(20), Status: "COMPLETED", BackupVaultName: "v" },
        ],
        now,
      );
      expect(f).to.deep.equal({
        ok: true,
        line: "file system fs-0123456789abcdef0: latest recovery point 20 h ago (2026-01-28T16:00:00.000Z, vault v); newest attempt CREATING at 2026-01-29T11:00:00.000Z",
      });
      expect(recoveryPointFinding(FS_ARN, [{ CreationDate: at(26.5), Status: "COMPLETED" }], now).ok).to.equal(false);
    });

    it("reads the database's latest restorable time against an hour", () => {
      const db = { DBInstanceIdentifier: "pluto-openwebui", BackupRetentionPeriod: 7 };
      expect(databaseFinding({ ...db, LatestRestorableTime: new Date(now.getTime() - 59 * 60_000) }, now).ok).to.equal(true);
      expect(databaseFinding({ ...db, LatestRestorableTime: new Date(now.getTime() - 2 * HOUR) }, now).line).to.match(
        /restorable to 2 h ago .*more than 60 min behind$/,
      );
      expect(databaseFinding({ ...db, DBInstanceStatus: "creating" }, now)).to.deep.equal({
        ok: false,
        line: "database pluto-openwebui: no restorable time yet (status creating)",
      });
    });
  });
});
