/**
 * The AWS baseline, mirrored from AWS Config managed rules (which AWSGuard's policies are named
 * after) for this stack's @pulumi/aws 7 type tokens: AWSGuard 0.3.1 tests the old
 * aws:elasticloadbalancingv2/* tokens and never sees an aws:lb/* resource.
 */
import { GraphResource, Plain, RawStackFinding, StackGraph, UNKNOWN, at, isTrue, label, list, num } from "./graph";
import { LISTENER, LOAD_BALANCER } from "./ingress";

const RDS_INSTANCE = "aws:rds/instance:Instance";
const RDS_CLUSTER = "aws:rds/cluster:Cluster";
const RDS_CLUSTER_INSTANCE = "aws:rds/clusterInstance:ClusterInstance";

type Rule = (graph: StackGraph) => RawStackFinding[];

const unknownFinding = (r: GraphResource, what: string): RawStackFinding => ({
  resource: r.urn,
  advisory: true,
  message: `${what} of ${label(r)} is not known until deploy, so it could not be checked`,
});

/** One property whose value `ok` accepts; an unknown value is reported, never passed. */
function flag(types: string[], prop: string, ok: (v: Plain) => boolean, message: (r: GraphResource) => string): Rule {
  return (graph) =>
    graph.ofType(...types).flatMap((r) => {
      const v = r.props[prop];
      if (v === UNKNOWN) return [unknownFinding(r, prop)];
      return ok(v) ? [] : [{ resource: r.urn, message: message(r) }];
    });
}

/** rds-instance-public-access-check (AWS Config; AWSGuard). */
export const rdsNotPublic = flag(
  [RDS_INSTANCE, RDS_CLUSTER_INSTANCE],
  "publiclyAccessible",
  (v) => !isTrue(v),
  (r) =>
    `${label(r)} is publicly accessible: the database gets a public address, and only its security group and password stand between the internet and every user's conversations. Fix: publiclyAccessible false, in private subnets.`,
);

/** rds-storage-encrypted (AWS Config; AWSGuard). Aurora clusters are encrypted per cluster. */
export const rdsStorageEncrypted = flag(
  [RDS_INSTANCE, RDS_CLUSTER],
  "storageEncrypted",
  isTrue,
  (r) =>
    `${label(r)} does not encrypt its storage: its snapshots and disks can be read by whoever gets hold of a copy (a shared snapshot, a misdirected restore). Fix: storageEncrypted true.`,
);

/** db-instance-backup-enabled (AWS Config): CreateDBInstance keeps 1 day of backups when the period is not given. */
export const dbBackupEnabled = flag(
  [RDS_INSTANCE, RDS_CLUSTER],
  "backupRetentionPeriod",
  (v) => v === undefined || v === null || (num(v) ?? 1) > 0,
  (r) =>
    `${label(r)} keeps no automated backups (backupRetentionPeriod 0): a mistaken delete or a corrupting upgrade cannot be undone by a point-in-time restore. Fix: backupRetentionPeriod 7 or more.`,
);

/** efs-encrypted-check (AWS Config; AWSGuard). */
export const efsEncrypted = flag(
  ["aws:efs/fileSystem:FileSystem"],
  "encrypted",
  isTrue,
  (r) =>
    `${label(r)} is not encrypted at rest: uploads and application data are readable from any copy of it (backups restored elsewhere). Fix: encrypted true.`,
);

/** encrypted-volumes (AWS Config; AWSGuard): EBS volumes and instances' block devices. */
export const encryptedVolumes: Rule = (graph) => {
  const out = flag(["aws:ebs/volume:Volume"], "encrypted", isTrue, (r) => `${label(r)} is not encrypted. Fix: encrypted true.`)(graph);
  for (const i of graph.ofType("aws:ec2/instance:Instance", "aws:ec2/launchTemplate:LaunchTemplate")) {
    const devices: Plain[] = [];
    const root = i.props.rootBlockDevice;
    if (root !== undefined && root !== null) devices.push(root);
    for (const key of ["ebsBlockDevices", "blockDeviceMappings"]) {
      const l = list(i.props[key]);
      if (l === UNKNOWN) devices.push(UNKNOWN);
      else devices.push(...l.map((d) => (key === "blockDeviceMappings" ? at(d, "ebs") : d)).filter((d) => d !== undefined && d !== null));
    }
    for (const d of devices) {
      const enc = at(d, "encrypted");
      if (enc === UNKNOWN) out.push(unknownFinding(i, "a block device's encryption"));
      else if (!isTrue(enc))
        out.push({
          resource: i.urn,
          message: `${label(i)} has an unencrypted block device: its data is readable from any snapshot of it. Fix: encrypted true.`,
        });
    }
  }
  return out;
};

/** cmk-backing-key-rotation-enabled (AWS Config): symmetric keys only; AWS cannot rotate the others. */
export const kmsRotation: Rule = (graph) =>
  graph.ofType("aws:kms/key:Key").flatMap((k) => {
    const spec = k.props.customerMasterKeySpec ?? k.props.keySpec;
    if (spec !== undefined && spec !== "SYMMETRIC_DEFAULT") return [];
    const v = k.props.enableKeyRotation;
    if (v === UNKNOWN) return [unknownFinding(k, "enableKeyRotation")];
    return isTrue(v)
      ? []
      : [
          {
            resource: k.urn,
            message: `${label(k)} does not rotate its key material: one leaked or misused key version protects the data for ever. Fix: enableKeyRotation true.`,
          },
        ];
  });

const isApplication = (lb: GraphResource) => lb.props.loadBalancerType === undefined || lb.props.loadBalancerType === "application";

/** alb-http-to-https-redirection-check (AWS Config): an HTTP listener does nothing but redirect to HTTPS. */
export const httpRedirectsToHttps: Rule = (graph) => {
  const out: RawStackFinding[] = [];
  for (const l of graph.ofType(...LISTENER)) {
    const protocol = l.props.protocol;
    if (protocol === UNKNOWN) {
      out.push(unknownFinding(l, "protocol"));
      continue;
    }
    if (protocol !== "HTTP") continue;
    const actions = list(l.props.defaultActions);
    if (actions === UNKNOWN) {
      out.push(unknownFinding(l, "defaultActions"));
      continue;
    }
    const redirects = actions.length > 0 && actions.every((a) => at(a, "type") === "redirect" && at(at(a, "redirect"), "protocol") === "HTTPS");
    const rules = graph.ofType("aws:lb/listenerRule:ListenerRule", "aws:alb/listenerRule:ListenerRule").filter((r) => {
      const ref = graph.ref(r, "listenerArn", r.props.listenerArn, LISTENER);
      return ref.kind === "resource" && ref.target === l;
    });
    const forwarding = rules.filter((r) => {
      const a = list(r.props.actions);
      return a === UNKNOWN || a.some((x) => at(x, "type") !== "redirect" && at(x, "type") !== "fixed-response");
    });
    if (!redirects || forwarding.length) {
      out.push({
        resource: l.urn,
        message: `HTTP listener ${l.name} ${redirects ? `has rules that answer over plain HTTP (${forwarding.map((r) => r.name).join(", ")})` : "does not redirect to HTTPS"}: session cookies, tokens and conversations cross the network in clear for anyone on the path to read or change. Fix: a default action redirect to HTTPS (HTTP_301) and no other rules.`,
      });
    }
  }
  return out;
};

/** alb-http-drop-invalid-header-enabled (AWS Config): malformed header names never reach oauth2-proxy or the app. */
export const dropInvalidHeaders: Rule = (graph) =>
  graph
    .ofType(...LOAD_BALANCER)
    .filter(isApplication)
    .flatMap((lb) => {
      const v = lb.props.dropInvalidHeaderFields;
      if (v === UNKNOWN) return [unknownFinding(lb, "dropInvalidHeaderFields")];
      return isTrue(v)
        ? []
        : [
            {
              resource: lb.urn,
              message: `${label(lb)} passes header fields with invalid names (such as X_Forwarded_Email) to its targets, where servers that fold "_" into "-" can take them for the identity headers oauth2-proxy sets. Fix: dropInvalidHeaderFields true.`,
            },
          ];
    });

/** elb-logging-enabled (AWS Config; AWSGuard). */
export const lbAccessLogs: Rule = (graph) =>
  graph.ofType(...LOAD_BALANCER).flatMap((lb) => {
    const v = at(lb.props.accessLogs, "enabled");
    if (v === UNKNOWN) return [unknownFinding(lb, "accessLogs.enabled")];
    return isTrue(v)
      ? []
      : [
          {
            resource: lb.urn,
            message: `${label(lb)} writes no access logs: after an incident nobody can tell who called what. Fix: accessLogs { enabled: true, bucket }.`,
          },
        ];
  });

/** elb-deletion-protection-enabled (AWS Config; AWSGuard), except where `pulumi up` restores the name a Route 53 alias of the stack gives it. */
export const lbDeletionProtection: Rule = (graph) => {
  const aliased = new Set<string>();
  for (const rec of graph.ofType("aws:route53/record:Record")) {
    const aliases = list(rec.props.aliases);
    if (aliases === UNKNOWN) continue;
    for (const a of aliases) {
      const ref = graph.ref(rec, "aliases", at(a, "name"), LOAD_BALANCER);
      if (ref.kind === "resource") aliased.add(ref.target.urn);
    }
  }
  return graph.ofType(...LOAD_BALANCER).flatMap((lb) => {
    const v = lb.props.enableDeletionProtection;
    if (v === UNKNOWN) return [unknownFinding(lb, "enableDeletionProtection")];
    if (isTrue(v) || aliased.has(lb.urn)) return [];
    return [
      {
        resource: lb.urn,
        message: `${label(lb)} has no deletion protection and no Route 53 alias in this stack: deleting it by mistake loses the DNS name clients use, which nothing recreates. Fix: enableDeletionProtection true, or an alias record in the stack.`,
      },
    ];
  });
};
