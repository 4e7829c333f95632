import * as pulumi from "@pulumi/pulumi";
import { N8nConfig } from "../config";
import { AppPlacement, appStorage, placedServiceArgs } from "../ecs/appPlacement";
import { ProxiedService } from "./proxiedService";
import { FileStorage } from "./fileStorage";
import { generatedSecret } from "../secrets/storedSecret";
import { N8N_INVITE_ROUTE, N8N_PUBLIC_WEBHOOK_ROUTES } from "../policies/rules";
import { N8N_DATA_PATH, N8N_DATABASE_CONTAINER, n8nDatabaseContainer, n8nDatabaseEnvironment, n8nDatabaseWarnings } from "../n8n/database";

// One definition, in the policy rules: the pack's default skip-auth allowlist is made of these.
export { N8N_INVITE_ROUTE, N8N_PUBLIC_WEBHOOK_ROUTES };
const N8N_PORT = 5678;
/** Where n8n listens inside its task: loopback only (see the container environment below). */
export const N8N_LISTEN_ADDRESS = "127.0.0.1";

/**
 * The routes n8n's oauth2-proxy lets through without sign-in: always the invitation route the
 * provisioning worker calls (n8n checks its API key), and with `publicWebhooks` the webhook and
 * form trigger paths, whose nodes authenticate their callers themselves.
 */
export function n8nSkipAuthRoutes(config: Pick<N8nConfig, "publicWebhooks">): string[] {
  return [N8N_INVITE_ROUTE, ...(config.publicWebhooks ? N8N_PUBLIC_WEBHOOK_ROUTES : [])];
}

/** The `node` user of n8n's images, which owns ~/.n8n. */
export const N8N_DATA_OWNER = { uid: 1000, gid: 1000 };

export interface N8nArgs extends AppPlacement {
  namePrefix: string;
  /** Host n8n is served on, e.g. n8n.pluto.example.com. */
  host: string;
  config: N8nConfig;
  /** Pinned oauth2-proxy image. */
  proxyImage: string;
  /** Host rule priority on the shared listener. Defaults to 200. */
  listenerRulePriority?: number;
  /** Directory of the file system the data volume serves (a restored copy after a restore). Defaults to `/n8n`. */
  dataDirectory?: string;
  /**
   * The stack's PostgreSQL instance, where n8n keeps its data in a database and under a role of its
   * own, and the master's connection (Open WebUI's DATABASE_URL secret), which only the set-up
   * container that makes them gets.
   */
  database: { host: pulumi.Input<string>; port: pulumi.Input<number>; adminUrlSecretArn: pulumi.Input<string> };
}

/**
 * n8n behind the same oauth2-proxy sidecar as Open WebUI (through `ProxiedService`, no copied
 * container code), with its own encryption key, its data in a PostgreSQL database and role of its
 * own on the stack's instance (made before n8n starts by the `n8n-database` container, which also
 * moves a stack's SQLite data across once), and an EFS directory for the rest of ~/.n8n.
 */
export class N8n extends pulumi.ComponentResource {
  readonly service: ProxiedService;
  /** n8n's folder (~/.n8n: settings, binary data, the SQLite database of stacks from before PostgreSQL); backed up with the stack's file systems. */
  readonly storage: FileStorage;
  readonly url: string;

  constructor(name: string, args: N8nArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("pluto:app:N8n", name, {}, opts);
    const tags = { Name: name, ...args.tags };
    this.url = `https://${args.host}`;

    // n8n runs as user `node` (1000:1000) and keeps its settings and binary data in ~/.n8n.
    const storage = (this.storage = appStorage(`${name}-data`, args, { rootDirectory: args.dataDirectory ?? "/n8n", posixUser: N8N_DATA_OWNER }, this));

    const encryptionKeyArn = generatedSecret(
      `${name}-encryption-key`,
      { secretName: `${args.namePrefix}/n8n/encryption-key`, description: "N8N_ENCRYPTION_KEY: encrypts credentials stored by n8n", length: 48, tags },
      this,
    ).valueFrom;

    for (const warning of n8nDatabaseWarnings(args.region)) void pulumi.log.warn(warning, this);

    // Letters and digits: n8n hands the password to `pg` as it is, and ALTER ROLE gets it quoted.
    const databasePasswordArn = generatedSecret(
      `${name}-database-password`,
      { secretName: `${args.namePrefix}/n8n/database-password`, description: "DB_POSTGRESDB_PASSWORD: n8n's role in the stack's PostgreSQL", length: 40, tags },
      this,
    ).valueFrom;

    const environment: Record<string, pulumi.Input<string>> = {
      N8N_HOST: args.host,
      N8N_PORT: String(N8N_PORT),
      // n8n listens on every interface by default (packages/@n8n/config/src/index.ts, n8n 2.41.1:
      // `listen_address = '::'`, env N8N_LISTEN_ADDRESS; abstract-server.ts `server.listen(port,
      // address)`). Its proxy and health check reach it on 127.0.0.1 (golden.ts
      // OAUTH2_PROXY_UPSTREAMS, proxiedService.ts healthCheckCommand), so loopback is all it
      // needs: a port mapping or security group added by mistake still finds nothing to talk to.
      // Its task-runner broker already defaults to 127.0.0.1 (runners.config.ts).
      N8N_LISTEN_ADDRESS: N8N_LISTEN_ADDRESS,
      N8N_PROTOCOL: "https",
      N8N_EDITOR_BASE_URL: `${this.url}/`,
      WEBHOOK_URL: `${this.url}/`,
      // Two hops in front: the ALB appends the client to X-Forwarded-For, oauth2-proxy appends
      // the ALB (oauth2-proxy v7.15.3 pkg/upstream/http.go setProxyForwardingHeaders); n8n
      // trusts that many (packages/cli/src/abstract-server.ts: app.set('trust proxy', proxy_hops)).
      N8N_PROXY_HOPS: "2",
      N8N_SECURE_COOKIE: "true",
      N8N_DIAGNOSTICS_ENABLED: "false",
      N8N_PUBLIC_API_DISABLED: "false",
      ...n8nDatabaseEnvironment({ host: args.database.host, port: args.database.port, region: args.region }),
    };

    this.service = new ProxiedService(
      `${name}-svc`,
      {
        serviceName: `${args.namePrefix}-n8n`,
        host: args.host,
        app: {
          name: "n8n",
          image: args.config.image,
          port: N8N_PORT,
          environment,
          secrets: { N8N_ENCRYPTION_KEY: encryptionKeyArn, DB_POSTGRESDB_PASSWORD: databasePasswordArn },
          startsAfter: [N8N_DATABASE_CONTAINER],
          // n8n answers /healthz as soon as it listens (packages/cli/src/abstract-server.ts
          // `setupHealthCheck`). Its images are Node.js images; wget and curl are not guaranteed.
          healthCheckPath: "/healthz",
          healthCheckClient: "node",
          dataPath: N8N_DATA_PATH,
        },
        sidecars: [
          n8nDatabaseContainer({
            image: args.config.image,
            environment,
            secrets: { password: databasePasswordArn, encryptionKey: encryptionKeyArn, adminDatabaseUrl: args.database.adminUrlSecretArn },
          }),
        ],
        ...placedServiceArgs(args, { image: args.proxyImage, skipAuthRoutes: n8nSkipAuthRoutes(args.config) }, storage),
        listenerRulePriority: args.listenerRulePriority ?? 200,
        cpu: args.config.cpu,
        memory: args.config.memory,
        // One n8n at a time, also during deployments: the old task stops before the new one moves
        // SQLite data across or starts (n8n's single-instance mode keeps its schedules in memory).
        desiredCount: 1,
        deployment: "replace",
        tags,
      },
      { parent: this },
    );

    this.registerOutputs({ url: this.url, serviceName: this.service.serviceName });
  }
}
