/**
 * How model connections reach the containers: Open WebUI's OpenAI connection settings and the
 * Bedrock gateway sidecar (a LiteLLM proxy). Pure, so `pluto doctor` reads a live task definition
 * with the very functions that wrote it.
 */
import { BedrockModels, BEDROCK_CONNECTION } from "../config/models";

// ---------------------------------------------------------------------------------------------
// Open WebUI
// ---------------------------------------------------------------------------------------------

/**
 * Names of the connections, `;`-separated in the order of OPENAI_API_BASE_URLS. Open WebUI does not
 * read it; `pluto doctor` and `pluto diff` show connections by these names.
 */
export const CONNECTION_NAMES_VARIABLE = "PLUTO_MODEL_CONNECTIONS";
/** Per-connection key variable when there is more than one connection (index = Open WebUI's connection index). */
export const KEY_VARIABLE_PREFIX = "PLUTO_OPENAI_API_KEY_";

export interface WiredConnection<V = string> {
  name: string;
  baseUrl: string;
  /** ECS `valueFrom` of the connection's key (a Secrets Manager ARN, possibly with a JSON key). */
  keyValueFrom: V;
}

export interface OpenWebUiModelWiring<V = string> {
  environment: Record<string, string>;
  /** name → valueFrom. */
  secrets: Record<string, V>;
  /** Replaces the image's CMD when more than one key must be joined; undefined otherwise. */
  command?: string[];
}

/**
 * Open WebUI reads its OpenAI-compatible connections from OPENAI_API_BASE_URLS and
 * OPENAI_API_KEYS, each split on ';' and matched by index (backend/open_webui/config.py, section
 * OPENAI_API, as in v0.8.2; routers/openai.py get_all_models_responses lists `{url}/models` with
 * the key of the same index). v0.11.4 keeps both names, semicolon-separated ConfigVars
 * (open-webui/docs 1eea3847 reference/env-configuration.mdx). ECS `secrets` turns one secret into one variable, so:
 * - one connection: its secret becomes OPENAI_API_KEYS directly, the image's CMD is untouched;
 * - several: each key arrives as PLUTO_OPENAI_API_KEY_<index> and the container command joins them
 *   into OPENAI_API_KEYS before starting the image's own `bash start.sh` (Dockerfile:
 *   WORKDIR /app/backend, CMD ["bash", "start.sh"]). Keys never appear in the task definition.
 * As many keys as URLs, always: a count mismatch makes Open WebUI pad the list and save it to its
 * database, after which the environment no longer applies (PersistentConfig).
 */
export function openWebUiModelWiring<V = string>(connections: WiredConnection<V>[]): OpenWebUiModelWiring<V> {
  if (connections.length === 0) return { environment: {}, secrets: {} };
  const environment = {
    OPENAI_API_BASE_URLS: connections.map((c) => c.baseUrl).join(";"),
    [CONNECTION_NAMES_VARIABLE]: connections.map((c) => c.name).join(";"),
  };
  if (connections.length === 1) return { environment, secrets: { OPENAI_API_KEYS: connections[0].keyValueFrom } };
  const secrets = Object.fromEntries(connections.map((c, i) => [`${KEY_VARIABLE_PREFIX}${i}`, c.keyValueFrom]));
  const joined = connections.map((_, i) => `\${${KEY_VARIABLE_PREFIX}${i}}`).join(";");
  return { environment, secrets, command: ["bash", "-c", `export OPENAI_API_KEYS="${joined}" && exec bash start.sh`] };
}

/** The variable that carries connection `index`'s key, given how many connections there are. */
export function keyVariable(index: number, count: number): string {
  return count === 1 ? "OPENAI_API_KEYS" : `${KEY_VARIABLE_PREFIX}${index}`;
}

/** A container as `pluto doctor` sees it in a live task definition. */
export interface ContainerView {
  name: string;
  environment: Record<string, string>;
  secrets: Record<string, string>;
}

export interface LiveConnection {
  name: string;
  baseUrl: string;
  /** The variable that should carry the key, and its `valueFrom` when the task has it. */
  keyVariable: string;
  keyValueFrom?: string;
  /** Set for the Bedrock gateway: the models and region it serves. */
  gateway?: { container: string; region?: string; models: string[] };
}

/** The connections a live task definition wires, read back the way {@link openWebUiModelWiring} wrote them. */
export function liveConnections(containers: ContainerView[]): LiveConnection[] {
  const app = containers.find((c) => c.environment[CONNECTION_NAMES_VARIABLE] !== undefined && c.environment.OPENAI_API_BASE_URLS !== undefined);
  if (!app) return [];
  const urls = app.environment.OPENAI_API_BASE_URLS.split(";").map((u) => u.trim());
  const names = app.environment[CONNECTION_NAMES_VARIABLE].split(";").map((n) => n.trim());
  const gateway = containers.find((c) => c.name === GATEWAY_CONTAINER);
  return urls.map((baseUrl, i) => {
    const variable = keyVariable(i, urls.length);
    const name = names[i] || hostOf(baseUrl);
    const conn: LiveConnection = { name, baseUrl, keyVariable: variable, ...(app.secrets[variable] ? { keyValueFrom: app.secrets[variable] } : {}) };
    if (name === BEDROCK_CONNECTION && gateway) conn.gateway = { container: gateway.name, ...gatewayModels(gateway.environment[GATEWAY_CONFIG_VARIABLE]) };
    return conn;
  });
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

// ---------------------------------------------------------------------------------------------
// The Bedrock gateway (LiteLLM proxy sidecar)
// ---------------------------------------------------------------------------------------------

export const GATEWAY_CONTAINER = "bedrock-gateway";
export const GATEWAY_PORT = 4000;
/** Reachable only inside the task: the sidecar shares the task's network namespace (awsvpc) and binds loopback. */
export const GATEWAY_BASE_URL = `http://127.0.0.1:${GATEWAY_PORT}/v1`;
/** The gateway's master key variable; LiteLLM's config refers to it as `os.environ/LITELLM_MASTER_KEY`. */
export const GATEWAY_KEY_VARIABLE = "LITELLM_MASTER_KEY";
/** The LiteLLM config, as JSON (a YAML document), written to a file at container start. */
export const GATEWAY_CONFIG_VARIABLE = "PLUTO_LITELLM_CONFIG";
const GATEWAY_CONFIG_FILE = "/tmp/litellm.yaml";

/** The LiteLLM proxy config (https://docs.litellm.ai/docs/proxy/configs) serving exactly the configured Bedrock models. */
export function gatewayConfig(bedrock: Pick<BedrockModels, "models" | "region">): Record<string, unknown> {
  return {
    model_list: bedrock.models.map((id) => ({
      // Open WebUI lists the model under this name: the Bedrock id, so an operator recognises it.
      model_name: id,
      // `bedrock/<model or inference profile id>`; credentials come from boto3's default chain, the ECS
      // task role (litellm/llms/bedrock/base_aws_llm.py get_credentials falls back to _auth_with_env_vars).
      litellm_params: { model: `bedrock/${id}`, aws_region_name: bedrock.region },
    })),
    // Open WebUI sends OpenAI parameters some Bedrock models reject; drop them instead of failing the chat.
    litellm_settings: { drop_params: true },
    // Every call needs the master key (docs.litellm.ai/docs/proxy/virtual_keys: "must start with sk-").
    general_settings: { master_key: `os.environ/${GATEWAY_KEY_VARIABLE}` },
  };
}

/** Reads the models and region back from a gateway container's config variable (for `pluto doctor`). */
export function gatewayModels(configJson: string | undefined): { region?: string; models: string[] } {
  try {
    const config = JSON.parse(configJson ?? "") as { model_list?: unknown } | null;
    const list = (Array.isArray(config?.model_list) ? config.model_list : []) as { litellm_params?: { model?: string; aws_region_name?: string } }[];
    const models = list.map((m) => String(m.litellm_params?.model ?? "").replace(/^bedrock\//, "")).filter(Boolean);
    const region = list.find((m) => m.litellm_params?.aws_region_name)?.litellm_params?.aws_region_name;
    return { ...(region ? { region } : {}), models };
  } catch {
    return { models: [] };
  }
}

export interface GatewayContainerSpec<V = string> {
  name: string;
  image: string;
  essential: boolean;
  environment: Record<string, string>;
  /** name → valueFrom. */
  secrets: Record<string, V>;
  entryPoint: string[];
  command: string[];
  healthCheck: { command: string[]; interval: number; timeout: number; retries: number; startPeriod: number };
  restartPolicy: { enabled: boolean; restartAttemptPeriod: number };
}

/**
 * The gateway container. LiteLLM takes its model list only from a config file, so the container
 * writes the (non-secret) config from an environment variable and then runs the image's own
 * entrypoint (`docker/prod_entrypoint.sh`, which execs `litellm "$@"`, BerriAI/litellm @129d2ba5;
 * WORKDIR /app) bound to
 * 127.0.0.1: nothing outside the task can connect, and the task definition maps no port for it.
 * Not essential, with a restart policy: a gateway failure must not take Open WebUI (sign-in,
 * history, other connections) down with it.
 */
export function gatewayContainer<V = string>(bedrock: BedrockModels, masterKeyValueFrom: V): GatewayContainerSpec<V> {
  return {
    name: GATEWAY_CONTAINER,
    image: bedrock.gatewayImage,
    essential: false,
    environment: {
      [GATEWAY_CONFIG_VARIABLE]: JSON.stringify(gatewayConfig(bedrock)),
      // proxy_cli.py: in the default DEV mode LiteLLM loads a .env file from its working directory.
      LITELLM_MODE: "PRODUCTION",
      // get_model_cost_map.py: use the cost map bundled in the image instead of fetching it from GitHub at start.
      LITELLM_LOCAL_MODEL_COST_MAP: "True",
    },
    secrets: { [GATEWAY_KEY_VARIABLE]: masterKeyValueFrom },
    entryPoint: ["/bin/sh", "-c"],
    command: [
      `printf '%s' "$${GATEWAY_CONFIG_VARIABLE}" > ${GATEWAY_CONFIG_FILE} && ` +
        `exec docker/prod_entrypoint.sh --config ${GATEWAY_CONFIG_FILE} --host 127.0.0.1 --port ${GATEWAY_PORT}`,
    ],
    // LiteLLM's own docker-compose.yml health check: /health/liveliness answers without a key.
    healthCheck: {
      command: [
        "CMD-SHELL",
        `python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:${GATEWAY_PORT}/health/liveliness', timeout=4)" || exit 1`,
      ],
      interval: 30,
      timeout: 10,
      retries: 3,
      startPeriod: 60,
    },
    // ECS ContainerRestartPolicy: restart in place (at most once a minute) instead of leaving Bedrock down.
    restartPolicy: { enabled: true, restartAttemptPeriod: 60 },
  };
}

/** The connections Open WebUI gets: the OpenAI-compatible ones in config order, then the gateway. */
export function wiredConnections<V = string>(
  openai: { name: string; baseUrl: string; keyValueFrom: V }[],
  gatewayKeyValueFrom: V | undefined,
): WiredConnection<V>[] {
  return [
    ...openai,
    ...(gatewayKeyValueFrom === undefined ? [] : [{ name: BEDROCK_CONNECTION, baseUrl: GATEWAY_BASE_URL, keyValueFrom: gatewayKeyValueFrom }]),
  ];
}
