// n8n's own PostgreSQL database and role, made (or brought back in line) before n8n starts.
//
// Runs inside n8n's image, in the task's `n8n-database` container (n8n/database.ts), with nothing
// but Node.js and n8n's own PostgreSQL client: n8n depends on `pg` directly (n8n 2.41.1
// packages/cli/package.json `dependencies`), and its image installs n8n at
// /usr/local/lib/node_modules/n8n (docker/images/n8n/Dockerfile `COPY ... /usr/local/lib/node_modules/n8n`).
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
    await client.query(`ALTER ROLE "${role}" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD ${client.escapeLiteral(password)}`);
    // Owning a database for another role takes membership in it (PostgreSQL 16: CREATE DATABASE
    // ... OWNER needs SET ROLE on the owner). The creator of the role may grant it.
    const member = (await client.query("SELECT pg_has_role(current_user, $1, 'SET') AS ok", [role])).rows[0].ok;
    if (!member) await client.query(`GRANT "${role}" TO CURRENT_USER`);
    const databaseExists = (await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database])).rowCount > 0;
    if (!databaseExists) await client.query(`CREATE DATABASE "${database}" OWNER "${role}" ENCODING 'UTF8'`);
    else await client.query(`ALTER DATABASE "${database}" OWNER TO "${role}"`);
    await client.query(`REVOKE ALL ON DATABASE "${database}" FROM PUBLIC`);
    await client.query(`REVOKE CONNECT, TEMPORARY ON DATABASE "${connection.database}" FROM PUBLIC`);
    console.log(`pluto: n8n's database ${database} and role ${role} are ready (${roleExists ? "role kept" : "role created"}, ${databaseExists ? "database kept" : "database created"})`);
  } finally {
    await client.end();
  }
}

setUp().catch((err) => {
  console.error(`pluto: n8n's database set-up failed: ${err.message}`);
  process.exit(1);
});
