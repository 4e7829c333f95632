import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { ValidatedCertificate } from "./validatedCertificate";
import { AccessLogBucket } from "./accessLogBucket";
import { cappedName } from "./names";

/** AWS's limit on load balancer names (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html). */
export const LOAD_BALANCER_NAME_MAX = 32;

export interface IngressArgs {
  /** The app's host name; its certificate, alias record and HTTPS listener. */
  domain: string;
  /** Further host names served by this load balancer (e.g. n8n.<domain>). Defaults to none. */
  extraHostNames?: string[];
  /** Route 53 public zone holding `domain`. */
  hostedZoneName: string;
  vpcId: pulumi.Input<string>;
  publicSubnetIds: pulumi.Input<string[]>;
  securityGroupId: pulumi.Input<string>;
  /** Seconds an idle connection stays open; Open WebUI streams long answers. Defaults to 300. */
  idleTimeoutSeconds?: number;
  /** Region of the stack (the access-log bucket's policy depends on it). */
  region: string;
  /** Days the access logs are kept. Defaults to 90. */
  accessLogRetentionDays?: number;
  tags?: Record<string, string>;
}

/**
 * The public edge: an ALB with an HTTPS listener on a DNS-validated certificate, HTTP redirected
 * to HTTPS, and alias records. Services attach host rules to `httpsListener`.
 */
export class Ingress extends pulumi.ComponentResource {
  readonly zoneId: pulumi.Output<string>;
  readonly loadBalancer: aws.lb.LoadBalancer;
  readonly httpsListener: aws.lb.Listener;
  readonly httpListener: aws.lb.Listener;
  /** The alias record for `domain`; it must exist before Cognito accepts `auth.<domain>` as a custom domain. */
  readonly appRecord: aws.route53.Record;
  readonly certificate: ValidatedCertificate;
  /** Where the load balancer writes its access logs. */
  readonly accessLogs: AccessLogBucket;

  constructor(name: string, args: IngressArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("pluto:ingress:Ingress", name, {}, opts);
    const tags = { Name: name, ...args.tags };
    this.zoneId = aws.route53.getZoneOutput({ name: args.hostedZoneName, privateZone: false }, { parent: this }).zoneId;

    this.certificate = new ValidatedCertificate(`${name}-tls`, {
      domainName: args.domain,
      subjectAlternativeNames: args.extraHostNames,
      zoneId: this.zoneId,
      tags,
    }, { parent: this });

    // Every request is logged, so that an incident can be reconstructed.
    this.accessLogs = new AccessLogBucket(`${name}-access-logs`, {
      region: args.region,
      retentionDays: args.accessLogRetentionDays ?? 90,
      tags: args.tags,
    }, { parent: this });

    this.loadBalancer = new aws.lb.LoadBalancer(`${name}-alb`, {
      name: cappedName(`${name}-alb`, LOAD_BALANCER_NAME_MAX, { internal: "false", loadBalancerType: "application" }, this),
      loadBalancerType: "application",
      internal: false,
      subnets: args.publicSubnetIds,
      securityGroups: [args.securityGroupId],
      idleTimeout: args.idleTimeoutSeconds ?? 300,
      dropInvalidHeaderFields: true,
      accessLogs: { bucket: this.accessLogs.bucket.bucket, prefix: this.accessLogs.prefix, enabled: true },
      tags,
    }, { parent: this, dependsOn: [this.accessLogs.policy] });

    this.httpsListener = new aws.lb.Listener(`${name}-https`, {
      loadBalancerArn: this.loadBalancer.arn,
      port: 443,
      protocol: "HTTPS",
      sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
      // From the validation, so the listener waits until ACM has issued the certificate.
      certificateArn: this.certificate.certificateArn,
      // Unknown hosts get a plain 404; each service adds its own host rule.
      defaultActions: [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "404", messageBody: "Not found" } }],
      tags,
    }, { parent: this });

    this.httpListener = new aws.lb.Listener(`${name}-http`, {
      loadBalancerArn: this.loadBalancer.arn,
      port: 80,
      protocol: "HTTP",
      defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
      tags,
    }, { parent: this });

    const alias = (role: string, host: string) =>
      new aws.route53.Record(`${name}-${role}`, {
        zoneId: this.zoneId,
        name: host,
        type: "A",
        aliases: [{ name: this.loadBalancer.dnsName, zoneId: this.loadBalancer.zoneId, evaluateTargetHealth: true }],
      }, { parent: this });
    this.appRecord = alias("app-alias", args.domain);
    (args.extraHostNames ?? []).forEach((host, i) => alias(`host-alias-${i}`, host));

    this.registerOutputs({ loadBalancerDnsName: this.loadBalancer.dnsName, zoneId: this.zoneId });
  }
}
