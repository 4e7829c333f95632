/**
 * Turns the shapes containers arrive in (Pulumi resource inputs, `aws ecs describe-task-definition`
 * output, the SDK's TaskDefinition) into the rules' normalised `Container` list.
 *
 * Imports nothing from @pulumi so the CLI and the program can load it cheaply. Every entry point
 * returns `{ unchecked: reason }` instead of throwing: during preview Pulumi hands policies unknown
 * values (as sentinel strings, or through a proxy that throws on access), and files can hold anything.
 */
import { Container, DeadLetterInput, DeadLetterQueue, QueueAlarm, UNKNOWN_SENTINELS, isUnknown } from "./rules";

/** How an unknown scalar reaches the rules: Pulumi's own "unknown string" sentinel, which they understand. */
const UNKNOWN_STRING = UNKNOWN_SENTINELS[0];

export type Adapted = { containers: Container[] } | { unchecked: string };

/** Raised internally when part of the input cannot be read; becomes `{ unchecked: reason }`. */
class Unchecked extends Error {}

const UNKNOWN = Symbol("unknown");

/**
 * Reads `obj[key]` (or its PascalCase twin, as CloudFormation writes it). Pulumi's policy proxy
 * throws on unknown values; both that and the sentinel strings come back as UNKNOWN.
 */
function read(obj: unknown, key: string): unknown {
  if (typeof obj !== "object" || obj === null) return undefined;
  try {
    const o = obj as Record<string, unknown>;
    let v = o[key];
    if (v === undefined) v = o[key[0].toUpperCase() + key.slice(1)];
    return isUnknown(v) ? UNKNOWN : v;
  } catch {
    return UNKNOWN;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The elements of an array, read one by one so that an unknown element is caught, not thrown. */
function elements(arr: unknown[], path: string): unknown[] {
  const out: unknown[] = [];
  let length: number;
  try {
    length = arr.length;
  } catch {
    throw new Unchecked(`${path} is not known until deploy (preview)`);
  }
  for (let i = 0; i < length; i++) {
    let v: unknown;
    try {
      v = arr[i];
    } catch {
      v = UNKNOWN;
    }
    out.push(isUnknown(v) ? UNKNOWN : v);
  }
  return out;
}

function keysOf(obj: Record<string, unknown>, path: string): string[] {
  try {
    return Object.keys(obj);
  } catch {
    throw new Unchecked(`${path} is not known until deploy (preview)`);
  }
}

function unknownAt(path: string): Unchecked {
  return new Unchecked(`${path} is not known until deploy (preview)`);
}

function scalar(v: unknown, path: string): string {
  if (v === UNKNOWN) return UNKNOWN_STRING;
  if (v === undefined || v === null) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  throw new Unchecked(`${path} is a ${Array.isArray(v) ? "list" : typeof v}, not a string`);
}

/** `[{name, value}]` (ECS) or `{NAME: value}` (hand-written maps) -> name -> value. */
function environmentOf(v: unknown, path: string): Record<string, string> {
  const env: Record<string, string> = {};
  if (v === undefined || v === null) return env;
  if (v === UNKNOWN) throw unknownAt(path);
  if (Array.isArray(v)) {
    elements(v, path).forEach((item, i) => {
      if (item === UNKNOWN) throw unknownAt(`${path}[${i}]`);
      if (!isRecord(item)) throw new Unchecked(`${path}[${i}] is not a {name, value} object`);
      const name = read(item, "name");
      if (name === UNKNOWN) throw unknownAt(`${path}[${i}].name`);
      if (typeof name !== "string" || name === "") throw new Unchecked(`${path}[${i}] has no name`);
      env[name] = scalar(read(item, "value"), `${path}[${i}].value`);
    });
    return env;
  }
  if (isRecord(v)) {
    for (const k of keysOf(v, path)) env[k] = scalar(read(v, k), `${path}.${k}`);
    return env;
  }
  throw new Unchecked(`${path} is neither a list of {name, value} nor a map`);
}

function secretNamesOf(v: unknown, path: string): string[] {
  if (v === undefined || v === null) return [];
  if (v === UNKNOWN) throw unknownAt(path);
  if (!Array.isArray(v)) throw new Unchecked(`${path} is not a list of {name, valueFrom}`);
  return elements(v, path).map((item, i) => {
    if (item === UNKNOWN) throw unknownAt(`${path}[${i}]`);
    const name = read(item, "name");
    if (name === UNKNOWN) throw unknownAt(`${path}[${i}].name`);
    if (typeof name !== "string" || name === "") throw new Unchecked(`${path}[${i}] has no name`);
    return name;
  });
}

function tokensOf(v: unknown, path: string): string[] {
  if (v === undefined || v === null) return [];
  if (v === UNKNOWN) throw unknownAt(path);
  if (typeof v === "string") return [v];
  if (!Array.isArray(v)) throw new Unchecked(`${path} is not a list of strings`);
  return elements(v, path).map((t, i) => scalar(t, `${path}[${i}]`));
}

/** ECS `environmentFiles` ([{value: S3 ARN, type: "s3"}]) -> the files' ARNs; an unknown entry stays visible as unknown. */
function environmentFilesOf(v: unknown, path: string): string[] {
  if (v === undefined || v === null) return [];
  if (v === UNKNOWN) return [UNKNOWN_STRING];
  if (!Array.isArray(v)) throw new Unchecked(`${path} is not a list of {value, type}`);
  return elements(v, path).map((item, i) => {
    if (item === UNKNOWN) return UNKNOWN_STRING;
    if (typeof item === "string") return item;
    if (!isRecord(item)) throw new Unchecked(`${path}[${i}] is not a {value, type} object`);
    return scalar(read(item, "value"), `${path}[${i}].value`) || "(no value)";
  });
}

function containerOf(def: unknown, fallbackName: string, path: string): Container {
  if (def === UNKNOWN) throw unknownAt(path);
  if (!isRecord(def)) throw new Unchecked(`${path} is not a container definition object`);
  const name = read(def, "name");
  const image = read(def, "image");
  return {
    name: typeof name === "string" && name !== "" ? name : fallbackName,
    image: image === UNKNOWN ? UNKNOWN_STRING : typeof image === "string" ? image : undefined,
    environment: environmentOf(read(def, "environment"), `${path}.environment`),
    secrets: secretNamesOf(read(def, "secrets"), `${path}.secrets`),
    command: [...tokensOf(read(def, "entryPoint"), `${path}.entryPoint`), ...tokensOf(read(def, "command"), `${path}.command`)],
    environmentFiles: environmentFilesOf(read(def, "environmentFiles"), `${path}.environmentFiles`),
  };
}

function adapt(build: () => Container[]): Adapted {
  try {
    return { containers: build() };
  } catch (e) {
    if (e instanceof Unchecked) return { unchecked: e.message };
    return { unchecked: `unexpected input (${e instanceof Error ? e.message : String(e)})` };
  }
}

function definitionsList(value: unknown, path: string): Container[] {
  if (value === UNKNOWN || isUnknown(value)) throw unknownAt(path);
  if (value === undefined || value === null) throw new Unchecked(`${path} is missing (or not known until deploy)`);
  let list: unknown = value;
  if (typeof value === "string") {
    // The synth harness shows a value that embeds a Pulumi secret as "[secret]".
    if (value === "[secret]")
      throw new Unchecked(`${path} is a Pulumi secret (it embeds a secret output); pass secrets through ECS \`secrets\` so the definition stays readable`);
    try {
      list = JSON.parse(value);
    } catch (e) {
      throw new Unchecked(`${path} is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
    }
  }
  if (!Array.isArray(list)) throw new Unchecked(`${path} is not a list of container definitions`);
  return elements(list, path).map((def, i) => containerOf(def, `#${i + 1}`, `${path}[${i}]`));
}

/** containerDefinitions as a JSON string (aws.ecs.TaskDefinition) or an already-parsed array. Never throws. */
export function containersFromContainerDefinitions(value: unknown): Adapted {
  return adapt(() => definitionsList(isUnknown(value) ? UNKNOWN : value, "containerDefinitions"));
}

/** awsx: `container` (one) or `containers` ({name: definition}). */
function awsxContainers(args: unknown, path: string): Container[] {
  if (args === UNKNOWN) throw unknownAt(path);
  if (args === undefined || args === null) return [];
  if (!isRecord(args)) throw new Unchecked(`${path} is not an object`);
  const out: Container[] = [];
  const single = read(args, "container");
  if (single !== undefined && single !== null) out.push(containerOf(single, "container", `${path}.container`));
  const map = read(args, "containers");
  if (map === UNKNOWN) throw unknownAt(`${path}.containers`);
  if (map !== undefined && map !== null) {
    if (!isRecord(map)) throw new Unchecked(`${path}.containers is not a {name: definition} map`);
    for (const key of keysOf(map, `${path}.containers`)) out.push(containerOf(read(map, key), key, `${path}.containers.${key}`));
  }
  return out;
}

export const TASK_DEFINITION_TYPES = [
  "aws:ecs/taskDefinition:TaskDefinition",
  "aws-native:ecs:TaskDefinition",
  "awsx:ecs:FargateTaskDefinition",
  "awsx:ecs:EC2TaskDefinition",
  "awsx:ecs:FargateService",
  "awsx:ecs:EC2Service",
] as const;

/**
 * Any resource the pack sees: returns undefined when the type is not a task-definition-like resource.
 * Never throws.
 */
export function containersFromResource(type: string, props: unknown): Adapted | undefined {
  switch (type) {
    case "aws:ecs/taskDefinition:TaskDefinition":
    case "aws-native:ecs:TaskDefinition":
      return adapt(() => {
        if (!isRecord(props)) throw new Unchecked("the resource's inputs are not known until deploy (preview)");
        return definitionsList(read(props, "containerDefinitions"), "containerDefinitions");
      });
    case "awsx:ecs:FargateTaskDefinition":
    case "awsx:ecs:EC2TaskDefinition":
      return adapt(() => awsxContainers(isRecord(props) ? props : UNKNOWN, "args"));
    case "awsx:ecs:FargateService":
    case "awsx:ecs:EC2Service":
      // A service given an existing `taskDefinition` has no containers of its own; that task definition is checked where it is declared.
      return adapt(() => awsxContainers(isRecord(props) ? read(props, "taskDefinitionArgs") : UNKNOWN, "taskDefinitionArgs"));
    default:
      return undefined;
  }
}

/**
 * JSON as printed by `aws ecs describe-task-definition` ({taskDefinition:{...}}), a bare task definition,
 * or an array of container definitions. Also accepts the SDK's TaskDefinition object. Never throws.
 */
export function containersFromTaskDefinitionDocument(doc: unknown): Adapted {
  return adapt(() => {
    let value = doc;
    if (typeof value === "string") {
      try {
        value = JSON.parse(value);
      } catch (e) {
        throw new Unchecked(`not JSON (${e instanceof Error ? e.message : String(e)})`);
      }
    }
    if (Array.isArray(value)) return nonEmpty(definitionsList(value, "containerDefinitions"));
    if (!isRecord(value)) throw notATaskDefinition();
    const inner = read(value, "taskDefinition");
    const td = isRecord(inner) ? inner : value;
    const defs = read(td, "containerDefinitions");
    if (defs === undefined) throw notATaskDefinition();
    return nonEmpty(definitionsList(defs, isRecord(inner) ? "taskDefinition.containerDefinitions" : "containerDefinitions"));
  });
}

function notATaskDefinition(): Unchecked {
  return new Unchecked(
    'not a task definition: expected {"taskDefinition": {"containerDefinitions": [...]}} (aws ecs describe-task-definition), a task definition with containerDefinitions, or a list of container definitions',
  );
}

function nonEmpty(containers: Container[]): Container[] {
  if (containers.length === 0) throw new Unchecked("the task definition has no container definitions");
  return containers;
}

// ---------------------------------------------------------------------------------------------
// Dead-letter queues and their alarms, from the stack's resources (for sqs-dlq-alarmed).
// ---------------------------------------------------------------------------------------------

/** One resource as a stack policy (or the synth harness) sees it. */
export interface StackResourceLike {
  type: string;
  urn?: string;
  name?: string;
  props: unknown;
  /** Property name -> URNs of the resources it was computed from (Pulumi passes these to stack policies). */
  propertyDependencies?: Record<string, string[]>;
}

const QUEUE = "aws:sqs/queue:Queue";
const REDRIVE_POLICY = "aws:sqs/redrivePolicy:RedrivePolicy";
const LAMBDA = "aws:lambda/function:Function";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";

/** The queue name at the end of an SQS ARN (arn:aws:sqs:region:account:name) or URL (https://.../account/name). */
function queueNameFrom(ref: string): string | undefined {
  if (ref.startsWith("arn:")) return ref.split(":")[5] || undefined;
  if (/^https?:\/\//.test(ref)) return ref.split("/").filter(Boolean).pop();
  return undefined;
}

function knownString(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" && !isUnknown(v) ? v : undefined;
}

/**
 * Finds every queue used as a dead-letter target (queue redrive policies, aws.sqs.RedrivePolicy,
 * Lambda dead-letter configs pointing at SQS) and every alarm on a queue's visible messages.
 * Values unknown during preview are matched through property dependencies; what still cannot be
 * matched is listed as unchecked. Never throws.
 */
export function deadLetterInputFromResources(resources: StackResourceLike[]): DeadLetterInput {
  const input: DeadLetterInput = { deadLetterQueues: [], alarms: [], unchecked: [] };
  try {
    const list = Array.isArray(resources) ? resources.filter((r) => isRecord(r) && typeof r.type === "string") : [];
    const queues = list.filter((r) => r.type === QUEUE);
    const namesOfQueue = (q: StackResourceLike) =>
      [
        knownString(read(q.props, "name")),
        ...["arn", "url", "id"].map((k) => {
          const v = knownString(read(q.props, k));
          return v ? queueNameFrom(v) : undefined;
        }),
      ].filter((n): n is string => n !== undefined);
    const byUrn = new Map(queues.filter((q) => q.urn).map((q) => [q.urn as string, q]));

    const targets = new Map<string, DeadLetterQueue>();
    const addTarget = (dlq: DeadLetterQueue) => {
      const id = dlq.key ?? dlq.names.join(",");
      if (!targets.has(id)) targets.set(id, dlq);
    };
    const addByRef = (ref: string) => {
      const name = queueNameFrom(ref) ?? ref;
      const q = queues.find((x) => namesOfQueue(x).includes(name) || knownString(read(x.props, "arn")) === ref);
      if (q) addTarget({ key: q.urn, names: [...new Set([name, ...namesOfQueue(q)])], label: name });
      else addTarget({ names: [name], label: name });
    };
    const addByDependency = (r: StackResourceLike, prop: string, what: string) => {
      const deps = (r.propertyDependencies?.[prop] ?? []).map((u) => byUrn.get(u)).filter((q): q is StackResourceLike => q !== undefined);
      if (deps.length === 0) {
        input.unchecked.push({
          resource: r.urn,
          reason: `the ${what} of ${r.name ?? r.urn ?? r.type} is not known until deploy, so its dead-letter queue could not be found`,
        });
      }
      for (const q of deps) addTarget({ key: q.urn, names: namesOfQueue(q), label: namesOfQueue(q)[0] ?? q.name ?? q.urn ?? "queue" });
    };

    for (const r of list) {
      if (r.type === QUEUE || r.type === REDRIVE_POLICY) {
        const raw = read(r.props, "redrivePolicy");
        if (raw === undefined || raw === null || raw === "") continue;
        if (raw === UNKNOWN) {
          addByDependency(r, "redrivePolicy", "redrive policy");
          continue;
        }
        let policy: unknown = raw;
        if (typeof raw === "string") {
          try {
            policy = JSON.parse(raw);
          } catch {
            input.unchecked.push({ resource: r.urn, reason: `the redrive policy of ${r.name ?? r.urn} is not valid JSON` });
            continue;
          }
        }
        const target = read(policy, "deadLetterTargetArn");
        if (target === UNKNOWN) addByDependency(r, "redrivePolicy", "redrive policy");
        else if (typeof target === "string" && target !== "") addByRef(target);
        else input.unchecked.push({ resource: r.urn, reason: `the redrive policy of ${r.name ?? r.urn} has no deadLetterTargetArn` });
      } else if (r.type === LAMBDA) {
        const dlc = read(r.props, "deadLetterConfig");
        if (dlc === undefined || dlc === null) continue;
        const target = dlc === UNKNOWN ? UNKNOWN : read(dlc, "targetArn");
        if (target === UNKNOWN) addByDependency(r, "deadLetterConfig", "dead-letter config");
        else if (typeof target === "string" && target.startsWith("arn:aws:sqs:")) addByRef(target);
      } else if (r.type === ALARM) {
        const alarm = alarmOf(r);
        if (alarm) input.alarms.push(alarm);
      }
    }
    input.deadLetterQueues = [...targets.values()];
  } catch (e) {
    input.unchecked.push({ reason: `unexpected input (${e instanceof Error ? e.message : String(e)})` });
  }
  return input;
}

/** The queues an alarm watches, if it is an AWS/SQS ApproximateNumberOfMessagesVisible alarm. */
function alarmOf(r: StackResourceLike): QueueAlarm | undefined {
  const metrics: unknown[] = [r.props];
  const queries = read(r.props, "metricQueries");
  if (Array.isArray(queries)) for (const q of elements(queries, "metricQueries")) metrics.push(read(q, "metric"));
  const names: string[] = [];
  let watches = false;
  for (const m of metrics) {
    if (read(m, "namespace") !== "AWS/SQS" || read(m, "metricName") !== "ApproximateNumberOfMessagesVisible") continue;
    watches = true;
    const name = knownString(read(read(m, "dimensions"), "QueueName"));
    if (name) names.push(name);
  }
  if (!watches) return undefined;
  const deps = r.propertyDependencies ?? {};
  return { queueNames: names, queueKeys: [...(deps.dimensions ?? []), ...(deps.metricQueries ?? [])] };
}
