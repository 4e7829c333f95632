/**
 * The folders say what they hold: `components/` shows the stack's parts and nothing else, so a
 * newcomer finds the configuration under config/, the golden settings under settings/, names under
 * naming/ and the secrets helpers under secrets/ instead of between the ComponentResources.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { ROOT } from "./helpers/stack";

/** The classes a source file declares that extend `pulumi.ComponentResource`, and every other top-level declaration's kind. */
export function componentClasses(source: string): { components: string[]; others: string[] } {
  const file = ts.createSourceFile("x.ts", source, ts.ScriptTarget.ES2022, true);
  const components: string[] = [];
  const others: string[] = [];
  for (const statement of file.statements) {
    if (!ts.isClassDeclaration(statement)) continue;
    const base = statement.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]?.expression.getText(file);
    (base === "pulumi.ComponentResource" ? components : others).push(statement.name?.text ?? "(anonymous)");
  }
  return { components, others };
}

describe("repository layout", () => {
  it("components/ holds only files that each define exactly one pulumi.ComponentResource", () => {
    const dir = path.join(ROOT, "components");
    const entries = fs.readdirSync(dir, { withFileTypes: true });
    expect(entries.length).to.be.greaterThan(0);
    const wrong = entries
      .map((e) => {
        if (!e.isFile() || !e.name.endsWith(".ts")) return `${e.name}: not a TypeScript file`;
        const { components, others } = componentClasses(fs.readFileSync(path.join(dir, e.name), "utf8"));
        if (components.length !== 1) return `${e.name}: defines ${components.length} ComponentResource classes`;
        if (others.length > 0) return `${e.name}: also defines ${others.join(", ")}`;
        return undefined;
      })
      .filter((w) => w !== undefined);
    expect(wrong, wrong.join("\n")).to.deep.equal([]);
  });

  it("tells a module of helpers from a component", () => {
    expect(componentClasses("export class A extends pulumi.ComponentResource {}")).to.deep.equal({ components: ["A"], others: [] });
    expect(componentClasses("export function f() {}\nexport const x = 1;")).to.deep.equal({ components: [], others: [] });
    expect(componentClasses("class E extends Error {}\nclass B extends pulumi.ComponentResource {}")).to.deep.equal({ components: ["B"], others: ["E"] });
  });
});
