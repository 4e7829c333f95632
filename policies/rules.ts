/**
 * The rules that keep sign-in working, as pure functions over a normalised list of containers.
 *
 * One source of truth for the CrossGuard pack (policies/taskPolicies.ts), `pluto lint`,
 * `pluto synth`/`doctor` and `ProxiedService`'s construction-time check. The rules live in
 * policies/rules/, one module per subject (as AWSGuard splits its policies); this file only
 * re-exports them, so every caller keeps one import. The modules import nothing outside
 * policies/rules/ but a shell-word parser, so every caller can load them cheaply, including the
 * policy pack when it is published on its own.
 */
export * from "./rules/types";
export * from "./rules/catalog";
export * from "./rules/settings";
export * from "./rules/hiddenSettings";
export * from "./rules/identity";
export * from "./rules/n8n";
export * from "./rules/oauth2Proxy";
export * from "./rules/openWebui";
export * from "./rules/signOut";
export * from "./rules/secrets";
export * from "./rules/images";
export * from "./rules/engine";
export * from "./rules/queues";
export * from "./rules/shellWords";
export * from "./rules/oauth2ProxyOptions";
export * from "./rules/imageFloors";
export * from "./rules/trustedGroups";
export * from "./rules/configChecks";
export * from "./rules/loopback";
export * from "./rules/n8nSecrets";
