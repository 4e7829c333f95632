/**
 * The stack policies over the resource graph, as pure functions (`checkGraph`, for `pluto lint`
 * and tests) and as CrossGuard StackValidationPolicies (for the pack). A rule that throws is
 * reported as a finding at the policy's level: a bug must not let a stack through.
 */
import { ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import type { EnforcementLevel, PolicyInfo, RulesConfig } from "../rules";
import { levelOf, uncheckedMessage } from "../rules";
import { reportAdvisory } from "../report";
import { RawStackFinding, StackGraph, StackResourceInput } from "./graph";
import { GRAPH_POLICIES } from "./info";
import { forwardsOnlyThroughProxy, lbTargetsProxy, refusesForwardedHeaders } from "./ingress";
import { appPortNotExposed, taskIngressProxyOnly } from "./network";
import { cognitoClientNoPasswordSignIn, lambdaNoPlaintextSecrets } from "./identity";
import {
  dbBackupEnabled,
  dropInvalidHeaders,
  efsEncrypted,
  encryptedVolumes,
  httpRedirectsToHttps,
  kmsRotation,
  lbAccessLogs,
  lbDeletionProtection,
  rdsNotPublic,
  rdsStorageEncrypted,
} from "./baseline";

type GraphRule = (graph: StackGraph) => RawStackFinding[];

export const GRAPH_RULES: Record<string, GraphRule> = {
  "ecs-lb-targets-oauth2-proxy": lbTargetsProxy,
  "alb-forwards-only-through-proxy": forwardsOnlyThroughProxy,
  "alb-refuses-forwarded-headers": refusesForwardedHeaders,
  "ecs-task-ingress-proxy-only": taskIngressProxyOnly,
  "ecs-app-port-not-exposed": appPortNotExposed,
  "cognito-client-no-password-sign-in": cognitoClientNoPasswordSignIn,
  "lambda-no-plaintext-secrets": lambdaNoPlaintextSecrets,
  "rds-instance-public-access-check": rdsNotPublic,
  "rds-storage-encrypted": rdsStorageEncrypted,
  "db-instance-backup-enabled": dbBackupEnabled,
  "efs-encrypted-check": efsEncrypted,
  "encrypted-volumes": encryptedVolumes,
  "cmk-backing-key-rotation-enabled": kmsRotation,
  "alb-http-to-https-redirection-check": httpRedirectsToHttps,
  "alb-http-drop-invalid-header-enabled": dropInvalidHeaders,
  "elb-logging-enabled": lbAccessLogs,
  "elb-deletion-protection-enabled": lbDeletionProtection,
};

export interface GraphFinding {
  policy: string;
  level: "mandatory" | "advisory";
  /** URN of the resource it is about. */
  resource?: string;
  message: string;
}

function runRule(info: PolicyInfo, graph: StackGraph): RawStackFinding[] {
  try {
    return GRAPH_RULES[info.name](graph);
  } catch (e) {
    return [{ message: uncheckedMessage(info.name, `internal error (${e instanceof Error ? e.message : String(e)})`) }];
  }
}

/** The engine's resources as the rules read them: property dependencies by URN. */
export function engineResources(args: StackValidationArgs): StackResourceInput[] {
  return args.resources.map((r) => ({
    type: r.type,
    urn: r.urn,
    name: r.name,
    props: r.props,
    propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies ?? {}).map(([k, deps]) => [k, deps.map((d) => d.urn)])),
  }));
}

/** Message of a finding: unchecked ones in the pack's wording for what could not be looked at. */
const wording = (policy: string, f: RawStackFinding) =>
  f.advisory && / could not be checked|not known until deploy/.test(f.message) ? uncheckedMessage(policy, f.message) : f.message;

/** Runs every enabled graph policy over a list of resources. Never throws. */
export function checkGraph(resources: StackResourceInput[], config?: RulesConfig): GraphFinding[] {
  const graph = new StackGraph(resources);
  const out: GraphFinding[] = [];
  for (const info of GRAPH_POLICIES) {
    const level: EnforcementLevel = levelOf(info, config);
    if (level === "disabled") continue;
    for (const f of runRule(info, graph)) {
      out.push({ policy: info.name, level: f.advisory ? "advisory" : level, ...(f.resource ? { resource: f.resource } : {}), message: wording(info.name, f) });
    }
  }
  return out;
}

function graphPolicy(info: PolicyInfo): StackValidationPolicy {
  return {
    name: info.name,
    description: info.description,
    enforcementLevel: info.defaultLevel,
    validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
      const graph = new StackGraph(engineResources(args));
      for (const f of runRule(info, graph)) {
        const message = wording(info.name, f);
        if (f.advisory) reportAdvisory(reportViolation, message, f.resource);
        else reportViolation(message, f.resource);
      }
    },
  };
}

export const graphPolicies: StackValidationPolicy[] = GRAPH_POLICIES.map(graphPolicy);
