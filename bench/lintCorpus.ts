/**
 * Task definitions for the lint benchmark, in every input shape `pluto lint` reads (describe
 * output, a bare task definition, a list of containers), golden or broken in one of the ways
 * the operator guide records.
 */
import { EcsContainerDefinition, goldenDefinitions, withCommand, withEnv } from "../tests/fixtures/policies/golden";

type Variant = (defs: EcsContainerDefinition[]) => void;

const VARIANTS: [string, Variant][] = [
  ["golden", () => undefined],
  ["webui-auth-false", ([app]) => void withEnv(app, "WEBUI_AUTH", "false")],
  ["prefer-email", ([, proxy]) => void withEnv(proxy, "OAUTH2_PROXY_PREFER_EMAIL_TO_USER", "true")],
  ["authorization-flag", ([, proxy]) => void withCommand(proxy, "--pass-authorization-header=true")],
  ["pending-role", ([app]) => void withEnv(app, "DEFAULT_USER_ROLE", "pending")],
];

const SHAPES: [string, (family: string, defs: EcsContainerDefinition[]) => unknown][] = [
  ["describe", (family, containerDefinitions) => ({ taskDefinition: { family, containerDefinitions } })],
  ["bare", (family, containerDefinitions) => ({ family, containerDefinitions })],
  ["containers", (_family, containerDefinitions) => containerDefinitions],
];

export interface CorpusFile {
  name: string;
  text: string;
}

/** `count` files cycling through every variant and shape; `name` is a plain file name. */
export function lintCorpus(count: number): CorpusFile[] {
  return Array.from({ length: count }, (_, i) => {
    const [variant, mutate] = VARIANTS[i % VARIANTS.length];
    const [shape, wrap] = SHAPES[Math.floor(i / VARIANTS.length) % SHAPES.length];
    const defs = goldenDefinitions();
    mutate(defs);
    return { name: `td-${String(i).padStart(5, "0")}-${variant}-${shape}.json`, text: JSON.stringify(wrap(`pluto-openwebui-${i}`, defs), null, 2) };
  });
}

export const CORPUS_VARIANTS = VARIANTS.map(([name]) => name);
