import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as random from "@pulumi/random";
import { ServiceSizing } from "./config";
import { FileStorage } from "./fileStorage";
import { openWebUiEnvironment, scaleOutEnvironment, SCIM_SKIP_AUTH_ROUTE, signOutRedirectUrl } from "./golden";
import { ProxiedService } from "./proxiedService";
import { AppPlacement, appStorage, placedServiceArgs } from "./appPlacement";
import { storedSecret } from "./storedSecret";
import { BedrockGateway } from "./bedrockGateway";
import { ModelsConfig, NO_MODELS, parseSecretReference } from "./models";
import { openWebUiModelWiring, wiredConnections } from "./modelWiring";

export interface OpenWebUiArgs extends AppPlacement {
  namePrefix: string;
  /** The app host, e.g. pluto.example.com. */
  domain: string;
  /** Pinned images. */
  image: string;
  proxyImage: string;
  sizing: ServiceSizing;
  databaseUrlSecretArn: pulumi.Input<string>;
  /** The SCIM bearer token the provisioning worker uses (Secrets Manager ARN). */
  scimTokenSecretArn: pulumi.Input<string>;
  /**
   * Email of the first administrator. Users arrive through SCIM with role `user`, so without this
   * nobody can open the admin panel. Open WebUI creates this account on its first start (empty
   * database); its owner then signs in through Google like everyone else. Defaults to none.
   */
  adminEmail?: string;
  /** Further plain Open WebUI settings (model endpoints, features). Golden keys cannot be overridden. Defaults to none. */
  settings?: Record<string, string>;
  /** Further OAUTH2_PROXY_* settings. Golden keys cannot be overridden. Defaults to none. */
  proxySettings?: Record<string, string>;
  /**
   * Model connections (validated `pluto:models`): OpenAI-compatible endpoints with keys from Secrets
   * Manager, and Bedrock through a gateway sidecar using the task role. Defaults to none: Open WebUI
   * then lists no model until an administrator adds a connection.
   */
  models?: ModelsConfig;
  /** Redis URL when more than one task may run; switches websockets to Redis and vectors to pgvector. Defaults to none. */
  redisUrl?: pulumi.Input<string>;
  /** The load balancer's ARN suffix (for the requests-per-task scaling metric). */
  loadBalancerArnSuffix?: pulumi.Input<string>;
  /** Host rule priority on the shared listener. Defaults to 100. */
  listenerRulePriority?: number;
}

/** Open WebUI on Fargate behind oauth2-proxy, with its data directory on EFS and its settings from the golden configuration. */
export class OpenWebUi extends pulumi.ComponentResource {
  readonly service: ProxiedService;
  readonly storage: FileStorage;
  readonly serviceName: pulumi.Output<string>;

  constructor(name: string, args: OpenWebUiArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("pluto:app:OpenWebUi", name, {}, opts);
    const tags = { Name: name, ...args.tags };
    const appUrl = `https://${args.domain}`;

    this.storage = appStorage(`${name}-data`, args, { rootDirectory: "/openwebui" }, this);

    const secretKey = new random.RandomPassword(`${name}-secret-key`, { length: 48, special: false }, { parent: this });
    const secretKeyArn = storedSecret(`${name}-secret-key`, {
      secretName: `${args.namePrefix}/openwebui/secret-key`,
      description: "WEBUI_SECRET_KEY: signs Open WebUI's session JWTs",
      value: secretKey.result,
      tags,
    }, this).arn;

    const admin = args.adminEmail ? this.adminAccount(name, args.namePrefix, args.adminEmail, tags) : undefined;
    const models = args.models ?? NO_MODELS;
    const gateway = models.bedrock
      ? new BedrockGateway(`${name}-bedrock`, { namePrefix: args.namePrefix, bedrock: models.bedrock, tags }, { parent: this })
      : undefined;
    const modelWiring = openWebUiModelWiring<pulumi.Input<string>>(wiredConnections(
      models.openai.map((c) => ({ name: c.name, baseUrl: c.baseUrl, keyValueFrom: this.exactSecretReference(c.apiKeySecretArn) })),
      gateway?.masterKeySecretArn));
    const environment = openWebUiEnvironment<pulumi.Input<string>>({
      appUrl,
      // Needs the client id, known only once Cognito has created the client.
      signOutRedirectUrl: pulumi.output(args.identity.clientId).apply((clientId) =>
        signOutRedirectUrl({ authDomain: args.identity.authDomain, clientId, appUrl })),
      extra: {
        ...admin?.environment,
        ...args.settings,
        ...modelWiring.environment,
        ...(args.redisUrl === undefined ? {} : scaleOutEnvironment(args.redisUrl)),
      },
    });

    this.service = new ProxiedService(`${name}-svc`, {
      serviceName: `${args.namePrefix}-openwebui`,
      host: args.domain,
      app: {
        name: "openwebui",
        image: args.image,
        environment,
        secrets: {
          WEBUI_SECRET_KEY: secretKeyArn,
          DATABASE_URL: args.databaseUrlSecretArn,
          SCIM_TOKEN: args.scimTokenSecretArn,
          ...admin?.secrets,
          ...modelWiring.secrets,
        },
        healthCheckPath: "/health",
        dataPath: "/app/backend/data",
        command: modelWiring.command,
      },
      sidecars: gateway ? [gateway.container] : [],
      taskRolePolicies: gateway ? { "invoke-bedrock-models": gateway.invokePolicy } : {},
      ...placedServiceArgs(args, {
        image: args.proxyImage,
        // Open WebUI checks the SCIM bearer token itself; nothing else is public.
        skipAuthRoutes: [SCIM_SKIP_AUTH_ROUTE],
        extraEnvironment: args.proxySettings,
      }, this.storage),
      listenerRulePriority: args.listenerRulePriority ?? 100,
      cpu: args.sizing.cpu,
      memory: args.sizing.memory,
      desiredCount: Math.max(args.sizing.desiredCount, args.sizing.autoscaling?.minCount ?? 0),
      autoscaling: args.sizing.autoscaling,
      loadBalancerArnSuffix: args.loadBalancerArnSuffix,
      tags,
    }, { parent: this });
    this.serviceName = this.service.serviceName;

    this.registerOutputs({ serviceName: this.serviceName });
  }

  /**
   * An operator's secret reference with the secret's exact ARN, looked up at deployment: a partial
   * ARN (which IAM would not match) or a missing secret then fails the preview, not the task start.
   */
  private exactSecretReference(valueFrom: string): pulumi.Output<string> {
    const ref = parseSecretReference(valueFrom);
    if (!ref) throw new Error(`OpenWebUi: ${valueFrom} is not a Secrets Manager secret reference`);
    const suffix = valueFrom.slice(ref.arn.length);
    return aws.secretsmanager.getSecretOutput({ arn: ref.arn }, { parent: this }).apply((s) => `${s.arn}${suffix}`);
  }

  /** The bootstrap administrator: email in plain settings, a generated password (never used: sign-in is by Google) as a secret. */
  private adminAccount(name: string, prefix: string, email: string, tags: Record<string, string>) {
    const password = new random.RandomPassword(`${name}-admin-password`, { length: 32, special: false }, { parent: this });
    const passwordArn = storedSecret(`${name}-admin-password`, {
      secretName: `${prefix}/openwebui/admin-password`,
      description: "WEBUI_ADMIN_PASSWORD: the bootstrap admin's local password (sign-in is through Google)",
      value: password.result,
      tags,
    }, this).arn;
    return { environment: { WEBUI_ADMIN_EMAIL: email }, secrets: { WEBUI_ADMIN_PASSWORD: passwordArn } };
  }
}
