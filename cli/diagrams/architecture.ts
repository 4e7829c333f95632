/**
 * `pluto synth --diagram`: the synthesised stack as a Mermaid flowchart. Drawn from the same
 * resources synth prints, so it cannot drift from the program: one box per top-level component, in
 * it the resources that carry traffic or identity, and the edges between them found in the
 * resources' own inputs (which listener a rule hangs on, which target group a service registers in,
 * which security group admits which, which container oauth2-proxy forwards to, which function a
 * queue or a user pool triggers).
 */
import type { SynthResource } from "../synth/harness";
import { label } from "./mermaid";

type Node = { id: string; text: string; group: string; shape?: "db" | "ext" };
type Edge = { from: string; to: string; text?: string; dotted?: boolean };

const LB = "aws:lb/loadBalancer:LoadBalancer";
const LISTENER = "aws:lb/listener:Listener";
const RULE = "aws:lb/listenerRule:ListenerRule";
const TG = "aws:lb/targetGroup:TargetGroup";
const SERVICE = "aws:ecs/service:Service";
const INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";

/** An input as label text: strings and numbers as they are, anything else (unknown at synth) empty. */
const str = (v: unknown): string => (typeof v === "string" || typeof v === "number" ? String(v) : "");

/** The resources drawn, by type, and how each is labelled. */
const DRAWN: Record<string, (r: SynthResource) => string> = {
  "aws:wafv2/webAcl:WebAcl": () => "WAF web ACL",
  [LB]: () => "Application Load Balancer",
  [LISTENER]: (r) => `listener ${str(r.inputs.protocol)} :${str(r.inputs.port)}`,
  [RULE]: (r) => `rule: host ${hostOf(r) ?? "?"}`,
  [TG]: (r) => `target group :${str(r.inputs.port)}`,
  "aws:rds/instance:Instance": (r) => `RDS ${str(r.inputs.engine)} ${str(r.inputs.instanceClass)}`.trim(),
  "aws:efs/fileSystem:FileSystem": () => "EFS file system",
  "aws:elasticache/replicationGroup:ReplicationGroup": () => "ElastiCache Redis",
  "aws:cognito/userPool:UserPool": () => "Cognito user pool",
  "aws:cognito/userPoolDomain:UserPoolDomain": (r) => `hosted UI ${str(r.inputs.domain)}`,
  "aws:cognito/userPoolClient:UserPoolClient": () => "app client (oauth2-proxy)",
  "aws:cognito/identityProvider:IdentityProvider": (r) => `identity provider ${str(r.inputs.providerName)}`,
  "aws:lambda/function:Function": (r) => `Lambda ${str(r.inputs.name) || r.name}`,
  "aws:sqs/queue:Queue": (r) => `SQS ${str(r.inputs.name) || r.name}`,
  "aws:sns/topic:Topic": (r) => `SNS ${str(r.inputs.name) || r.name}`,
};

function hostOf(rule: SynthResource): string | undefined {
  const conditions = (rule.inputs.conditions ?? []) as { hostHeader?: { values?: string[] } }[];
  return conditions.map((c) => c.hostHeader?.values?.join(", ")).find(Boolean);
}

const forwards = (rule: SynthResource) => ((rule.inputs.actions ?? []) as { type?: string }[]).some((a) => a.type === "forward");

interface Container {
  name: string;
  essential?: boolean;
  command?: string[];
  portMappings?: { containerPort?: number }[];
  environment?: { name: string; value: string }[];
}

/** Whether `c` listens on `port`: a port mapping, or its command's `--port` (a sidecar reached only on localhost maps none). */
const listens = (c: Container, port: number) =>
  (c.portMappings ?? []).some((p) => p.containerPort === port) || new RegExp(`--port[ =]${port}\\b`).test((c.command ?? []).join(" "));

function containersOf(taskDef: SynthResource | undefined): Container[] {
  try {
    return JSON.parse(str(taskDef?.inputs.containerDefinitions) || "[]") as Container[];
  } catch {
    return [];
  }
}

/** Ports a container sends to on localhost, from its settings (e.g. OAUTH2_PROXY_UPSTREAMS=http://127.0.0.1:8080/). */
function localPorts(c: Container): number[] {
  return (c.environment ?? []).flatMap((e) => [...String(e.value).matchAll(/\/\/(?:127\.0\.0\.1|localhost):(\d+)/g)].map((m) => Number(m[1])));
}

export function architectureDiagram(registered: SynthResource[], title: string): string {
  // Registration order differs between transpilers (TypeScript keeps declaration order, SWC sorts
  // exports): draw in URN order so that the same program always draws the same text.
  const resources = [...registered].sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const topOf = (r: SynthResource): SynthResource => {
    let at = r;
    while (at.parent && byUrn.has(at.parent)) at = byUrn.get(at.parent)!;
    return at;
  };
  const nodes = new Map<string, Node>();
  const edges: Edge[] = [];
  const idOf = new Map<string, string>();
  const add = (key: string, text: string, group: string, shape?: Node["shape"]) => {
    if (!idOf.has(key)) {
      const id = `n${idOf.size}`;
      idOf.set(key, id);
      nodes.set(id, { id, text, group, shape });
    }
    return idOf.get(key)!;
  };
  const drawn = (r: SynthResource) => DRAWN[r.type] !== undefined && (r.type !== RULE || forwards(r));
  const groupOf = (r: SynthResource) => {
    const top = topOf(r);
    return top.urn === r.urn ? "" : `${top.type.split(":").pop()} ${top.name}`;
  };
  const shapeOf = (r: SynthResource): Node["shape"] => (/rds|efs|elasticache/.test(r.type) ? "db" : undefined);
  for (const r of resources) if (drawn(r)) add(r.urn, DRAWN[r.type](r), groupOf(r), shapeOf(r));
  const node = (urn: string) => idOf.get(urn);
  const deps = (r: SynthResource, prop?: string) =>
    prop ? (r.propertyDependencies[prop] ?? []) : [...new Set([...r.dependencies, ...Object.values(r.propertyDependencies).flat()])];
  const link = (from: string | undefined, to: string | undefined, text?: string, dotted?: boolean) => {
    if (from && to && !edges.some((e) => e.from === from && e.to === to)) edges.push({ from, to, text, dotted });
  };

  // The way in: the internet reaches the load balancer, through the web ACL when there is one.
  const internet = add("internet", "Internet (browsers)", "", "ext");
  const lbs = resources.filter((r) => r.type === LB);
  const wafs = resources.filter((r) => r.type === "aws:wafv2/webAclAssociation:WebAclAssociation");
  for (const lb of lbs) {
    const waf = wafs.find((w) => deps(w).includes(lb.urn));
    const acl =
      waf &&
      deps(waf)
        .map(node)
        .find((id) => id && nodes.get(id)!.text.startsWith("WAF"));
    if (acl) {
      link(internet, acl, "HTTPS");
      link(acl, node(lb.urn), "allowed requests");
    } else link(internet, node(lb.urn), "HTTPS");
  }
  for (const r of resources) {
    if (r.type === LISTENER) for (const lb of deps(r, "loadBalancerArn")) link(node(lb), node(r.urn));
    if (r.type === RULE && drawn(r)) {
      for (const l of deps(r, "listenerArn")) link(node(l), node(r.urn));
      for (const tg of deps(r, "actions")) link(node(r.urn), node(tg), "forward");
    }
  }

  // Services: the target group reaches the container the service registers, which forwards on localhost.
  const securityGroupUsers = new Map<string, string[]>(); // security group URN → nodes behind it
  const usesGroups = (sg: string[], id: string | undefined) => id && sg.forEach((g) => securityGroupUsers.set(g, [...(securityGroupUsers.get(g) ?? []), id]));
  for (const svc of resources.filter((r) => r.type === SERVICE)) {
    const group = groupOf(svc);
    const taskDef = byUrn.get(deps(svc, "taskDefinition")[0] ?? "");
    const all = containersOf(taskDef);
    const entryName = ((svc.inputs.loadBalancers ?? []) as { containerName?: string }[])[0]?.containerName;
    // Who forwards to whom on localhost: by the port the target listens on, else (for the entry) the app.
    const forwardsTo = (c: Container, port: number) =>
      all.find((t) => t !== c && listens(t, port)) ?? (c.name === entryName ? all.find((t) => t.name !== c.name && t.essential !== false) : undefined);
    const reached = new Set(all.flatMap((c) => localPorts(c).map((p) => forwardsTo(c, p)?.name)));
    // Drawn: the long-running containers and any sidecar another one calls (not one-shot helpers).
    const containers = all.filter((c) => c.essential !== false || reached.has(c.name));
    const ids = new Map(containers.map((c) => [c.name, add(`${svc.urn}#${c.name}`, `container ${c.name}`, group)]));
    for (const tg of deps(svc, "loadBalancers")) link(node(tg), ids.get(entryName ?? ""), "HTTP");
    let app = entryName ? ids.get(entryName) : ids.get(containers[0]?.name ?? "");
    for (const c of containers) {
      for (const port of localPorts(c)) {
        const target = forwardsTo(c, port);
        if (target) {
          link(ids.get(c.name), ids.get(target.name), `localhost:${port}`);
          if (c.name === entryName) app = ids.get(target.name);
        }
      }
    }
    // A task role that may invoke Bedrock: the container that names Bedrock models calls it.
    const taskRole = taskDef ? deps(taskDef, "taskRoleArn") : [];
    const invokesBedrock = resources.some(
      (p) =>
        (taskRole.includes(p.urn) && /bedrock:Invoke/.test(JSON.stringify(p.inputs.inlinePolicies ?? []))) ||
        (p.type === "aws:iam/rolePolicy:RolePolicy" &&
          deps(p, "role").some((r) => taskRole.includes(r)) &&
          /bedrock:Invoke/.test(JSON.stringify(p.inputs.policy ?? ""))),
    );
    const caller = containers.find((c) => c.name !== entryName && /bedrock\//.test(JSON.stringify(c.environment ?? [])));
    if (invokesBedrock && caller) link(ids.get(caller.name), add("bedrock", "Amazon Bedrock", "", "ext"), "task role");
    usesGroups(deps(svc, "networkConfiguration"), app);
    // Sign-in: the entry container holds the app client's secret (a dependency of its task definition's secrets).
    if (taskDef) {
      const seen = new Set<string>();
      const walk = (urn: string, depth: number): void => {
        if (seen.has(urn) || depth > 3) return;
        seen.add(urn);
        const r = byUrn.get(urn);
        if (!r) return;
        if (r.type === "aws:cognito/userPoolClient:UserPoolClient") link(ids.get(entryName ?? ""), node(urn), "OIDC sign-in", true);
        else for (const d of deps(r)) walk(d, depth + 1);
      };
      walk(taskDef.urn, 0);
    }
  }
  // Data stores are reached through the security groups that admit the tasks.
  for (const r of resources) {
    if (r.type === "aws:rds/instance:Instance") usesGroups(deps(r, "vpcSecurityGroupIds"), node(r.urn));
    if (r.type === "aws:elasticache/replicationGroup:ReplicationGroup") usesGroups(deps(r, "securityGroupIds"), node(r.urn));
    if (r.type === "aws:efs/mountTarget:MountTarget") for (const fs of deps(r, "fileSystemId")) usesGroups(deps(r, "securityGroups"), node(fs));
  }
  for (const rule of resources.filter((r) => r.type === INGRESS_RULE)) {
    const into = deps(rule, "securityGroupId");
    const from = deps(rule, "referencedSecurityGroupId");
    const port = rule.inputs.fromPort;
    for (const f of from.flatMap((g) => securityGroupUsers.get(g) ?? []))
      for (const t of into.flatMap((g) => securityGroupUsers.get(g) ?? [])) if (nodes.get(t)?.shape === "db") link(f, t, `TCP ${str(port)}`);
  }

  // Identity and onboarding: the user pool's triggers, the functions' queues and topics, Google.
  for (const r of resources) {
    const id = node(r.urn);
    if (r.type === "aws:cognito/userPool:UserPool") for (const fn of deps(r, "lambdaConfig")) link(id, node(fn), "trigger");
    if (r.type === "aws:cognito/userPoolDomain:UserPoolDomain") {
      link(internet, id, "sign-in pages", true);
      for (const pool of deps(r, "userPoolId")) link(id, node(pool));
    }
    if (r.type === "aws:cognito/identityProvider:IdentityProvider") {
      for (const pool of deps(r, "userPoolId")) link(node(pool), id, "federates");
      link(id, add("google", "Google accounts", "", "ext"), "OAuth 2.0");
    }
    // A function that calls an app by its public host name goes through the listener rule for that host.
    // (APP_URL is a link the worker writes into notices, not a host it calls.)
    const urls = Object.entries((r.inputs.environment as { variables?: Record<string, unknown> } | undefined)?.variables ?? {})
      .filter(([k]) => k.endsWith("_URL") && k !== "APP_URL")
      .map(([, v]) => v);
    if (r.type === "aws:lambda/function:Function")
      for (const rule of resources.filter((x) => x.type === RULE && drawn(x)))
        if (urls.some((u) => typeof u === "string" && hostOf(rule) !== undefined && u === `https://${hostOf(rule)}`)) link(id, node(rule.urn), "HTTPS API");
    if (r.type === "aws:lambda/function:Function")
      for (const d of deps(r, "environment"))
        if (/sqs|sns/.test(byUrn.get(d)?.type ?? "")) link(id, node(d), byUrn.get(d)!.type.includes("sqs") ? "send" : "publish");
    if (r.type === "aws:lambda/eventSourceMapping:EventSourceMapping")
      for (const q of deps(r, "eventSourceArn")) for (const fn of deps(r, "functionName")) link(node(q), node(fn), "poll");
    if (r.type === "aws:sqs/queue:Queue") for (const dlq of deps(r, "redrivePolicy")) link(id, node(dlq), "failed messages", true);
  }

  // Front matter is YAML: the title is quoted, since it may hold ": ".
  const lines = ["---", `title: ${JSON.stringify(title)}`, "---", "flowchart LR"];
  const shape = (n: Node) =>
    n.shape === "db" ? `${n.id}[("${label(n.text)}")]` : n.shape === "ext" ? `${n.id}(["${label(n.text)}"])` : `${n.id}["${label(n.text)}"]`;
  const groups = [...new Set([...nodes.values()].map((n) => n.group))];
  groups.forEach((g, i) => {
    const members = [...nodes.values()].filter((n) => n.group === g);
    if (g === "") for (const n of members) lines.push(`  ${shape(n)}`);
    else {
      lines.push(`  subgraph g${i}["${label(g)}"]`);
      for (const n of members) lines.push(`    ${shape(n)}`);
      lines.push("  end");
    }
  });
  const arrow = (e: Edge) => (e.text ? `${e.dotted ? "-." : "--"} ${label(e.text)} ${e.dotted ? ".->" : "-->"}` : e.dotted ? "-.->" : "-->");
  for (const e of edges) lines.push(`  ${e.from} ${arrow(e)} ${e.to}`);
  return lines.join("\n") + "\n";
}
