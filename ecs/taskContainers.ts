/**
 * The container definitions of a proxied task beside the golden ones (settings/golden.ts): the
 * app container and further sidecars. Pure functions over plain values, so tests and the policy
 * pack see what ECS gets.
 */
import * as pulumi from "@pulumi/pulumi";
import { APP_PORT, ContainerDefinition, awslogs, toEnvList, toSecretList } from "../settings/golden";

export interface AppContainerArgs {
  /** Container name; also the log stream prefix (`openwebui` for Open WebUI). */
  name: string;
  /** Pinned image reference. */
  image: string;
  /** Port the app listens on; reachable only by the sidecar over localhost. Defaults to 8080. */
  port?: number;
  /** Plain settings. Never put a secret here: use `secrets`. */
  environment: Record<string, pulumi.Input<string>>;
  /** Secret settings: name → Secrets Manager ARN. Defaults to none. */
  secrets?: Record<string, pulumi.Input<string>>;
  /** Path the container health check requests on localhost. */
  healthCheckPath: string;
  /**
   * What runs the container health check: `curl` (Open WebUI's image installs it), or `node` for
   * Node.js images, which certainly have Node but not necessarily curl or wget. Defaults to curl.
   */
  healthCheckClient?: "curl" | "node";
  /** Seconds the app may take to become healthy on first start (max 300). Defaults to 300. */
  healthCheckStartPeriod?: number;
  /** Where the persistent volume is mounted, if any. */
  dataPath?: string;
  /** Replaces the image's CMD. Defaults to the image's own. */
  command?: string[];
  /** Containers that must have exited 0 before the app starts (ECS `dependsOn` SUCCESS), e.g. a database set-up. Defaults to none. */
  startsAfter?: string[];
}

/** A further container in the task beside the app and its proxy (e.g. the Bedrock gateway). */
export interface SidecarContainerArgs {
  /** Container name; also its log stream prefix. */
  name: string;
  /** Pinned image reference. */
  image: string;
  /** Whether the task stops when this container stops. Defaults to false: a helper must not take the app down. */
  essential?: boolean;
  /** Plain settings. Never put a secret here: use `secrets`. Defaults to none. */
  environment?: Record<string, pulumi.Input<string>>;
  /** Secret settings: name → Secrets Manager `valueFrom` (readable by the execution role). Defaults to none. */
  secrets?: Record<string, pulumi.Input<string>>;
  /** Defaults to the image's ENTRYPOINT and CMD. */
  entryPoint?: string[];
  command?: string[];
  /** Defaults to none. */
  healthCheck?: ContainerDefinition["healthCheck"];
  /** ECS container restart policy. Defaults to none (a stopped non-essential container stays stopped). */
  restartPolicy?: { enabled: boolean; restartAttemptPeriod?: number };
  /** Mounts the service's data volume here (read-write), as the app's `dataPath`. Defaults to no mount. */
  dataPath?: string;
}

/**
 * The container health check command. `node` needs nothing but Node.js (global `fetch`, Node 18+);
 * ECS runs it in exec form, without a shell.
 */
export function healthCheckCommand(app: Pick<AppContainerArgs, "healthCheckClient" | "healthCheckPath" | "port">): string[] {
  const url = `http://127.0.0.1:${app.port ?? APP_PORT}${app.healthCheckPath}`;
  if (app.healthCheckClient === "node")
    return ["CMD", "node", "-e", `fetch(${JSON.stringify(url)}).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`];
  return ["CMD-SHELL", `curl --silent --fail ${url} || exit 1`];
}

/** The task volume that holds a service's EFS data directory (ProxiedService declares it). */
export const DATA_VOLUME = "data";

/** A read-write mount of the data volume: the app's, and any sidecar working on the same data. */
function dataMount(containerPath: string): { sourceVolume: string; containerPath: string; readOnly: boolean } {
  return { sourceVolume: DATA_VOLUME, containerPath, readOnly: false };
}

/** The app container definition: health-checked (the proxy waits for HEALTHY) and logging under its own stream prefix. */
export function appContainer(
  app: AppContainerArgs,
  environment: Record<string, string>,
  secrets: Record<string, string>,
  logGroup: string,
  region: string,
): ContainerDefinition {
  return {
    name: app.name,
    image: app.image,
    essential: true,
    ...(app.command ? { command: app.command } : {}),
    ...(app.startsAfter?.length ? { dependsOn: app.startsAfter.map((containerName) => ({ containerName, condition: "SUCCESS" })) } : {}),
    // No portMappings: in awsvpc mode the sidecar reaches the app over localhost, and without a
    // mapping no load balancer or service connect can ever be pointed at the app port.
    environment: toEnvList(environment),
    secrets: toSecretList(secrets),
    healthCheck: {
      command: healthCheckCommand(app),
      interval: 15,
      timeout: 5,
      retries: 5,
      startPeriod: app.healthCheckStartPeriod ?? 300,
    },
    mountPoints: app.dataPath ? [dataMount(app.dataPath)] : undefined,
    logConfiguration: awslogs(logGroup, region, app.name),
  };
}

/** A container definition with the fields only sidecars use. */
export type TaskContainer = ContainerDefinition & { entryPoint?: string[]; restartPolicy?: SidecarContainerArgs["restartPolicy"] };

/** A sidecar's container definition: no port mappings, so no load balancer can ever target it. */
export function sidecarContainer(
  s: SidecarContainerArgs,
  environment: Record<string, string>,
  secrets: Record<string, string>,
  logGroup: string,
  region: string,
): TaskContainer {
  return {
    name: s.name,
    image: s.image,
    essential: s.essential ?? false,
    ...(s.entryPoint ? { entryPoint: s.entryPoint } : {}),
    ...(s.command ? { command: s.command } : {}),
    environment: toEnvList(environment),
    secrets: toSecretList(secrets),
    ...(s.healthCheck ? { healthCheck: s.healthCheck } : {}),
    ...(s.restartPolicy ? { restartPolicy: s.restartPolicy } : {}),
    ...(s.dataPath ? { mountPoints: [dataMount(s.dataPath)] } : {}),
    logConfiguration: awslogs(logGroup, region, s.name),
  };
}
