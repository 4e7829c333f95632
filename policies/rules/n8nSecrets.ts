/**
 * n8n's workflows must not be able to read the task's secrets. Everyone invited to n8n can build
 * workflows; n8n's container holds N8N_ENCRYPTION_KEY and DB_POSTGRESDB_PASSWORD, and with both a
 * workflow author reads every credential anyone stored (the Postgres node opens n8n's own
 * database, the key decrypts what it finds). n8n 2.x keeps them out of reach by default:
 * - expressions and Code nodes see no environment unless N8N_BLOCK_ENV_ACCESS_IN_NODE is exactly
 *   "false" (n8n-workflow 2.41.1 workflow-data-proxy-env-provider.ts: `!== 'false'`);
 * - the Execute Command node, a shell that would print the environment, is excluded unless
 *   NODES_EXCLUDE replaces the default list (@n8n/config nodes.config.ts: `exclude =
 *   ['n8n-nodes-base.executeCommand', 'n8n-nodes-base.localFileTrigger']`, a JSON array).
 */
import { Container, RawFinding, TaskRule, isUnknown, quote } from "./types";
import { envValue } from "./settings";
import { isN8n } from "./identity";

const EXECUTE_COMMAND = "n8n-nodes-base.executeCommand";

function envAccessProblem(c: Container): string | undefined {
  if (c.secrets.includes("N8N_BLOCK_ENV_ACCESS_IN_NODE"))
    return "N8N_BLOCK_ENV_ACCESS_IN_NODE comes from secrets, so whether workflows can read the environment cannot be checked";
  const v = envValue(c, "N8N_BLOCK_ENV_ACCESS_IN_NODE");
  if (v === undefined) return undefined;
  if (isUnknown(v)) return "N8N_BLOCK_ENV_ACCESS_IN_NODE is not known until deploy, so whether workflows can read the environment cannot be checked";
  return v === "false" ? `N8N_BLOCK_ENV_ACCESS_IN_NODE=${quote(v)} lets every expression and Code node read the container's environment` : undefined;
}

function executeCommandProblem(c: Container): string | undefined {
  if (c.secrets.includes("NODES_EXCLUDE")) return "NODES_EXCLUDE comes from secrets, so whether the Execute Command node is enabled cannot be checked";
  const v = envValue(c, "NODES_EXCLUDE");
  if (v === undefined) return undefined;
  if (isUnknown(v)) return "NODES_EXCLUDE is not known until deploy, so whether the Execute Command node is enabled cannot be checked";
  let list: unknown;
  try {
    list = JSON.parse(v);
  } catch {
    return `NODES_EXCLUDE=${quote(v)} is not a JSON list, so whether the Execute Command node is enabled cannot be checked`;
  }
  if (Array.isArray(list) && list.includes(EXECUTE_COMMAND)) return undefined;
  return `NODES_EXCLUDE=${quote(v)} no longer excludes ${EXECUTE_COMMAND}, a shell that prints the container's environment`;
}

export const n8nWorkflowsCannotReadSecrets: TaskRule = (containers) => {
  const out: RawFinding[] = [];
  for (const c of containers) {
    if (!isN8n(c)) continue;
    for (const problem of [envAccessProblem(c), executeCommandProblem(c)])
      if (problem)
        out.push({
          container: c.name,
          message: `${problem} (container ${c.name}): anyone who can edit a workflow could then read N8N_ENCRYPTION_KEY and n8n's database password, and with them every credential stored in n8n. Fix: leave N8N_BLOCK_ENV_ACCESS_IN_NODE and NODES_EXCLUDE unset (n8n's defaults).`,
        });
  }
  return out;
};
