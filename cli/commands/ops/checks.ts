import type { Service, Task } from "@aws-sdk/client-ecs";
import { ContainerSnapshot } from "./envDiff";
import { shortTaskDefinition, taskId } from "./names";

/** One line of the doctor report. Only `fail` makes the report unhealthy. */
export interface Check {
  name: string;
  status: "pass" | "fail" | "warn" | "skip";
  summary: string;
  details: string[];
}

const isOff = (v: string | undefined) => v !== undefined && /^(false|0|no)$/i.test(v.trim());
const isOn = (v: string | undefined) => v !== undefined && !isOff(v);

/** A command-line flag of the container, e.g. `--set-xauthrequest` or `--pass-user-headers=false`. */
function flag(command: string[] | undefined, name: string): string | undefined {
  for (const arg of command ?? []) {
    if (arg === `--${name}`) return "true";
    if (arg.startsWith(`--${name}=`)) return arg.slice(name.length + 3);
  }
  return undefined;
}

/**
 * Runbook step 3: oauth2-proxy must run in direct proxy mode (X-Forwarded-* request headers to
 * the app), not nginx auth_request mode (X-Auth-Request-* response headers that never reach it).
 */
export function proxyModeCheck(containers: ContainerSnapshot[]): Check {
  const name = "proxy-mode";
  const proxy = containers.find((c) => c.name === "oauth2-proxy");
  if (!proxy) return { name, status: "fail", summary: "no oauth2-proxy container in the task: nothing sets the trusted headers", details: [] };
  const details: string[] = [];
  let status: Check["status"] = "pass";
  const pass = proxy.environment.OAUTH2_PROXY_PASS_USER_HEADERS ?? flag(proxy.command, "pass-user-headers");
  const xauth = proxy.environment.OAUTH2_PROXY_SET_XAUTHREQUEST ?? flag(proxy.command, "set-xauthrequest");
  if (isOff(pass)) {
    status = "fail";
    details.push(`OAUTH2_PROXY_PASS_USER_HEADERS=${pass}: X-Forwarded-Email/User are not sent to the app`);
  } else if (pass === undefined) {
    status = "warn";
    details.push("OAUTH2_PROXY_PASS_USER_HEADERS is not set (oauth2-proxy defaults to true; the golden configuration sets it)");
  }
  if (isOn(xauth)) {
    status = "fail";
    details.push(`OAUTH2_PROXY_SET_XAUTHREQUEST=${xauth}: nginx auth_request mode; X-Auth-Request-* headers never reach the app`);
  }
  const app = containers.find((c) => c.environment.WEBUI_AUTH_TRUSTED_EMAIL_HEADER !== undefined);
  const header = app?.environment.WEBUI_AUTH_TRUSTED_EMAIL_HEADER;
  if (header !== undefined && header.toLowerCase() !== "x-forwarded-email") {
    status = "fail";
    details.push(`${app!.name}: WEBUI_AUTH_TRUSTED_EMAIL_HEADER=${header}, but direct proxy mode sends X-Forwarded-Email`);
  }
  const summary =
    status === "fail"
      ? "oauth2-proxy is not in direct proxy mode"
      : status === "warn"
        ? "direct proxy mode by default only"
        : "direct proxy mode: PASS_USER_HEADERS=true, no SET_XAUTHREQUEST";
  return { name, status, summary, details };
}

const ROLLBACK_EVENT = /rolling back|circuit breaker|deployment failed/i;

/**
 * Runbook step 4: stuck or failed rollouts. A circuit-breaker rollback is a finding while the
 * service still runs the deployment it rolled back to (the rollback event is newer than the
 * PRIMARY deployment); a later deployment clears it.
 */
export function deploymentCheck(service: Service): Check {
  const name = "deployments";
  const deployments = service.deployments ?? [];
  const details: string[] = [];
  const problems: string[] = [];
  for (const d of deployments) {
    details.push(
      `${d.status ?? "?"} ${d.id ?? "?"} ${shortTaskDefinition(d.taskDefinition ?? "?")} rollout=${d.rolloutState ?? "?"} running=${d.runningCount ?? 0}/${d.desiredCount ?? 0}` +
        (d.failedTasks ? ` failedTasks=${d.failedTasks}` : "") +
        // A COMPLETED rollout's reason only repeats "completed"; any other reason explains a problem.
        (d.rolloutStateReason && d.rolloutState !== "COMPLETED" ? ` (${d.rolloutStateReason})` : ""),
    );
  }
  const inProgress = deployments.filter((d) => d.rolloutState === "IN_PROGRESS");
  if (inProgress.length > 1) problems.push(`${inProgress.length} deployments in progress at once (stuck rollout; see \`pluto redeploy\`)`);
  for (const d of deployments.filter((x) => x.rolloutState === "FAILED")) {
    problems.push(`deployment ${d.id} FAILED${d.rolloutStateReason ? `: ${d.rolloutStateReason}` : ""}`);
  }
  const running = service.runningCount ?? 0;
  const desired = service.desiredCount ?? 0;
  if (running < desired) problems.push(`${running} of ${desired} desired tasks running`);
  const primary = deployments.find((d) => d.status === "PRIMARY");
  const since = primary?.createdAt?.getTime() ?? 0;
  const rollback = (service.events ?? []).find((e) => ROLLBACK_EVENT.test(e.message ?? "") && (e.createdAt?.getTime() ?? 0) > since);
  if (rollback) problems.push(`circuit breaker rolled back at ${rollback.createdAt?.toISOString()}: ${rollback.message}`);
  const status = problems.length ? "fail" : "pass";
  const summary = problems.length
    ? problems.join("; ")
    : `${deployments.length === 1 ? "1 deployment" : `${deployments.length} deployments`}, ${running}/${desired} tasks running`;
  return { name, status, summary, details };
}

const FAILURE_STOP = /TaskFailedToStart|EssentialContainerExited/;
const FAILURE_REASON = /health check|CannotPull|ResourceInitializationError|OutOfMemory|Essential container/i;

/** Recently stopped tasks and why: the first place a crash loop or a failing health check shows. */
export function stoppedTasksCheck(tasks: Task[], limit = 5): Check {
  const name = "stopped-tasks";
  if (tasks.length === 0) return { name, status: "pass", summary: "no recently stopped tasks", details: [] };
  const sorted = [...tasks].sort((a, b) => (b.stoppedAt?.getTime() ?? 0) - (a.stoppedAt?.getTime() ?? 0));
  const failing = (t: Task) =>
    FAILURE_STOP.test(t.stopCode ?? "") || FAILURE_REASON.test(t.stoppedReason ?? "") || (t.containers ?? []).some((c) => (c.exitCode ?? 0) !== 0);
  const details = sorted.slice(0, limit).map((t) => {
    const exits = (t.containers ?? [])
      .filter((c) => c.exitCode !== undefined || c.reason)
      .map((c) => `${c.name} exit=${c.exitCode ?? "?"}${c.reason ? ` (${c.reason})` : ""}`);
    return `${t.stoppedAt?.toISOString() ?? "?"} ${taskId(t.taskArn ?? "?")} ${t.stopCode ?? ""}: ${t.stoppedReason ?? "no reason given"}${exits.length ? `; ${exits.join(", ")}` : ""}`;
  });
  const bad = sorted.filter(failing).length;
  return {
    name,
    status: bad ? "warn" : "pass",
    summary: bad ? `${bad} of ${tasks.length} recently stopped tasks failed` : `${tasks.length} recently stopped, none failed`,
    details,
  };
}

/** A container's version as ECS ran it: the image reference, and the digest it resolved to when ECS reports one. */
function runningVersion(c: { image?: string; imageDigest?: string }): string | undefined {
  if (!c.image) return undefined;
  return c.imageDigest ? `${c.image} (${c.imageDigest})` : c.image;
}

/**
 * Upgrade safety. Open WebUI migrates its schema when it starts, and its release notes do not
 * support two versions against one database: every running task must run the same version of each
 * app container (a moving tag resolved to two digests counts as two). oauth2-proxy versions may
 * differ harmlessly, but that is worth a look. A deployment configuration that lets ECS start new
 * tasks before the old ones stop (maximum percent above 100) makes the next image upgrade unsafe.
 */
export function versionsCheck(service: Service, running: Task[]): Check {
  const name = "versions";
  const byContainer = new Map<string, Map<string, number>>();
  for (const task of running)
    for (const c of task.containers ?? []) {
      const version = runningVersion(c);
      if (!c.name || !version) continue;
      const versions = byContainer.get(c.name) ?? new Map<string, number>();
      versions.set(version, (versions.get(version) ?? 0) + 1);
      byContainer.set(c.name, versions);
    }
  const problems: string[] = [];
  const warnings: string[] = [];
  const details: string[] = [];
  for (const [container, versions] of byContainer) {
    const listed = [...versions].map(([v, n]) => `${v} on ${n} task${n === 1 ? "" : "s"}`);
    details.push(`${container}: ${listed.join("; ")}`);
    if (versions.size > 1) (container === "oauth2-proxy" ? warnings : problems).push(`${versions.size} versions of ${container} running at once`);
  }
  const maximumPercent = service.deploymentConfiguration?.maximumPercent;
  if (maximumPercent !== undefined && maximumPercent > 100)
    warnings.push(`deployment maximum percent is ${maximumPercent}: ECS may start tasks of a new revision while old ones run (Pluto deploys with 0/100)`);
  if (problems.length)
    return {
      name,
      status: "fail",
      summary: `${problems.join("; ")}: two Open WebUI versions must not share a database (docs/upgrades.md, "Upgrading Open WebUI")`,
      details: [...details, ...warnings],
    };
  if (warnings.length) return { name, status: "warn", summary: warnings.join("; "), details };
  if (running.length === 0) return { name, status: "pass", summary: "no running tasks", details };
  return { name, status: "pass", summary: `one version per container on ${running.length} running task${running.length === 1 ? "" : "s"}`, details };
}
