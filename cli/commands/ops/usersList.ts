import { Command } from "commander";
import { Io } from "../../io";
import { EXIT } from "../../errors";
import { emit, plural, table } from "./format";
import { OpsDeps, openSession } from "./options";
import { listMembers, Member, resolveUserPool, UsersOptions, withUsersOptions } from "./users";
import { memberGroups, shownGroups } from "./usersGroups";

export interface UsersListResult {
  userPoolId: string;
  /** Each member with every Cognito group they are in (the table leaves out the identity provider's own group). */
  members: (Omit<Member, "attributes"> & { groups: string[] })[];
}

/** Every member of the pool with their groups, oldest first. Reads only (cognito-idp:ListUserPools, ListUsers, AdminListGroupsForUser). */
export async function runUsersList(opts: UsersOptions, deps: Pick<OpsDeps, "clients">): Promise<UsersListResult> {
  const session = await openSession(opts, deps);
  const userPoolId = await resolveUserPool(session, opts);
  const sorted = (await listMembers(session, userPoolId))
    .map(({ attributes: _attributes, ...m }) => m)
    .sort((a, b) => a.created.localeCompare(b.created) || a.email.localeCompare(b.email));
  const members: UsersListResult["members"] = [];
  for (const m of sorted) members.push({ ...m, groups: await memberGroups(session, userPoolId, m.username) });
  return { userPoolId, members };
}

export function formatUsersList(r: UsersListResult): string[] {
  const lines = [`user pool ${r.userPoolId}: ${plural(r.members.length, "member")}`];
  if (r.members.length === 0) return lines;
  return lines.concat(
    table([
      ["EMAIL", "NAME", "STATE", "CONFIRMATION", "EMAIL VERIFIED", "CREATED", "GROUPS"],
      ...r.members.map((m) => [
        m.email || "(no email)",
        m.name || "-",
        m.enabled ? "enabled" : "disabled",
        m.status,
        m.emailVerified ? "yes" : "no",
        m.created.slice(0, 10) || "-",
        shownGroups(m.groups),
      ]),
    ]),
  );
}

export function registerUsersList(users: Command, io: Io, result: { exitCode: number }, deps: OpsDeps): void {
  withUsersOptions(users.command("list").description("list the pool's members: email, name, enabled/disabled, confirmation status, created, groups")).action(
    async (opts: UsersOptions) => {
      const r = await runUsersList(opts, deps);
      emit(io, Boolean(opts.json), r, () => formatUsersList(r));
      result.exitCode = EXIT.ok;
    },
  );
}
