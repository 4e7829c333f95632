import * as fs from "fs";
import * as path from "path";
import type { TaskDefinition } from "@aws-sdk/client-ecs";

/**
 * Task definitions written out by hand in the shape `aws ecs describe-task-definition` prints
 * (every field ECS returns: revision, status, requiresAttributes, compatibilities, registeredAt, the
 * container defaults ECS fills in such as `cpu: 0` and `hostPort`), never built from
 * settings/golden.ts: doctor and diff are tested against what AWS hands back, not against our own
 * assumptions. The SDK returns the same document with its timestamps as Date objects (the CLI prints
 * them as ISO text), so the loader converts those.
 */
export function literalTaskDefinition(file: string): TaskDefinition {
  const doc = JSON.parse(fs.readFileSync(path.join(__dirname, file), "utf8")) as { taskDefinition: Record<string, unknown> };
  const td = { ...doc.taskDefinition };
  for (const key of ["registeredAt", "deregisteredAt"]) if (typeof td[key] === "string") td[key] = new Date(td[key]);
  return td;
}

/** A path to the literal file, for commands that read files (`pluto lint`). */
export function literalFile(file: string): string {
  return path.join(__dirname, file);
}
