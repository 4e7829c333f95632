/**
 * ECS task definitions as the wiring rules need them: which container is oauth2-proxy and which
 * port it listens on, which ports belong to the applications behind it, and each container's port
 * mappings. Containers are recognised by the task rules' own `isOauth2Proxy`/`isOpenWebui`.
 */
import { Container, isOauth2Proxy, isOpenWebui } from "../rules";
import { containersFromContainerDefinitions } from "../adapters";
import { GraphResource, Plain, StackGraph, UNKNOWN, at, isRecord, list, num, str } from "./graph";

export const TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition";
export const SERVICE = "aws:ecs/service:Service";

export interface TaskContainer {
  container: Container;
  /** containerPort of each port mapping (hostPort is the same in awsvpc mode); UNKNOWN entries dropped. */
  mappedPorts: number[];
  proxy: boolean;
}

export interface Task {
  resource: GraphResource;
  family?: string;
  containers: TaskContainer[];
}

/** oauth2-proxy's default --http-address is "127.0.0.1:4180" (docs/docs/configuration/overview.md at v7.15.3). */
export const OAUTH2_PROXY_DEFAULT_PORT = 4180;
/** Open WebUI's image starts uvicorn on $PORT, default 8080 (backend/start.sh); n8n listens on N8N_PORT, default 5678. */
const OPEN_WEBUI_DEFAULT_PORT = 8080;
const N8N_DEFAULT_PORT = 5678;

export function isN8n(c: Container): boolean {
  if (typeof c.image === "string" && /(^|\/)n8nio\/n8n|(^|\/)n8n(:|@|$)/.test(c.image.toLowerCase())) return true;
  return [...Object.keys(c.environment), ...c.secrets].some((n) => n.startsWith("N8N_"));
}

/** Every value an oauth2-proxy option is given, as variable and as flag (`--x=v`, `--x v`). */
function proxyOption(c: Container, flag: string, env: string): string[] {
  const out: string[] = [];
  if (typeof c.environment[env] === "string") out.push(c.environment[env]);
  const tokens = c.command.flatMap((t) => t.split(/\s+/)).filter(Boolean);
  tokens.forEach((t, i) => {
    if (t === `--${flag}` && tokens[i + 1] !== undefined) out.push(tokens[i + 1]);
    else if (t.startsWith(`--${flag}=`)) out.push(t.slice(flag.length + 3));
  });
  return out.map((v) => v.replace(/^["']|["']$/g, ""));
}

function portOf(address: string, defaultPort?: number): number | undefined {
  const m = /:(\d+)\/?$/.exec(address.replace(/^[a-z]+:\/\//i, "").split("/")[0] ?? "");
  if (m) return Number(m[1]);
  return defaultPort;
}

/** The ports oauth2-proxy listens on: --http-address (and --https-address when set). */
export function proxyListenPorts(c: Container): number[] {
  const http = proxyOption(c, "http-address", "OAUTH2_PROXY_HTTP_ADDRESS");
  const https = proxyOption(c, "https-address", "OAUTH2_PROXY_HTTPS_ADDRESS");
  const ports = [...(http.length ? http.map((a) => portOf(a)) : [OAUTH2_PROXY_DEFAULT_PORT]), ...https.map((a) => portOf(a, 443))];
  return [...new Set(ports.filter((p): p is number => p !== undefined))];
}

/** The ports of the upstreams an oauth2-proxy forwards to (http://127.0.0.1:8080/ -> 8080). */
function upstreamPorts(c: Container): number[] {
  const out: number[] = [];
  for (const v of proxyOption(c, "upstream", "OAUTH2_PROXY_UPSTREAMS")) {
    for (const u of v.split(",")) {
      const m = /^(https?):\/\/(\[[^\]]+\]|[^/:]+)(?::(\d+))?/i.exec(u.trim());
      if (m) out.push(m[3] ? Number(m[3]) : m[1].toLowerCase() === "https" ? 443 : 80);
    }
  }
  return out;
}

/**
 * Ports where an application behind oauth2-proxy listens: its upstreams, what the other containers
 * map, and the defaults of the applications this pack knows (Open WebUI's PORT, n8n's N8N_PORT).
 */
export function appPorts(task: Task): number[] {
  const ports = new Set<number>();
  for (const tc of task.containers) {
    if (tc.proxy) {
      for (const p of upstreamPorts(tc.container)) ports.add(p);
      continue;
    }
    for (const p of tc.mappedPorts) ports.add(p);
    const c = tc.container;
    if (isOpenWebui(c)) ports.add(num(c.environment.PORT) ?? OPEN_WEBUI_DEFAULT_PORT);
    if (isN8n(c)) ports.add(num(c.environment.N8N_PORT) ?? N8N_DEFAULT_PORT);
  }
  const proxyPorts = new Set(task.containers.filter((t) => t.proxy).flatMap((t) => proxyListenPorts(t.container)));
  return [...ports].filter((p) => !proxyPorts.has(p));
}

/** What kind of application a container is, for messages. */
export function appKind(c: Container): string {
  return isOpenWebui(c) ? "Open WebUI" : isN8n(c) ? "n8n" : "an application";
}

/** A task definition's containers; `{unchecked}` when they are not known (preview) or malformed. */
export function readTask(r: GraphResource): Task | { unchecked: string } {
  let raw: Plain = r.props.containerDefinitions;
  if (raw === UNKNOWN) return { unchecked: `the container definitions of ${r.name} are not known until deploy` };
  if (typeof raw === "string") {
    try {
      raw = JSON.parse(raw) as Plain;
    } catch {
      return { unchecked: `the container definitions of ${r.name} are not valid JSON` };
    }
  }
  const adapted = containersFromContainerDefinitions(raw === UNKNOWN ? undefined : raw);
  if ("unchecked" in adapted) return { unchecked: `${r.name}: ${adapted.unchecked}` };
  const defs = list(raw);
  const containers = adapted.containers.map((container, i) => {
    const def = defs === UNKNOWN ? undefined : defs[i];
    const mappings = list(at(def, "portMappings"));
    const mappedPorts =
      mappings === UNKNOWN ? [] : mappings.map((m) => num(at(m, "containerPort")) ?? num(at(m, "hostPort"))).filter((p): p is number => p !== undefined);
    return { container, mappedPorts, proxy: isOauth2Proxy(container) };
  });
  return { resource: r, family: str(r.props.family), containers };
}

/** The task definition a service runs: by ARN, `family:revision`, family, or the property's dependency. */
export function serviceTask(graph: StackGraph, service: GraphResource): GraphResource | "unknown" | "external" | undefined {
  const value = service.props.taskDefinition;
  const tds = graph.ofType(TASK_DEFINITION);
  if (typeof value === "string" && value !== "") {
    const family = /task-definition\/([^:/]+)/.exec(value)?.[1] ?? value.split(":")[0];
    const byValue = tds.find((t) => graph.identities(t).includes(value)) ?? tds.find((t) => str(t.props.family) === family);
    if (byValue) return byValue;
  }
  const deps = graph.dependencies(service, "taskDefinition", [TASK_DEFINITION]);
  if (deps.length === 1) return deps[0];
  if (value === UNKNOWN) return "unknown";
  return value === undefined || value === null ? undefined : "external";
}

export { isRecord };
