/** The pack's identity and policy list, importable without starting the policy server (index.ts does that). */
import { Policies } from "@pulumi/policy";
import { taskPolicies } from "./taskPolicies";
import { stackPolicies } from "./stackPolicies";

export const PACK_NAME = "pluto";

/** One description for the pack: package.json's, which PulumiPolicy.yaml repeats (a test keeps them equal). */
// The Pulumi CLI type-checks the pack with policies/tsconfig.json, which has no resolveJsonModule: not an import.
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const PACK_DESCRIPTION = (require("./package.json") as { description: string }).description;

export const packPolicies: Policies = [...taskPolicies, ...stackPolicies];
