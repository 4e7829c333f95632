import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { ServiceSizing } from "../config";
import { FileStorage } from "./fileStorage";
import { openWebUiEnvironment, scaleOutEnvironment, scaleOutSecrets, signedOutUrl, signOutRedirectUrl } from "../settings/golden";
import { ProxiedService } from "./proxiedService";
import { AppPlacement, appStorage, placedServiceArgs } from "../ecs/appPlacement";
import { generatedSecret } from "../secrets/storedSecret";
import { BedrockGateway } from "./bedrockGateway";
import { ModelsConfig, NO_MODELS, parseSecretReference } from "../config/models";
import { openWebUiModelWiring, wiredConnections } from "../settings/modelWiring";

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
  /**
   * Secrets Manager ARN of the Redis URL (with its AUTH token) when more than one task may run;
   * switches websockets and app state to Redis. Defaults to none.
   */
  redisUrlSecretArn?: pulumi.Input<string>;
  /**
   * Model connections (validated `pluto:models`): OpenAI-compatible endpoints with keys from Secrets
   * Manager, and Bedrock through a gateway sidecar using the task role. Defaults to none: Open WebUI
   * then lists no model until an administrator adds a connection.
   */
  models?: ModelsConfig;
  /**
   * Further secret Open WebUI settings (model API keys, ...): name → Secrets Manager ARN, passed
   * through ECS `secrets`, so the execution role may read exactly these secrets and the value is
   * never in the task definition. The stack's own secrets cannot be replaced. Defaults to none.
   */
  secretSettings?: Record<string, pulumi.Input<string>>;
  /** The load balancer's ARN suffix (for the requests-per-task scaling metric). */
  loadBalancerArnSuffix?: pulumi.Input<string>;
  /** Host rule priority on the shared listener. Defaults to 100. */
  listenerRulePriority?: number;
  /** Directory of the file system the data volume serves (a restored copy after a restore). Defaults to `/openwebui`. */
  dataDirectory?: string;
}

/**
 * The identity Open WebUI's files get on EFS. The published v0.11.4 image still runs as root
 * (Dockerfile `ARG UID=0`, `USER $UID:$GID`; a non-root user needs a rebuild with
 * `--build-arg UID=...`, open-webui/docs 1eea3847 getting-started/advanced-topics/hardening.md),
 * so the container keeps running as root and writes its own files under /app and /root as before;
 * the access point maps every EFS operation to this non-root identity, which owns the data
 * directory (uploads, caches, the embedding models it downloads). Vectors are in PostgreSQL
 * (golden.ts VECTOR_DB), so no SQLite file of Open WebUI's lives on EFS. Root through the access point would
 * need ClientRootAccess, without which EFS squashes it and Open WebUI cannot create its directories.
 */
export const OPEN_WEBUI_DATA_OWNER = { uid: 1000, gid: 1000 };
/**
 * The access point's root. Not the "/openwebui" of earlier versions: EFS applies the creation
 * owner only to a directory it creates, and that one exists owned by root on existing stacks.
 */
export const OPEN_WEBUI_DATA_ROOT = "/open-webui";

/** Open WebUI on Fargate behind oauth2-proxy, with its data directory on EFS and its settings from the golden configuration. */
export class OpenWebUi extends pulumi.ComponentResource {
  readonly service: ProxiedService;
  readonly storage: FileStorage;
  readonly serviceName: pulumi.Output<string>;

  constructor(name: string, args: OpenWebUiArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("pluto:app:OpenWebUi", name, {}, opts);
    const tags = { Name: name, ...args.tags };
    const appUrl = `https://${args.domain}`;

    this.storage = appStorage(`${name}-data`, args, { rootDirectory: args.dataDirectory ?? OPEN_WEBUI_DATA_ROOT, posixUser: OPEN_WEBUI_DATA_OWNER }, this);

    const secretKeyArn = generatedSecret(
      `${name}-secret-key`,
      { secretName: `${args.namePrefix}/openwebui/secret-key`, description: "WEBUI_SECRET_KEY: signs Open WebUI's session JWTs", length: 48, tags },
      this,
    ).valueFrom;

    const adminPasswordArn = this.adminPassword(name, args.namePrefix, tags);
    const models = args.models ?? NO_MODELS;
    const gateway = models.bedrock
      ? new BedrockGateway(`${name}-bedrock`, { namePrefix: args.namePrefix, bedrock: models.bedrock, tags }, { parent: this })
      : undefined;
    const modelWiring = openWebUiModelWiring<pulumi.Input<string>>(
      wiredConnections(
        models.openai.map((c) => ({ name: c.name, baseUrl: c.baseUrl, keyValueFrom: this.exactSecretReference(c.apiKeySecretArn) })),
        gateway?.masterKeySecretArn,
      ),
    );
    const environment = openWebUiEnvironment<pulumi.Input<string>>({
      appUrl,
      // Needs the client id, known only once Cognito has created the client.
      signOutRedirectUrl: pulumi
        .output(args.identity.clientId)
        .apply((clientId) => signOutRedirectUrl({ authDomain: args.identity.authDomain, clientId, appUrl: signedOutUrl(appUrl) })),
      adminEmail: args.adminEmail,
      trustedGroups: args.identity.groupsClaim !== undefined,
      extra: {
        ...args.settings,
        ...modelWiring.environment,
        ...(args.redisUrlSecretArn === undefined ? {} : scaleOutEnvironment()),
      },
    });

    this.service = new ProxiedService(
      `${name}-svc`,
      {
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
            WEBUI_ADMIN_PASSWORD: adminPasswordArn,
            ...(args.redisUrlSecretArn === undefined ? {} : scaleOutSecrets(args.redisUrlSecretArn)),
            ...modelWiring.secrets,
          },
          healthCheckPath: "/health",
          dataPath: "/app/backend/data",
          command: modelWiring.command,
        },
        sidecars: gateway ? [gateway.container] : [],
        taskRolePolicies: gateway ? { "invoke-bedrock-models": gateway.invokePolicy } : {},
        // No skip-auth route: every request to Open WebUI is signed in.
        ...placedServiceArgs(args, { image: args.proxyImage }, this.storage),
        listenerRulePriority: args.listenerRulePriority ?? 100,
        cpu: args.sizing.cpu,
        memory: args.sizing.memory,
        desiredCount: Math.max(args.sizing.desiredCount, args.sizing.autoscaling?.minCount ?? 0),
        autoscaling: args.sizing.autoscaling,
        // Open WebUI migrates its schema at start and does not support two versions on one database
        // (its release notes): never start a task beside one of another revision. See README, "Upgrading Open WebUI".
        deployment: "replace",
        loadBalancerArnSuffix: args.loadBalancerArnSuffix,
        tags,
      },
      { parent: this },
    );
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

  /**
   * The bootstrap administrator's password: utils/auth.py `create_admin_user` (run at start)
   * creates the admin only when both WEBUI_ADMIN_EMAIL and WEBUI_ADMIN_PASSWORD are set. Generated and never used (sign-in is by
   * Google; with a trusted email header /api/v1/auths/signin ignores passwords and
   * /update/password is refused, routers/auths.py).
   */
  private adminPassword(name: string, prefix: string, tags: Record<string, string>): pulumi.Output<string> {
    return generatedSecret(
      `${name}-admin-password`,
      {
        secretName: `${prefix}/openwebui/admin-password`,
        description: "WEBUI_ADMIN_PASSWORD: the bootstrap admin's local password (sign-in is through Google)",
        length: 32,
        tags,
      },
      this,
    ).valueFrom;
  }
}
