import { Command } from "commander";
import { ListUserPoolsCommand, ListUsersCommand, UserType } from "@aws-sdk/client-cognito-identity-provider";
import { messageFromAttributes } from "../../../functions/message";
import { CliError, EXIT } from "../../errors";
import { aws } from "./awsErrors";
import { CommonOptions, OpsSession, withCommonOptions } from "./options";

/** Options every `pluto users` command accepts. */
export interface UsersOptions extends CommonOptions {
  userPoolId?: string;
}

export function withUsersOptions(cmd: Command): Command {
  return withCommonOptions(cmd).option("--user-pool-id <id>", "Cognito user pool (default: the pool named <prefix>-users)");
}

/** One member of the pool as the commands show and act on it. */
export interface Member {
  /** Cognito's username (`google_<id>` for Google sign-ins): what the admin APIs take. */
  username: string;
  email: string;
  name: string;
  sub: string;
  enabled: boolean;
  /** Cognito's UserStatus: EXTERNAL_PROVIDER for Google sign-ins, CONFIRMED, UNCONFIRMED, ... */
  status: string;
  emailVerified: boolean;
  /** ISO time Cognito created the member, or "" when it did not say. */
  created: string;
  attributes: Record<string, string | undefined>;
}

export function memberOf(u: UserType): Member {
  const attributes = Object.fromEntries((u.Attributes ?? []).map((a) => [a.Name ?? "", a.Value]));
  const built = messageFromAttributes(attributes);
  return {
    username: u.Username ?? "",
    email: (attributes.email ?? "").toLowerCase(),
    // The name the producer would enqueue, so the list shows what onboarding announces.
    name: built.ok ? built.message.name : (attributes.name ?? ""),
    sub: attributes.sub ?? "",
    enabled: u.Enabled !== false,
    status: u.UserStatus ?? "UNKNOWN",
    emailVerified: String(attributes.email_verified).toLowerCase() === "true",
    created: u.UserCreateDate ? new Date(u.UserCreateDate).toISOString() : "",
    attributes,
  };
}

/** The pool named `<prefix>-users`; more than one with that name is ambiguous, so the operator must pick. */
export async function findUserPool(s: OpsSession, name: string): Promise<string> {
  const matches: string[] = [];
  let nextToken: string | undefined;
  do {
    const out = await aws(s.ctx, "cognito-idp:ListUserPools", () =>
      s.clients.cognito.send(new ListUserPoolsCommand({ MaxResults: 60, ...(nextToken ? { NextToken: nextToken } : {}) })),
    );
    for (const pool of out.UserPools ?? []) if (pool.Name === name && pool.Id) matches.push(pool.Id);
    nextToken = out.NextToken;
  } while (nextToken);
  if (matches.length === 0) throw new CliError(`no Cognito user pool named ${name} in ${s.ctx.region} (use --user-pool-id or --prefix)`, EXIT.cannotCheck);
  if (matches.length > 1)
    throw new CliError(`${matches.length} user pools are named ${name} (${matches.join(", ")}); pick one with --user-pool-id`, EXIT.cannotCheck);
  return matches[0];
}

export async function resolveUserPool(s: OpsSession, opts: UsersOptions): Promise<string> {
  return opts.userPoolId ?? (await findUserPool(s, s.names.userPoolName));
}

/** Every member (all pages), or those matching a ListUsers `filter` such as `email = "ada@example.com"`. */
export async function listMembers(s: OpsSession, userPoolId: string, filter?: string): Promise<Member[]> {
  const users: UserType[] = [];
  let token: string | undefined;
  do {
    const out = await aws(s.ctx, "cognito-idp:ListUsers", () =>
      s.clients.cognito.send(
        new ListUsersCommand({ UserPoolId: userPoolId, Limit: 60, ...(filter ? { Filter: filter } : {}), ...(token ? { PaginationToken: token } : {}) }),
      ),
    );
    users.push(...(out.Users ?? []));
    token = out.PaginationToken;
  } while (token);
  return users.map(memberOf);
}
