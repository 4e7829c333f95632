import { Command } from "commander";
import { Io } from "../../io";
import type { RegisterCommand } from "../index";
import { registerDiff } from "./diff";
import { registerDlqRedrive } from "./dlqRedrive";
import { registerDoctor } from "./doctor";
import { registerLogs } from "./logs";
import { defaultDeps, OpsDeps } from "./options";
import { registerRedeploy } from "./redeploy";
import { registerRestart } from "./restart";
import { registerUpgrade } from "./upgrade";
import { registerUsersDisable } from "./usersDisable";
import { registerUsersList } from "./usersList";
import { registerUsersSync } from "./usersSync";

/** The live-AWS runbook commands; `deps` lets tests swap clients, the prompt, the clock and sleeping. */
export function opsCommands(overrides: Partial<OpsDeps> = {}): RegisterCommand {
  const deps: OpsDeps = { ...defaultDeps, ...overrides };
  return (program: Command, io: Io, result: { exitCode: number }) => {
    registerDoctor(program, io, result, deps);
    registerDiff(program, io, result, deps);
    registerLogs(program, io, result, deps);
    registerRedeploy(program, io, result, deps);
    registerRestart(program, io, result, deps);
    registerUpgrade(program, io, result, deps);
    const users = program.command("users").description("the workspace's members in Cognito: list, disable, re-run onboarding");
    registerUsersList(users, io, result, deps);
    registerUsersDisable(users, io, result, deps);
    registerUsersSync(users, io, result, deps);
    registerDlqRedrive(program.command("dlq").description("the provisioning dead-letter queue"), io, result, deps);
  };
}

export const registerOps: RegisterCommand = opsCommands();
