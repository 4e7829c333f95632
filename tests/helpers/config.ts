import * as pulumi from "@pulumi/pulumi";
import { ConfigError, parseConfig, PlutoConfig, RawConfig } from "../../config";

/**
 * The smallest configuration the program accepts, as Pulumi hands it over (lists and objects as
 * JSON text, the way `pulumi config set --path` stores them). Tests change one field at a time.
 */
export const VALID_CONFIG: Readonly<RawConfig> = {
  domain: "pluto.example.com",
  googleClientId: "123-abc.apps.googleusercontent.com",
  googleClientSecret: "s3cret",
  alarmEmail: "ops@example.com",
  adminEmail: "admin@example.com",
  // As `pulumi config set --path 'pluto:allowedEmailDomains[0]' example.com` hands it to the program.
  allowedEmailDomains: '["example.com"]',
};

/** What the program receives for a `secure:` googleClientSecret. */
export const CLIENT_SECRET = pulumi.secret("s3cret");

/** The config, parsed as the program parses it (throws a ConfigError on a problem). */
export function parsed(raw: RawConfig, opts: { region?: string; secretKeys?: string[] } = {}): PlutoConfig {
  return parseConfig(raw, opts.region ?? "eu-west-1", raw.googleClientSecret === undefined ? undefined : CLIENT_SECRET, opts.secretKeys);
}

/** Every problem the config has, as `pluto synth` would list them; empty when it is valid. */
export function configProblems(raw: RawConfig, opts: { region?: string | null; secretKeys?: string[] } = {}): string[] {
  try {
    parseConfig(
      raw,
      opts.region === null ? undefined : (opts.region ?? "eu-west-1"),
      raw.googleClientSecret === undefined ? undefined : CLIENT_SECRET,
      opts.secretKeys,
    );
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}
