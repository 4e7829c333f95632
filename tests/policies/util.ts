/**
 * pulumi-policy-aws style helpers: build a resource in each shape the pack reads, run one policy
 * over it through the same in-process evaluator synth uses, and assert on the violations.
 */
import { expect } from "chai";
import { Policies, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { PackConfig, PolicyResourceInput, PolicyViolation, runPolicies } from "../../policies/runPolicies";
import { EcsContainerDefinition } from "../fixtures/policies/golden";

export type Shape = "aws" | "awsx-fargate-task" | "awsx-ec2-task" | "awsx-fargate-service" | "awsx-ec2-service" | "aws-native";
export const SHAPES: Shape[] = ["aws", "awsx-fargate-task", "awsx-ec2-task", "awsx-fargate-service", "awsx-ec2-service", "aws-native"];

/** awsx takes containers as a {name: definition} map, the name being the key. */
function containerMap(defs: EcsContainerDefinition[]): Record<string, Omit<EcsContainerDefinition, "name">> {
  return Object.fromEntries(defs.map(({ name, ...rest }) => [name, rest]));
}

export function resourceOf(shape: Shape, defs: EcsContainerDefinition[]): PolicyResourceInput {
  const base = (type: string, name: string, props: Record<string, unknown>): PolicyResourceInput => ({
    type,
    name,
    urn: `urn:pulumi:dev::pluto::${type}::${name}`,
    props,
  });
  switch (shape) {
    case "aws":
      return base("aws:ecs/taskDefinition:TaskDefinition", "openwebui-task", { family: "pluto-openwebui", containerDefinitions: JSON.stringify(defs) });
    case "aws-native":
      return base("aws-native:ecs:TaskDefinition", "openwebui-task", { family: "pluto-openwebui", containerDefinitions: defs });
    case "awsx-fargate-task":
      return base("awsx:ecs:FargateTaskDefinition", "openwebui-task", { containers: containerMap(defs) });
    case "awsx-ec2-task":
      return base("awsx:ecs:EC2TaskDefinition", "openwebui-task", { containers: containerMap(defs) });
    case "awsx-fargate-service":
      return base("awsx:ecs:FargateService", "openwebui", {
        cluster: "arn:aws:ecs:us-west-2:123456789012:cluster/pluto-cluster",
        taskDefinitionArgs: { containers: containerMap(defs) },
      });
    case "awsx-ec2-service":
      return base("awsx:ecs:EC2Service", "openwebui", { taskDefinitionArgs: { containers: containerMap(defs) } });
  }
}

export async function violationsOf(
  policy: ResourceValidationPolicy | StackValidationPolicy,
  resources: PolicyResourceInput[],
  config: PackConfig = {},
): Promise<PolicyViolation[]> {
  return runPolicies(resources, config, [policy] as Policies);
}

function show(vs: PolicyViolation[]): string {
  return vs.length ? vs.map((v) => `  [${v.level}] ${v.policy}: ${v.message}`).join("\n") : "  (none)";
}

export async function assertNoViolations(
  policy: ResourceValidationPolicy | StackValidationPolicy,
  resources: PolicyResourceInput[],
  config: PackConfig = {},
): Promise<void> {
  const vs = await violationsOf(policy, resources, config);
  expect(vs, `expected no violations of ${policy.name}, got:\n${show(vs)}`).to.have.length(0);
}

/** Asserts a violation of `policy` at `level` whose message contains `message`. */
export async function assertHasViolation(
  policy: ResourceValidationPolicy | StackValidationPolicy,
  resources: PolicyResourceInput[],
  expected: { message: string; level?: "mandatory" | "advisory" },
  config: PackConfig = {},
): Promise<PolicyViolation> {
  const vs = await violationsOf(policy, resources, config);
  const hit = vs.find((v) => v.policy === policy.name && v.message.includes(expected.message));
  expect(hit, `expected a ${policy.name} violation containing ${JSON.stringify(expected.message)}, got:\n${show(vs)}`).to.not.equal(undefined);
  expect(hit!.level).to.equal(expected.level ?? policy.enforcementLevel);
  return hit!;
}
