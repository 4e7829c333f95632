/**
 * Pulumi.yaml's `template:` section is what `pulumi new <repository URL>` asks for (pulumi/pulumi
 * sdk/go/common/workspace/project.go, `ProjectTemplate` and `ProjectTemplateConfigValue`: a
 * description, a string default, secret). The stack it creates must synthesise as is.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { main } from "../../cli/main";
import { memoryIo } from "../../cli/io";
import { ROOT } from "../helpers/stack";

type Prompt = { description?: string; default?: unknown; secret?: boolean };
const project = parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as {
  config: Record<string, { default?: unknown; secret?: boolean }>;
  template?: { description?: string; config?: Record<string, Prompt> };
};
const prompts = project.template?.config ?? {};

/** What an operator would type for each prompt without a default. */
const ANSWERS: Record<string, string> = {
  "pluto:domain": "ai.acme.example",
  "pluto:hostedZoneName": "acme.example",
  "pluto:adminEmail": "admin@acme.example",
  "pluto:allowedEmailDomains": '["acme.example"]',
  "pluto:alarmEmail": "ops@acme.example",
  "pluto:googleClientId": "123456789012-abcdefghijklmnopqrstuvwxyz012345.apps.googleusercontent.com",
  "pluto:googleClientSecret": "GOCSPX-answer",
};

/** The Pulumi.<stack>.yaml `pulumi new` writes: every answer a string, the secret encrypted. */
export function templateStack(prompts: Record<string, Prompt>, answers: Record<string, string>): string {
  const lines = ["config:"];
  for (const [key, p] of Object.entries(prompts)) {
    const value = answers[key] ?? (p.default === undefined ? undefined : String(p.default));
    if (value === undefined) throw new Error(`no answer for ${key}`);
    lines.push(p.secret ? `  ${key}:\n    secure: v1:AAAAAAAAAAAAAAAA:${Buffer.from(value).toString("base64")}` : `  ${key}: ${JSON.stringify(value)}`);
  }
  return lines.join("\n") + "\n";
}

describe("the pulumi new template (Pulumi.yaml template:)", () => {
  it("has a description and a described prompt for every key", () => {
    expect(project.template?.description).to.be.a("string").with.length.above(0);
    for (const [key, p] of Object.entries(prompts)) {
      expect(p.description, key).to.be.a("string").with.length.above(0);
      if (p.default !== undefined) expect(p.default, `${key}: a template default is a string`).to.be.a("string");
    }
  });

  it("asks for every key declared without a default, who may join and the region", () => {
    const required = Object.entries(project.config)
      .filter(([, d]) => d.default === undefined)
      .map(([k]) => k);
    expect(required).to.include.members(["pluto:domain", "pluto:googleClientId", "pluto:googleClientSecret", "pluto:adminEmail"]);
    expect(Object.keys(prompts)).to.include.members([...required, "pluto:allowedEmailDomains", "pluto:hostedZoneName", "aws:region"]);
  });

  it("asks for the client secret as a secret, and only it", () => {
    const secret = Object.entries(prompts)
      .filter(([, p]) => p.secret)
      .map(([k]) => k);
    expect(secret).to.deep.equal(["pluto:googleClientSecret"]);
    expect(project.config["pluto:googleClientSecret"].secret).to.equal(true);
  });

  it("a stack made of the defaults and an operator's answers synthesises without a finding", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pluto-template-"));
    try {
      const file = path.join(dir, "Pulumi.acme.yaml");
      fs.writeFileSync(file, templateStack(prompts, ANSWERS));
      const io = memoryIo();
      const code = await main(["node", "pluto", "synth", "--quiet", "--config", file], io);
      expect(io.stderr.join("\n")).to.equal("");
      expect(code).to.equal(0);
      expect(io.stdout.join("\n")).to.match(/^pluto \(acme\): \d+ resources/m);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("every `pulumi new` the docs show keeps the project name, which namespaces the keys", () => {
    const name = (parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { name: string }).name;
    const pages = [
      "README.md",
      ...fs
        .readdirSync(path.join(ROOT, "docs"))
        .filter((f) => f.endsWith(".md"))
        .map((f) => `docs/${f}`),
    ];
    const uses = pages.flatMap((p) =>
      [...fs.readFileSync(path.join(ROOT, p), "utf8").matchAll(/pulumi new <[^>]+>(\s+--name [\w-]+)?/g)].map((m) => [p, m[0]]),
    );
    expect(uses.length).to.be.at.least(3);
    for (const [p, use] of uses) expect(use.replace(/\s+/g, " "), p).to.match(new RegExp(`--name ${name}$`));
  });

  it("is caught when a required key has no prompt", () => {
    const { ["pluto:adminEmail"]: _dropped, ...rest } = prompts;
    expect(() => templateStack(rest, ANSWERS)).to.not.throw();
    const required = Object.keys(project.config).filter((k) => project.config[k].default === undefined);
    expect(required.filter((k) => !(k in rest))).to.deep.equal(["pluto:adminEmail"]);
  });
});

describe("the example stacks", () => {
  it("use different namePrefix values, so both fit in one AWS account", () => {
    const prefix = (stack: string) =>
      (parse(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")).config as Record<string, string>)["pluto:namePrefix"];
    expect(prefix("dev")).to.equal("pluto"); // the runbook's names (pluto-cluster, …) are the default prefix's
    expect(prefix("prod")).to.not.equal(prefix("dev"));
  });
});
