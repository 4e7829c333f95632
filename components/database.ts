import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as random from "@pulumi/random";
import { DatabaseSizing, DEFAULTS, storageAutoscalingProblem } from "../config";
import { storedSecret } from "../secrets/storedSecret";

export interface DatabaseArgs {
  namePrefix: string;
  subnetIds: pulumi.Input<string[]>;
  securityGroupId: pulumi.Input<string>;
  /** Instance size and protection. Defaults to `DEFAULTS.database` in config.ts. */
  sizing?: DatabaseSizing;
  /** PostgreSQL major version. Defaults to `DEFAULT_ENGINE_VERSION` ("16"). */
  engineVersion?: string;
  tags?: Record<string, string>;
}

/** The PostgreSQL major version of the stack's instance. */
export const DEFAULT_ENGINE_VERSION = "16";

/** Characters RDS forbids in a master password, besides anything non-printable. */
export const RDS_FORBIDDEN_PASSWORD_CHARS = ["/", "@", '"', " "];
/** Specials the generated password may use: none of the forbidden ones, and none needing URL escapes beyond encodeURIComponent. */
export const PASSWORD_SPECIALS = "!#$%^&*()-_=+[]{}<>:?";

/** True when RDS accepts `password` as a master password (8–128 printable ASCII, none of / @ " or space). */
export function isValidRdsPassword(password: string): boolean {
  return password.length >= 8 && password.length <= 128 && /^[\x21-\x7e]+$/.test(password) && !RDS_FORBIDDEN_PASSWORD_CHARS.some((c) => password.includes(c));
}

/**
 * The connection string Open WebUI reads; the password is URL-encoded so specials cannot break
 * parsing. `sslmode=require` makes every client insist on TLS: Open WebUI passes the URL's query to
 * libpq through SQLAlchemy/psycopg2 (internal/db.py "psycopg2 (sync) needs sslmode= in the
 * connection string"), through peewee's `playhouse.db_url` for its old migrations
 * (internal/wrappers.py), and pgvector reuses DATABASE_URL. `require` encrypts without verifying
 * the server certificate, since the image carries no RDS CA bundle; the database is reachable from
 * Open WebUI's security group only.
 */
export function databaseUrl(args: { username: string; password: string; host: string; port: number; database: string }): string {
  return `postgresql://${encodeURIComponent(args.username)}:${encodeURIComponent(args.password)}@${args.host}:${args.port}/${args.database}?sslmode=require`;
}

/** The parameter group family for a PostgreSQL engine version: "16" or "16.4" → "postgres16". */
export function parameterGroupFamily(engineVersion: string): string {
  const major = /^(\d+)(\.\d+)*$/.exec(engineVersion)?.[1];
  if (!major) throw new Error(`PostgreSQL engine version ${JSON.stringify(engineVersion)} is not a version number like "16" or "16.4"`);
  return `postgres${major}`;
}

/**
 * The final snapshot's name: unique per database, because RDS keeps the snapshot after a destroy
 * and refuses a second one of the same name, so a fixed name fails the next stack's destroy.
 */
export function finalSnapshotIdentifier(identifier: string, uniqueSuffix: string): string {
  return `${identifier}-final-${uniqueSuffix}`;
}

/** PostgreSQL for Open WebUI: private, encrypted, reachable from the task security group only. */
export class Database extends pulumi.ComponentResource {
  readonly instance: aws.rds.Instance;
  readonly parameterGroup: aws.rds.ParameterGroup;
  /** DATABASE_URL (contains the password) for ECS `secrets`: its Secrets Manager ARN pinned to the stored version (`ARN:::VERSION-ID`). */
  readonly databaseUrlSecretArn: pulumi.Output<string>;

  constructor(name: string, args: DatabaseArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("pluto:database:Database", name, {}, opts);
    const sizing = args.sizing ?? DEFAULTS.database;
    const storageProblem = storageAutoscalingProblem(sizing.allocatedStorage, sizing.maxAllocatedStorage);
    if (storageProblem) throw new Error(`Database ${name}: maxAllocatedStorage ${storageProblem}`);
    const engineVersion = args.engineVersion ?? DEFAULT_ENGINE_VERSION;
    const tags = { Name: name, ...args.tags };
    const dbName = "openwebui";
    const username = "openwebui";

    const password = new random.RandomPassword(
      `${name}-password`,
      {
        length: 32,
        special: true,
        overrideSpecial: PASSWORD_SPECIALS,
        minSpecial: 2,
      },
      { parent: this },
    );

    const subnets = new aws.rds.SubnetGroup(
      `${name}-subnets`,
      {
        subnetIds: args.subnetIds,
        tags,
      },
      { parent: this },
    );

    // Refuse connections without TLS (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/PostgreSQL.Concepts.General.SSL.html).
    // Dynamic, so it applies without a reboot once the instance uses this group; associating the
    // group with an existing instance takes effect at its next reboot.
    this.parameterGroup = new aws.rds.ParameterGroup(
      `${name}-params`,
      {
        family: parameterGroupFamily(engineVersion),
        description: "Open WebUI's PostgreSQL: TLS only",
        parameters: [{ name: "rds.force_ssl", value: "1" }],
        tags,
      },
      { parent: this },
    );

    // New with each database, so every database's final snapshot has a name of its own.
    const snapshotSuffix = new random.RandomId(`${name}-final-snapshot-id`, { byteLength: 4 }, { parent: this });

    const identifier = `${args.namePrefix}-openwebui`;
    this.instance = new aws.rds.Instance(
      `${name}-postgres`,
      {
        identifier,
        engine: "postgres",
        engineVersion,
        parameterGroupName: this.parameterGroup.name,
        instanceClass: sizing.instanceClass,
        allocatedStorage: sizing.allocatedStorage,
        // 0 turns storage autoscaling off.
        maxAllocatedStorage: sizing.maxAllocatedStorage,
        storageType: "gp3",
        storageEncrypted: true,
        dbName,
        username,
        password: password.result,
        dbSubnetGroupName: subnets.name,
        vpcSecurityGroupIds: [args.securityGroupId],
        publiclyAccessible: false,
        multiAz: sizing.multiAz,
        backupRetentionPeriod: sizing.backupRetentionDays,
        deletionProtection: sizing.deletionProtection,
        skipFinalSnapshot: false,
        finalSnapshotIdentifier: snapshotSuffix.hex.apply((hex) => finalSnapshotIdentifier(identifier, hex)),
        copyTagsToSnapshot: true,
        autoMinorVersionUpgrade: true,
        tags,
      },
      // It holds every chat and account. `protect`: Pulumi refuses a plan that would replace or
      // delete it (a new instance starts empty), until an operator unprotects it on purpose.
      // `deleteBeforeReplace`: its identifier is fixed, so a replacement that created first would
      // fail with DBInstanceAlreadyExists and leave the stack half-replaced; deleted first, it
      // leaves its final snapshot to restore from. See docs/stateful-resources.md.
      { parent: this, protect: true, deleteBeforeReplace: true },
    );

    this.databaseUrlSecretArn = storedSecret(
      `${name}-url`,
      {
        secretName: `${args.namePrefix}/openwebui/database-url`,
        description: "DATABASE_URL for Open WebUI",
        value: pulumi
          .all([password.result, this.instance.address, this.instance.port])
          .apply(([pw, host, port]) => databaseUrl({ username, password: pw, host, port, database: dbName })),
        tags,
      },
      this,
    ).valueFrom;

    this.registerOutputs({ address: this.instance.address, databaseUrlSecretArn: this.databaseUrlSecretArn });
  }
}
