/** n8n at n8n.<domain>, behind its own oauth2-proxy, when enabled. */
import { N8N_PUBLIC_WEBHOOK_ROUTES } from "../../policies/rules";
import { bool, KeySpec, optionalJsonObject, text, wholeNumber } from "./fields";
import { imagePinProblem } from "./images";
import { FARGATE_CPU, FARGATE_MEMORY, fargatePairProblem } from "./sizing";

export interface N8nConfig {
  /** Pinned n8n image. */
  image: string;
  /** Fargate size. Defaults to 512 CPU / 1024 MiB. */
  cpu: number;
  memory: number;
  /**
   * Let n8n's webhook and form trigger paths through its oauth2-proxy without sign-in, so outside
   * callers can reach them; each Webhook/Form node must then authenticate its callers. Defaults to false.
   */
  publicWebhooks: boolean;
}

export const N8N_DEFAULTS: N8nConfig = { image: "docker.n8n.io/n8nio/n8n:2.41.1", cpu: 512, memory: 1024, publicWebhooks: false };

const n8nShape = {
  // Setting any field turns n8n on; `enabled: false` keeps the other fields and turns it off.
  enabled: bool(),
  image: text((image, given) => {
    const problem = imagePinProblem(image);
    return problem && `${JSON.stringify(given)} ${problem}`;
  }),
  cpu: wholeNumber(...FARGATE_CPU),
  memory: wholeNumber(...FARGATE_MEMORY),
  publicWebhooks: bool(),
};

export type N8nFields = { enabled?: boolean | null } & { [K in keyof N8nConfig]?: N8nConfig[K] | null };

/** n8n's settings with every default applied, or undefined when n8n is off. */
export function resolveN8n(f: N8nFields | null | undefined): N8nConfig | undefined {
  if (f === undefined || f === null || f.enabled === false) return undefined;
  return {
    image: f.image ?? N8N_DEFAULTS.image,
    cpu: f.cpu ?? N8N_DEFAULTS.cpu,
    memory: f.memory ?? N8N_DEFAULTS.memory,
    publicWebhooks: f.publicWebhooks ?? N8N_DEFAULTS.publicWebhooks,
  };
}

export function n8nProblems(n8n: N8nConfig | undefined): string[] {
  const pair = n8n && fargatePairProblem("n8n", n8n.cpu, n8n.memory);
  return pair ? [pair] : [];
}

/** The warning `pluto synth` prints for public webhooks (never a failure). */
export function publicWebhooksWarning(n8n: N8nConfig | undefined): string[] {
  if (!n8n?.publicWebhooks) return [];
  return [
    `pluto:n8n.publicWebhooks is true: n8n's ${N8N_PUBLIC_WEBHOOK_ROUTES.map((r) => r.slice(1)).join(", ")} paths answer anyone on the internet without sign-in; every active Webhook or Form trigger must authenticate its callers itself (its Authentication setting)`,
  ];
}

export const n8n: KeySpec<N8nFields> = {
  description: `Object; n8n at n8n.<domain> once enabled (\`pulumi config set --path pluto:n8n.enabled true\`): enabled (true once any field is set); image (default ${N8N_DEFAULTS.image}); cpu (default ${N8N_DEFAULTS.cpu}); memory (default ${N8N_DEFAULTS.memory} MiB); publicWebhooks (default ${N8N_DEFAULTS.publicWebhooks}; true lets outside callers reach n8n's webhook and form trigger paths without sign-in).`,
  default: { enabled: false },
  structured: true,
  schema: () => optionalJsonObject("n8n", n8nShape),
};
