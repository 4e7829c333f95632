import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { ValidatedCertificate } from "./validatedCertificate";
import { AccessLogBucket } from "./accessLogBucket";
import { cappedName } from "../naming/names";
import { SIGNED_OUT_PATH } from "../settings/golden";
import { IDLE_TIMEOUT_SECONDS } from "../config/timeouts";

/** AWS's limit on load balancer names (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html). */
export const LOAD_BALANCER_NAME_MAX = 32;

/** Services' host rules start here; lower priorities belong to the ingress's own rules, evaluated first. */
export const SERVICE_RULE_PRIORITY_MIN = 100;

/**
 * Request headers the load balancer refuses (400). An ALB manages only X-Forwarded-For/Proto/Port
 * and passes any other header from the client unchanged; oauth2-proxy with --reverse-proxy would
 * take skip-auth decisions from X-Forwarded-Uri (pkg/requests/util/util.go GetRequestPath), and
 * it forwards a client's X-Forwarded-Host to the app (pkg/upstream/http.go
 * setProxyForwardingHeaders). No legitimate browser sends either.
 */
export const REFUSED_FORWARDED_HEADERS = ["X-Forwarded-Uri", "X-Forwarded-Host"] as const;

/**
 * Rules are evaluated from the lowest priority value to the highest, the default action last
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-listeners.html#listener-rules).
 */
export const EDGE_RULE_PRIORITIES = { forwardedUri: 1, forwardedHost: 2, refusedSignUp: 10, signedOut: 20 } as const;

/**
 * What a person whose sign-up the Cognito PreSignUp trigger refused sees. Cognito redirects to
 * the callback with `error=invalid_request&error_description=PreSignUp+failed+with+error+...`
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/authorization-endpoint.html, IdP
 * errors), and oauth2-proxy's OAuthCallback shows a bare 403 without the description; so the load
 * balancer answers that callback itself. A fixed response body holds at most 1,024 characters
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-action-types.html#fixed-response-actions).
 */
export const REFUSED_SIGN_UP_PAGE =
  '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
  '<meta name="viewport" content="width=device-width,initial-scale=1"><title>Not on the list</title></head>' +
  '<body style="font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;line-height:1.5">' +
  "<h1>This account cannot join</h1>" +
  "<p>The Google account you chose is not on this workspace's list of people who may join, so no account was created.</p>" +
  '<p>If you have another Google account, for example your work account, <a href="https://accounts.google.com/Logout">sign out of Google</a> ' +
  'and <a href="/">try again</a> with that one. If you should have access with this one, ask your administrator to add it.</p>' +
  "</body></html>";

/**
 * What a person sees after signing out (`SIGNED_OUT_PATH`, Cognito's logout_uri): the load balancer
 * answers it, so it needs no session. The link starts a new sign-in; the note is for shared
 * computers, where the Google session outlives ours. At most 1,024 characters, as above.
 */
export const SIGNED_OUT_PAGE =
  '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
  '<meta name="viewport" content="width=device-width,initial-scale=1"><title>Signed out</title></head>' +
  '<body style="font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;line-height:1.5">' +
  "<h1>You are signed out</h1>" +
  '<p><a href="/">Sign in again</a></p>' +
  "<p>On a shared computer, also " +
  '<a href="https://accounts.google.com/Logout">sign out of Google</a>: otherwise the next person to sign in here is let in as you without a password.</p>' +
  "</body></html>";

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
  /** Seconds an idle connection stays open; Open WebUI streams long answers. Defaults to `IDLE_TIMEOUT_SECONDS` (300). */
  idleTimeoutSeconds?: number;
  /** Region of the stack (the access-log bucket's policy depends on it). */
  region: string;
  /** Days the access logs are kept. Defaults to 90. */
  accessLogRetentionDays?: number;
  tags?: Record<string, string>;
}

/**
 * The public edge: an ALB with an HTTPS listener on a DNS-validated certificate, HTTP redirected
 * to HTTPS, and alias records. Services attach host rules to `httpsListener` (priority
 * `SERVICE_RULE_PRIORITY_MIN` and up); before them the listener refuses forwarded-header spoofing
 * and answers a refused sign-up with a page that says why.
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

    this.certificate = new ValidatedCertificate(
      `${name}-tls`,
      {
        domainName: args.domain,
        subjectAlternativeNames: args.extraHostNames,
        zoneId: this.zoneId,
        tags,
      },
      { parent: this },
    );

    // Every request is logged, so that an incident can be reconstructed.
    this.accessLogs = new AccessLogBucket(
      `${name}-access-logs`,
      {
        region: args.region,
        retentionDays: args.accessLogRetentionDays ?? 90,
        tags: args.tags,
      },
      { parent: this },
    );

    this.loadBalancer = new aws.lb.LoadBalancer(
      `${name}-alb`,
      {
        name: cappedName(`${name}-alb`, LOAD_BALANCER_NAME_MAX, { internal: "false", loadBalancerType: "application" }, this),
        loadBalancerType: "application",
        internal: false,
        subnets: args.publicSubnetIds,
        securityGroups: [args.securityGroupId],
        idleTimeout: args.idleTimeoutSeconds ?? IDLE_TIMEOUT_SECONDS,
        dropInvalidHeaderFields: true,
        accessLogs: { bucket: this.accessLogs.bucket.bucket, prefix: this.accessLogs.prefix, enabled: true },
        tags,
      },
      { parent: this, dependsOn: [this.accessLogs.policy] },
    );

    this.httpsListener = new aws.lb.Listener(
      `${name}-https`,
      {
        loadBalancerArn: this.loadBalancer.arn,
        port: 443,
        protocol: "HTTPS",
        sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
        // From the validation, so the listener waits until ACM has issued the certificate.
        certificateArn: this.certificate.certificateArn,
        // Unknown hosts get a plain 404; each service adds its own host rule.
        defaultActions: [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "404", messageBody: "Not found" } }],
        tags,
      },
      { parent: this },
    );

    this.edgeRules(name, args.domain, tags);

    this.httpListener = new aws.lb.Listener(
      `${name}-http`,
      {
        loadBalancerArn: this.loadBalancer.arn,
        port: 80,
        protocol: "HTTP",
        defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
        tags,
      },
      { parent: this },
    );

    const alias = (role: string, host: string) =>
      new aws.route53.Record(
        `${name}-${role}`,
        {
          zoneId: this.zoneId,
          name: host,
          type: "A",
          aliases: [{ name: this.loadBalancer.dnsName, zoneId: this.loadBalancer.zoneId, evaluateTargetHealth: true }],
        },
        { parent: this },
      );
    this.appRecord = alias("app-alias", args.domain);
    (args.extraHostNames ?? []).forEach((host, i) => alias(`host-alias-${i}`, host));

    this.registerOutputs({ loadBalancerDnsName: this.loadBalancer.dnsName, zoneId: this.zoneId });
  }

  /** The listener's own rules, all before any service's host rule. */
  private edgeRules(name: string, domain: string, tags: Record<string, string>): void {
    // One http-header condition names one header; its values are ORed, `*` matches any value
    // including an empty one, header names are case-insensitive and a repeated header is searched
    // in order (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-elasticloadbalancingv2-listenerrule-httpheaderconfig.html).
    const refuse = (role: string, header: string, priority: number) =>
      new aws.lb.ListenerRule(
        `${name}-${role}`,
        {
          listenerArn: this.httpsListener.arn,
          priority,
          conditions: [{ httpHeader: { httpHeaderName: header, values: ["*"] } }],
          actions: [
            { type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "400", messageBody: `Bad request: ${header} is not accepted` } },
          ],
          tags,
        },
        { parent: this },
      );
    refuse("refuse-forwarded-uri", REFUSED_FORWARDED_HEADERS[0], EDGE_RULE_PRIORITIES.forwardedUri);
    refuse("refuse-forwarded-host", REFUSED_FORWARDED_HEADERS[1], EDGE_RULE_PRIORITIES.forwardedHost);

    // Conditions of one rule are ANDed; the description's prefix keeps other IdP errors
    // (timeouts, Google errors, also `invalid_request`) on oauth2-proxy's own error page.
    new aws.lb.ListenerRule(
      `${name}-refused-sign-up`,
      {
        listenerArn: this.httpsListener.arn,
        priority: EDGE_RULE_PRIORITIES.refusedSignUp,
        conditions: [
          { pathPattern: { values: ["/oauth2/callback"] } },
          { queryStrings: [{ key: "error", value: "invalid_request" }] },
          { queryStrings: [{ key: "error_description", value: "PreSignUp*" }] },
        ],
        actions: [{ type: "fixed-response", fixedResponse: { contentType: "text/html", statusCode: "403", messageBody: REFUSED_SIGN_UP_PAGE } }],
        tags,
      },
      { parent: this },
    );

    // The app host only: where Cognito's logout sends people (the client's registered sign-out URL).
    new aws.lb.ListenerRule(
      `${name}-signed-out`,
      {
        listenerArn: this.httpsListener.arn,
        priority: EDGE_RULE_PRIORITIES.signedOut,
        conditions: [{ hostHeader: { values: [domain] } }, { pathPattern: { values: [SIGNED_OUT_PATH] } }],
        actions: [{ type: "fixed-response", fixedResponse: { contentType: "text/html", statusCode: "200", messageBody: SIGNED_OUT_PAGE } }],
        tags,
      },
      { parent: this },
    );
  }
}
