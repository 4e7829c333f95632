/** The rules' shared types and Pulumi's unknown-value sentinels. Imports nothing. */

export type EnforcementLevel = "mandatory" | "advisory" | "disabled";

export interface Container {
  name: string;
  image?: string;
  /** Plain environment (name -> value). */
  environment: Record<string, string>;
  /** Names supplied through ECS `secrets` (values unknown). */
  secrets: string[];
  /** entryPoint + command tokens, in that order. */
  command: string[];
  /** ECS `environmentFiles` (S3 object ARNs): settings the rules cannot read. Defaults to none. */
  environmentFiles?: string[];
}

export interface Finding {
  policy: string;
  level: "mandatory" | "advisory";
  container?: string;
  message: string;
}

export interface RulesConfig {
  /** Per-policy level override (the pack's config feeds this). */
  levels?: Record<string, EnforcementLevel>;
  /** oauth2-proxy skip-auth routes allowed on proxies in front of other apps than Open WebUI; default `DEFAULT_SKIP_AUTH_ROUTE_ALLOWLIST`. */
  skipAuthRouteAllowlist?: string[];
  /** The stack opted in to any account of the identity provider (oauth2-proxy EMAIL_DOMAINS=*); default false. */
  allowAnyEmailDomain?: boolean;
}

export interface PolicyInfo {
  name: string;
  defaultLevel: "mandatory" | "advisory";
  description: string;
}

/**
 * Pulumi's "not known until deploy" sentinels (the same strings in @pulumi/pulumi and @pulumi/policy).
 * During preview a value computed from another resource's output arrives as one of these.
 */
export const UNKNOWN_SENTINELS: readonly string[] = [
  "04da6b54-80e4-46f7-96ec-b56ff0331ba9", // string
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", // boolean
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421", // number
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2", // array
  "030794c1-ac77-496b-92df-f27374a8bd58", // asset
  "e48ece36-62e2-4504-bad9-02848725956a", // archive
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff", // object
];

export function isUnknown(value: unknown): boolean {
  return typeof value === "string" && UNKNOWN_SENTINELS.includes(value);
}

/** What one rule reports; the engine adds the policy name and level. */
export interface RawFinding {
  container?: string;
  message: string;
  /** Reported as advisory even when the policy runs mandatory (a weaker form of the same problem). */
  advisory?: boolean;
}

export type TaskRule = (containers: Container[], config: Required<Pick<RulesConfig, "skipAuthRouteAllowlist" | "allowAnyEmailDomain">>) => RawFinding[];

/** A value as a message shows it: quoted, shortened, or "(unknown until deploy)". */
export function quote(value: string): string {
  if (isUnknown(value)) return "(unknown until deploy)";
  return value.length > 80 ? JSON.stringify(value.slice(0, 77) + "...") : JSON.stringify(value);
}
