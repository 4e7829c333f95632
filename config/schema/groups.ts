/** `pluto:groups`: the Cognito groups the stack creates; their rules and their way to Open WebUI are config/groups.ts. */
import { GroupConfig, groupsSchema } from "../groups";
import { KeySpec } from "./fields";

export const groups: KeySpec<GroupConfig[]> = {
  description:
    "List of Cognito groups the stack creates (default none), each {name, description}: Open WebUI puts a member in the group of the same name at their next sign-in (see docs/groups.md). Names are 1-128 printable ASCII characters without spaces or commas. Set with --path, e.g. `pulumi config set --path 'pluto:groups[0].name' research`.",
  default: [],
  schema: () => groupsSchema,
};
