/** The pack's identity and policy list, importable without starting the policy server (index.ts does that). */
import { Policies } from "@pulumi/policy";
import { taskPolicies } from "./taskPolicies";
import { stackPolicies } from "./stackPolicies";

export const PACK_NAME = "pluto";

/** One description for the pack: package.json's, which PulumiPolicy.yaml repeats (a test keeps them equal). */
// eslint-disable-next-line @typescript-eslint/no-var-requires
export const PACK_DESCRIPTION: string = require("./package.json").description;

export const packPolicies: Policies = [...taskPolicies, ...stackPolicies];
