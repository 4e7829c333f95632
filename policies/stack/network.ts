/**
 * What reaches a proxied task besides its load balancer: the security groups of its service and
 * the port mappings of its containers.
 */
import { GraphResource, Plain, RawStackFinding, StackGraph, UNKNOWN, at, label, list, num, str } from "./graph";
import { SERVICE, Task, appKind, appPorts, proxyListenPorts, serviceTask } from "./tasks";
import { taskOf } from "./ingress";

const SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup";
const INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";
const WORLD = ["0.0.0.0/0", "::/0"];

interface Permission {
  rule: GraphResource;
  /** Who: CIDRs, security groups, prefix lists, "self". */
  sources: string[];
  /** Inclusive port range; all ports for protocol -1 / "all". */
  from: number | typeof UNKNOWN;
  to: number | typeof UNKNOWN;
}

function range(protocol: Plain, from: Plain, to: Plain): { from: number | typeof UNKNOWN; to: number | typeof UNKNOWN } {
  if (protocol === UNKNOWN) return { from: UNKNOWN, to: UNKNOWN };
  if (protocol === "-1" || protocol === -1 || protocol === "all") return { from: 0, to: 65535 };
  const f = from === UNKNOWN ? UNKNOWN : (num(from) ?? 0);
  const t = to === UNKNOWN ? UNKNOWN : (num(to) ?? f);
  return { from: f, to: t };
}

const strings = (v: Plain): string[] => {
  const l = list(v);
  return l === UNKNOWN ? ["(not known until deploy)"] : l.map((x) => (x === UNKNOWN ? "(not known until deploy)" : String(x))).filter((x) => x !== "");
};

/** Every ingress permission of security group `sg`: inline, SecurityGroupIngressRule and SecurityGroupRule. */
function ingressOf(graph: StackGraph, sg: GraphResource): Permission[] {
  const out: Permission[] = [];
  const inline = list(sg.props.ingress);
  if (inline !== UNKNOWN) {
    for (const p of inline) {
      const sources = [...strings(at(p, "cidrBlocks")), ...strings(at(p, "ipv6CidrBlocks")), ...strings(at(p, "securityGroups")), ...strings(at(p, "prefixListIds"))];
      if (at(p, "self") === true) sources.push("self");
      out.push({ rule: sg, sources, ...range(at(p, "protocol"), at(p, "fromPort"), at(p, "toPort")) });
    }
  }
  const attachedTo = (r: GraphResource) => {
    const ref = graph.ref(r, "securityGroupId", r.props.securityGroupId, [SECURITY_GROUP]);
    return ref.kind === "resource" && ref.target === sg;
  };
  for (const r of graph.ofType(INGRESS_RULE).filter(attachedTo)) {
    const sources = ["cidrIpv4", "cidrIpv6", "referencedSecurityGroupId", "prefixListId"].map((k) => r.props[k]).filter((v) => v !== undefined && v !== null);
    out.push({ rule: r, sources: sources.map((s) => (s === UNKNOWN ? "(not known until deploy)" : String(s))), ...range(r.props.ipProtocol, r.props.fromPort, r.props.toPort) });
  }
  for (const r of graph.ofType(SG_RULE).filter((x) => x.props.type === "ingress" && attachedTo(x))) {
    const sources = [...strings(r.props.cidrBlocks), ...strings(r.props.ipv6CidrBlocks), ...strings(r.props.prefixListIds)];
    if (r.props.sourceSecurityGroupId !== undefined) sources.push(String(r.props.sourceSecurityGroupId === UNKNOWN ? "(not known until deploy)" : r.props.sourceSecurityGroupId));
    if (r.props.self === true) sources.push("self");
    out.push({ rule: r, sources, ...range(r.props.protocol, r.props.fromPort, r.props.toPort) });
  }
  return out;
}

/** The proxied tasks' services with their task, for both rules below. */
function proxiedServices(graph: StackGraph, tasks: Map<string, Task>): { service: GraphResource; task: Task }[] {
  const out: { service: GraphResource; task: Task }[] = [];
  for (const service of graph.ofType(SERVICE)) {
    const td = serviceTask(graph, service);
    if (typeof td !== "object") continue;
    const task = taskOf(graph, tasks, td);
    if ("unchecked" in task || !task.containers.some((c) => c.proxy)) continue;
    out.push({ service, task });
  }
  return out;
}

/** ecs-task-ingress-proxy-only: a proxied task's security groups admit only oauth2-proxy's port, never the internet. */
export function taskIngressProxyOnly(graph: StackGraph): RawStackFinding[] {
  const out: RawStackFinding[] = [];
  for (const { service, task } of proxiedServices(graph, new Map())) {
    const groups = at(service.props.networkConfiguration, "securityGroups");
    const refs = graph.refs(service, "networkConfiguration", groups, [SECURITY_GROUP]);
    if (refs.unknown) out.push({ resource: service.urn, advisory: true, message: `the security groups of ${label(service)} are not known until deploy, so who can reach its tasks could not be checked` });
    for (const ext of refs.external) out.push({ resource: service.urn, advisory: true, message: `security group ${ext} of ${label(service)} is not part of this stack, so its rules could not be checked` });
    const apps = appPorts(task);
    const proxyPorts = task.containers.filter((c) => c.proxy).flatMap((c) => proxyListenPorts(c.container));
    for (const sg of refs.targets) {
      for (const p of ingressOf(graph, sg)) {
        const where = `${p.rule === sg ? `an inline ingress rule of ${label(sg)}` : label(p.rule)} (security group ${sg.name} of ${service.name})`;
        if (p.from === UNKNOWN || p.to === UNKNOWN) {
          out.push({ resource: p.rule.urn, advisory: true, message: `the ports of ${where} are not known until deploy, so it could not be checked` });
          continue;
        }
        const ports = p.from === p.to ? `port ${p.from}` : `ports ${p.from}-${p.to}`;
        const world = p.sources.filter((s) => WORLD.includes(s));
        if (world.length) {
          out.push({
            resource: p.rule.urn,
            message: `${where} admits ${world.join(" and ")} on ${ports}: anyone on the internet can reach the task's containers without the load balancer and its listener rules, on any port the range covers (an application's own port skips sign-in). Fix: admit the load balancer's security group on ${proxyPorts.join(", ")} only.`,
          });
          continue;
        }
        const exposed = apps.filter((a) => a >= (p.from as number) && a <= (p.to as number));
        if (exposed.length) {
          out.push({
            resource: p.rule.urn,
            message: `${where} admits ${p.sources.join(", ") || "(no source)"} on ${ports}, which includes port ${exposed.join(", ")} where an application behind oauth2-proxy listens: whoever holds that source reaches it without signing in, and Open WebUI trusts the identity header. Fix: admit only oauth2-proxy's port ${proxyPorts.join(", ")}.`,
          });
        }
      }
    }
  }
  return out;
}

/** ecs-app-port-not-mapped: in a task with oauth2-proxy, no container maps an application's port. */
export function appPortNotMapped(graph: StackGraph): RawStackFinding[] {
  const out: RawStackFinding[] = [];
  const tasks = new Map<string, Task>();
  for (const td of graph.ofType("aws:ecs/taskDefinition:TaskDefinition")) {
    const task = taskOf(graph, tasks, td);
    if ("unchecked" in task) {
      out.push({ resource: td.urn, advisory: true, message: `${task.unchecked}, so its port mappings could not be checked` });
      continue;
    }
    if (!task.containers.some((c) => c.proxy)) continue;
    const apps = appPorts(task);
    for (const tc of task.containers) {
      const mapped = tc.mappedPorts.filter((p) => apps.includes(p));
      if (mapped.length === 0) continue;
      const who = tc.proxy ? `the oauth2-proxy container ${tc.container.name}` : `container ${tc.container.name} (${appKind(tc.container)})`;
      out.push({
        resource: td.urn,
        message: `task definition ${str(td.props.family) ?? td.name} maps port ${mapped.join(", ")} of ${who}, where an application behind oauth2-proxy listens: a load balancer entry or service registry can then send requests to it without signing in (all containers of an awsvpc task share one address). Fix: map only oauth2-proxy's port and bind the application to 127.0.0.1.`,
      });
    }
  }
  return out;
}
