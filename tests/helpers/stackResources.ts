/**
 * A happy-path factory for stack-policy tests: the dev stack's synthesised resources, as the policy
 * server hands them to validateStack (inputs as props, property dependencies by URN), deep-copied
 * on every call so each test changes exactly one thing.
 */
import { PolicyResourceInput } from "../../policies/runPolicies";
import { synthStack } from "./stack";

export const T = {
  service: "aws:ecs/service:Service",
  taskDefinition: "aws:ecs/taskDefinition:TaskDefinition",
  targetGroup: "aws:lb/targetGroup:TargetGroup",
  listener: "aws:lb/listener:Listener",
  listenerRule: "aws:lb/listenerRule:ListenerRule",
  loadBalancer: "aws:lb/loadBalancer:LoadBalancer",
  securityGroup: "aws:ec2/securityGroup:SecurityGroup",
  ingressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  sgRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
  client: "aws:cognito/userPoolClient:UserPoolClient",
  lambda: "aws:lambda/function:Function",
  rds: "aws:rds/instance:Instance",
  efs: "aws:efs/fileSystem:FileSystem",
  kms: "aws:kms/key:Key",
  record: "aws:route53/record:Record",
} as const;

export class Resources {
  constructor(readonly list: PolicyResourceInput[]) {}

  all(type: string): PolicyResourceInput[] {
    return this.list.filter((r) => r.type === type);
  }

  one(type: string, suffix?: string): PolicyResourceInput {
    const found = this.all(type).filter((r) => suffix === undefined || r.name.endsWith(suffix));
    if (found.length !== 1) throw new Error(`expected one ${type}${suffix ? ` *${suffix}` : ""}, found ${found.map((r) => r.name).join(", ") || "none"}`);
    return found[0];
  }

  props(type: string, suffix?: string): any {
    return this.one(type, suffix).props;
  }

  remove(type: string, suffix: string): void {
    const r = this.one(type, suffix);
    this.list.splice(this.list.indexOf(r), 1);
  }

  /** Adds a resource named `name` (URN in the dev stack's form) with its property dependencies. */
  add(type: string, name: string, props: Record<string, unknown>, propertyDependencies: Record<string, string[]> = {}): PolicyResourceInput {
    const r = { type, name, urn: `urn:pulumi:dev::pluto::${type}::${name}`, props, propertyDependencies };
    this.list.push(r);
    return r;
  }

  /** Rewrites the container definitions of the (only) task definition. */
  containers(change: (defs: any[]) => void): void {
    const td = this.props(T.taskDefinition);
    const defs = JSON.parse(td.containerDefinitions);
    change(defs);
    td.containerDefinitions = JSON.stringify(defs);
  }

  /** The mock id of a security group as the dev stack's inputs use it (e.g. the task SG). */
  sgId(suffix: string): string {
    const urn = this.one(T.securityGroup, suffix).urn;
    const rule = this.list.find((r) => r.propertyDependencies?.securityGroupId?.includes(urn));
    if (!rule) throw new Error(`no rule names security group *${suffix}`);
    return (rule.props as any).securityGroupId;
  }
}

/** The dev stack's resources (optionally with config overrides), a fresh copy each time. */
export async function devResources(overrides: Record<string, string | undefined> = {}): Promise<Resources> {
  const stack = await synthStack(overrides);
  return new Resources(
    stack.result.resources.map((r) => ({
      type: r.type,
      name: r.name,
      urn: r.urn,
      props: JSON.parse(JSON.stringify(r.inputs)),
      propertyDependencies: JSON.parse(JSON.stringify(r.propertyDependencies)),
    })),
  );
}
