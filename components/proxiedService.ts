import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as random from "@pulumi/random";
import {
  ALLOWED_EMAILS_CONTAINER,
  ALLOWED_EMAILS_VOLUME,
  APP_PORT,
  OAUTH2_PROXY_CONTAINER,
  PROXY_PORT,
  needsAllowedEmailsFile,
  oauth2ProxyContainers,
} from "../settings/golden";
import { AllowList } from "../functions/allowList";
import { SERVICE_RULE_PRIORITY_MIN } from "./ingress";
import { storedSecret } from "../secrets/storedSecret";
import { Autoscaling, fargateMemoryChoices } from "../config";
import { FileStorage } from "./fileStorage";
import { cappedName } from "../naming/names";
import { secretResourceArn } from "../config/models";
import { assertContainersPass } from "../ecs/policyCheck";
import { RulesConfig } from "../policies/rules";
import { AppContainerArgs, DATA_VOLUME, SidecarContainerArgs, appContainer, sidecarContainer } from "../ecs/taskContainers";
import { assumeRole, exclusiveRolePolicies, executionRolePolicies } from "../iam/rolePolicies";

export interface ProxyArgs {
  /** Pinned oauth2-proxy image. */
  image: string;
  issuerUrl: pulumi.Input<string>;
  clientId: pulumi.Input<string>;
  clientSecretArn: pulumi.Input<string>;
  /** Cognito hosted UI domain (sign-in, token and userinfo endpoints; sign-out redirects go there). */
  authDomain: string;
  /** Who may sign in (the stack's allow-list, also enforced by Cognito's PreSignUp trigger). */
  allowList: AllowList;
  /** Routes oauth2-proxy lets through unauthenticated. Defaults to none. */
  skipAuthRoutes?: string[];
  /** Further OAUTH2_PROXY_* settings. Defaults to none. */
  extraEnvironment?: Record<string, string>;
  /** The ID token claim that fills X-Forwarded-Groups. Defaults to oauth2-proxy's (`groups`). */
  groupsClaim?: string;
}

export interface ProxiedServiceArgs {
  /** Physical name of the ECS service and task family, e.g. `pluto-openwebui`. */
  serviceName: string;
  /** Public host name routed to this service, e.g. pluto.example.com. */
  host: string;
  app: AppContainerArgs;
  proxy: ProxyArgs;
  clusterArn: pulumi.Input<string>;
  region: string;
  logGroupName: pulumi.Input<string>;
  /** ARN of `logGroupName`: the only log group the execution role may write to. */
  logGroupArn: pulumi.Input<string>;
  vpcId: pulumi.Input<string>;
  subnetIds: pulumi.Input<string[]>;
  assignPublicIp: boolean;
  securityGroupId: pulumi.Input<string>;
  /** HTTPS listener that gets this service's host rule. */
  listener: aws.lb.Listener;
  /** Unique per listener; lower wins. Must be above the ingress's own rules (below 100). */
  listenerRulePriority: number;
  /** Fargate size. Must be a valid pair. */
  cpu: number;
  memory: number;
  /** Defaults to 1. */
  desiredCount?: number;
  /**
   * `rolling` starts new tasks before stopping old ones; `replace` (minimum healthy 0 %, maximum
   * 100 %) never runs more tasks than desired, so the old tasks stop before new ones start: for apps
   * whose versions must not share a database (Open WebUI's schema migrations, n8n's SQLite).
   * Defaults to `rolling`.
   */
  deployment?: "rolling" | "replace";
  /** Target tracking on CPU and on ALB requests per task. Defaults to none (fixed `desiredCount`). */
  autoscaling?: Autoscaling;
  /** The load balancer's ARN suffix; needed by the requests-per-target metric when autoscaling. */
  loadBalancerArnSuffix?: pulumi.Input<string>;
  /** EFS storage mounted at `app.dataPath`; this service's task role becomes its only client. Defaults to none. */
  volume?: FileStorage;
  /**
   * Seconds the scheduler ignores failing load-balancer health checks after a task starts.
   * Open WebUI's first start runs database migrations and may take minutes. Defaults to 600.
   */
  healthCheckGracePeriodSeconds?: number;
  /** Options for the policy rules checked at construction (e.g. extra skip-auth routes). Defaults to the pack's defaults. */
  policyConfig?: RulesConfig;
  /** Further containers in the task; none is reachable from outside it (no port mappings). Defaults to none. */
  sidecars?: SidecarContainerArgs[];
  /** Inline policies added to the task role (what the app and sidecars may call in AWS): name → policy JSON. Defaults to none. */
  taskRolePolicies?: Record<string, pulumi.Input<string>>;
  tags?: Record<string, string>;
}

/** Lists what is wrong with the service's shape before anything is created. */
export function validateProxiedServiceArgs(args: Pick<ProxiedServiceArgs, "cpu" | "memory" | "listenerRulePriority" | "app" | "sidecars">): string[] {
  const problems: string[] = [];
  if (!fargateMemoryChoices(args.cpu).includes(args.memory)) problems.push(`cpu ${args.cpu} with memory ${args.memory} is not a valid Fargate task size`);
  // The ingress's own rules (forwarded-header refusal, refused sign-up page) must be evaluated first.
  if (!Number.isInteger(args.listenerRulePriority) || args.listenerRulePriority < SERVICE_RULE_PRIORITY_MIN || args.listenerRulePriority > 50000)
    problems.push(
      `listenerRulePriority must be ${SERVICE_RULE_PRIORITY_MIN}-50000 (lower priorities belong to the ingress's own rules), got ${args.listenerRulePriority}`,
    );
  if ((args.app.port ?? APP_PORT) === PROXY_PORT) problems.push(`the app may not listen on ${PROXY_PORT}; that port is oauth2-proxy's`);
  for (const taken of [OAUTH2_PROXY_CONTAINER, ALLOWED_EMAILS_CONTAINER])
    if (args.app.name === taken) problems.push(`the app container may not be named ${taken}`);
  const start = args.app.healthCheckStartPeriod ?? 300;
  if (start < 0 || start > 300) problems.push(`healthCheckStartPeriod must be 0-300 seconds (an ECS limit), got ${start}`);
  const names = [args.app.name, OAUTH2_PROXY_CONTAINER];
  for (const sidecar of args.sidecars ?? []) {
    if (names.includes(sidecar.name)) problems.push(`sidecar container name ${sidecar.name} is already used in the task`);
    names.push(sidecar.name);
  }
  return problems;
}

/**
 * One Fargate service: an app container behind an oauth2-proxy sidecar that authenticates every
 * request against Cognito and admits only the allow-list. The load balancer reaches the proxy
 * only; the proxy reaches the app on localhost. When the allow-list names single addresses, a
 * non-essential init container writes them to a task volume for the proxy first. Open WebUI uses
 * it, and any further app (n8n) uses it the same way.
 */
export class ProxiedService extends pulumi.ComponentResource {
  readonly taskDefinition: aws.ecs.TaskDefinition;
  readonly service: aws.ecs.Service;
  readonly targetGroup: aws.lb.TargetGroup;
  readonly executionRole: aws.iam.Role;
  readonly taskRole: aws.iam.Role;
  readonly serviceName: pulumi.Output<string>;

  constructor(name: string, args: ProxiedServiceArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("pluto:ecs:ProxiedService", name, {}, opts);
    const problems = validateProxiedServiceArgs(args);
    if (problems.length > 0) throw new Error(`ProxiedService ${name}: ${problems.join("; ")}`);
    const tags = { Name: name, ...args.tags };

    const cookieSecret = new random.RandomPassword(
      `${name}-cookie-secret`,
      {
        // 32 characters: oauth2-proxy needs 16, 24 or 32 bytes (after an optional base64 decode, which gives 24).
        length: 32,
        special: false,
      },
      { parent: this },
    );
    const cookieSecretArn = storedSecret(
      `${name}-cookie`,
      {
        secretName: `${args.serviceName}/oauth2-proxy/cookie-secret`,
        description: `oauth2-proxy cookie secret for ${args.serviceName}`,
        value: cookieSecret.result,
        tags,
      },
      this,
    ).valueFrom;

    const appSecrets = args.app.secrets ?? {};
    const sidecars = args.sidecars ?? [];
    // IAM names the secret itself: a `valueFrom` may add `:json-key:stage:version`, which is no part of its ARN.
    const secretArns = pulumi
      .all([args.proxy.clientSecretArn, cookieSecretArn, ...Object.values(appSecrets), ...sidecars.flatMap((c) => Object.values(c.secrets ?? {}))])
      .apply((arns) => [...new Set(arns.map(secretResourceArn))]);

    // ECS fetches `secrets` and writes awslogs with the execution role, not the task role.
    this.executionRole = new aws.iam.Role(
      `${name}-execution`,
      {
        assumeRolePolicy: assumeRole("ecs-tasks.amazonaws.com"),
        tags,
      },
      { parent: this },
    );
    // No managed policy: the exclusive attachment list, empty, detaches AmazonECSTaskExecutionRolePolicy
    // (ECR on "*") from a role that has it; images come from public registries, which need no IAM permission.
    const executionPermissions = exclusiveRolePolicies(`${name}-execution`, this.executionRole, executionRolePolicies(secretArns, args.logGroupArn), []);

    const volume = args.volume;
    const extraTaskPolicies = Object.entries(args.taskRolePolicies ?? {}).map(([policyName, policy]) => ({ name: policyName, policy }));
    this.taskRole = new aws.iam.Role(
      `${name}-task`,
      {
        assumeRolePolicy: assumeRole("ecs-tasks.amazonaws.com"),
        tags,
      },
      { parent: this },
    );
    const taskPermissions = exclusiveRolePolicies(
      `${name}-task`,
      this.taskRole,
      [
        // Mount and write, never ClientRootAccess: the access point's identity is not root.
        ...(volume
          ? [
              {
                name: "mount-data-volume",
                policy: pulumi.jsonStringify({
                  Version: "2012-10-17",
                  Statement: [
                    {
                      Effect: "Allow",
                      Action: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
                      Resource: volume.fileSystem.arn,
                      Condition: { StringEquals: { "elasticfilesystem:AccessPointArn": volume.accessPoint.arn } },
                    },
                  ],
                }),
              },
            ]
          : []),
        ...extraTaskPolicies,
      ],
      [],
    );
    // The file system admits this role and no other.
    const volumePolicy = volume?.allowMount(this.taskRole.arn);

    const build = (v: ResolvedValues) => [
      appContainer(args.app, v.environment, v.secrets, v.logGroup, args.region),
      ...oauth2ProxyContainers({
        image: args.proxy.image,
        issuerUrl: v.issuerUrl,
        clientId: v.clientId,
        clientSecretArn: v.clientSecretArn,
        cookieSecretArn: v.cookieSecretArn,
        appUrl: `https://${args.host}`,
        authDomain: args.proxy.authDomain,
        allowList: args.proxy.allowList,
        upstreamPort: args.app.port ?? APP_PORT,
        skipAuthRoutes: args.proxy.skipAuthRoutes,
        extra: args.proxy.extraEnvironment,
        groupsClaim: args.proxy.groupsClaim,
        logGroup: v.logGroup,
        region: args.region,
        appContainerName: args.app.name,
      }),
      ...sidecars.map((c, i) => sidecarContainer(c, v.sidecars[i].environment, v.sidecars[i].secrets, v.logGroup, args.region)),
    ];
    // Refuse a bad configuration now, before any resource exists. Names and literal values are
    // known at construction; values computed by AWS (ids, ARNs) are ours and stand in as placeholders.
    assertContainersPass(
      `ProxiedService ${name}`,
      build({
        environment: known(args.app.environment),
        secrets: known(appSecrets),
        logGroup: COMPUTED,
        issuerUrl: COMPUTED,
        clientId: COMPUTED,
        clientSecretArn: COMPUTED,
        cookieSecretArn: COMPUTED,
        sidecars: sidecars.map((c) => ({ environment: known(c.environment ?? {}), secrets: known(c.secrets ?? {}) })),
      }),
      // EMAIL_DOMAINS=* is the stack's explicit opt-in (pluto:allowAnyGoogleAccount), not a mistake.
      { ...args.policyConfig, allowAnyEmailDomain: args.proxy.allowList.anyGoogleAccount },
    );
    const resolvedSidecars: pulumi.Output<ResolvedValues["sidecars"]> = pulumi.all(
      sidecars.map((c) =>
        pulumi.all([pulumi.all(c.environment ?? {}), pulumi.all(c.secrets ?? {})]).apply(([environment, secrets]) => ({ environment, secrets })),
      ),
    );
    const containerDefinitions = pulumi
      .all([
        pulumi.all(args.app.environment),
        pulumi.all(appSecrets),
        args.logGroupName,
        args.proxy.issuerUrl,
        args.proxy.clientId,
        args.proxy.clientSecretArn,
        cookieSecretArn,
        resolvedSidecars,
      ])
      .apply(([environment, secrets, logGroup, issuerUrl, clientId, clientSecretArn, cookieArn, sidecarValues]) =>
        JSON.stringify(build({ environment, secrets, logGroup, issuerUrl, clientId, clientSecretArn, cookieSecretArn: cookieArn, sidecars: sidecarValues })),
      );

    this.taskDefinition = new aws.ecs.TaskDefinition(
      `${name}-taskdef`,
      {
        family: args.serviceName,
        requiresCompatibilities: ["FARGATE"],
        networkMode: "awsvpc",
        cpu: String(args.cpu),
        memory: String(args.memory),
        runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
        executionRoleArn: this.executionRole.arn,
        taskRoleArn: this.taskRole.arn,
        containerDefinitions,
        volumes: [
          ...(volume
            ? [
                {
                  name: DATA_VOLUME,
                  efsVolumeConfiguration: {
                    fileSystemId: volume.fileSystem.id,
                    transitEncryption: "ENABLED",
                    authorizationConfig: { accessPointId: volume.accessPoint.id, iam: "ENABLED" },
                  },
                },
              ]
            : []),
          // A bind mount without a host path: Fargate task storage, gone with the task.
          ...(needsAllowedEmailsFile(args.proxy.allowList) ? [{ name: ALLOWED_EMAILS_VOLUME }] : []),
        ],
        tags,
      },
      { parent: this },
    );

    // Fargate tasks in awsvpc mode register by IP, never by instance. AWS caps target group names
    // at 32 characters; a new name whenever a property that forces replacement changes.
    this.targetGroup = new aws.lb.TargetGroup(
      `${name}-tg`,
      {
        name: cappedName(`${name}-tg`, TARGET_GROUP_NAME_MAX, { vpcId: args.vpcId, port: String(PROXY_PORT), protocol: "HTTP", targetType: "ip" }, this),
        targetType: "ip",
        port: PROXY_PORT,
        protocol: "HTTP",
        vpcId: args.vpcId,
        deregistrationDelay: 30,
        // Tasks share state through the database (and Redis when scaled out), so any task may serve any request.
        stickiness: { type: "lb_cookie", enabled: false },
        healthCheck: { path: "/ping", port: String(PROXY_PORT), matcher: "200", interval: 15, healthyThreshold: 2, unhealthyThreshold: 3 },
        tags,
      },
      { parent: this },
    );

    const rule = new aws.lb.ListenerRule(
      `${name}-host`,
      {
        listenerArn: args.listener.arn,
        priority: args.listenerRulePriority,
        conditions: [{ hostHeader: { values: [args.host] } }],
        actions: [{ type: "forward", targetGroupArn: this.targetGroup.arn }],
        tags,
      },
      { parent: this },
    );

    this.service = new aws.ecs.Service(
      `${name}-service`,
      {
        name: args.serviceName,
        cluster: args.clusterArn,
        taskDefinition: this.taskDefinition.arn,
        desiredCount: args.desiredCount ?? 1,
        launchType: "FARGATE",
        platformVersion: "LATEST",
        networkConfiguration: {
          subnets: args.subnetIds,
          securityGroups: [args.securityGroupId],
          assignPublicIp: args.assignPublicIp,
        },
        loadBalancers: [{ targetGroupArn: this.targetGroup.arn, containerName: OAUTH2_PROXY_CONTAINER, containerPort: PROXY_PORT }],
        healthCheckGracePeriodSeconds: args.healthCheckGracePeriodSeconds ?? 600,
        deploymentCircuitBreaker: { enable: true, rollback: true },
        deploymentMinimumHealthyPercent: args.deployment === "replace" ? 0 : 100,
        deploymentMaximumPercent: args.deployment === "replace" ? 100 : 200,
        propagateTags: "SERVICE",
        enableEcsManagedTags: true,
        waitForSteadyState: false,
        tags,
      },
      {
        parent: this,
        // The target group must be attached to the load balancer (via the rule) before the service,
        // and the data volume's mount targets and policy must exist before a task mounts it.
        // The roles' policies are resources of their own now: a task must not start before ECS may read its secrets.
        dependsOn: [rule, args.listener, ...(volume?.mountTargets ?? []), ...(volumePolicy ? [volumePolicy] : []), ...executionPermissions, ...taskPermissions],
        // Autoscaling owns the task count once enabled; `pulumi up` must not reset it.
        ignoreChanges: args.autoscaling ? ["desiredCount"] : [],
        // The service name is fixed, and ECS refuses a second service of that name in the cluster
        // while the first is active or draining: a replacement must delete first. The service holds
        // no data; its tasks stop and the new service starts them again.
        deleteBeforeReplace: true,
      },
    );
    this.serviceName = this.service.name;
    if (args.autoscaling) this.addAutoscaling(name, args.autoscaling, args, pulumi.output(args.clusterArn));

    this.registerOutputs({ serviceName: this.serviceName, taskDefinitionArn: this.taskDefinition.arn });
  }

  private addAutoscaling(name: string, a: Autoscaling, args: ProxiedServiceArgs, clusterArn: pulumi.Output<string>): void {
    const problems = autoscalingProblems(a, args.loadBalancerArnSuffix);
    if (problems.length > 0) throw new Error(`ProxiedService ${name}: ${problems.join("; ")}`);
    const target = new aws.appautoscaling.Target(
      `${name}-scaling`,
      {
        serviceNamespace: "ecs",
        scalableDimension: "ecs:service:DesiredCount",
        resourceId: pulumi.interpolate`service/${clusterArn.apply((arn) => arn.split("/").pop())}/${this.service.name}`,
        minCapacity: a.minCount,
        maxCapacity: a.maxCount,
      },
      { parent: this },
    );
    const policy = (
      role: string,
      metric: aws.types.input.appautoscaling.PolicyTargetTrackingScalingPolicyConfiguration["predefinedMetricSpecification"],
      value: number,
    ) =>
      new aws.appautoscaling.Policy(
        `${name}-scale-${role}`,
        {
          policyType: "TargetTrackingScaling",
          serviceNamespace: target.serviceNamespace,
          scalableDimension: target.scalableDimension,
          resourceId: target.resourceId,
          targetTrackingScalingPolicyConfiguration: {
            predefinedMetricSpecification: metric,
            targetValue: value,
            // Scale in slowly: a new task spends minutes starting Open WebUI.
            scaleInCooldown: 300,
            scaleOutCooldown: 60,
          },
        },
        { parent: this },
      );
    policy("cpu", { predefinedMetricType: "ECSServiceAverageCPUUtilization" }, a.cpuTarget);
    policy(
      "requests",
      {
        predefinedMetricType: "ALBRequestCountPerTarget",
        resourceLabel: pulumi.interpolate`${args.loadBalancerArnSuffix!}/${this.targetGroup.arnSuffix}`,
      },
      a.requestsPerTarget,
    );
  }
}

interface ResolvedValues {
  environment: Record<string, string>;
  secrets: Record<string, string>;
  logGroup: string;
  issuerUrl: string;
  clientId: string;
  clientSecretArn: string;
  cookieSecretArn: string;
  sidecars: { environment: Record<string, string>; secrets: Record<string, string> }[];
}

/** Stands in for a value AWS computes at deployment time. */
export const COMPUTED = "[computed]";

function known(values: Record<string, pulumi.Input<string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typeof v === "string" ? v : COMPUTED]));
}

/** Names what is wrong with autoscaling settings; empty when they are usable. */
export function autoscalingProblems(a: Autoscaling, loadBalancerArnSuffix: unknown): string[] {
  const problems: string[] = [];
  if (a.minCount < 1 || a.maxCount < a.minCount) problems.push(`autoscaling needs 1 <= minCount <= maxCount, got ${a.minCount}..${a.maxCount}`);
  if (loadBalancerArnSuffix === undefined) problems.push("autoscaling on requests per target needs loadBalancerArnSuffix");
  return problems;
}

/** AWS's limit on target group names (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html). */
export const TARGET_GROUP_NAME_MAX = 32;
