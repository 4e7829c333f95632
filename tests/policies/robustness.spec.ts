import { expect } from "chai";
import {
  containersFromContainerDefinitions,
  containersFromResource,
  containersFromTaskDefinitionDocument,
  deadLetterInputFromResources,
  TASK_DEFINITION_TYPES,
} from "../../policies/adapters";
import { checkContainers, checkDeadLetterAlarms, UNKNOWN_SENTINELS } from "../../policies/rules";
import { goldenDefinitions } from "../fixtures/policies/golden";

/** Deterministic PRNG (mulberry32) so a failure reproduces from its seed. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS = [
  "name",
  "image",
  "environment",
  "secrets",
  "command",
  "entryPoint",
  "value",
  "valueFrom",
  "containerDefinitions",
  "taskDefinition",
  "containers",
  "container",
  "taskDefinitionArgs",
  "redrivePolicy",
  "deadLetterTargetArn",
  "dimensions",
  "QueueName",
  "namespace",
  "metricName",
  "metricQueries",
  "metric",
];
const STRINGS = [
  "",
  "true",
  "false",
  "--prefer-email-to-user",
  "--skip-auth-route",
  "^/",
  "WEBUI_AUTH",
  "OAUTH2_PROXY_SKIP_AUTH_ROUTES",
  "postgres://u:p@h/db",
  "[{",
  "[]",
  "{}",
  "AWS/SQS",
  "ApproximateNumberOfMessagesVisible",
  "arn:aws:sqs:r:1:q",
  ...UNKNOWN_SENTINELS,
];

function junk(r: () => number, depth: number): unknown {
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  switch (Math.floor(r() * (depth > 3 ? 6 : 9))) {
    case 0:
      return null;
    case 1:
      return undefined;
    case 2:
      return Math.floor(r() * 1e6) - 5e5;
    case 3:
      return r() < 0.5;
    case 4:
      return pick(STRINGS);
    case 5:
      return r() < 0.05 ? "x".repeat(1 << 18) + ":".repeat(1000) : pick(STRINGS) + pick(STRINGS);
    case 6:
      return Array.from({ length: Math.floor(r() * 4) }, () => junk(r, depth + 1));
    case 7:
      return Object.fromEntries(Array.from({ length: Math.floor(r() * 5) }, () => [pick(KEYS), junk(r, depth + 1)]));
    default:
      return JSON.stringify(junk(r, depth + 1)) ?? "null";
  }
}

/** Replaces one random node of a golden definition with junk, so inputs stay close to real ones. */
function mutateGolden(r: () => number): unknown {
  const defs: any = JSON.parse(JSON.stringify(goldenDefinitions()));
  let node = defs;
  for (let depth = 0; depth < 4 && node && typeof node === "object"; depth++) {
    const keys = Object.keys(node);
    if (keys.length === 0) break;
    const key = keys[Math.floor(r() * keys.length)];
    if (r() < 0.4 || typeof node[key] !== "object" || node[key] === null) {
      node[key] = junk(r, 2);
      break;
    }
    node = node[key];
  }
  return defs;
}

describe("robustness: adapters and rules never throw", () => {
  it("survives 800 generated inputs through every adapter and rule", () => {
    const r = rng(20261129);
    let checked = 0;
    let unchecked = 0;
    for (let i = 0; i < 800; i++) {
      const value = i % 2 === 0 ? junk(r, 0) : mutateGolden(r);
      const context = `iteration ${i}`;
      const results = [
        containersFromContainerDefinitions(value),
        containersFromContainerDefinitions(JSON.stringify(value) ?? "undefined"),
        containersFromTaskDefinitionDocument(value),
        ...TASK_DEFINITION_TYPES.map((t) =>
          containersFromResource(t, { containerDefinitions: value, containers: value, taskDefinitionArgs: value, container: value }),
        ),
      ];
      for (const a of results) {
        expect(a, context).to.be.an("object");
        if (a && "containers" in a) {
          checked++;
          expect(() => checkContainers(a.containers), context).to.not.throw();
          for (const c of a.containers) {
            expect(c.name, context).to.be.a("string");
            for (const v of Object.values(c.environment)) expect(v, context).to.be.a("string");
          }
        } else {
          unchecked++;
          expect(a!.unchecked, context).to.be.a("string").and.not.equal("");
        }
      }
      expect(() => checkContainers(value as never), context).to.not.throw();
      const dlq = deadLetterInputFromResources([
        { type: "aws:sqs/queue:Queue", props: value },
        { type: "aws:cloudwatch/metricAlarm:MetricAlarm", props: value },
        value as never,
      ]);
      expect(() => checkDeadLetterAlarms(dlq), context).to.not.throw();
    }
    // The generator must exercise both outcomes, or it is testing nothing.
    expect(checked).to.be.greaterThan(300);
    expect(unchecked).to.be.greaterThan(300);
  });

  it("survives getters that throw (Pulumi's unknown-value proxy) anywhere", () => {
    const hostile = new Proxy(
      {},
      {
        get: () => {
          throw new Error("boom");
        },
        ownKeys: () => {
          throw new Error("boom");
        },
      },
    );
    for (const t of TASK_DEFINITION_TYPES) expect(containersFromResource(t, hostile)).to.have.property("unchecked");
    expect(containersFromTaskDefinitionDocument(hostile)).to.have.property("unchecked");
    expect(containersFromContainerDefinitions([hostile])).to.have.property("unchecked");
    expect(() => deadLetterInputFromResources([{ type: "aws:sqs/queue:Queue", props: hostile }])).to.not.throw();
    expect(() => checkContainers([hostile as never])).to.not.throw();
  });
});
