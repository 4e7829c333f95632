/**
 * How big Open WebUI runs: its Fargate task size, its task count and autoscaling, and the Redis a
 * scaled-out Open WebUI needs. A field's default may depend on another key (memory on the Bedrock
 * gateway sidecar), so the defaults are applied by `resolveOpenWebUi`, which the cross-key rules
 * and the parsed configuration share.
 */
import { fieldsOf, jsonObject, KeySpec, report, text, wholeNumber } from "./fields";

export interface Autoscaling {
  /** Fewest tasks. Defaults to `desiredCount`. */
  minCount: number;
  /** Most tasks. */
  maxCount: number;
  /** Average CPU % the service scales to hold. Defaults to 60. */
  cpuTarget: number;
  /** ALB requests per task per minute the service scales to hold. Defaults to 300. */
  requestsPerTarget: number;
}

export interface ServiceSizing {
  /** Fargate CPU units. Defaults to 1024. */
  cpu: number;
  /** Fargate memory (MiB); must form a valid pair with `cpu`. Defaults to 2048. */
  memory: number;
  /** Number of tasks. Defaults to 1. */
  desiredCount: number;
  /** Target-tracking autoscaling. Defaults to none (a fixed `desiredCount`). */
  autoscaling?: Autoscaling;
}

export const OPEN_WEBUI_DEFAULTS: ServiceSizing = { cpu: 1024, memory: 2048, desiredCount: 1 };
export const AUTOSCALING_DEFAULTS = { cpuTarget: 60, requestsPerTarget: 300 };
/** Open WebUI's task memory when the Bedrock gateway shares it and `openWebUi.memory` is not set. */
export const MEMORY_WITH_GATEWAY = 3072;
export const REDIS_NODE_TYPE = "cache.t4g.micro";

/** True when Open WebUI may run more than one task, which needs Redis and a shared vector store. */
export function isScaledOut(sizing: ServiceSizing): boolean {
  return sizing.desiredCount > 1 || (sizing.autoscaling?.maxCount ?? 0) > 1;
}

/** Valid Fargate CPU → memory (MiB) combinations (AWS ECS task size table). */
export function fargateMemoryChoices(cpu: number): number[] {
  const range = (from: number, to: number, step: number) => Array.from({ length: (to - from) / step + 1 }, (_, i) => from + i * step);
  switch (cpu) {
    case 256:
      return [512, 1024, 2048];
    case 512:
      return range(1024, 4096, 1024);
    case 1024:
      return range(2048, 8192, 1024);
    case 2048:
      return range(4096, 16384, 1024);
    case 4096:
      return range(8192, 30720, 1024);
    case 8192:
      return range(16384, 61440, 4096);
    case 16384:
      return range(32768, 122880, 8192);
    default:
      return [];
  }
}

/** Why `cpu` and `memory` are no Fargate task size of the service at `key`, or undefined. */
export function fargatePairProblem(key: string, cpu: number, memory: number): string | undefined {
  const choices = fargateMemoryChoices(cpu);
  if (choices.length === 0) return `pluto:${key}.cpu: ${cpu} is not a Fargate CPU size (256, 512, 1024, 2048, 4096, 8192, 16384)`;
  if (!choices.includes(memory))
    return `pluto:${key}.memory: ${memory} MiB is not valid with cpu ${cpu} on Fargate; choose ${choices.length <= 4 ? `one of ${choices.join(", ")}` : `from ${choices[0]} to ${choices[choices.length - 1]} in steps of ${choices[1] - choices[0]}`}`;
  return undefined;
}

/** Fargate's smallest and largest task: CPU units, memory MiB. */
export const FARGATE_CPU: [number, number] = [256, 16384];
export const FARGATE_MEMORY: [number, number] = [512, 122880];

const autoscalingShape = {
  minCount: wholeNumber(1, 50),
  maxCount: wholeNumber(1, 50),
  cpuTarget: wholeNumber(10, 95),
  requestsPerTarget: wholeNumber(1, 100000),
};

const openWebUiShape = {
  cpu: wholeNumber(...FARGATE_CPU),
  memory: wholeNumber(...FARGATE_MEMORY),
  desiredCount: wholeNumber(0, 20),
  autoscaling: fieldsOf(autoscalingShape, "expected an object with minCount, maxCount, cpuTarget, requestsPerTarget", ["maxCount"])
    .superRefine((a, ctx) => {
      if (a.maxCount === undefined) report(ctx, "required when autoscaling is set", ["maxCount"]);
    })
    .optional(),
};

/** `pluto:openWebUi` as parsed: each field as given, null where wrong. */
export type OpenWebUiFields = {
  cpu?: number | null;
  memory?: number | null;
  desiredCount?: number | null;
  autoscaling?: { minCount?: number | null; maxCount?: number | null; cpuTarget?: number | null; requestsPerTarget?: number | null } | null;
};

/** The sizing with every default applied; a wrong field reads as its default. `gateway`: the Bedrock sidecar shares the task. */
export function resolveOpenWebUi(f: OpenWebUiFields | null | undefined, gateway: boolean): ServiceSizing {
  const sizing: ServiceSizing = {
    cpu: f?.cpu ?? OPEN_WEBUI_DEFAULTS.cpu,
    memory: f?.memory ?? (gateway ? MEMORY_WITH_GATEWAY : OPEN_WEBUI_DEFAULTS.memory),
    desiredCount: f?.desiredCount ?? OPEN_WEBUI_DEFAULTS.desiredCount,
  };
  const a = f?.autoscaling;
  if (a === undefined) return sizing;
  const minCount = a?.minCount ?? Math.max(1, sizing.desiredCount);
  sizing.autoscaling = {
    minCount,
    maxCount: a?.maxCount ?? minCount,
    cpuTarget: a?.cpuTarget ?? AUTOSCALING_DEFAULTS.cpuTarget,
    requestsPerTarget: a?.requestsPerTarget ?? AUTOSCALING_DEFAULTS.requestsPerTarget,
  };
  return sizing;
}

/** Problems of the resolved sizing that span fields: the Fargate pair and the autoscaling range. */
export function openWebUiProblems(f: OpenWebUiFields | null | undefined, sizing: ServiceSizing): string[] {
  const problems: string[] = [];
  const pair = fargatePairProblem("openWebUi", sizing.cpu, sizing.memory);
  if (pair) problems.push(pair);
  const a = sizing.autoscaling;
  if (a && f?.autoscaling && a.maxCount < a.minCount) problems.push(`pluto:openWebUi.autoscaling.maxCount: ${a.maxCount} is below minCount ${a.minCount}`);
  return problems;
}

export const openWebUi: KeySpec<OpenWebUiFields> = {
  description: `Object, fields set with \`pulumi config set --path pluto:openWebUi.<field> <value>\`: cpu (default ${OPEN_WEBUI_DEFAULTS.cpu} Fargate CPU units); memory (default ${OPEN_WEBUI_DEFAULTS.memory} MiB, ${MEMORY_WITH_GATEWAY} with models.bedrock; a valid Fargate pair with cpu); desiredCount (default ${OPEN_WEBUI_DEFAULTS.desiredCount}; more than 1 adds Redis and pgvector); autoscaling (default none), an object of minCount (default desiredCount), maxCount, cpuTarget (default ${AUTOSCALING_DEFAULTS.cpuTarget} %) and requestsPerTarget (default ${AUTOSCALING_DEFAULTS.requestsPerTarget} per minute).`,
  default: {},
  structured: true,
  schema: () => jsonObject("openWebUi", openWebUiShape),
};

export const redisNodeType: KeySpec<string> = {
  description: "The ElastiCache node type of the Redis that Open WebUI uses when it runs more than one task.",
  type: "string",
  default: REDIS_NODE_TYPE,
  schema: () =>
    text((t) => (/^cache\.[a-z0-9]+\.[a-z0-9]+$/.test(t) ? undefined : `expected an ElastiCache node type like "cache.t4g.micro", got ${JSON.stringify(t)}`)),
};
