/**
 * `pluto plan-summary --gantt FILE --cost-pie FILE`: the estimated first deploy's critical path as a
 * Mermaid Gantt chart and the monthly cost by group as a pie (https://mermaid.js.org/syntax/gantt.html,
 * https://mermaid.js.org/syntax/pie.html), from the same summary the command prints.
 */
import type { PlanSummary } from "../commands/planSummary";
import type { CostItem } from "../plan/cost";

const mmss = (seconds: number) => `${Math.floor(seconds / 60)}:${String(Math.round(seconds % 60)).padStart(2, "0")}`;

/** Gantt task names may not hold `:` or `#` (they start the task's data and a comment). */
const taskName = (text: string) => text.replace(/[:#;]/g, " ").replace(/\s+/g, " ").trim();

export function criticalPathGantt(s: PlanSummary): string {
  const lines = [
    "gantt",
    `  title First deploy of ${s.project} (${s.stack}), estimated ${mmss(s.firstDeploy.totalSeconds)} (min:s) along the critical path`,
    "  dateFormat X",
    "  axisFormat %M:%S",
    "  section pulumi up",
  ];
  s.firstDeploy.criticalPath.forEach((e, i) => {
    // A zero-length bar is invisible; a second keeps it on the chart without moving what follows.
    const end = Math.max(e.finish, e.start + 1);
    lines.push(`    ${taskName(`${e.type.split(":").pop()} ${e.name} ${Math.round(e.seconds)} s`)} :t${i}, ${Math.round(e.start)}, ${Math.round(end)}`);
  });
  const wait = s.firstDeploy.servingAfter;
  if (wait) {
    lines.push("  section after pulumi up");
    const start = Math.round(s.firstDeploy.totalSeconds);
    lines.push(`    tasks start, app answers (estimate) :crit, serve, ${start}, ${start + wait.seconds}`);
  }
  return lines.join("\n") + "\n";
}

/** The cost groups, in the order the pie lists them; an item goes to the first group whose pattern matches its name. */
export const COST_GROUPS: [string, RegExp][] = [
  ["Network (NAT, load balancer, public IPv4, WAF)", /NAT|Load balancer|Application Load Balancer|IPv4|WAF|data transfer/i],
  ["Compute (Fargate)", /Fargate/i],
  ["Database and cache (RDS, ElastiCache)", /RDS|ElastiCache|Redis/i],
  ["Storage and backups (EFS, AWS Backup)", /EFS|Backup|S3/i],
  ["Logs and alarms (CloudWatch)", /CloudWatch/i],
  ["Secrets and keys (Secrets Manager, KMS)", /Secrets Manager|KMS/i],
];

export function costGroups(items: CostItem[]): { group: string; monthly: number }[] {
  const totals = new Map<string, number>();
  for (const item of items) {
    const group = COST_GROUPS.find(([, re]) => re.test(item.item))?.[0] ?? "Other";
    totals.set(group, (totals.get(group) ?? 0) + item.monthly);
  }
  const order = [...COST_GROUPS.map(([g]) => g), "Other"];
  return order.filter((g) => totals.has(g)).map((group) => ({ group, monthly: Math.round(totals.get(group)! * 100) / 100 }));
}

export function costPie(s: PlanSummary): string {
  const lines = [
    `pie showData title Monthly cost of ${s.project} (${s.stack}), estimated $${s.cost.total.toFixed(2)} (${s.cost.priceRegion}, prices as of ${s.cost.pricesAsOf})`,
  ];
  for (const g of costGroups(s.cost.items)) lines.push(`  "${g.group}" : ${g.monthly.toFixed(2)}`);
  return lines.join("\n") + "\n";
}
