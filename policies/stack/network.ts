/**
 * What reaches a proxied task besides its load balancer: the security groups of its service and
 * what its service publishes besides the load balancer (service registries, Service Connect).
 */
import { GraphResource, Plain, RawStackFinding, StackGraph, UNKNOWN, at, label, list, num, str, text } from "./graph";
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
  return l === UNKNOWN ? [text(UNKNOWN)] : l.map(text).filter((x) => x !== "");
};

/** Every ingress permission of security group `sg`: inline, SecurityGroupIngressRule and SecurityGroupRule. */
function ingressOf(graph: StackGraph, sg: GraphResource): Permission[] {
  const out: Permission[] = [];
  const inline = list(sg.props.ingress);
  if (inline !== UNKNOWN) {
    for (const p of inline) {
      const sources = [
        ...strings(at(p, "cidrBlocks")),
        ...strings(at(p, "ipv6CidrBlocks")),
        ...strings(at(p, "securityGroups")),
        ...strings(at(p, "prefixListIds")),
      ];
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
    out.push({
      rule: r,
      sources: sources.map(text),
      ...range(r.props.ipProtocol, r.props.fromPort, r.props.toPort),
    });
  }
  for (const r of graph.ofType(SG_RULE).filter((x) => x.props.type === "ingress" && attachedTo(x))) {
    const sources = [...strings(r.props.cidrBlocks), ...strings(r.props.ipv6CidrBlocks), ...strings(r.props.prefixListIds)];
    if (r.props.sourceSecurityGroupId !== undefined) sources.push(text(r.props.sourceSecurityGroupId));
    if (r.props.self === true) sources.push("self");
    out.push({ rule: r, sources, ...range(r.props.protocol, r.props.fromPort, r.props.toPort) });
  }
  return out;
}

/**
 * Services whose task runs oauth2-proxy, with their task; a task not known yet (preview) counts as
 * possibly proxied, with no task: what needs no task (the internet let in) is still checked.
 */
function proxiedServices(graph: StackGraph, tasks: Map<string, Task>): { service: GraphResource; task?: Task }[] {
  const out: { service: GraphResource; task?: Task }[] = [];
  for (const service of graph.ofType(SERVICE)) {
    const td = serviceTask(graph, service);
    if (td === "unknown") out.push({ service });
    if (typeof td !== "object") continue;
    const task = taskOf(graph, tasks, td);
    if ("unchecked" in task) out.push({ service });
    else if (task.containers.some((c) => c.proxy)) out.push({ service, task });
  }
  return out;
}

/** ecs-task-ingress-proxy-only: a proxied task's security groups admit only oauth2-proxy's port, never the internet. */
export function taskIngressProxyOnly(graph: StackGraph): RawStackFinding[] {
  const out: RawStackFinding[] = [];
  for (const { service, task } of proxiedServices(graph, new Map())) {
    const groups = at(service.props.networkConfiguration, "securityGroups");
    const refs = graph.refs(service, "networkConfiguration", groups, [SECURITY_GROUP]);
    if (refs.unknown)
      out.push({
        resource: service.urn,
        advisory: true,
        message: `the security groups of ${label(service)} are not known until deploy, so who can reach its tasks could not be checked`,
      });
    for (const ext of refs.external)
      out.push({
        resource: service.urn,
        advisory: true,
        message: `security group ${ext} of ${label(service)} is not part of this stack, so its rules could not be checked`,
      });
    const apps = task ? appPorts(task) : [];
    const proxyPorts = task ? task.containers.filter((c) => c.proxy).flatMap((c) => proxyListenPorts(c.container)) : [];
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
            // Before deploy a task not known yet may not run oauth2-proxy at all (a public web server): reported, not refused.
            ...(task ? {} : { advisory: true }),
            message: `${where} admits ${world.join(" and ")} on ${ports}: anyone on the internet can reach the task's containers without the load balancer and its listener rules, on any port the range covers (an application's own port skips sign-in). Fix: admit the load balancer's security group on ${proxyPorts.join(", ") || "oauth2-proxy's port"} only.`,
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

/** The port a port mapping named `name` maps, in any container of the task (Service Connect refers to mappings by name). */
function portNamed(defs: Plain, name: string): number | undefined {
  const all = list(defs);
  if (all === UNKNOWN) return undefined;
  for (const d of all) {
    const mappings = list(at(d, "portMappings"));
    if (mappings === UNKNOWN) continue;
    const m = mappings.find((x) => at(x, "name") === name);
    if (m) return num(at(m, "containerPort"));
  }
  return undefined;
}

/**
 * ecs-app-port-not-exposed: besides the load balancer, a proxied service must not publish an
 * application's port to a service registry (Cloud Map) or Service Connect, which hand it to every
 * caller in the namespace.
 */
export function appPortNotExposed(graph: StackGraph): RawStackFinding[] {
  const out: RawStackFinding[] = [];
  for (const { service, task } of proxiedServices(graph, new Map())) {
    if (!task) continue;
    const apps = appPorts(task);
    const exposed = (port: number | undefined, how: string, container?: string) => {
      if (port === undefined || !apps.includes(port)) return;
      const tc = task.containers.find((c) => c.container.name === container) ?? task.containers.find((c) => !c.proxy);
      out.push({
        resource: service.urn,
        message: `${label(service)} publishes port ${port}${tc ? ` (${appKind(tc.container)})` : ""} through ${how}: every caller that can resolve the name reaches the application behind oauth2-proxy without signing in, and Open WebUI trusts the identity header. Fix: publish oauth2-proxy's port ${task.containers
          .filter((c) => c.proxy)
          .flatMap((c) => proxyListenPorts(c.container))
          .join(", ")}, and bind the application to 127.0.0.1.`,
      });
    };
    const registries = list(service.props.serviceRegistries);
    if (registries === UNKNOWN)
      out.push({
        resource: service.urn,
        advisory: true,
        message: `the service registries of ${label(service)} are not known until deploy, so they could not be checked`,
      });
    else for (const r of registries) exposed(num(at(r, "containerPort")) ?? num(at(r, "port")), "a service registry (Cloud Map)", str(at(r, "containerName")));
    const connect = at(service.props.serviceConnectConfiguration, "services");
    const services = list(connect);
    if (services === UNKNOWN)
      out.push({
        resource: service.urn,
        advisory: true,
        message: `the Service Connect services of ${label(service)} are not known until deploy, so they could not be checked`,
      });
    else
      for (const s of services) {
        const name = str(at(s, "portName"));
        if (name !== undefined) exposed(portNamed(parseDefs(task.resource.props.containerDefinitions), name), `Service Connect (port name ${name})`);
      }
  }
  return out;
}

function parseDefs(v: Plain): Plain {
  if (typeof v !== "string") return v;
  try {
    return JSON.parse(v) as Plain;
  } catch {
    return undefined;
  }
}
