import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { ServiceSizing } from "./config";
import { FileStorage } from "./fileStorage";
import { openWebUiEnvironment, scaleOutEnvironment, signOutRedirectUrl } from "./golden";
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
  /**
   * Email of the administrator. Open WebUI creates this account on its first start (empty
   * database, WEBUI_ADMIN_EMAIL/WEBUI_ADMIN_PASSWORD); its owner then signs in through Google like
   * everyone else. Without it the first person to sign in would become administrator.
   */
  adminEmail: string;
  /** Further plain Open WebUI settings (model endpoints, features). Golden keys cannot be overridden. Defaults to none. */
  settings?: Record<string, string>;
  /** Redis URL when more than one task may run; switches websockets to Redis and vectors to pgvector. Defaults to none. */
  redisUrl?: pulumi.Input<string>;
  /** The load balancer's ARN suffix (for the requests-per-task scaling metric). */
  loadBalancerArnSuffix?: pulumi.Input<string>;
  /** Host rule priority on the shared listener. Defaults to 100. */
  listenerRulePriority?: number;
  /** Directory of the file system the data volume serves (a restored copy after a restore). Defaults to `/openwebui`. */
  dataDirectory?: string;
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

    this.storage = appStorage(`${name}-data`, args, { rootDirectory: args.dataDirectory ?? "/openwebui" }, this);

    const secretKey = new random.RandomPassword(`${name}-secret-key`, { length: 48, special: false }, { parent: this });
    const secretKeyArn = storedSecret(`${name}-secret-key`, {
      secretName: `${args.namePrefix}/openwebui/secret-key`,
      description: "WEBUI_SECRET_KEY: signs Open WebUI's session JWTs",
      value: secretKey.result,
      tags,
    }, this).arn;

    const adminPasswordArn = this.adminPassword(name, args.namePrefix, tags);
    const environment = openWebUiEnvironment<pulumi.Input<string>>({
      appUrl,
      // Needs the client id, known only once Cognito has created the client.
      signOutRedirectUrl: pulumi.output(args.identity.clientId).apply((clientId) =>
        signOutRedirectUrl({ authDomain: args.identity.authDomain, clientId, appUrl })),
      adminEmail: args.adminEmail,
      extra: {
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
          WEBUI_SECRET_KEY: secretKeyArn,
          DATABASE_URL: args.databaseUrlSecretArn,
          WEBUI_ADMIN_PASSWORD: adminPasswordArn,
        },
        healthCheckPath: "/health",
        dataPath: "/app/backend/data",
      },
      // No skip-auth route: every request to Open WebUI is signed in.
      ...placedServiceArgs(args, { image: args.proxyImage }, this.storage),
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
   * The bootstrap administrator's password: main.py creates the admin only when both
   * WEBUI_ADMIN_EMAIL and WEBUI_ADMIN_PASSWORD are set. Generated and never used (sign-in is by
   * Google; with a trusted email header /api/v1/auths/signin ignores passwords and
   * /update/password is refused, routers/auths.py).
   */
  private adminPassword(name: string, prefix: string, tags: Record<string, string>): pulumi.Output<string> {
    const password = new random.RandomPassword(`${name}-admin-password`, { length: 32, special: false }, { parent: this });
    const passwordArn = storedSecret(`${name}-admin-password`, {
      secretName: `${prefix}/openwebui/admin-password`,
      description: "WEBUI_ADMIN_PASSWORD: the bootstrap admin's local password (sign-in is through Google)",
      value: password.result,
      tags,
    }, this).arn;
    return passwordArn;
  }
}
