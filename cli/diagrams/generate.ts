/**
 * The diagrams committed under docs/diagrams/ and embedded in the docs pages, all drawn from the
 * example dev stack (Pulumi.dev.yaml) by the same code as `pluto synth --diagram`, `--sign-in-diagram`
 * and `pluto plan-summary --gantt`, `--cost-pie`. `npm run diagrams` rewrites them;
 * tests/cli/diagrams.spec.ts fails when a committed copy no longer matches the program.
 */
import * as fs from "fs";
import * as path from "path";
import { synthesizeStack } from "../commands/synth";
import { summarise } from "../commands/planSummary";
import { architectureDiagram } from "./architecture";
import { costPie, criticalPathGantt } from "./planCharts";
import { signInSequence } from "./signIn";
import { fenced } from "./mermaid";

export const ROOT = path.join(__dirname, "..", "..");
export const DIAGRAM_DIR = path.join(ROOT, "docs", "diagrams");

/** File name under docs/diagrams/ → Mermaid text. */
export async function generateDiagrams(stack = "dev"): Promise<Record<string, string>> {
  const result = await synthesizeStack({ stack, cwd: ROOT });
  const summary = summarise(result, result.config["aws:region"] ?? "us-east-1");
  return {
    "architecture.mmd": architectureDiagram(result.resources, `${result.project} (${result.stack}): what \`pluto synth --diagram\` draws`),
    "sign-in.mmd": signInSequence(result.resources),
    "first-deploy.mmd": criticalPathGantt(summary),
    "monthly-cost.mmd": costPie(summary),
  };
}

/** The marker a docs page puts before the fenced block it embeds. */
export const marker = (file: string) => `<!-- generated from docs/diagrams/${file} by \`npm run diagrams\`; do not edit -->`;

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

/** Docs pages that embed diagrams. */
export const PAGES = ["docs/architecture.md", "docs/deploy.md"];

if (require.main === module) {
  void generateDiagrams().then((diagrams) => {
    fs.mkdirSync(DIAGRAM_DIR, { recursive: true });
    for (const [file, text] of Object.entries(diagrams)) fs.writeFileSync(path.join(DIAGRAM_DIR, file), text);
    for (const page of PAGES) {
      const file = path.join(ROOT, page);
      fs.writeFileSync(file, embed(fs.readFileSync(file, "utf8"), diagrams));
    }
  });
}
