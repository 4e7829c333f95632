// The real n8n, at exactly the version the stack deploys, run on 127.0.0.1 for the e2e: the npm
// package `n8n` at the image's tag (n8n publishes both from one release), installed by `.ci/run`
// into a cache keyed by version (outside the project's node_modules: about 2.8 GB), on the Node.js
// its `engines` asks for (n8n >= 2.38: Node.js >= 24; the project itself stays on 22). It is set up
// the way docs/onboarding.md tells the operator: the owner account (`POST /rest/owner/setup`), a
// sign-in, and an API key with only the `user:create` scope and no expiry (`POST /rest/api-keys`).
//
// Run directly (`ts-node tests/e2e/realN8n.ts`) it prints the pinned version, which `.ci/run` installs.
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { DEFAULTS } from "../../config";
import { startPostgres } from "../helpers/postgres";

/** The version of the pinned image (`docker.n8n.io/n8nio/n8n:<version>`): the npm version the e2e runs. */
export function n8nVersionOf(image: string): string {
  const tag = /:(\d+\.\d+\.\d+)$/.exec(image)?.[1];
  if (!tag) throw new Error(`the n8n image ${image} is not pinned to a release version`);
  return tag;
}

export const PINNED_N8N_VERSION = n8nVersionOf(DEFAULTS.n8n.image);
/** n8n's `engines.node` since 2.38 (packages/cli/package.json: ">=24.0.0" in 2.41.1). */
export const N8N_NODE_MAJOR = 24;

/** Where `.ci/run` keeps Node.js and n8n: the same rule as its own (PLUTO_NODE_CACHE, XDG_CACHE_HOME). */
export function ciCache(env: NodeJS.ProcessEnv = process.env): string {
  return env.PLUTO_NODE_CACHE ?? path.join(env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "pluto-ci");
}

export function n8nInstallDir(version = PINNED_N8N_VERSION, env = process.env): string {
  return path.join(ciCache(env), `n8n-${version}`);
}

/**
 * The stack's n8n environment as n8n runs here, and which settings cannot apply on this machine:
 * - N8N_PORT: a free port on 127.0.0.1 (5678 may be taken; runs may overlap);
 * - N8N_ENCRYPTION_KEY: the stack reads it from Secrets Manager; here n8n generates one in its fresh
 *   user folder (it only encrypts stored credentials, which the e2e never stores);
 * - N8N_USER_FOLDER and the task-runner broker port: a temporary folder and a free port (deployed,
 *   the EFS volume at ~/.n8n and the default 5679, alone in the task);
 * - telemetry, version checks, templates and the personalization survey: off, as nothing here may
 *   reach the internet (deployed, N8N_DIAGNOSTICS_ENABLED=false is the stack's own choice);
 * - NODE_ENV=production, which n8n's images set (docker/images/n8n Dockerfile) and the npm package
 *   does not: without it n8n answers errors with their stack trace (response-helper.ts
 *   `sendErrorResponse`, `inDevelopment`).
 * Everything else (N8N_HOST, N8N_PROTOCOL, N8N_EDITOR_BASE_URL, WEBHOOK_URL, N8N_PROXY_HOPS,
 * N8N_SECURE_COOKIE, N8N_PUBLIC_API_DISABLED, N8N_LISTEN_ADDRESS) is the synthesised value.
 * N8N_PROTOCOL=https without N8N_SSL_KEY/N8N_SSL_CERT still serves plain HTTP (abstract-server.ts
 * `init`: https only with both), as it does behind the ALB.
 */
export function localN8nEnv(
  deployed: Record<string, string>,
  local: { port: number; brokerPort: number; userFolder: string; database?: LocalN8nDatabase; encryptionKey?: string },
): Record<string, string> {
  const env: Record<string, string> = { ...deployed };
  delete env.N8N_ENCRYPTION_KEY;
  return {
    ...env,
    ...localDatabaseEnv(deployed, local.database),
    ...(local.encryptionKey ? { N8N_ENCRYPTION_KEY: local.encryptionKey } : {}),
    N8N_PORT: String(local.port),
    N8N_USER_FOLDER: local.userFolder,
    N8N_RUNNERS_BROKER_PORT: String(local.brokerPort),
    N8N_RUNNERS_BROKER_LISTEN_ADDRESS: "127.0.0.1",
    N8N_DIAGNOSTICS_ENABLED: "false",
    N8N_VERSION_NOTIFICATIONS_ENABLED: "false",
    N8N_TEMPLATES_ENABLED: "false",
    N8N_PERSONALIZATION_ENABLED: "false",
    NODE_ENV: "production",
  };
}

/** The local PostgreSQL that stands for the stack's RDS instance, and n8n's role password on it. */
export interface LocalN8nDatabase {
  host: string;
  port: number;
  /** The CA of the server's certificate: what DB_POSTGRESDB_SSL_CA carries deployed (the region's RDS CAs). */
  ca: string;
  /** n8n's role password (deployed: the `<prefix>/n8n/database-password` secret). */
  password: string;
  /** The master's URL (deployed: Open WebUI's DATABASE_URL secret), for the set-up container only. */
  adminUrl: string;
}

/**
 * The deployed database settings with the local server's address, CA and password: every other
 * DB_* setting (type, database, user, TLS required and verified) is the synthesised one. A stack
 * whose n8n runs on PostgreSQL cannot run here without one.
 */
export function localDatabaseEnv(deployed: Record<string, string>, database: LocalN8nDatabase | undefined): Record<string, string> {
  if (deployed.DB_TYPE !== "postgresdb") return {};
  if (!database) throw new Error("the stack's n8n keeps its data in PostgreSQL (DB_TYPE=postgresdb): give startRealN8n a local database");
  return {
    DB_POSTGRESDB_HOST: database.host,
    DB_POSTGRESDB_PORT: String(database.port),
    DB_POSTGRESDB_PASSWORD: database.password,
    ...(deployed.DB_POSTGRESDB_SSL_CA ? { DB_POSTGRESDB_SSL_CA: database.ca } : {}),
  };
}

/** The installed n8n and the Node.js it runs on; fails with what to run when `.ci/run` has not installed them. */
export function installedN8n(): { dir: string; bin: string; node: string; version: string } {
  const dir = n8nInstallDir();
  const bin = path.join(dir, "node_modules", "n8n", "bin", "n8n");
  const node = path.join(ciCache(), `node-${process.platform}-${process.arch}-${N8N_NODE_MAJOR}`, "bin", "node");
  for (const [what, file] of [
    [`n8n ${PINNED_N8N_VERSION}`, bin],
    [`Node.js ${N8N_NODE_MAJOR}`, node],
  ])
    if (!fs.existsSync(file)) throw new Error(`${what} is not installed at ${file}: run .ci/run once (it installs both into the cache)`);
  const version = JSON.parse(fs.readFileSync(path.join(dir, "node_modules", "n8n", "package.json"), "utf8")).version;
  if (version !== PINNED_N8N_VERSION) throw new Error(`${dir} holds n8n ${version}, not the pinned ${PINNED_N8N_VERSION}`);
  return { dir, bin, node, version };
}

/**
 * Runs the synthesised `n8n-database` container here as ECS would before n8n starts: its entry
 * point (`sh -c SCRIPT NAME SETUP`), its environment with the local database, the data directory
 * at `userFolder/.n8n`, and `n8n` on the PATH as the image has it. n8n's own `pg` is the client
 * (the image resolves it from /usr/local/lib/node_modules/n8n; here from the installed package).
 */
/** Runs `n8n ARGS…` (the installed CLI) with an environment; its exit code and output. */
export async function runN8nCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const n8n = installedN8n();
  const child = spawn(n8n.node, [n8n.bin, ...args], {
    env: { PATH: `${path.dirname(n8n.node)}:${process.env.PATH ?? ""}`, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr.on("data", (c: Buffer) => (output += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  return { code, output };
}

export async function runN8nDatabaseInit(
  container: { entryPoint: string[]; env: Record<string, string> },
  local: { userFolder: string; database: LocalN8nDatabase; encryptionKey: string },
): Promise<{ code: number | null; output: string }> {
  const n8n = installedN8n();
  const shims = fs.mkdtempSync(path.join(os.tmpdir(), "pluto-n8n-bin-"));
  fs.writeFileSync(path.join(shims, "n8n"), `#!/bin/sh\nexec ${JSON.stringify(n8n.node)} ${JSON.stringify(n8n.bin)} "$@"\n`, { mode: 0o755 });
  const [cmd, ...args] = container.entryPoint;
  const env = {
    ...container.env,
    ...localDatabaseEnv(container.env, local.database),
    PLUTO_ADMIN_DATABASE_URL: local.database.adminUrl,
    N8N_ENCRYPTION_KEY: local.encryptionKey,
    N8N_USER_FOLDER: local.userFolder,
    PLUTO_N8N_PACKAGE_DIR: path.join(n8n.dir, "node_modules", "n8n"),
    PATH: `${shims}:${path.dirname(n8n.node)}:${process.env.PATH ?? ""}`,
    HOME: local.userFolder,
    N8N_DIAGNOSTICS_ENABLED: "false",
    NODE_ENV: "production",
  };
  const child = spawn(cmd, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr.on("data", (c: Buffer) => (output += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  fs.rmSync(shims, { recursive: true, force: true });
  return { code, output };
}

export interface RealN8n {
  /** Where n8n answers, http://127.0.0.1:<port>. */
  url: string;
  version: string;
  /** The key the operator stores in the stack's secret: `user:create` only, no expiry. */
  apiKey: string;
  owner: { email: string; id: string };
  /** What a fresh install answers an invitation before the owner exists (no key can exist yet). */
  beforeOwner: { status: number; body: unknown };
  /** Milliseconds from spawn to a ready n8n, and for the owner and key set-up. */
  timings: { startMs: number; setupMs: number };
  /** A call as the signed-in owner (the editor's session cookie). */
  asOwner(method: string, route: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** Every n8n user by lower-cased email (`GET /rest/users`, as the editor's Users page). */
  users(): Promise<Map<string, { id: string; email: string; isPending: boolean; role: string }>>;
  /** Creates a further API key as the owner would in Settings > n8n API (`expiresAt` in Unix seconds, or null). */
  createApiKey(opts: { label: string; scopes: string[]; expiresAt: number | null }): Promise<string>;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const OWNER = { email: "owner@example.com", firstName: "Owner", lastName: "Pluto", password: "Owner-Passw0rd-e2e" };

/**
 * Starts the installed n8n with the stack's environment and sets it up. Fails with what to run when
 * `.ci/run` has not installed it (or Node.js 24) yet.
 */
export async function startRealN8n(
  deployed: Record<string, string>,
  opts: {
    log?: (line: string) => void;
    /** The local PostgreSQL when the stack's n8n runs on it (DB_TYPE=postgresdb). */
    database?: LocalN8nDatabase;
    /** An existing user folder, kept on close; its owner signs in instead of being set up. Defaults to a new one, removed on close. */
    userFolder?: string;
    encryptionKey?: string;
  } = {},
): Promise<RealN8n> {
  const { bin, node, version: installed } = installedN8n();
  const userFolder = opts.userFolder ?? fs.mkdtempSync(path.join(os.tmpdir(), "pluto-e2e-n8n-"));
  const port = await freePort();
  const env = localN8nEnv(deployed, { port, brokerPort: await freePort(), userFolder, database: opts.database, encryptionKey: opts.encryptionKey });
  const started = Date.now();
  const child: ChildProcess = spawn(node, [bin, "start"], {
    env: { PATH: `${path.dirname(node)}:${process.env.PATH ?? ""}`, HOME: userFolder, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  // The scenarios hold n8n's answers to a deadline divided by the time scale, while n8n runs in real
  // time: on a busy machine it would miss that deadline for want of CPU, not for anything it does.
  // It runs ahead of the suite's other processes where the OS lets it (a raised priority needs root;
  // elsewhere this is a no-op).
  try {
    os.setPriority(child.pid!, -10);
  } catch {
    // not permitted: n8n keeps the default priority
  }
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) {
      output.push(line);
      opts.log?.(`n8n: ${line}`);
    }
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  let exited: number | null | undefined;
  child.on("exit", (code) => (exited = code));
  // A run that ends without close() (an uncaught error, process.exit) must not leave n8n running.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const url = `http://127.0.0.1:${port}`;
  const close = async () => {
    process.removeListener("exit", killOnExit);
    if (exited === undefined) {
      const gone = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await gone;
      clearTimeout(timer);
    }
    if (!opts.userFolder) fs.rmSync(userFolder, { recursive: true, force: true });
  };

  try {
    // Seconds when the machine is idle, up to two minutes on a busy one.
    // /healthz/readiness answers 200 once the database is connected and migrated
    // (packages/cli/src/abstract-server.ts `setupHealthCheck`); /healthz alone answers earlier.
    const deadline = Date.now() + 300_000;
    for (;;) {
      if (exited !== undefined) throw new Error(`n8n exited (${exited}) while starting:\n${output.slice(-20).join("\n")}`);
      const ready = await fetch(`${url}/healthz/readiness`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ready) break;
      if (Date.now() > deadline) throw new Error(`n8n did not become ready within 300 s:\n${output.slice(-20).join("\n")}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const startMs = Date.now() - started;

    let cookie = "";
    const call = async (method: string, route: string, body?: unknown) => {
      const res = await fetch(`${url}${route}`, {
        method,
        headers: { "content-type": "application/json", ...(cookie ? { cookie } : {}) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const setCookie = res.headers.get("set-cookie");
      if (setCookie) cookie = setCookie.split(";")[0];
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status: res.status, body: parsed as any };
    };
    const must = async (what: string, method: string, route: string, body?: unknown) => {
      const r = await call(method, route, body);
      if (r.status !== 200) throw new Error(`${what}: n8n answered ${r.status} ${JSON.stringify(r.body)}`);
      return r.body.data;
    };
    const early = await fetch(`${url}/api/v1/users`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-n8n-api-key": "no-key-can-exist-yet" },
      body: JSON.stringify([{ email: "first@example.com", role: "global:member" }]),
    });
    const beforeOwner = { status: early.status, body: await early.json().catch(() => undefined) };
    const setupStarted = Date.now();
    // docs/onboarding.md, "n8n": the owner account first, then Settings > n8n API > Create an API key.
    const credentials = { emailOrLdapLoginId: OWNER.email, password: OWNER.password };
    // An n8n whose data came from before (a kept folder, a migrated database) has its owner already.
    const existing = opts.userFolder || opts.database ? await call("POST", "/rest/login", credentials) : undefined;
    const owner = existing?.status === 200 ? existing.body.data : await must("owner set-up", "POST", "/rest/owner/setup", OWNER);
    await must("sign-in", "POST", "/rest/login", credentials);
    const createApiKey: RealN8n["createApiKey"] = async (key) => (await must("API key", "POST", "/rest/api-keys", key)).rawApiKey;
    // Labels are unique per user: an owner who came with the data may have this one already.
    const label = existing?.status === 200 ? `pluto-provisioning-${Date.now()}` : "pluto-provisioning";
    const apiKey = await createApiKey({ label, scopes: ["user:create"], expiresAt: null });
    const setupMs = Date.now() - setupStarted;
    return {
      url,
      version: installed,
      apiKey,
      owner: { email: OWNER.email, id: owner.id },
      beforeOwner,
      timings: { startMs, setupMs },
      asOwner: call,
      createApiKey,
      async users() {
        // 50 a page at most (@n8n/api-types users-list-filter.dto: createTakeValidator(50)).
        const list: { id: string; email: string; isPending: boolean; role: string }[] = [];
        for (let skip = 0; ; skip += 50) {
          const page = (await must("users", "GET", `/rest/users?take=50&skip=${skip}`)) as { count: number; items: typeof list };
          list.push(...page.items);
          if (page.items.length < 50 || list.length >= page.count) break;
        }
        return new Map(list.map((u) => [u.email.toLowerCase(), u]));
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/** The synthesised `n8n-database` container's entry point and environment. */
export interface DeployedN8nInit {
  entryPoint: string[];
  env: Record<string, string>;
}

/**
 * n8n as its task starts it: a PostgreSQL standing for the stack's instance (TLS required, the
 * master not a superuser: tests/helpers/postgres.ts), the `n8n-database` container run to success,
 * then n8n on the database it made.
 */
export async function startDeployedN8n(deployed: Record<string, string>, init: DeployedN8nInit): Promise<RealN8n> {
  if (deployed.DB_TYPE !== "postgresdb") return startRealN8n(deployed);
  const postgres = await startPostgres();
  const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), "pluto-e2e-n8n-"));
  const database: LocalN8nDatabase = {
    host: postgres.host,
    port: postgres.port,
    ca: postgres.ca,
    password: "e2e-n8n-role-password",
    adminUrl: postgres.adminUrl,
  };
  const encryptionKey = "e2e-encryption-key-0123456789abcdef";
  const stop = async () => {
    await postgres.stop();
    fs.rmSync(userFolder, { recursive: true, force: true });
  };
  try {
    const ran = await runN8nDatabaseInit(init, { userFolder, database, encryptionKey });
    if (ran.code !== 0) throw new Error(`the n8n-database container exited ${ran.code}:\n${ran.output}`);
    const n8n = await startRealN8n(deployed, { database, userFolder, encryptionKey });
    return {
      ...n8n,
      async close() {
        await n8n.close();
        await stop();
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

let shared: Promise<RealN8n> | undefined;

/** One real n8n for the whole run (every e2e file that needs it), started at the first call. */
export function sharedRealN8n(deployed: Record<string, string>, init: DeployedN8nInit): Promise<RealN8n> {
  shared ??= startDeployedN8n(deployed, init);
  return shared;
}

/** Stops the run's n8n, if one was started (tests/e2e/run.ts, after the last file). */
export async function closeSharedRealN8n(): Promise<void> {
  const running = shared;
  shared = undefined;
  await (await running?.catch(() => undefined))?.close();
}

if (require.main === module) console.log(PINNED_N8N_VERSION);
