import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { GroupConfig } from "../config/groups";

export interface AccessGroupsArgs {
  /** The user pool the groups belong to (Identity's pool). */
  userPoolId: pulumi.Input<string>;
  /** The validated `pluto:groups`, in config order. Defaults to none (no resources). */
  groups?: GroupConfig[];
}

/**
 * The Cognito groups of `pluto:groups`: the one place where membership is managed. Cognito lists a
 * member's groups in the ID token's `cognito:groups` claim; oauth2-proxy passes them on as
 * X-Forwarded-Groups and Open WebUI applies them at sign-in to its groups of the same name (see
 * config/groups.ts for each hop and docs/groups.md for when a change reaches a member).
 * Nothing here is given a role ARN or a precedence: the groups grant nothing in AWS.
 */
export class AccessGroups extends pulumi.ComponentResource {
  /** Each group by its name. */
  readonly groups: Record<string, aws.cognito.UserGroup>;

  constructor(name: string, args: AccessGroupsArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("pluto:identity:AccessGroups", name, {}, opts);
    this.groups = {};
    for (const g of args.groups ?? []) {
      // The group name is the resource name's tail, so a group keeps its resource (and its members)
      // when others are added or removed before it; a renamed group is a new group in Cognito
      // (CreateGroup's GroupName cannot change) and starts empty.
      this.groups[g.name] = new aws.cognito.UserGroup(
        `${name}-${g.name}`,
        { userPoolId: args.userPoolId, name: g.name, description: g.description || undefined },
        { parent: this },
      );
    }
    this.registerOutputs({ groupNames: Object.keys(this.groups) });
  }
}
