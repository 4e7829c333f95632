import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { ServiceSizing } from "./config";
import { FileStorage } from "./fileStorage";
import { openWebUiEnvironment, scaleOutEnvironment, SCIM_SKIP_AUTH_ROUTE, signOutRedirectUrl } from "./golden";
import { ProxiedService } from "./proxiedService";
import { AppPlacement, appStorage, placedServiceArgs } from "./appPlacement";
import { storedSecret } from "./storedSecret";

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
   * Further secret Open WebUI settings (model API keys, ...): name → Secrets Manager ARN, passed
   * through ECS `secrets`, so the execution role may read exactly these secrets and the value is
   * never in the task definition. The stack's own secrets cannot be replaced. Defaults to none.
   */
  secretSettings?: Record<string, pulumi.Input<string>>;
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
    const environment = openWebUiEnvironment<pulumi.Input<string>>({
      appUrl,
      // Needs the client id, known only once Cognito has created the client.
      signOutRedirectUrl: pulumi.output(args.identity.clientId).apply((clientId) =>
        signOutRedirectUrl({ authDomain: args.identity.authDomain, clientId, appUrl })),
      extra: {
        ...admin?.environment,
        ...args.settings,
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
          // First, so that nothing here can replace one of the stack's own secrets (config refuses it too).
          ...args.secretSettings,
          WEBUI_SECRET_KEY: secretKeyArn,
          DATABASE_URL: args.databaseUrlSecretArn,
          SCIM_TOKEN: args.scimTokenSecretArn,
          ...admin?.secrets,
        },
        healthCheckPath: "/health",
        dataPath: "/app/backend/data",
      },
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
