import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

/** A numeric POSIX identity; EFS looks only at numbers, never at user names. */
export interface PosixIdentity {
  uid: number;
  gid: number;
}

export interface FileStorageArgs {
  /** Subnets that get a mount target, one per availability zone the tasks run in. */
  subnetIds: pulumi.Input<string[]>;
  /** Number of entries in `subnetIds` (known before deployment, so mount targets can be declared). */
  subnetCount: number;
  /** Security group of the mount targets; it admits NFS from the one service that uses this storage. */
  securityGroupId: pulumi.Input<string>;
  /** Directory on the file system that the access point exposes as its root. Defaults to `/data`. */
  rootDirectory?: string;
  /**
   * The identity EFS applies to every operation through the access point, whatever user the
   * container runs as; it also owns the root directory EFS creates. Never root: uid or gid 0 would
   * need `elasticfilesystem:ClientRootAccess`, which Pluto grants no one, so EFS would squash it
   * and the app could not write (https://docs.aws.amazon.com/efs/latest/ug/enforce-identity-access-points.html).
   */
  posixUser: PosixIdentity;
  tags?: Record<string, string>;
}

/** Names what is wrong with the storage's arguments; empty when they are usable. */
export function fileStorageProblems(args: Pick<FileStorageArgs, "posixUser" | "rootDirectory">): string[] {
  const problems: string[] = [];
  const { uid, gid } = args.posixUser;
  if (uid === 0 || gid === 0)
    problems.push(
      `posixUser ${uid}:${gid} is root: EFS squashes root unless the client has elasticfilesystem:ClientRootAccess, which Pluto does not grant; use a non-root uid and gid`,
    );
  if (![uid, gid].every((n) => Number.isInteger(n) && n >= 0 && n <= 4294967295))
    problems.push(`posixUser ${uid}:${gid} must be whole numbers from 1 to 4294967295`);
  const root = args.rootDirectory ?? "/data";
  if (!/^\/[A-Za-z0-9._/-]{1,99}$/.test(root) || root === "/") problems.push(`rootDirectory ${JSON.stringify(root)} must be an absolute path below /`);
  return problems;
}

/**
 * The file system policy for storage that one IAM role may use: that role may mount and write, only
 * through the access point, only from a mount target; nothing may use it without TLS. Naming the
 * role (not `"AWS": "*"`) keeps the policy from counting as public
 * (https://docs.aws.amazon.com/efs/latest/ug/access-control-block-public-access.html) and keeps
 * every other task in the account out, whatever its own IAM policy says.
 */
export function fileSystemPolicyDocument(fileSystemArn: string, accessPointArn: string, clientRoleArn: string): object {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyUnencryptedTransport",
        Effect: "Deny",
        Principal: { AWS: "*" },
        Action: "*",
        Resource: fileSystemArn,
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
      {
        Sid: "MountOnlyThroughAccessPoint",
        Effect: "Allow",
        Principal: { AWS: clientRoleArn },
        Action: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
        Resource: fileSystemArn,
        Condition: {
          StringEquals: { "elasticfilesystem:AccessPointArn": accessPointArn },
          Bool: { "elasticfilesystem:AccessedViaMountTarget": "true" },
        },
      },
    ],
  };
}

/**
 * Persistent, encrypted EFS storage for one service's data directory, reached only through an
 * access point with IAM authorisation and TLS. The service grants its task role access with
 * `allowMount` once that role exists.
 */
export class FileStorage extends pulumi.ComponentResource {
  readonly fileSystem: aws.efs.FileSystem;
  readonly accessPoint: aws.efs.AccessPoint;
  /** Tasks must not start before these exist, or the mount fails. */
  readonly mountTargets: aws.efs.MountTarget[];
  private readonly name: string;
  private policy?: aws.efs.FileSystemPolicy;

  constructor(name: string, args: FileStorageArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("pluto:storage:FileStorage", name, {}, opts);
    const problems = fileStorageProblems(args);
    if (problems.length > 0) throw new Error(`FileStorage ${name}: ${problems.join("; ")}`);
    this.name = name;
    const tags = { Name: name, ...args.tags };
    const owner = args.posixUser;

    this.fileSystem = new aws.efs.FileSystem(
      `${name}-fs`,
      {
        encrypted: true,
        performanceMode: "generalPurpose",
        throughputMode: "elastic",
        lifecyclePolicies: [{ transitionToIa: "AFTER_30_DAYS" }, { transitionToPrimaryStorageClass: "AFTER_1_ACCESS" }],
        tags,
      },
      // An app's data directory. `protect`: Pulumi refuses a plan that would replace or delete it (a
      // new file system starts empty; only the AWS Backup recovery points would remain). It has no
      // fixed name (EFS generates its creation token), so a deliberate replacement does not collide.
      { parent: this, protect: true },
    );

    this.mountTargets = Array.from(
      { length: args.subnetCount },
      (_, i) =>
        new aws.efs.MountTarget(
          `${name}-mount-${i}`,
          {
            fileSystemId: this.fileSystem.id,
            subnetId: pulumi.output(args.subnetIds).apply((ids) => ids[i]),
            securityGroups: [args.securityGroupId],
          },
          { parent: this },
        ),
    );

    this.accessPoint = new aws.efs.AccessPoint(
      `${name}-ap`,
      {
        fileSystemId: this.fileSystem.id,
        posixUser: owner,
        rootDirectory: {
          path: args.rootDirectory ?? "/data",
          // Applied only when the directory does not exist yet; then it belongs to the access point's user.
          creationInfo: { ownerUid: owner.uid, ownerGid: owner.gid, permissions: "0750" },
        },
        tags,
      },
      { parent: this },
    );

    this.registerOutputs({ fileSystemId: this.fileSystem.id, accessPointId: this.accessPoint.id });
  }

  /**
   * Lets `clientRoleArn` (the service's task role) mount and write through the access point, and
   * nothing else. A file system has one policy, so one role: a second call is a programming error.
   */
  allowMount(clientRoleArn: pulumi.Input<string>): aws.efs.FileSystemPolicy {
    if (this.policy) throw new Error(`FileStorage ${this.name}: allowMount was already called; a file system has one policy and serves one service`);
    this.policy = new aws.efs.FileSystemPolicy(
      `${this.name}-policy`,
      {
        fileSystemId: this.fileSystem.id,
        policy: pulumi
          .all([this.fileSystem.arn, this.accessPoint.arn, clientRoleArn])
          .apply(([fs, ap, role]) => JSON.stringify(fileSystemPolicyDocument(fs, ap, role))),
      },
      { parent: this },
    );
    return this.policy;
  }
}
