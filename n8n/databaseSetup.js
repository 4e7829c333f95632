// n8n's own PostgreSQL database and role, made (or brought back in line) before n8n starts.
//
// Runs inside n8n's image, in the task's `n8n-database` container (n8n/database.ts), with nothing
// but Node.js and n8n's own PostgreSQL client: n8n depends on `pg` directly (n8n 2.41.1
// packages/cli/package.json `dependencies`), its build deploys n8n with its direct dependencies in
// its own node_modules (scripts/build-n8n.mjs: `pnpm --filter=n8n --prod --legacy deploy
// --no-optional ./compiled`), and its image copies that to /usr/local/lib/node_modules/n8n
// (docker/images/n8n/Dockerfile `COPY --from=app-artifact-processor /app /usr/local/lib/node_modules/n8n`).
//
// It connects as the stack's database master (Open WebUI's DATABASE_URL), which on RDS has
// CREATEROLE and CREATEDB but is not a superuser (rds_superuser), and:
// - creates the role DB_POSTGRESDB_USER (LOGIN, nothing else) or sets its password again, so a
//   rotated secret takes effect at the next start;
// - creates the database DB_POSTGRESDB_DATABASE owned by that role, or gives it back to it;
// - takes CONNECT on n8n's database from everyone else, and CONNECT on the master's own database
//   (Open WebUI's) from PUBLIC: the n8n role can open its own database and no other.
// Every statement is idempotent; each start runs them all. TLS is verified against
// DB_POSTGRESDB_SSL_CA (the RDS certificate authorities of the stack's region), with the host name.
"use strict";

const N8N_PACKAGE_DIR = process.env.PLUTO_N8N_PACKAGE_DIR || "/usr/local/lib/node_modules/n8n";
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

function identifier(name) {
  const value = required(name);
  if (!IDENTIFIER.test(value)) throw new Error(`${name} must be a lower-case PostgreSQL identifier, got ${JSON.stringify(value)}`);
  return value;
}

/** The master's connection from its URL; TLS settings are n8n's own (DB_POSTGRESDB_SSL_*), not the URL's sslmode. */
function adminConnection() {
  const url = new URL(required("PLUTO_ADMIN_DATABASE_URL"));
  const ca = process.env.DB_POSTGRESDB_SSL_CA || undefined;
  const rejectUnauthorized = process.env.DB_POSTGRESDB_SSL_REJECT_UNAUTHORIZED !== "false";
  return {
    host: url.hostname,
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: decodeURIComponent(url.pathname.slice(1)),
    ssl: { ca, rejectUnauthorized },
    connectionTimeoutMillis: 20_000,
  };
}

async function setUp() {
  const role = identifier("DB_POSTGRESDB_USER");
  const database = identifier("DB_POSTGRESDB_DATABASE");
  const password = required("DB_POSTGRESDB_PASSWORD");
  const { Client } = require(require.resolve("pg", { paths: [N8N_PACKAGE_DIR] }));
  const connection = adminConnection();
  if (connection.user === role) throw new Error(`DB_POSTGRESDB_USER must not be the master user ${role}`);
  const client = new Client(connection);
  await client.connect();
  try {
    const roleExists = (await client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [role])).rowCount > 0;
    if (!roleExists) await client.query(`CREATE ROLE "${role}" LOGIN`);
    // A password cannot be a bind parameter in ALTER ROLE; escapeLiteral quotes it for the server.
    await client.query(`ALTER ROLE "${role}" WITH LOGIN NOCREATEDB NOCREATEROLE PASSWORD ${client.escapeLiteral(password)}`);
    // Making a database for another role needs SET ROLE on it (CREATE DATABASE ... OWNER). Since
    // PostgreSQL 16 the creator of a role holds it WITH ADMIN only, not SET (createrole_self_grant
    // is empty by default), so the master grants the role to itself; before 16, membership is SET.
    const version = Number((await client.query("SHOW server_version_num")).rows[0].server_version_num);
    const canSet = (await client.query(`SELECT pg_has_role(current_user, $1, '${version >= 160000 ? "SET" : "MEMBER"}') AS ok`, [role])).rows[0].ok;
    if (!canSet) await client.query(`GRANT "${role}" TO CURRENT_USER`);
    const databaseExists = (await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database])).rowCount > 0;
    if (!databaseExists) await client.query(`CREATE DATABASE "${database}" OWNER "${role}" ENCODING 'UTF8'`);
    else await client.query(`ALTER DATABASE "${database}" OWNER TO "${role}"`);
    await client.query(`REVOKE ALL ON DATABASE "${database}" FROM PUBLIC`);
    await client.query(`REVOKE CONNECT, TEMPORARY ON DATABASE "${connection.database}" FROM PUBLIC`);
    console.log(
      `pluto: n8n's database ${database} and role ${role} are ready (${roleExists ? "role kept" : "role created"}, ${databaseExists ? "database kept" : "database created"})`,
    );
  } finally {
    await client.end();
  }
}

/** n8n's own connection (its role, its database), as n8n makes it. */
function n8nConnection() {
  return {
    host: required("DB_POSTGRESDB_HOST"),
    port: Number(process.env.DB_POSTGRESDB_PORT || 5432),
    user: identifier("DB_POSTGRESDB_USER"),
    password: required("DB_POSTGRESDB_PASSWORD"),
    database: identifier("DB_POSTGRESDB_DATABASE"),
    ssl: adminConnection().ssl,
    connectionTimeoutMillis: 20_000,
  };
}

/**
 * n8n's import turns foreign keys off with `SET session_replication_role = replica`, which
 * PostgreSQL allows superusers only (n8n 2.41.1 packages/cli/src/services/import.service.ts
 * `foreignKeyCommands`), so n8n's own role cannot. On SQLite the same import defers them instead
 * (`PRAGMA defer_foreign_keys`): here, as the tables' owner, the move makes n8n's foreign keys
 * DEFERRABLE INITIALLY DEFERRED for the import (`--skipTogglingForeignKeyConstraints`), so they
 * are checked when its transaction commits, and makes them NOT DEFERRABLE again afterwards, as
 * n8n's migrations create them.
 */
async function setForeignKeys(deferred) {
  const { Client } = require(require.resolve("pg", { paths: [N8N_PACKAGE_DIR] }));
  const client = new Client(n8nConnection());
  await client.connect();
  try {
    const schema = process.env.DB_POSTGRESDB_SCHEMA || "public";
    const keys = await client.query(
      `SELECT c.conname, t.relname FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
       WHERE c.contype = 'f' AND n.nspname = $1 AND c.condeferrable = $2`,
      [schema, !deferred],
    );
    for (const { conname, relname } of keys.rows)
      await client.query(
        `ALTER TABLE ${client.escapeIdentifier(schema)}.${client.escapeIdentifier(relname)} ALTER CONSTRAINT ${client.escapeIdentifier(conname)} ${deferred ? "DEFERRABLE INITIALLY DEFERRED" : "NOT DEFERRABLE"}`,
      );
    console.log(`pluto: ${keys.rowCount} foreign keys of n8n's tables ${deferred ? "deferred for the import" : "checked immediately again"}`);
  } finally {
    await client.end();
  }
}

/**
 * Prints `yes` when n8n's database already holds what people made (a workflow, a credential, a user
 * with an email), `no` when it holds only what n8n's migrations seed (roles, scopes, settings, a
 * personal project and a shell owner without an email). An error exits 1: never read as `no`.
 */
async function holdsData() {
  const { Client } = require(require.resolve("pg", { paths: [N8N_PACKAGE_DIR] }));
  const client = new Client(n8nConnection());
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT EXISTS (SELECT 1 FROM workflow_entity) OR EXISTS (SELECT 1 FROM credentials_entity) OR EXISTS (SELECT 1 FROM "user" WHERE email IS NOT NULL) AS held`,
    );
    console.log(rows[0].held ? "yes" : "no");
  } finally {
    await client.end();
  }
}

const steps = { setup: setUp, "holds-data": holdsData, "defer-foreign-keys": () => setForeignKeys(true), "restore-foreign-keys": () => setForeignKeys(false) };
const step = process.argv[1] || "setup";
if (!steps[step]) {
  console.error(`pluto: unknown step ${JSON.stringify(step)} (${Object.keys(steps).join(", ")})`);
  process.exit(2);
}
steps[step]().catch((err) => {
  console.error(`pluto: n8n's database ${step === "setup" ? "set-up" : step} failed: ${err.message}`);
  process.exit(1);
});
