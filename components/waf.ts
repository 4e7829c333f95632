import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

/**
 * Rules of AWS managed rule groups that Open WebUI's normal use trips, set to count instead of
 * block. Each one inspects the request body, and Open WebUI's bodies are chat messages: the whole
 * conversation goes to `POST /api/chat/completions`, files go up as multipart bodies, and people
 * paste code. Rule descriptions: https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-baseline.html
 */
export const COUNTED_RULES: Record<string, Record<string, string>> = {
  AWSManagedRulesCommonRuleSet: {
    // "Verifies that the request body size is at most 8 KB (8,192 bytes)": a long prompt, a chat
    // history or any upload is larger.
    SizeRestrictions_BODY: "long prompts, chat histories and file uploads exceed 8 KB",
    // Matches HTML/JavaScript in the body: a pasted web page or a question about <script> tags.
    CrossSiteScripting_BODY: "pasted HTML and JavaScript look like cross-site scripting",
    // Matches `../` and well-known system paths in the body: pasted shell sessions, build files, paths.
    GenericLFI_BODY: "pasted code with relative paths (../) and system paths (/etc/passwd) look like file inclusion",
    // Matches URLs with IP addresses and includes in the body: pasted configs and logs.
    GenericRFI_BODY: "pasted configs and logs with URLs to IP addresses look like remote file inclusion",
    // Matches the EC2 metadata address 169.254.169.254 in the body: a message that quotes it (a
    // question about IMDS, a pasted cloud-init log) was refused. The defence against SSRF is where
    // the fetch happens: Open WebUI refuses outbound fetches to private and link-local addresses
    // unless ENABLE_RAG_LOCAL_WEB_FETCH is on (off by default; open-webui docs,
    // reference/env-configuration.mdx); a Fargate task's credentials are served at 169.254.170.2
    // under a path only the task knows (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI), not at this address.
    // The URI path, query and cookie variants still block.
    EC2MetaDataSSRF_BODY: "chat messages that quote 169.254.169.254; Open WebUI itself refuses fetches to link-local addresses",
    // Blocks a request without a User-Agent header. Browsers always send one; machine callers of n8n's
    // public webhooks (pluto:n8n.publicWebhooks) may not, and anyone probing sets one in a keystroke,
    // so the rule stops legitimate callers only.
    NoUserAgent_HEADER: "webhook callers that send no User-Agent; any attacker sends one",
  },
  AWSManagedRulesKnownBadInputsRuleSet: {
    // The body variants match `${jndi:` and Java serialisation markers, which appear when someone
    // asks about Log4Shell or pastes a Java stack; Open WebUI is Python, so the exploit does not apply.
    // The header, URI and query variants still block.
    Log4JRCE_BODY: "questions about Log4Shell quote ${jndi:...}; Open WebUI runs no Java",
    JavaDeserializationRCE_BODY: "pasted Java payloads; Open WebUI runs no Java",
  },
};

/**
 * The body, header and cookie rules of the two groups that keep AWS's action (block), and why they
 * cost a chat application nothing (https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-baseline.html).
 * With COUNTED_RULES this is every such rule: docs/scaling-n8n-waf.md lists both.
 */
export const BLOCKING_RULES: Record<string, Record<string, string>> = {
  AWSManagedRulesCommonRuleSet: {
    UserAgent_BadBots_HEADER: "scanner user agents (nessus, nmap); no member's browser sends one",
    SizeRestrictions_Cookie_HEADER: "a Cookie header over 10,240 bytes; oauth2-proxy's session cookie, Cognito's three tokens encrypted, is a few KB",
    EC2MetaDataSSRF_COOKIE: "the metadata address in a cookie; no cookie of ours holds an address",
    CrossSiteScripting_COOKIE: "script in a cookie; our cookies are opaque tokens",
  },
  AWSManagedRulesKnownBadInputsRuleSet: {
    JavaDeserializationRCE_HEADER: "Java serialisation markers in a header; no client of ours sends them",
    Host_localhost_HEADER: "a Host header of localhost; the load balancer serves only the stack's own host names",
    Log4JRCE_HEADER: "${jndi:...} in a header, the classic Log4Shell probe",
  },
};

/** Managed rule groups in evaluation order, after the rate limit. */
export const MANAGED_RULE_GROUPS = ["AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesCommonRuleSet"];

export interface WafArgs {
  /** Prefix of the web ACL name (`<prefix>-web`) and its metric names. */
  namePrefix: string;
  /** The application load balancer to protect. */
  loadBalancerArn: pulumi.Input<string>;
  /**
   * Requests one client IP may send in any 5 minutes before it is blocked (for as long as it stays
   * above). Everyone behind one office NAT shares it. Defaults to 2000.
   */
  requestsPer5Minutes?: number;
  tags?: Record<string, string>;
}

/** WAF's rate-based rule accepts 10 to 2,000,000,000 requests per window. */
export function validateWafArgs(args: Pick<WafArgs, "requestsPer5Minutes">): string[] {
  const n = args.requestsPer5Minutes ?? 2000;
  return Number.isInteger(n) && n >= 10 && n <= 2_000_000_000 ? [] : [`requestsPer5Minutes must be a whole number from 10 to 2000000000, got ${n}`];
}

const visibility = (metricName: string) => ({ cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName });

/**
 * A regional WAFv2 web ACL on the load balancer: a per-IP rate limit, then AWS's IP reputation,
 * known-bad-inputs and core rule sets, with the body rules that break chat set to count. Every rule
 * publishes CloudWatch metrics and keeps sampled requests, so a block can be traced to its rule.
 */
export class Waf extends pulumi.ComponentResource {
  readonly webAcl: aws.wafv2.WebAcl;

  constructor(name: string, args: WafArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("pluto:waf:Waf", name, {}, opts);
    const problems = validateWafArgs(args);
    if (problems.length > 0) throw new Error(`Waf ${name}: ${problems.join("; ")}`);
    const prefix = args.namePrefix;

    const managed = MANAGED_RULE_GROUPS.map((group, i) => ({
      name: group,
      priority: i + 1,
      overrideAction: { none: {} },
      statement: {
        managedRuleGroupStatement: {
          vendorName: "AWS",
          name: group,
          ruleActionOverrides: Object.keys(COUNTED_RULES[group] ?? {}).map((rule) => ({ name: rule, actionToUse: { count: {} } })),
        },
      },
      visibilityConfig: visibility(`${prefix}-${group}`),
    }));

    this.webAcl = new aws.wafv2.WebAcl(
      `${name}-acl`,
      {
        name: `${prefix}-web`,
        description: "Rate limit per IP and AWS managed rules in front of the sign-in proxy",
        scope: "REGIONAL",
        defaultAction: { allow: {} },
        rules: [
          {
            name: "rate-limit-per-ip",
            priority: 0,
            action: { block: {} },
            statement: { rateBasedStatement: { limit: args.requestsPer5Minutes ?? 2000, aggregateKeyType: "IP", evaluationWindowSec: 300 } },
            visibilityConfig: visibility(`${prefix}-rate-limit-per-ip`),
          },
          ...managed,
        ],
        visibilityConfig: visibility(`${prefix}-web`),
        tags: { Name: name, ...args.tags },
      },
      { parent: this },
    );

    new aws.wafv2.WebAclAssociation(
      `${name}-alb`,
      {
        resourceArn: args.loadBalancerArn,
        webAclArn: this.webAcl.arn,
      },
      { parent: this },
    );

    this.registerOutputs({ webAclArn: this.webAcl.arn });
  }
}
