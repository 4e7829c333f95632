/**
 * `pluto doctor`: the versions actually running against the policy rules' security floors
 * (policies/rules/imageFloors.ts). The task definition says what should run; ECS's DescribeTasks
 * says what each running container was started from (containers[].image, as resolved at start).
 */
import { Task, TaskDefinition } from "@aws-sdk/client-ecs";
import { checkImageFloor, floorMessage } from "../../../policies/rules";
import { containersFromTaskDefinitionDocument } from "../../../policies/adapters";
import { Check } from "./checks";

export function imageFloorCheck(running: Task[], td?: TaskDefinition): Check {
  const name = "image-floor";
  // What each container is configured as (a private-registry copy of Open WebUI is still Open WebUI).
  const adapted = td ? containersFromTaskDefinitionDocument({ taskDefinition: td }) : undefined;
  const configured = adapted && "containers" in adapted ? adapted.containers : [];
  const seen = new Map<string, { image: string; tasks: number }>();
  for (const task of running)
    for (const c of task.containers ?? []) {
      if (!c.name || !c.image) continue;
      const key = `${c.name}\u0000${c.image}`;
      seen.set(key, { image: c.image, tasks: (seen.get(key)?.tasks ?? 0) + 1 });
    }
  const fail: string[] = [];
  const warn: string[] = [];
  const details: string[] = [];
  for (const [key, { image, tasks }] of seen) {
    const container = key.split("\u0000")[0];
    const verdict = checkImageFloor(
      image,
      configured.find((c) => c.name === container),
    );
    if (!verdict) continue;
    const where = `${container} on ${tasks} task${tasks === 1 ? "" : "s"}`;
    if (verdict.release === undefined) {
      warn.push(`${where}: ${image} names no release (a digest), so it cannot be compared with ${verdict.floor.app}'s floor ${verdict.floor.minimum}`);
    } else if (verdict.below) {
      (verdict.floor.internetFacing ? fail : warn).push(floorMessage(`${where}:`, verdict));
    } else {
      details.push(`${where}: ${verdict.floor.app} ${verdict.release.join(".")} (floor ${verdict.floor.minimum})`);
    }
  }
  if (fail.length)
    return { name, status: "fail", summary: `${fail.length} running container(s) below their security floor`, details: [...fail, ...warn, ...details] };
  if (warn.length)
    return { name, status: "warn", summary: warn.length === 1 ? warn[0] : `${warn.length} containers to look at`, details: [...warn, ...details] };
  if (running.length === 0) return { name, status: "skip", summary: "no running tasks", details };
  return { name, status: "pass", summary: "every running image is at or above its security floor", details };
}
