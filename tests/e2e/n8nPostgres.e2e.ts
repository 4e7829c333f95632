// n8n's data in the stack's PostgreSQL, with the real n8n at the pinned version and a real
// PostgreSQL 16 that, like RDS, forces TLS and gives the master CREATEROLE/CREATEDB but not
// superuser (tests/helpers/postgres.ts). The synthesised `n8n-database` container runs here as ECS
// runs it before n8n starts (tests/e2e/realN8n.ts runN8nDatabaseInit): what an existing stack's
// first `pulumi up` after this release does to the data n8n kept in SQLite on EFS.
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalPostgres, startPostgres } from "../helpers/postgres";
import { LocalN8nDatabase, localN8nEnv, runN8nCli, runN8nDatabaseInit, startRealN8n } from "./realN8n";
import { deployedN8n } from "./world";

const KEY = "e2e-migration-key-0123456789abcdef";
const SECRET = "header-secret-kept-across";

/** The settings a stack's n8n ran with before PostgreSQL: the deployed ones without DB_*. */
function onSqlite(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith("DB_")));
}

describe("n8n's data: SQLite on EFS moves to its own PostgreSQL database (real n8n, real PostgreSQL)", function () {
  this.timeout(900_000);
  let deployed: Awaited<ReturnType<typeof deployedN8n>>;
  let postgres: LocalPostgres;
  let database: LocalN8nDatabase;
  const folders: string[] = [];
  const folder = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pluto-e2e-n8n-move-"));
    folders.push(dir);
    return dir;
  };

  before(async () => {
    deployed = await deployedN8n();
    postgres = await startPostgres();
    database = { host: postgres.host, port: postgres.port, ca: postgres.ca, password: "n8n-role-pw-e2e", adminUrl: postgres.adminUrl };
  });
  after(async () => {
    await postgres?.stop();
    for (const dir of folders) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("keeps the owner, workflows and credentials (still decrypting), moves them once, and leaves database.sqlite unchanged", async () => {
    const userFolder = folder();
    // 1. The stack as it ran before: n8n on SQLite in ~/.n8n (the EFS volume).
    const old = await startRealN8n(onSqlite(deployed.env), { userFolder, encryptionKey: KEY });
    let workflowId: string;
    let credentialId: string;
    try {
      const credential = await old.asOwner("POST", "/rest/credentials", {
        name: "moved credential",
        type: "httpHeaderAuth",
        data: { name: "X-Key", value: SECRET },
      });
      expect(credential.status, JSON.stringify(credential.body)).to.equal(200);
      credentialId = credential.body.data.id;
      const workflow = await old.asOwner("POST", "/rest/workflows", {
        name: "moved workflow",
        nodes: [{ id: "a1", name: "Start", type: "n8n-nodes-base.manualTrigger", typeVersion: 1, position: [0, 0], parameters: {} }],
        connections: {},
        settings: {},
      });
      expect(workflow.status, JSON.stringify(workflow.body)).to.equal(200);
      workflowId = workflow.body.data.id;
    } finally {
      await old.close();
    }
    const sqlite = path.join(userFolder, ".n8n", "database.sqlite");
    const sqliteBefore = fs.readFileSync(sqlite);

    // 2. The first start after the upgrade: the n8n-database container runs first.
    const first = await runN8nDatabaseInit(deployed.init, { userFolder, database, encryptionKey: KEY });
    expect(first.code, first.output).to.equal(0);
    expect(first.output).to.include("moving n8n's data");
    expect(first.output).to.include("n8n's data is in PostgreSQL");
    expect(JSON.parse(postgres.superuserQuery("SELECT name FROM workflow_entity", "n8n"))).to.deep.equal([{ name: "moved workflow" }]);
    expect(fs.readFileSync(sqlite).equals(sqliteBefore), "database.sqlite must stay as it was (the way back)").to.equal(true);
    // The foreign keys deferred for the import are checked immediately again, as n8n made them.
    expect(JSON.parse(postgres.superuserQuery("SELECT count(*)::int AS n FROM pg_constraint WHERE contype = 'f' AND condeferrable", "n8n"))).to.deep.equal([
      { n: 0 },
    ]);

    // 3. n8n on PostgreSQL: the same owner signs in and finds the same workflow and credential.
    const moved = await startRealN8n(deployed.env, { userFolder, database, encryptionKey: KEY });
    try {
      expect(moved.owner.email).to.equal(old.owner.email);
      const workflow = await moved.asOwner("GET", `/rest/workflows/${workflowId}`);
      expect(workflow.status).to.equal(200);
      expect(workflow.body.data.name).to.equal("moved workflow");
      const credential = await moved.asOwner("GET", `/rest/credentials/${credentialId}`);
      expect(credential.status).to.equal(200);
      expect(credential.body.data.name).to.equal("moved credential");
    } finally {
      await moved.close();
    }
    // The credential decrypts with the stack's key, read from PostgreSQL by n8n's own export.
    const out = path.join(userFolder, "credentials.json");
    const env = { ...localN8nEnv(deployed.env, { port: 0, brokerPort: 0, userFolder, database, encryptionKey: KEY }), HOME: userFolder };
    const exported = await runN8nCli(["export:credentials", "--all", "--decrypted", `--output=${out}`], env);
    expect(exported.code, exported.output).to.equal(0);
    const [decrypted] = JSON.parse(fs.readFileSync(out, "utf8"));
    expect(decrypted.data).to.deep.equal({ name: "X-Key", value: SECRET });

    // 4. Every later start: the set-up runs again, nothing is moved twice.
    const again = await runN8nDatabaseInit(deployed.init, { userFolder, database, encryptionKey: KEY });
    expect(again.code, again.output).to.equal(0);
    expect(again.output).to.not.include("moving n8n's data");
    expect(JSON.parse(postgres.superuserQuery("SELECT count(*)::int AS n FROM workflow_entity", "n8n"))).to.deep.equal([{ n: 1 }]);
  });

  it("does not let n8n start when the database's certificate does not verify (a server that is not RDS)", async () => {
    const ran = await runN8nDatabaseInit(deployed.init, { userFolder: folder(), database: { ...database, ca: postgres.otherCa }, encryptionKey: KEY });
    expect(ran.code).to.equal(1);
    expect(ran.output).to.match(/n8n's database set-up failed: .*certificate/i);
  });

  it("does not mark a failed move done: the next start tries again", async () => {
    const userFolder = folder();
    fs.mkdirSync(path.join(userFolder, ".n8n"));
    // Not a database: n8n's export fails, so the script stops before `done` and before n8n starts.
    fs.writeFileSync(path.join(userFolder, ".n8n", "database.sqlite"), "not a SQLite database");
    const ran = await runN8nDatabaseInit(deployed.init, { userFolder, database, encryptionKey: KEY });
    expect(ran.code, ran.output).to.not.equal(0);
    expect(ran.output).to.include("moving n8n's data");
    expect(ran.output).to.not.include("set-up failed");
    expect(fs.existsSync(path.join(userFolder, ".n8n", "pluto-postgres-migration", "done"))).to.equal(false);
  });
});
