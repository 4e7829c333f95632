/**
 * How every command that changes something behaves (redeploy, restart, dlq redrive; the users
 * commands adopt it too): it shows its plan, then `--dry-run` stops there, `--yes` goes ahead, a
 * person at a terminal is asked, and anywhere else (CI, scripts) nothing changes without `--yes`.
 */
import { Command } from "commander";
import { Io } from "../../io";
import { OpsDeps, requireConsent } from "./options";

export interface ChangeFlags {
  yes?: boolean;
  dryRun?: boolean;
  json?: boolean;
}

/** The flags of a changing command. */
export function withChangeFlags(cmd: Command): Command {
  return cmd.option("-y, --yes", "do it without asking (required when stdin is not a terminal)").option("--dry-run", "show what would change; change nothing");
}

/** The plan goes where the operator reads it: stdout normally, stderr when stdout carries JSON. */
export function showPlan(io: Io, json: boolean | undefined, lines: string[]): void {
  for (const line of lines) {
    if (json) io.err(line);
    else io.out(line);
  }
}

export const DRY_RUN_LINE = "dry run: nothing was changed";

/**
 * Shows `plan`, then decides. Resolves to true when the change may go ahead, false for a dry run
 * (which says so); rejects (exit 2, or 1 when the person declines) when there is no consent.
 */
export async function confirmChange(io: Io, flags: ChangeFlags, plan: string[], question: string, confirm: OpsDeps["confirm"]): Promise<boolean> {
  showPlan(io, flags.json, plan);
  if (flags.dryRun) {
    showPlan(io, flags.json, [DRY_RUN_LINE]);
    return false;
  }
  await requireConsent(io, flags.yes, question, confirm);
  return true;
}
