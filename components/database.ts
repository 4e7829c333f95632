import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as random from "@pulumi/random";
import { DatabaseSizing, DEFAULTS } from "./config";
import { storedSecret } from "./storedSecret";

export interface DatabaseArgs {
  namePrefix: string;
  subnetIds: pulumi.Input<string[]>;
  securityGroupId: pulumi.Input<string>;
  /** Instance size and protection. Defaults to `DEFAULTS.database` in config.ts. */
  sizing?: DatabaseSizing;
  /** PostgreSQL major version. Defaults to "16". */
  engineVersion?: string;
  tags?: Record<string, string>;
}

/** Characters RDS forbids in a master password, besides anything non-printable. */
export const RDS_FORBIDDEN_PASSWORD_CHARS = ["/", "@", "\"", " "];
/** Specials the generated password may use: none of the forbidden ones, and none needing URL escapes beyond encodeURIComponent. */
export const PASSWORD_SPECIALS = "!#$%^&*()-_=+[]{}<>:?";

/** True when RDS accepts `password` as a master password (8–128 printable ASCII, none of / @ " or space). */
export function isValidRdsPassword(password: string): boolean {
  return password.length >= 8 && password.length <= 128 && /^[\x21-\x7e]+$/.test(password)
    && !RDS_FORBIDDEN_PASSWORD_CHARS.some((c) => password.includes(c));
}

/** The connection string Open WebUI reads; the password is URL-encoded so specials cannot break parsing. */
export function databaseUrl(args: { username: string; password: string; host: string; port: number; database: string }): string {
  return `postgresql://${encodeURIComponent(args.username)}:${encodeURIComponent(args.password)}@${args.host}:${args.port}/${args.database}`;
}

/** PostgreSQL for Open WebUI: private, encrypted, reachable from the task security group only. */
export class Database extends pulumi.ComponentResource {
  readonly instance: aws.rds.Instance;
  /** Secrets Manager ARN of DATABASE_URL (contains the password). */
  readonly databaseUrlSecretArn: pulumi.Output<string>;

  constructor(name: string, args: DatabaseArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("pluto:database:Database", name, {}, opts);
    const sizing = args.sizing ?? DEFAULTS.database;
    const tags = { Name: name, ...args.tags };
    const dbName = "openwebui";
    const username = "openwebui";

    const password = new random.RandomPassword(`${name}-password`, {
      length: 32,
      special: true,
      overrideSpecial: PASSWORD_SPECIALS,
      minSpecial: 2,
    }, { parent: this });

    const subnets = new aws.rds.SubnetGroup(`${name}-subnets`, {
      subnetIds: args.subnetIds,
      tags,
    }, { parent: this });

    const identifier = `${args.namePrefix}-openwebui`;
    this.instance = new aws.rds.Instance(`${name}-postgres`, {
      identifier,
      engine: "postgres",
      engineVersion: args.engineVersion ?? "16",
      instanceClass: sizing.instanceClass,
      allocatedStorage: sizing.allocatedStorage,
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
      finalSnapshotIdentifier: `${identifier}-final`,
      copyTagsToSnapshot: true,
      autoMinorVersionUpgrade: true,
      tags,
    }, { parent: this });

    this.databaseUrlSecretArn = storedSecret(`${name}-url`, {
      secretName: `${args.namePrefix}/openwebui/database-url`,
      description: "DATABASE_URL for Open WebUI",
      value: pulumi.all([password.result, this.instance.address, this.instance.port]).apply(([pw, host, port]) =>
        databaseUrl({ username, password: pw, host, port, database: dbName })),
      tags,
    }, this).arn;

    this.registerOutputs({ address: this.instance.address, databaseUrlSecretArn: this.databaseUrlSecretArn });
  }
}
