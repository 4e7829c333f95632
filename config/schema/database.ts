/** The PostgreSQL database (RDS) Open WebUI keeps its data in: its size, storage, standby and backups. */
import { bool, jsonObject, KeySpec, text, wholeNumber } from "./fields";

export interface DatabaseSizing {
  /** RDS instance class. Defaults to db.t4g.micro. */
  instanceClass: string;
  /** Initial storage (GiB, 20-65536). Defaults to 20. */
  allocatedStorage: number;
  /**
   * Storage autoscaling ceiling (GiB): at least 10 % above `allocatedStorage`, or 0 to turn storage
   * autoscaling off. Defaults to the larger of 100 and twice `allocatedStorage` (at most 65536).
   */
  maxAllocatedStorage: number;
  /** Standby in a second AZ. Defaults to false. */
  multiAz: boolean;
  /** Days of automated backups (1-35). Defaults to 7. */
  backupRetentionDays: number;
  /** Refuse `pulumi destroy` of the database. Defaults to true. */
  deletionProtection: boolean;
}

export const DATABASE_DEFAULTS: DatabaseSizing = {
  instanceClass: "db.t4g.micro",
  allocatedStorage: 20,
  maxAllocatedStorage: 100,
  multiAz: false,
  backupRetentionDays: 7,
  deletionProtection: true,
};

/** RDS for PostgreSQL's largest gp3 volume (64 TiB). */
export const MAX_RDS_STORAGE_GIB = 65536;

/**
 * The storage autoscaling ceiling when none is configured: room to double, at least the 100 GiB
 * Pluto has always used, and never above RDS's maximum.
 */
export function defaultMaxAllocatedStorage(allocatedStorage: number): number {
  return Math.min(MAX_RDS_STORAGE_GIB, Math.max(DATABASE_DEFAULTS.maxAllocatedStorage, 2 * allocatedStorage));
}

/**
 * RDS refuses a storage autoscaling ceiling less than 10 % above the allocated storage
 * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PIOPS.Autoscaling.html); 0 turns
 * autoscaling off. Returns why `maxAllocatedStorage` is refused, or undefined.
 */
export function storageAutoscalingProblem(allocatedStorage: number, maxAllocatedStorage: number): string | undefined {
  if (maxAllocatedStorage === 0) return undefined;
  const least = Math.ceil((allocatedStorage * 11) / 10); // integer arithmetic: 100 * 1.1 is 110.00000000000001
  if (maxAllocatedStorage < allocatedStorage) return `${maxAllocatedStorage} is below allocatedStorage ${allocatedStorage}`;
  if (maxAllocatedStorage < least)
    return `${maxAllocatedStorage} is less than 10 % above allocatedStorage ${allocatedStorage}; RDS needs at least ${least} (or 0 to turn storage autoscaling off)`;
  return undefined;
}

const databaseShape = {
  instanceClass: text((c, given) =>
    /^db\.[a-z0-9]+\.[a-z0-9]+$/.test(c) ? undefined : `expected an RDS instance class like "db.t4g.micro", got ${JSON.stringify(given)}`,
  ),
  allocatedStorage: wholeNumber(20, MAX_RDS_STORAGE_GIB),
  maxAllocatedStorage: wholeNumber(0, MAX_RDS_STORAGE_GIB),
  multiAz: bool(),
  backupRetentionDays: wholeNumber(1, 35),
  deletionProtection: bool(),
};

type Fields<T> = { [K in keyof T]?: T[K] | null };
export type DatabaseFields = Fields<DatabaseSizing>;

/** The sizing with every default applied; a wrong field reads as its default. */
export function resolveDatabase(f: DatabaseFields | null | undefined): DatabaseSizing {
  const d = DATABASE_DEFAULTS;
  const allocatedStorage = f?.allocatedStorage ?? d.allocatedStorage;
  return {
    instanceClass: f?.instanceClass ?? d.instanceClass,
    allocatedStorage,
    maxAllocatedStorage: f?.maxAllocatedStorage ?? defaultMaxAllocatedStorage(allocatedStorage),
    multiAz: f?.multiAz ?? d.multiAz,
    backupRetentionDays: f?.backupRetentionDays ?? d.backupRetentionDays,
    deletionProtection: f?.deletionProtection ?? d.deletionProtection,
  };
}

/** The storage rule, which spans allocatedStorage and maxAllocatedStorage (or its default). */
export function databaseProblems(f: DatabaseFields | null | undefined, database: DatabaseSizing): string[] {
  const problem = storageAutoscalingProblem(database.allocatedStorage, database.maxAllocatedStorage);
  if (!problem) return [];
  if (f?.maxAllocatedStorage === undefined)
    return [
      `pluto:database.allocatedStorage: ${database.allocatedStorage} GiB leaves no room for storage autoscaling below RDS's ${MAX_RDS_STORAGE_GIB} GiB maximum (the ceiling must be 10 % above it); set database.maxAllocatedStorage to 0 to turn autoscaling off`,
    ];
  return [`pluto:database.maxAllocatedStorage: ${problem}`];
}

export const database: KeySpec<DatabaseFields> = {
  description: `Object, fields set with \`pulumi config set --path pluto:database.<field> <value>\`: instanceClass (default ${DATABASE_DEFAULTS.instanceClass}, RDS PostgreSQL 16); allocatedStorage (default ${DATABASE_DEFAULTS.allocatedStorage} GiB, 20-${MAX_RDS_STORAGE_GIB}); maxAllocatedStorage (default ${DATABASE_DEFAULTS.maxAllocatedStorage} or twice allocatedStorage, whichever is larger; the storage autoscaling ceiling, at least 10 % above allocatedStorage, 0 turns it off); multiAz (default ${DATABASE_DEFAULTS.multiAz}); backupRetentionDays (default ${DATABASE_DEFAULTS.backupRetentionDays}, 1-35); deletionProtection (default ${DATABASE_DEFAULTS.deletionProtection}).`,
  default: {},
  structured: true,
  schema: () => jsonObject("database", databaseShape),
};
