import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ListTasksCommand, Service, TaskDefinition, DesiredStatus } from "@aws-sdk/client-ecs";
import { CliError, EXIT } from "../../errors";
import { aws } from "./awsErrors";
import { OpsSession } from "./options";

/** DescribeServices reports a missing service as a `failures` entry, not an error; make both one message. */
export async function describeService(s: OpsSession, cluster: string, service: string): Promise<Service> {
  const ctx = { ...s.ctx, cluster, service };
  const out = await aws(ctx, "ecs:DescribeServices", () => s.clients.ecs.send(new DescribeServicesCommand({ cluster, services: [service] })));
  const found = out.services?.find((x) => x.serviceName === service || x.serviceArn?.endsWith(`/${service}`));
  if (!found || found.status === "INACTIVE") {
    const reason = out.failures?.[0]?.reason;
    const detail = found?.status === "INACTIVE" ? " (it is INACTIVE: deleted)" : reason && reason !== "MISSING" ? ` (${reason})` : "";
    throw new CliError(`service ${service} not found in cluster ${cluster}${detail}`, EXIT.cannotCheck);
  }
  return found;
}

export async function describeTaskDefinition(s: OpsSession, ref: string): Promise<TaskDefinition> {
  try {
    const out = await s.clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: ref }));
    if (!out.taskDefinition) throw new CliError(`task definition ${ref} not found in ${s.ctx.region}`, EXIT.cannotCheck);
    return out.taskDefinition;
  } catch (e) {
    // ECS answers an unknown family or revision with a generic ClientException.
    if ((e as { name?: string }).name === "ClientException" && /unable to describe task definition/i.test(String((e as Error).message))) {
      throw new CliError(`task definition ${ref} not found in ${s.ctx.region}`, EXIT.cannotCheck);
    }
    return aws(s.ctx, "ecs:DescribeTaskDefinition", () => Promise.reject(e));
  }
}

/** Every task ARN of the service with the given desired status (ListTasks is paginated). */
export async function listServiceTasks(s: OpsSession, cluster: string, service: string, desiredStatus: DesiredStatus, limit = Infinity): Promise<string[]> {
  const ctx = { ...s.ctx, cluster, service };
  const arns: string[] = [];
  let nextToken: string | undefined;
  do {
    const out = await aws(ctx, "ecs:ListTasks", () =>
      s.clients.ecs.send(new ListTasksCommand({ cluster, serviceName: service, desiredStatus, ...(nextToken ? { nextToken } : {}) })),
    );
    arns.push(...(out.taskArns ?? []));
    nextToken = out.nextToken;
  } while (nextToken && arns.length < limit);
  return arns.slice(0, limit);
}
