/**
 * The IAM policy documents for continuous delivery (deploy/iam/): a deploy role that may manage the
 * AWS services this stack uses and nothing else, a read-only preview role, and their trust policies
 * for GitHub's OIDC provider. The service list is derived from the synthesised resource types, so a
 * component that starts using a new service fails tests/cli/iamPolicies.spec.ts until it is here.
 * Placeholders the operator replaces: ACCOUNT_ID, OWNER/REPO, NAME_PREFIX.
 */

/** Pulumi AWS module (the `ecs` of `aws:ecs/service:Service`) → the IAM service prefixes its resources need. */
export const IAM_SERVICES: Record<string, string[]> = {
  acm: ["acm"],
  appautoscaling: ["application-autoscaling"],
  // AWS Backup stores recovery points through backup-storage (AWS Backup developer guide, "Creating a backup vault").
  backup: ["backup", "backup-storage"],
  bedrock: ["bedrock"],
  bedrockfoundation: ["bedrock"],
  cloudwatch: ["cloudwatch", "logs"],
  cognito: ["cognito-idp"],
  ec2: ["ec2"],
  ecs: ["ecs"],
  efs: ["elasticfilesystem"],
  elasticache: ["elasticache"],
  iam: ["iam"],
  kms: ["kms"],
  lambda: ["lambda"],
  lb: ["elasticloadbalancing"],
  rds: ["rds"],
  route53: ["route53"],
  s3: ["s3"],
  secretsmanager: ["secretsmanager"],
  sns: ["sns"],
  sqs: ["sqs"],
  vpc: ["ec2"],
  wafv2: ["wafv2"],
  // aws:index/getRegion, getCallerIdentity, getPartition need no permission; getAvailabilityZones is ec2's.
  index: ["ec2"],
};

/** The data sources the program reads at preview and update (each is mocked in cli/synth/mocks.ts). */
export const INVOKE_TOKENS = [
  "aws:index/getRegion:getRegion",
  "aws:index/getCallerIdentity:getCallerIdentity",
  "aws:index/getPartition:getPartition",
  "aws:index/getAvailabilityZones:getAvailabilityZones",
  "aws:bedrockfoundation/getModel:getModel",
  "aws:bedrock/getInferenceProfile:getInferenceProfile",
  "aws:secretsmanager/getSecret:getSecret",
  "aws:ec2/getRouteTable:getRouteTable",
  "aws:route53/getZone:getZone",
];

/** The AWS module of a resource type or invoke token; undefined for what is not an AWS call (components, random, providers). */
export function awsModuleOf(token: string): string | undefined {
  const m = /^aws:([a-z0-9]+)\//.exec(token);
  if (m) return m[1];
  if (/^awsx:ec2:/.test(token)) return "ec2";
  return undefined;
}

/** The IAM service prefixes for these resource types and invoke tokens; throws naming a module not in `IAM_SERVICES`. */
export function servicesFor(tokens: string[]): string[] {
  const services = new Set<string>();
  for (const t of tokens) {
    const module = awsModuleOf(t);
    if (module === undefined) continue;
    const mapped = IAM_SERVICES[module];
    if (!mapped) throw new Error(`${t}: no IAM service known for the AWS module "${module}" (add it to IAM_SERVICES in cli/synth/iamPolicies.ts)`);
    mapped.forEach((s) => services.add(s));
  }
  return [...services].sort();
}

type Statement = {
  Sid: string;
  Effect: "Allow" | "Deny";
  Action: string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
};
export type PolicyDocument = { Version: "2012-10-17"; Statement: Statement[] };
export type TrustDocument = {
  Version: "2012-10-17";
  Statement: (Omit<Statement, "Resource"> & { Principal: { Federated: string } })[];
};

/**
 * What `pulumi up` may do: everything in the services whose resources the stack creates, only read
 * in those it merely reads (a data source such as Bedrock's model list), and in IAM only roles and
 * policies whose names start with the stack's prefix (every role the program creates is named
 * `<namePrefix>-…`) plus the service-linked roles ECS, load balancing, RDS, ElastiCache and
 * Application Auto Scaling create on first use.
 */
export function deployPolicy(services: string[], readOnly: string[] = []): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "StackServices", Effect: "Allow", Action: services.filter((s) => s !== "iam").map((s) => `${s}:*`), Resource: "*" },
      ...(readOnly.length ? [{ Sid: "ReadOnlyServices", Effect: "Allow" as const, Action: readActions(readOnly), Resource: "*" }] : []),
      {
        Sid: "StackRolesOnly",
        Effect: "Allow",
        Action: ["iam:*"],
        Resource: ["arn:aws:iam::ACCOUNT_ID:role/NAME_PREFIX-*", "arn:aws:iam::ACCOUNT_ID:policy/NAME_PREFIX-*"],
      },
      { Sid: "ReadIam", Effect: "Allow", Action: ["iam:Get*", "iam:List*"], Resource: "*" },
      { Sid: "ServiceLinkedRoles", Effect: "Allow", Action: ["iam:CreateServiceLinkedRole"], Resource: "arn:aws:iam::ACCOUNT_ID:role/aws-service-role/*" },
    ],
  };
}

/** Describe/Get/List, except the one read that would hand over a secret's value (secretsmanager:GetSecretValue). */
function readActions(services: string[]): string[] {
  return services.flatMap((s) =>
    s === "secretsmanager" ? [`${s}:Describe*`, `${s}:List*`, `${s}:GetResourcePolicy`] : [`${s}:Describe*`, `${s}:Get*`, `${s}:List*`],
  );
}

/**
 * What `pulumi preview` needs: to read. Describe/Get/List in the same services, except the one read
 * that would hand a secret's value to a pull request's workflow (secretsmanager:GetSecretValue).
 */
export function previewPolicy(services: string[]): PolicyDocument {
  return { Version: "2012-10-17", Statement: [{ Sid: "ReadStackServices", Effect: "Allow", Action: readActions(services), Resource: "*" }] };
}

/**
 * Trust for GitHub Actions' OIDC tokens (GitHub docs, "Configuring OpenID Connect in Amazon Web
 * Services": audience sts.amazonaws.com, subject `repo:OWNER/REPO:environment:NAME` for a job with an
 * environment, `repo:OWNER/REPO:pull_request` for a pull-request run).
 */
export function trustPolicy(subject: string): TrustDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "GitHubActions",
        Effect: "Allow",
        Principal: { Federated: "arn:aws:iam::ACCOUNT_ID:oidc-provider/token.actions.githubusercontent.com" },
        Action: ["sts:AssumeRoleWithWebIdentity"],
        Condition: {
          StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com", "token.actions.githubusercontent.com:sub": subject },
        },
      },
    ],
  };
}

/** deploy/iam/<file> → document, for the services of the resource types created and the data sources read. */
export function iamDocuments(resourceTypes: string[], invokes: string[] = INVOKE_TOKENS): Record<string, PolicyDocument | TrustDocument> {
  const managed = servicesFor(resourceTypes);
  const readOnly = servicesFor(invokes).filter((s) => !managed.includes(s));
  const services = [...managed, ...readOnly].sort();
  return {
    "deploy-role-policy.json": deployPolicy(managed, readOnly),
    "deploy-role-trust.json": trustPolicy("repo:OWNER/REPO:environment:production"),
    "preview-role-policy.json": previewPolicy(services),
    "preview-role-trust.json": trustPolicy("repo:OWNER/REPO:pull_request"),
  };
}
