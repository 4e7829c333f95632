/**
 * n8n's database and role: the set-up program (n8n/databaseSetup.js) run against a real
 * PostgreSQL 16 that, like RDS, forces TLS and gives the master CREATEROLE/CREATEDB without
 * superuser (tests/helpers/postgres.ts); the container the stack deploys around it. The move of
 * SQLite data with the real n8n is tests/e2e/n8nPostgres.e2e.ts.
 */
import { expect } from "chai";
import { execFile } from "child_process";
import * as path from "path";
import { Client } from "pg";
import { LocalPostgres, startPostgres } from "../helpers/postgres";
import {
  N8N_DATABASE,
  N8N_DATABASE_CONTAINER,
  N8N_DATABASE_ROLE,
  n8nDatabaseEntryPoint,
  n8nDatabaseEnvironment,
  n8nDatabaseWarnings,
  rdsCertificateAuthorities,
} from "../../n8n/database";
import { X509Certificate } from "crypto";
import { env, Stack, synthStack } from "../helpers/stack";
import { DEFAULT_ENGINE_VERSION } from "../../components/database";

const ROOT = path.join(__dirname, "..", "..");
const SETUP = n8nDatabaseEntryPoint()[4];

/** Runs the set-up program as the container does (`node -e SETUP STEP`), with the project's `pg` standing for n8n's. */
function runSetup(vars: Record<string, string>, step = "setup"): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["-e", SETUP, step], { env: { PATH: process.env.PATH, PLUTO_N8N_PACKAGE_DIR: ROOT, ...vars } }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, output: stdout + stderr }),
    );
  });
}

/** The error a connection attempt ends with, or undefined when it connects. */
async function refusal(attempt: Promise<Client>): Promise<Error | undefined> {
  try {
    await (await attempt).end();
    return undefined;
  } catch (err) {
    return err as Error;
  }
}

describe("n8n's database and role in the stack's PostgreSQL", function () {
  this.timeout(60_000);
  let pg: LocalPostgres;
  let vars: Record<string, string>;
  const connect = async (user: string, password: string, database: string, ssl: object | false = { ca: pg.ca }) => {
    const c = new Client({ host: pg.host, port: pg.port, user, password, database, ssl });
    await c.connect();
    return c;
  };

  before(async () => {
    pg = await startPostgres();
    vars = {
      PLUTO_ADMIN_DATABASE_URL: pg.adminUrl,
      DB_POSTGRESDB_HOST: pg.host,
      DB_POSTGRESDB_PORT: String(pg.port),
      DB_POSTGRESDB_DATABASE: N8N_DATABASE,
      DB_POSTGRESDB_USER: N8N_DATABASE_ROLE,
      DB_POSTGRESDB_PASSWORD: "first-password",
      DB_POSTGRESDB_SSL_CA: pg.ca,
      DB_POSTGRESDB_SSL_REJECT_UNAUTHORIZED: "true",
    };
  });
  after(async () => pg?.stop());

  it("stands for the stack's instance: the same PostgreSQL major version", () => {
    const [{ server_version_num }] = JSON.parse(pg.superuserQuery("SHOW server_version_num")) as { server_version_num: string }[];
    expect(String(Math.floor(Number(server_version_num) / 10000))).to.equal(DEFAULT_ENGINE_VERSION);
  });

  it("makes a role that logs in over TLS and owns n8n's database, and nothing more", async () => {
    const ran = await runSetup(vars);
    expect(ran.code, ran.output).to.equal(0);
    expect(ran.output).to.include("role created, database created");
    const c = await connect("n8n", "first-password", "n8n");
    try {
      const me = (await c.query("SELECT rolsuper, rolcreatedb, rolcreaterole, rolreplication FROM pg_roles WHERE rolname = current_user")).rows[0];
      expect(me).to.deep.equal({ rolsuper: false, rolcreatedb: false, rolcreaterole: false, rolreplication: false });
      const owner = (await c.query("SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = 'n8n'")).rows[0].owner;
      expect(owner).to.equal("n8n");
      await c.query("CREATE TABLE workflow_probe (id int)");
    } finally {
      await c.end();
    }
  });

  it("keeps n8n's role out of Open WebUI's database, and everyone else out of n8n's", async () => {
    expect(await runSetup(vars).then((r) => r.code)).to.equal(0);
    let refused = await refusal(connect("n8n", "first-password", "openwebui"));
    expect(refused?.message).to.match(/permission denied for database "openwebui"/);
    pg.superuserQuery("CREATE ROLE bystander LOGIN PASSWORD 'bystander-pw'");
    refused = await refusal(connect("bystander", "bystander-pw", "n8n"));
    expect(refused?.message).to.match(/permission denied for database "n8n"/);
  });

  it("refuses a connection without TLS, as rds.force_ssl does", async () => {
    const refused = await refusal(connect("n8n", "first-password", "n8n", false));
    expect(refused?.message).to.match(/no encryption|SSL off/);
  });

  it("is idempotent and sets a rotated password at the next start", async () => {
    const again = await runSetup({ ...vars, DB_POSTGRESDB_PASSWORD: "rotated-password" });
    expect(again.code, again.output).to.equal(0);
    expect(again.output).to.include("role kept, database kept");
    const c = await connect("n8n", "rotated-password", "n8n");
    expect((await c.query("SELECT count(*)::int AS n FROM workflow_probe")).rows[0].n).to.equal(0);
    await c.end();
    const refused = await refusal(connect("n8n", "first-password", "n8n"));
    expect(refused?.message).to.match(/password authentication failed/);
  });

  it("fails, naming the problem, when the server's certificate is not from the given CA or the settings are wrong", async () => {
    const wrongCa = await runSetup({ ...vars, DB_POSTGRESDB_SSL_CA: pg.otherCa });
    expect(wrongCa.code).to.equal(1);
    expect(wrongCa.output).to.match(/n8n's database set-up failed: .*certificate/);
    const badRole = await runSetup({ ...vars, DB_POSTGRESDB_USER: 'n8n"; DROP DATABASE openwebui; --' });
    expect(badRole.code).to.equal(1);
    expect(badRole.output).to.include("DB_POSTGRESDB_USER must be a lower-case PostgreSQL identifier");
    const master = await runSetup({ ...vars, DB_POSTGRESDB_USER: "openwebui" });
    expect(master.output).to.include("must not be the master user");
    const unknown = await runSetup(vars, "drop-everything");
    expect(unknown.code).to.equal(2);
    expect(unknown.output).to.include('unknown step "drop-everything"');
  });

  it("says whether n8n's database holds people's data, and defers and restores foreign keys as the tables' owner", async () => {
    const c = await connect("n8n", "rotated-password", "n8n");
    try {
      await c.query(`CREATE TABLE workflow_entity (id text PRIMARY KEY); CREATE TABLE credentials_entity (id text); CREATE TABLE "user" (id text, email text)`);
      await c.query(`CREATE TABLE shared_workflow (wf text REFERENCES workflow_entity (id))`);
      await c.query(`INSERT INTO "user" VALUES ('shell', NULL)`);
      const rotated = { ...vars, DB_POSTGRESDB_PASSWORD: "rotated-password" };
      expect((await runSetup(rotated, "holds-data")).output.trim()).to.equal("no");
      expect((await runSetup(rotated, "defer-foreign-keys")).output).to.include("1 foreign keys of n8n's tables deferred");
      // Deferred: a row may arrive before the one it refers to, within one transaction.
      await c.query("BEGIN; INSERT INTO shared_workflow VALUES ('w1'); INSERT INTO workflow_entity VALUES ('w1'); COMMIT");
      expect((await runSetup(rotated, "holds-data")).output.trim()).to.equal("yes");
      expect((await runSetup(rotated, "restore-foreign-keys")).output).to.include("1 foreign keys of n8n's tables checked immediately again");
      const refused = await c.query("BEGIN; INSERT INTO shared_workflow VALUES ('w2')").then(
        () => undefined,
        (err: Error) => err,
      );
      await c.query("ROLLBACK");
      expect(refused?.message).to.match(/foreign key constraint/);
    } finally {
      await c.end();
    }
  });
});

describe("n8n's database settings and set-up container", () => {
  it("trusts the RDS root CAs of the stack's region only, and warns where it knows none", () => {
    const pem = rdsCertificateAuthorities("eu-west-1")!;
    const names = pem
      .split(/(?<=-----END CERTIFICATE-----)\n/)
      .filter((p) => p.includes("BEGIN"))
      .map((p) => /CN=([^\n]+)/.exec(new X509Certificate(p).subject)![1])
      .sort();
    expect(names).to.deep.equal([
      "Amazon RDS eu-west-1 Root CA ECC384 G1",
      "Amazon RDS eu-west-1 Root CA RSA2048 G1",
      "Amazon RDS eu-west-1 Root CA RSA4096 G1",
    ]);
    expect(rdsCertificateAuthorities("xx-nowhere-9")).to.equal(undefined);
    expect(n8nDatabaseWarnings("us-east-1")).to.deep.equal([]);
    expect(n8nDatabaseWarnings("xx-nowhere-9")[0]).to.match(/no RDS certificate authority for region xx-nowhere-9/);
  });

  it("verifies the server where the CA is known, and still requires TLS where it is not", async () => {
    const resolve = (e: Record<string, unknown>) =>
      Promise.all(Object.entries(e).map(async ([k, v]) => [k, await new Promise((r) => ((v as any)?.apply ? (v as any).apply(r) : r(v)))]));
    const known = Object.fromEntries(await resolve(n8nDatabaseEnvironment({ host: "db.example", port: 5432, region: "us-east-1" })));
    expect(known).to.include({
      DB_TYPE: "postgresdb",
      DB_POSTGRESDB_DATABASE: "n8n",
      DB_POSTGRESDB_USER: "n8n",
      DB_POSTGRESDB_SSL_ENABLED: "true",
      DB_POSTGRESDB_SSL_REJECT_UNAUTHORIZED: "true",
    });
    expect(known.DB_POSTGRESDB_SSL_CA).to.include("BEGIN CERTIFICATE");
    const unknown = Object.fromEntries(await resolve(n8nDatabaseEnvironment({ host: "db.example", port: 5432, region: "xx-nowhere-9" })));
    expect(unknown).to.include({ DB_POSTGRESDB_SSL_ENABLED: "true", DB_POSTGRESDB_SSL_REJECT_UNAUTHORIZED: "false" });
    expect(unknown).to.not.have.property("DB_POSTGRESDB_SSL_CA");
  });

  describe("in the synthesised n8n task", () => {
    let stack: Stack;
    before(async () => {
      stack = await synthStack({ "pluto:n8n": JSON.stringify({ enabled: true }) });
    });

    it("runs the set-up first and starts n8n only once it has succeeded", () => {
      const init = stack.container("pluto-n8n", N8N_DATABASE_CONTAINER) as any;
      const app = stack.container("pluto-n8n", "n8n") as any;
      expect(init.essential).to.equal(false);
      expect(init.image).to.equal(app.image);
      expect(init.entryPoint.slice(0, 2)).to.deep.equal(["/bin/sh", "-c"]);
      expect(init.mountPoints).to.deep.equal(app.mountPoints);
      expect(app.dependsOn).to.deep.equal([{ containerName: N8N_DATABASE_CONTAINER, condition: "SUCCESS" }]);
      expect(env(app)).to.include({ DB_TYPE: "postgresdb", DB_POSTGRESDB_USER: "n8n", DB_POSTGRESDB_SSL_REJECT_UNAUTHORIZED: "true" });
      expect(env(init)).to.deep.equal(env(app));
    });

    it("gives the master's connection to the set-up container alone; n8n holds its own role's password", () => {
      const names = (c: any) => (c.secrets as { name: string }[]).map((s) => s.name).sort();
      expect(names(stack.container("pluto-n8n", N8N_DATABASE_CONTAINER))).to.deep.equal([
        "DB_POSTGRESDB_PASSWORD",
        "N8N_ENCRYPTION_KEY",
        "PLUTO_ADMIN_DATABASE_URL",
      ]);
      expect(names(stack.container("pluto-n8n", "n8n"))).to.deep.equal(["DB_POSTGRESDB_PASSWORD", "N8N_ENCRYPTION_KEY"]);
      const secret = stack
        .all("aws:secretsmanager/secret:Secret")
        .find(
          (s) =>
            [(s.inputs as any).name, (s.inputs as any).namePrefix].includes("pluto/n8n/database-password-") ||
            (s.inputs as any).name === "pluto/n8n/database-password",
        );
      expect(secret, "the role's password is a secret of its own").to.not.equal(undefined);
    });
  });
});
