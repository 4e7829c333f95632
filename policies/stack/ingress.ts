/**
 * The way in from the load balancer: which container each ECS service's load balancer entry
 * reaches, where listeners forward, and the listener rules that refuse X-Forwarded-Uri/-Host.
 */
import { GraphResource, Plain, RawStackFinding, StackGraph, UNKNOWN, at, label, list, num, str, text } from "./graph";
import { SERVICE, TASK_DEFINITION, Task, appKind, appPorts, proxyListenPorts, readTask, serviceTask } from "./tasks";

const kinds = (kind: string) => [`aws:lb/${kind}`, `aws:alb/${kind}`];
export const TARGET_GROUP = kinds("targetGroup:TargetGroup");
export const LISTENER = kinds("listener:Listener");
export const LISTENER_RULE = kinds("listenerRule:ListenerRule");
export const LOAD_BALANCER = kinds("loadBalancer:LoadBalancer");
const ATTACHMENT = kinds("targetGroupAttachment:TargetGroupAttachment");

/** The header-refusal rules the design requires (components/ingress.ts creates them). */
export const REFUSED_HEADERS = ["X-Forwarded-Uri", "X-Forwarded-Host"];

const BYPASS =
  "requests reach it without signing in, and Open WebUI signs in whoever its trusted header names, so anyone on the internet can become any user, an administrator included";

export interface Wiring {
  tasks: Map<string, Task>;
  /** Target groups (URN) that only ECS services' oauth2-proxy containers are registered in. */
  proxied: Set<string>;
  /** Target groups (URN or ARN) some service registers a container other than oauth2-proxy in. */
  bypassing: Set<string>;
  /** Target groups (URN or ARN) of services whose task runs oauth2-proxy (or may: not known yet), however their entries are wired. */
  fronting: Set<string>;
  /** Target groups whose service entries could not be checked (reported as such): neither passed nor refused. */
  undetermined: Set<string>;
  /** Proxied target group (URN) -> the oauth2-proxy port ECS registers in it. */
  proxyPort: Map<string, number>;
  /** Findings of ecs-lb-targets-oauth2-proxy. */
  findings: RawStackFinding[];
}

export function taskOf(graph: StackGraph, tasks: Map<string, Task>, r: GraphResource): Task | { unchecked: string } {
  const known = tasks.get(r.urn);
  if (known) return known;
  const t = readTask(r);
  if (!("unchecked" in t)) tasks.set(r.urn, t);
  return t;
}

/** Follows every service's load balancer entries to the container and port they reach. */
export function analyseWiring(graph: StackGraph): Wiring {
  const w: Wiring = {
    tasks: new Map(),
    proxied: new Set(),
    bypassing: new Set(),
    fronting: new Set(),
    undetermined: new Set(),
    proxyPort: new Map(),
    findings: [],
  };
  for (const td of graph.ofType(TASK_DEFINITION)) taskOf(graph, w.tasks, td);
  for (const service of graph.ofType(SERVICE)) {
    const entries = list(service.props.loadBalancers);
    if (entries === UNKNOWN) {
      w.findings.push({ resource: service.urn, advisory: true, message: `the load balancers of ${label(service)} are not known until deploy` });
      continue;
    }
    if (entries.length === 0) continue;
    const tdRef = serviceTask(graph, service);
    const task = typeof tdRef === "object" ? taskOf(graph, w.tasks, tdRef) : undefined;
    for (const [i, entry] of entries.entries()) {
      const where = `load balancer entry ${i + 1} of ${label(service)}`;
      const tg = graph.ref(service, "loadBalancers", at(entry, "targetGroupArn"), TARGET_GROUP);
      const tgKey = tg.kind === "resource" ? tg.target.urn : tg.kind === "external" ? tg.value : undefined;
      const name = at(entry, "containerName");
      const port = num(at(entry, "containerPort"));
      if (name === UNKNOWN || at(entry, "containerPort") === UNKNOWN || task === undefined || "unchecked" in task) {
        const why =
          task !== undefined && "unchecked" in task
            ? task.unchecked
            : tdRef === "external"
              ? `its task definition ${text(service.props.taskDefinition)} is not part of this stack`
              : "its container or task definition is not known until deploy";
        w.findings.push({ resource: service.urn, advisory: true, message: `${where} could not be checked: ${why}` });
        if (tgKey) {
          w.undetermined.add(tgKey);
          w.fronting.add(tgKey);
        }
        continue;
      }
      if (tgKey && task.containers.some((c) => c.proxy)) w.fronting.add(tgKey);
      const container = task.containers.find((c) => c.container.name === name);
      const bad = (message: string) => {
        w.findings.push({ resource: service.urn, message });
        if (tgKey) w.bypassing.add(tgKey);
      };
      if (!container) {
        bad(`${where} names container ${JSON.stringify(name)}, which task definition ${task.family ?? task.resource.name} does not have.`);
      } else if (!container.proxy) {
        bad(
          `${where} sends the load balancer's traffic to container ${container.container.name} (${appKind(container.container)}) on port ${port ?? "?"}, not to oauth2-proxy: ${BYPASS}. Fix: containerName of the oauth2-proxy container and its --http-address port.`,
        );
      } else if (port === undefined || !proxyListenPorts(container.container).includes(port)) {
        const listen = proxyListenPorts(container.container);
        const app =
          port !== undefined && appPorts(task).includes(port)
            ? ` Port ${port} is where the application listens: every container of an awsvpc task shares one address, so it reaches the app past the proxy.`
            : "";
        bad(
          `${where} uses port ${port ?? "(none)"} of oauth2-proxy container ${container.container.name}, which listens on ${listen.join(", ")}: ${BYPASS}.${app} Fix: containerPort ${listen[0]}.`,
        );
      } else if (tg.kind === "resource") {
        w.proxied.add(tg.target.urn);
        w.proxyPort.set(tg.target.urn, port);
      }
    }
  }
  for (const b of w.bypassing) {
    w.proxied.delete(b);
    w.undetermined.delete(b);
  }
  return w;
}

export const lbTargetsProxy = (graph: StackGraph): RawStackFinding[] => analyseWiring(graph).findings;

interface Forward {
  from: GraphResource;
  what: string;
  targets: { key?: string; unknown?: boolean; label: string }[];
}

/** The target groups one action list forwards to. */
function forwardsOf(graph: StackGraph, from: GraphResource, prop: string, actions: Plain, what: string): Forward[] | "unknown" {
  const items = list(actions);
  if (items === UNKNOWN) return "unknown";
  const out: Forward[] = [];
  for (const a of items) {
    const type = at(a, "type");
    if (type === UNKNOWN) return "unknown";
    if (type !== "forward") continue;
    const refs: Plain[] = [at(a, "targetGroupArn")];
    const groups = list(at(at(a, "forward"), "targetGroups"));
    if (groups === UNKNOWN) refs.push(UNKNOWN);
    else for (const g of groups) refs.push(at(g, "arn"));
    const targets = refs
      .filter((v) => v !== undefined && v !== null && v !== "")
      .map((v) => {
        const ref = graph.ref(from, prop, v, TARGET_GROUP);
        if (ref.kind === "resource") return { key: ref.target.urn, label: ref.target.name };
        if (ref.kind === "external") return { key: ref.value, label: ref.value };
        return { unknown: true, label: "(not known until deploy)" };
      });
    out.push({ from, what, targets });
  }
  return out;
}

interface ListenerView {
  listener: GraphResource;
  rules: GraphResource[];
  forwards: Forward[];
  unknown: string[];
}

function listeners(graph: StackGraph): ListenerView[] {
  const views = graph.ofType(...LISTENER).map((listener) => ({ listener, rules: [] as GraphResource[], forwards: [] as Forward[], unknown: [] as string[] }));
  const byUrn = new Map(views.map((v) => [v.listener.urn, v]));
  for (const v of views) {
    const f = forwardsOf(graph, v.listener, "defaultActions", v.listener.props.defaultActions, `the default action of listener ${v.listener.name}`);
    if (f === "unknown") v.unknown.push(`the default actions of listener ${v.listener.name} are not known until deploy`);
    else v.forwards.push(...f);
  }
  for (const rule of graph.ofType(...LISTENER_RULE)) {
    const ref = graph.ref(rule, "listenerArn", rule.props.listenerArn, LISTENER);
    const view = ref.kind === "resource" ? byUrn.get(ref.target.urn) : undefined;
    if (!view) continue;
    view.rules.push(rule);
    const f = forwardsOf(graph, rule, "actions", rule.props.actions, `listener rule ${rule.name}`);
    if (f === "unknown") view.unknown.push(`the actions of listener rule ${rule.name} are not known until deploy`);
    else view.forwards.push(...f);
  }
  return views;
}

const loadBalancerOf = (graph: StackGraph, l: GraphResource): string => {
  const ref = graph.ref(l, "loadBalancerArn", l.props.loadBalancerArn, LOAD_BALANCER);
  return ref.kind === "resource" ? ref.target.urn : ref.kind === "external" ? ref.value : `listener:${l.urn}`;
};

/** alb-forwards-only-through-proxy: on a load balancer in front of oauth2-proxy, nothing forwards around it. */
export function forwardsOnlyThroughProxy(graph: StackGraph): RawStackFinding[] {
  const w = analyseWiring(graph);
  const out: RawStackFinding[] = [];
  const views = listeners(graph);
  const guarded = new Set(
    views.filter((v) => v.forwards.some((f) => f.targets.some((t) => t.key && w.fronting.has(t.key)))).map((v) => loadBalancerOf(graph, v.listener)),
  );
  for (const v of views.filter((x) => guarded.has(loadBalancerOf(graph, x.listener)))) {
    for (const u of v.unknown) out.push({ resource: v.listener.urn, advisory: true, message: `${u}, so where it forwards could not be checked` });
    for (const f of v.forwards) {
      for (const t of f.targets) {
        if (t.unknown)
          out.push({
            resource: f.from.urn,
            advisory: true,
            message: `${f.what} forwards to a target group that is not known until deploy, so it could not be checked`,
          });
        else if (!t.key || !(w.proxied.has(t.key) || w.undetermined.has(t.key))) {
          out.push({
            resource: f.from.urn,
            message: `${f.what} forwards to target group ${t.label}, which no ECS service in this stack registers through its oauth2-proxy container, on a load balancer that fronts oauth2-proxy: the requests it matches reach whatever is registered there without signing in. Fix: forward only to the oauth2-proxy service's target group.`,
          });
        }
      }
    }
  }
  for (const a of graph.ofType(...ATTACHMENT)) {
    const ref = graph.ref(a, "targetGroupArn", a.props.targetGroupArn, TARGET_GROUP);
    if (ref.kind === "resource" && w.proxied.has(ref.target.urn)) {
      out.push({
        resource: a.urn,
        message: `${label(a)} registers ${String(str(a.props.targetId) ?? "a target")}${num(a.props.port) ? ` port ${num(a.props.port)}` : ""} in oauth2-proxy's target group ${ref.target.name} by hand: the load balancer sends signed-out requests to it. Fix: let the ECS service register its oauth2-proxy container, nothing else.`,
      });
    } else if (ref.kind === "unknown") {
      out.push({ resource: a.urn, advisory: true, message: `the target group of ${label(a)} is not known until deploy, so it could not be checked` });
    }
  }
  for (const urn of w.proxied) {
    const tg = graph.get(urn)!;
    const type = tg.props.targetType;
    if (type !== undefined && type !== UNKNOWN && type !== "ip") {
      out.push({
        resource: urn,
        advisory: true,
        message: `target group ${tg.name} in front of oauth2-proxy has targetType ${JSON.stringify(type)}; ECS registers Fargate tasks by IP address ("ip").`,
      });
    }
    const port = num(tg.props.port);
    const proxyPort = w.proxyPort.get(urn);
    if (port !== undefined && proxyPort !== undefined && port !== proxyPort) {
      out.push({
        resource: urn,
        advisory: true,
        message: `target group ${tg.name} in front of oauth2-proxy has port ${port}, not oauth2-proxy's ${proxyPort}: ECS registers the proxy's port, but a target registered without one (by hand, or by another service) receives traffic on ${port}. Fix: port ${proxyPort}.`,
      });
    }
  }
  return out;
}

function refusesHeader(rule: GraphResource, header: string): boolean {
  const conditions = list(rule.props.conditions);
  const actions = list(rule.props.actions);
  if (conditions === UNKNOWN || actions === UNKNOWN || conditions.length !== 1) return false;
  const h = at(conditions[0], "httpHeader");
  const values = list(at(h, "values"));
  if (str(at(h, "httpHeaderName"))?.toLowerCase() !== header.toLowerCase() || values === UNKNOWN || !values.includes("*")) return false;
  return actions.length === 1 && at(actions[0], "type") === "fixed-response" && /^4\d\d$/.test(text(at(at(actions[0], "fixedResponse"), "statusCode")));
}

/** alb-refuses-forwarded-headers: every listener that forwards to oauth2-proxy refuses X-Forwarded-Uri/-Host first. */
export function refusesForwardedHeaders(graph: StackGraph): RawStackFinding[] {
  const w = analyseWiring(graph);
  const out: RawStackFinding[] = [];
  for (const v of listeners(graph)) {
    const toProxy = v.forwards.filter((f) => f.targets.some((t) => t.key && w.fronting.has(t.key)));
    if (toProxy.length === 0) continue;
    const firstForward = Math.min(...v.forwards.filter((f) => f.from !== v.listener).map((f) => num(f.from.props.priority) ?? Infinity), Infinity);
    for (const header of REFUSED_HEADERS) {
      const rules = v.rules.filter((r) => refusesHeader(r, header));
      const why = `${header} from a client would reach oauth2-proxy, which matches skip-auth routes and builds redirects from it when it trusts forwarded headers, and Open WebUI and n8n behind it`;
      if (rules.length === 0) {
        out.push({
          resource: v.listener.urn,
          message: `listener ${v.listener.name} forwards to oauth2-proxy but has no rule answering requests with a ${header} header with a 4xx: ${why}. Fix: a listener rule with the single condition httpHeader ${header} = ["*"], a fixed-response 400, at a priority below every forwarding rule.`,
        });
        continue;
      }
      if (rules.some((r) => r.props.priority === UNKNOWN)) {
        out.push({
          resource: v.listener.urn,
          advisory: true,
          message: `the priority of the ${header} refusal rule on listener ${v.listener.name} is not known until deploy, so its order could not be checked`,
        });
        continue;
      }
      const best = Math.min(...rules.map((r) => num(r.props.priority) ?? Infinity));
      if (!(best < firstForward)) {
        out.push({
          resource: rules[0].urn,
          message: `the ${header} refusal rule on listener ${v.listener.name} has priority ${Number.isFinite(best) ? best : "(none: AWS puts it after the existing rules)"}, not before the first forwarding rule (priority ${firstForward}): requests that rule matches are forwarded with the header. Fix: a lower priority number than every forwarding rule.`,
        });
      }
    }
  }
  return out;
}
