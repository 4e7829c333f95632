/** The pack's identity and policy list, importable without starting the policy server (index.ts does that). */
import { Policies } from "@pulumi/policy";
import { taskPolicies } from "./taskPolicies";
import { stackPolicies } from "./stackPolicies";

export const PACK_NAME = "pluto";

export const PACK_DESCRIPTION =
  "Keeps the settings that broke Open WebUI sign-in (WEBUI_AUTH, prefer-email-to-user, Authorization headers, wrong trusted headers, open skip-auth routes) out of every stack.";

export const packPolicies: Policies = [...taskPolicies, ...stackPolicies];
