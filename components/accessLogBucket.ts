import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

/**
 * The Elastic Load Balancing account of each Region that opened before August 2022; load balancers
 * there deliver access logs as that account. Regions opened since deliver as the service principal
 * `logdelivery.elasticloadbalancing.amazonaws.com`.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html (step 2)
 */
export const ELB_LOG_DELIVERY_ACCOUNTS: Readonly<Record<string, string>> = {
  "us-east-1": "127311923021",
  "us-east-2": "033677994240",
  "us-west-1": "027434742980",
  "us-west-2": "797873946194",
  "af-south-1": "098369216593",
  "ap-east-1": "754344448648",
  "ap-southeast-3": "589379963580",
  "ap-south-1": "718504428378",
  "ap-northeast-3": "383597477331",
  "ap-northeast-2": "600734575887",
  "ap-southeast-1": "114774131450",
  "ap-southeast-2": "783225319266",
  "ap-northeast-1": "582318560864",
  "ca-central-1": "985666609251",
  "eu-central-1": "054676820928",
  "eu-west-1": "156460612806",
  "eu-west-2": "652711504416",
  "eu-south-1": "635631232127",
  "eu-west-3": "009996457667",
  "eu-north-1": "897822967062",
  "me-south-1": "076674570225",
  "sa-east-1": "507241528517",
  "us-gov-west-1": "048591011584",
  "us-gov-east-1": "190560391635",
};
export const ELB_LOG_DELIVERY_SERVICE = "logdelivery.elasticloadbalancing.amazonaws.com";

/**
 * The bucket policy that lets the load balancer write its logs, and only under
 * `<prefix>/AWSLogs/<account>/`. Both principals in the older Regions (the documented one there is
 * the Region's ELB account; the service principal is harmless beside it), the service principal
 * alone elsewhere. Plain HTTP to the bucket is refused.
 */
export function accessLogBucketPolicy(args: { bucketArn: string; prefix: string; accountId: string; region: string; partition?: string }): object {
  const logs = `${args.bucketArn}/${args.prefix}/AWSLogs/${args.accountId}/*`;
  const account = ELB_LOG_DELIVERY_ACCOUNTS[args.region];
  const writers: object[] = [{ Service: ELB_LOG_DELIVERY_SERVICE }];
  if (account) writers.unshift({ AWS: `arn:${args.partition ?? "aws"}:iam::${account}:root` });
  return {
    Version: "2012-10-17",
    Statement: [
      ...writers.map((principal, i) => ({
        Sid: `LoadBalancerLogDelivery${i}`,
        Effect: "Allow",
        Principal: principal,
        Action: "s3:PutObject",
        Resource: logs,
      })),
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [args.bucketArn, `${args.bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  };
}

export interface AccessLogBucketArgs {
  /** Region of the load balancer (the bucket must be in the same one). */
  region: string;
  /** Days a log file is kept before S3 deletes it. */
  retentionDays: number;
  /** Key prefix the load balancer writes under (it may not contain "AWSLogs"). Defaults to `alb`. */
  prefix?: string;
  tags?: Record<string, string>;
}

/**
 * A private S3 bucket for the load balancer's access logs: SSE-S3 (the only encryption ALB log
 * delivery supports), public access blocked, ACLs disabled, objects expired after `retentionDays`.
 *
 * `pulumi destroy` leaves the bucket and its settings in the account (`retainOnDelete`): the logs
 * are evidence, and they keep expiring under the lifecycle rule. A new stack gets a new bucket (the
 * name is auto-generated), so destroy-then-up works; delete an old bucket by hand once it is empty.
 */
export class AccessLogBucket extends pulumi.ComponentResource {
  readonly bucket: aws.s3.Bucket;
  /** The load balancer may enable logging only once this allows it to write (ELB checks when it is enabled). */
  readonly policy: aws.s3.BucketPolicy;
  readonly prefix: string;

  constructor(name: string, args: AccessLogBucketArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("pluto:ingress:AccessLogBucket", name, {}, opts);
    if (!Number.isInteger(args.retentionDays) || args.retentionDays < 1)
      throw new Error(`AccessLogBucket ${name}: retentionDays must be a whole number of days, at least 1`);
    this.prefix = args.prefix ?? "alb";
    if (/AWSLogs/i.test(this.prefix)) throw new Error(`AccessLogBucket ${name}: the prefix may not contain "AWSLogs"`);
    const tags = { Name: name, ...args.tags };
    const keep = { parent: this, retainOnDelete: true };

    this.bucket = new aws.s3.Bucket(`${name}-bucket`, { tags }, keep);
    const bucket = this.bucket.id;

    new aws.s3.BucketOwnershipControls(`${name}-ownership`, { bucket, rule: { objectOwnership: "BucketOwnerEnforced" } }, keep);
    const publicAccess = new aws.s3.BucketPublicAccessBlock(
      `${name}-public-access`,
      {
        bucket,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      keep,
    );
    const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-encryption`,
      {
        bucket,
        // SSE-KMS is refused by ALB log delivery (enable-access-logging.html, "Requirements").
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
      },
      keep,
    );
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-expiry`,
      {
        bucket,
        rules: [
          {
            id: "expire-access-logs",
            status: "Enabled",
            filter: { prefix: `${this.prefix}/` },
            expiration: { days: args.retentionDays },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
          },
        ],
      },
      keep,
    );

    const identity = aws.getCallerIdentityOutput({}, { parent: this });
    const partition = aws.getPartitionOutput({}, { parent: this });
    this.policy = new aws.s3.BucketPolicy(
      `${name}-policy`,
      {
        bucket,
        policy: pulumi
          .all([this.bucket.arn, identity.accountId, partition.partition])
          .apply(([bucketArn, accountId, p]) =>
            JSON.stringify(accessLogBucketPolicy({ bucketArn, prefix: this.prefix, accountId, region: args.region, partition: p })),
          ),
      },
      { ...keep, dependsOn: [publicAccess, encryption] },
    );

    this.registerOutputs({ bucketName: this.bucket.bucket });
  }
}
