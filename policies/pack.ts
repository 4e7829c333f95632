/** The pack's identity and policy list, importable without starting the policy server (index.ts does that). */
import { Policies } from "@pulumi/policy";
import { taskPolicies } from "./taskPolicies";
import { stackPolicies } from "./stackPolicies";

export const PACK_NAME = "pluto";

export const PACK_DESCRIPTION =
  "Keeps the settings that break Open WebUI sign-in or open it to strangers (WEBUI_AUTH, prefer-email-to-user, Authorization headers, wrong trusted headers, forwarded-header trust, trusted IPs, unstripped client headers, open sign-up, skip-auth routes) out of every stack.";

export const packPolicies: Policies = [...taskPolicies, ...stackPolicies];
