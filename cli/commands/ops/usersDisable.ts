import { Command } from "commander";
import { AdminDisableUserCommand, AdminUserGlobalSignOutCommand } from "@aws-sdk/client-cognito-identity-provider";
import { Io } from "../../io";
import { CliError, EXIT } from "../../errors";
import { aws } from "./awsErrors";
import { emit, plural, table } from "./format";
import { OpsDeps, openSession } from "./options";
import { confirmChange, withChangeFlags } from "./change";
import { listMembers, Member, resolveUserPool, UsersOptions, withUsersOptions } from "./users";

/**
 * An address as the operator types it. No quotes, backslashes or spaces, which also keeps the
 * ListUsers filter well-formed. (config/index.ts has the program's check, but loading it
 * would load Pulumi into the CLI.)
 */
export const EMAIL_ARG = /^[^\s@"\\]+@[^\s@"\\]+\.[^\s@"\\]+$/;

export interface UsersDisableOptions extends UsersOptions {
  yes?: boolean;
  dryRun?: boolean;
}

export interface UsersDisableResult {
  userPoolId: string;
  email: string;
  dryRun: boolean;
  /** The Cognito usernames disabled and signed out (all of this email's identities). */
  disabled: string[];
}

/**
 * The members whose email is `email`. Cognito keeps the address as the identity provider gave
 * it, so an exact match is tried first, then the lower-cased address.
 */
export async function membersByEmail(s: Parameters<typeof listMembers>[0], userPoolId: string, email: string): Promise<Member[]> {
  const exact = await listMembers(s, userPoolId, `email = "${email}"`);
  if (exact.length > 0 || email === email.toLowerCase()) return exact;
  return listMembers(s, userPoolId, `email = "${email.toLowerCase()}"`);
}

/**
 * Ends a member's access: AdminDisableUser (no new sign-in, no token refresh), then
 * AdminUserGlobalSignOut (revokes their refresh tokens everywhere). oauth2-proxy's own session
 * then ends at its next refresh against Cognito (COOKIE_REFRESH, at most an hour).
 */
export async function runUsersDisable(
  email: string,
  opts: UsersDisableOptions,
  deps: Pick<OpsDeps, "clients" | "confirm">,
  io: Io,
): Promise<UsersDisableResult> {
  if (!EMAIL_ARG.test(email)) throw new CliError(`EMAIL "${email}" is not an email address`, EXIT.cannotCheck);
  const session = await openSession(opts, deps);
  const userPoolId = await resolveUserPool(session, opts);
  const members = await membersByEmail(session, userPoolId, email);
  if (members.length === 0) throw new CliError(`no member with email ${email} in user pool ${userPoolId} (see \`pluto users list\`)`, EXIT.cannotCheck);
  const go = await confirmChange(
    io,
    opts,
    [
      `${opts.dryRun ? "would disable" : "will disable"} ${plural(members.length, "member")} with email ${email} in user pool ${userPoolId} (${session.ctx.region}) and sign them out everywhere:`,
      ...table(members.map((m) => [`  ${m.username}`, m.name || "-", m.enabled ? "enabled" : "already disabled", m.status])),
    ],
    `Disable ${email} and sign them out everywhere?`,
    deps.confirm,
  );
  const base = { userPoolId, email, dryRun: !go };
  if (!go) return { ...base, disabled: [] };
  const disabled: string[] = [];
  for (const m of members) {
    const input = { UserPoolId: userPoolId, Username: m.username };
    await aws(session.ctx, "cognito-idp:AdminDisableUser", () => session.clients.cognito.send(new AdminDisableUserCommand(input)));
    await aws(session.ctx, "cognito-idp:AdminUserGlobalSignOut", () => session.clients.cognito.send(new AdminUserGlobalSignOutCommand(input)));
    disabled.push(m.username);
  }
  return { ...base, disabled };
}

export function formatUsersDisable(r: UsersDisableResult): string[] {
  // A dry run's plan and its "nothing was changed" line were printed with the plan.
  if (r.dryRun) return [];
  return [
    `disabled and signed out ${r.email} (${r.disabled.join(", ")})`,
    "their Open WebUI and n8n sessions end at oauth2-proxy's next refresh against Cognito (within the hour)",
  ];
}

export function registerUsersDisable(users: Command, io: Io, result: { exitCode: number }, deps: OpsDeps): void {
  withChangeFlags(
    withUsersOptions(
      users
        .command("disable")
        .argument("<email>", "the member's email address")
        .description("disable a member in Cognito and sign them out of every session (AdminDisableUser, AdminUserGlobalSignOut)"),
    ),
  ).action(async (email: string, opts: UsersDisableOptions) => {
    const r = await runUsersDisable(email, opts, deps, io);
    emit(io, Boolean(opts.json), r, () => formatUsersDisable(r));
    result.exitCode = EXIT.ok;
  });
}
