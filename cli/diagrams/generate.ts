/**
 * The diagrams committed under docs/diagrams/ and embedded in the docs pages, all drawn from the
 * example dev stack (Pulumi.dev.yaml) by the same code as `pluto synth --diagram`, `--sign-in-diagram`
 * and `pluto plan-summary --gantt`, `--cost-pie`; the IAM documents under deploy/iam/; and the
 * `config:` block of Pulumi.yaml, from the configuration schema (cli/synth/projectYaml.ts).
 * `npm run generate` rewrites them; tests/cli/diagrams.spec.ts and tests/cli/iamPolicies.spec.ts
 * fail when a committed copy no longer matches the program.
 */
import * as fs from "fs";
import * as path from "path";
import { synthesizeStack } from "../commands/synth";
import { summarise } from "../commands/planSummary";
import { architectureDiagram } from "./architecture";
import { costPie, criticalPathGantt } from "./planCharts";
import { signInSequence } from "./signIn";
import { fenced } from "./mermaid";
import { readStackForProgram } from "../synth/programConfig";
import { synthesize, SynthResult } from "../synth/harness";
import { iamDocuments, INVOKE_TOKENS } from "../synth/iamPolicies";
import { writeProjectYaml } from "../synth/projectYaml";

export const ROOT = path.join(__dirname, "..", "..");
export const DIAGRAM_DIR = path.join(ROOT, "docs", "diagrams");

/** File name under docs/diagrams/ → Mermaid text. */
export async function generateDiagrams(stack = "dev"): Promise<Record<string, string>> {
  const result = await synthesizeStack({ stack, cwd: ROOT });
  const summary = summarise(result, result.config["aws:region"] ?? "us-east-1");
  return {
    "architecture.mmd": architectureDiagram(result.resources, `${result.project} (${result.stack}): what \`pluto synth --diagram\` draws`),
    "architecture-everything.mmd": architectureDiagram(
      (await everythingStack()).resources,
      "pluto (prod with n8n and Bedrock models): the web application firewall, two or more tasks with Redis, the model gateway, n8n",
    ),
    "sign-in.mmd": signInSequence(result.resources),
    "first-deploy.mmd": criticalPathGantt(summary),
    "monthly-cost.mmd": costPie(summary),
  };
}

/** The marker a docs page puts before the fenced block it embeds. */
export const marker = (file: string) => `<!-- generated from docs/diagrams/${file} by \`npm run generate\`; do not edit -->`;

/** `page` with the block after each marker replaced by the diagram's current text. */
export function embed(page: string, diagrams: Record<string, string>): string {
  let out = page;
  for (const [file, text] of Object.entries(diagrams)) {
    const m = marker(file);
    const at = out.indexOf(m);
    if (at < 0) continue;
    const start = at + m.length + 1;
    const end = out.indexOf("\n```", out.indexOf("```mermaid", start) + 3) + 4;
    out = out.slice(0, start) + fenced(text) + out.slice(end);
  }
  return out;
}

/** The prod example with everything else turned on too: n8n and Bedrock models through the gateway. */
export async function everythingStack(): Promise<SynthResult> {
  const prod = readStackForProgram(ROOT, path.join(ROOT, "Pulumi.prod.yaml"), "prod");
  const before = process.cwd();
  process.chdir(ROOT); // as synthesizeStack does: Pulumi packages the Lambdas from the project directory
  try {
    return await synthesize({
      ...prod,
      config: {
        ...prod.config,
        "pluto:n8n": JSON.stringify({ enabled: true }),
        "pluto:models": JSON.stringify({ bedrock: { models: ["us.amazon.nova-lite-v1:0"], region: "us-east-1" } }),
      },
      stack: "prod",
      program: path.join(ROOT, "index.ts"),
    });
  } finally {
    process.chdir(before);
  }
}

/** Every resource type the program creates in the example stacks and with everything turned on, for the IAM documents. */
export async function resourceTypes(): Promise<string[]> {
  const types = new Set<string>();
  for (const stack of ["dev", "prod"]) (await synthesizeStack({ stack, cwd: ROOT })).resources.forEach((r) => types.add(r.type));
  (await everythingStack()).resources.forEach((r) => types.add(r.type));
  return [...types].sort();
}

/** deploy/iam/ file → JSON text. */
export async function generateIam(): Promise<Record<string, string>> {
  const docs = iamDocuments(await resourceTypes(), INVOKE_TOKENS);
  return Object.fromEntries(Object.entries(docs).map(([f, d]) => [f, JSON.stringify(d, null, 2) + "\n"]));
}

export const IAM_DIR = path.join(ROOT, "deploy", "iam");

/** Docs pages that embed diagrams. */
export const PAGES = ["docs/architecture.md", "docs/deploy.md"];

if (require.main === module) {
  // Pulumi.yaml first: the stacks the diagrams are drawn from read its defaults.
  void writeProjectYaml(ROOT)
    .then(() => generateDiagrams())
    .then((diagrams) => {
      fs.mkdirSync(DIAGRAM_DIR, { recursive: true });
      for (const [file, text] of Object.entries(diagrams)) fs.writeFileSync(path.join(DIAGRAM_DIR, file), text);
      void generateIam().then((iam) => {
        for (const [file, text] of Object.entries(iam)) fs.writeFileSync(path.join(IAM_DIR, file), text);
      });
      for (const page of PAGES) {
        const file = path.join(ROOT, page);
        fs.writeFileSync(file, embed(fs.readFileSync(file, "utf8"), diagrams));
      }
    });
}
