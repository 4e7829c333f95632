import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

export interface FileStorageArgs {
  /** Subnets that get a mount target, one per availability zone the tasks run in. */
  subnetIds: pulumi.Input<string[]>;
  /** Number of entries in `subnetIds` (known before deployment, so mount targets can be declared). */
  subnetCount: number;
  securityGroupId: pulumi.Input<string>;
  /** Directory on the file system that the access point exposes as its root. Defaults to `/data`. */
  rootDirectory?: string;
  /** POSIX owner of files written through the access point. Defaults to 0:0 (Open WebUI runs as root). */
  posixUser?: { uid: number; gid: number };
  tags?: Record<string, string>;
}

/**
 * Persistent, encrypted EFS storage for a container's data directory, reached only through an
 * access point with IAM authorisation and TLS (the file system policy refuses anything else).
 */
export class FileStorage extends pulumi.ComponentResource {
  readonly fileSystem: aws.efs.FileSystem;
  readonly accessPoint: aws.efs.AccessPoint;
  /** Tasks must not start before these exist, or the mount fails. */
  readonly mountTargets: aws.efs.MountTarget[];

  constructor(name: string, args: FileStorageArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("pluto:storage:FileStorage", name, {}, opts);
    const tags = { Name: name, ...args.tags };
    const owner = args.posixUser ?? { uid: 0, gid: 0 };

    this.fileSystem = new aws.efs.FileSystem(`${name}-fs`, {
      encrypted: true,
      performanceMode: "generalPurpose",
      throughputMode: "elastic",
      lifecyclePolicies: [{ transitionToIa: "AFTER_30_DAYS" }, { transitionToPrimaryStorageClass: "AFTER_1_ACCESS" }],
      tags,
    }, { parent: this });

    this.mountTargets = Array.from({ length: args.subnetCount }, (_, i) =>
      new aws.efs.MountTarget(`${name}-mount-${i}`, {
        fileSystemId: this.fileSystem.id,
        subnetId: pulumi.output(args.subnetIds).apply((ids) => ids[i]),
        securityGroups: [args.securityGroupId],
      }, { parent: this }));

    this.accessPoint = new aws.efs.AccessPoint(`${name}-ap`, {
      fileSystemId: this.fileSystem.id,
      posixUser: owner,
      rootDirectory: {
        path: args.rootDirectory ?? "/data",
        creationInfo: { ownerUid: owner.uid, ownerGid: owner.gid, permissions: "0750" },
      },
      tags,
    }, { parent: this });

    new aws.efs.FileSystemPolicy(`${name}-policy`, {
      fileSystemId: this.fileSystem.id,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "DenyUnencryptedTransport",
            Effect: "Deny",
            Principal: { AWS: "*" },
            Action: "*",
            Resource: this.fileSystem.arn,
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
          {
            Sid: "MountOnlyThroughAccessPoint",
            Effect: "Allow",
            Principal: { AWS: "*" },
            Action: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
            Resource: this.fileSystem.arn,
            Condition: { StringEquals: { "elasticfilesystem:AccessPointArn": this.accessPoint.arn } },
          },
        ],
      }),
    }, { parent: this });

    this.registerOutputs({ fileSystemId: this.fileSystem.id, accessPointId: this.accessPoint.id });
  }
}
