/**
 * `pluto synth` hands the program what `pulumi preview` would: Pulumi.yaml's defaults applied and
 * the CLI's checks made. The expected behaviour is pulumi/pulumi v3.248.0's
 * (sdk/go/common/workspace/project.go, config.go; their tests project_test.go and config_test.go).
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../cli/main";
import { memoryIo } from "../../cli/io";
import { applyProjectConfig, declarationProblems, matchesType, ProjectFile, readProject } from "../../cli/synth/projectConfig";
import { readStackForProgram } from "../../cli/synth/programConfig";
import { readStackConfig, StackConfig } from "../../cli/synth/stackConfig";
import { ROOT } from "../helpers/stack";

const project = (config: ProjectFile["config"]): ProjectFile => ({ file: "/p/Pulumi.yaml", name: "pluto", config });
const stack = (config: Record<string, string>, more: Partial<StackConfig> = {}): StackConfig => ({ config, secretKeys: [], objectKeys: [], ...more });

describe("the Pulumi CLI's project-level config, as synth applies it", () => {
  it("checks types as ValidateConfigValue does: text that Atoi parses for integer, exactly true/false for boolean", () => {
    const cases: [string, unknown, boolean][] = [
      ["string", "x", true],
      ["string", { a: 1 }, false],
      ["string", null, false],
      ["integer", "90", true],
      ["integer", "+90", true],
      ["integer", 90, true],
      ["integer", "90.0", false],
      ["integer", " 90", false],
      ["integer", "ninety", false],
      ["boolean", "true", true],
      ["boolean", false, true],
      ["boolean", "True", false],
      ["boolean", "yes", false],
      ["object", { a: 1 }, true],
      ["object", [], false],
      ["object", "{}", false],
    ];
    for (const [type, value, ok] of cases) expect(matchesType(type, undefined, value), `${type} ${JSON.stringify(value)}`).to.equal(ok);
    expect(matchesType("array", { type: "string" }, ["a", "b"])).to.equal(true);
    expect(matchesType("array", { type: "string" }, ["a", 1])).to.equal(false);
    expect(matchesType("array", { type: "string" }, '["a"]')).to.equal(false);
    expect(matchesType("array", { type: "array", items: { type: "integer" } }, [[1, 2]])).to.equal(true);
  });

  it("refuses a project file the CLI would not load, naming the key", () => {
    expect(
      declarationProblems(
        project({
          "pluto:a": { type: "string", examples: ["x"] } as any,
          "pluto:b": { type: "array" },
          "pluto:c": { type: "integer", default: "ten" },
          "pluto:d": { default: 1, value: 2 },
          "pluto:e": { type: "float" as any },
          "aws:region": { type: "string", value: "eu-west-1" },
          "aws:profile": { default: "x" },
          "aws:skipCredentialsValidation": {},
        }),
      ),
    ).to.deep.equal([
      "pluto:a: examples not allowed (a declaration has type, items, description, secret, default, value)",
      "pluto:b: declares an array but does not specify the underlying type via the 'items' attribute",
      "pluto:c: the default value is not of the expected type 'integer'",
      "pluto:d: cannot have both a 'default' and 'value' attribute",
      'pluto:e: type must be one of string, integer, boolean, array, object, got "float"',
      "aws:region: is not namespaced by the project and should not define a type",
      "aws:profile: is not namespaced by the project and should not define a default value (use 'value')",
      "aws:skipCredentialsValidation: is namespaced and must provide an attribute 'value'",
    ]);
    expect(
      declarationProblems(project({ domain: { type: "string" }, "pluto:n": { type: "integer", default: 90 }, "aws:region": { value: "eu-west-1" } })),
    ).to.deep.equal([]);
  });

  it("reads a value given directly as a project key's default and as another namespace's value", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pluto-project-"));
    try {
      fs.writeFileSync(
        path.join(dir, "Pulumi.yaml"),
        "name: pluto\nruntime: nodejs\nconfig:\n  pluto:n: 5\n  aws:region: eu-west-1\n  pluto:o:\n    type: string\n",
      );
      expect(readProject(dir).config).to.deep.equal({ "pluto:n": { default: 5 }, "aws:region": { value: "eu-west-1" }, "pluto:o": { type: "string" } });
      fs.rmSync(path.join(dir, "Pulumi.yaml"));
      expect(() => readProject(dir)).to.throw(`no Pulumi.yaml project file in ${dir}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("gives a key the stack does not set its whole default, never merged into a value the stack sets in part", () => {
    const p = project({
      "pluto:n": { type: "integer", default: 90 },
      "pluto:flag": { default: false },
      "pluto:list": { default: [] },
      "pluto:obj": { default: { enabled: false } },
      "pluto:zone": { type: "string", default: "" },
      "aws:region": { value: "eu-west-1" },
    });
    const applied = applyProjectConfig(p, stack({ "pluto:obj": '{"cpu":1}' }, { objectKeys: ["pluto:obj"] }), "dev");
    expect(applied.config).to.deep.equal({
      "pluto:obj": '{"cpu":1}',
      "pluto:n": "90",
      "pluto:flag": "false",
      "pluto:list": "[]",
      "pluto:zone": "",
      "aws:region": "eu-west-1",
    });
    expect(applied.objectKeys).to.have.members(["pluto:obj", "pluto:list"]);
    expect(applied.problems).to.deep.equal([]);
  });

  it("lists every project key without a default that the stack lacks, with the CLI's words and the description", () => {
    const p = project({
      "pluto:domain": { type: "string", description: "Required, secret. The app's host name, e.g. a.example.com." },
      "pluto:x": {},
      "aws:region": { value: "eu-west-1" },
    });
    expect(applyProjectConfig(p, stack({}), "dev").problems).to.deep.equal([
      "pluto:domain: required — Pulumi.yaml declares it without a default, so the Pulumi CLI stops with \"Stack 'dev' is missing configuration value 'pluto:domain'\" (The app's host name, e.g. a.example.com.)",
      "pluto:x: required — Pulumi.yaml declares it without a default, so the Pulumi CLI stops with \"Stack 'dev' is missing configuration value 'pluto:x'\"",
    ]);
  });

  it("checks type and `secret` on typed keys only, and a structured value as what it is", () => {
    const p = project({
      "pluto:n": { type: "integer" },
      "pluto:s": { type: "string", secret: true },
      "pluto:loose": { secret: true },
      "pluto:zone": { type: "string" },
      "pluto:obj": { type: "object" },
    });
    const given = stack(
      { "pluto:n": "90.0", "pluto:s": "clear", "pluto:loose": "clear", "pluto:zone": "null", "pluto:obj": '{"a":1}' },
      { objectKeys: ["pluto:zone", "pluto:obj"] },
    );
    expect(applyProjectConfig(p, given, "dev").problems).to.deep.equal([
      "pluto:n: Pulumi.yaml declares type integer, and the Pulumi CLI refuses \"90.0\" before the program runs (\"Stack 'dev' with configuration key 'pluto:n' must be of type 'integer'\")",
      "pluto:s: Pulumi.yaml declares it secret, and the Pulumi CLI refuses a value that is not encrypted; set it with `pulumi config set --secret pluto:s <value>`",
      "pluto:zone: Pulumi.yaml declares type string, and the Pulumi CLI refuses null before the program runs (\"Stack 'dev' with configuration key 'pluto:zone' must be of type 'string'\")",
    ]);
    expect(
      applyProjectConfig(
        p,
        stack({ ...given.config, "pluto:n": "90", "pluto:zone": "example.com" }, { secretKeys: ["pluto:s"], objectKeys: ["pluto:obj"] }),
        "dev",
      ).problems,
    ).to.deep.equal([]);
  });

  it("keeps a key written without a value as the JSON text null, as the CLI hands it over", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pluto-null-"));
    try {
      fs.writeFileSync(path.join(dir, "s.yaml"), "config:\n  pluto:hostedZoneName:\n  pluto:domain: a.example.com\n");
      expect(readStackConfig(path.join(dir, "s.yaml"))).to.deep.equal({
        config: { "pluto:hostedZoneName": "null", "pluto:domain": "a.example.com" },
        secretKeys: [],
        objectKeys: ["pluto:hostedZoneName"],
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("pluto synth with Pulumi.yaml's declarations", () => {
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "pluto-synth-project-"))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const dev = () => fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8");
  async function synth(text: string): Promise<{ code: number; err: string }> {
    const file = path.join(dir, `s${Math.random().toString(36).slice(2)}.yaml`);
    fs.writeFileSync(file, text);
    const io = memoryIo();
    const code = await main(["node", "pluto", "synth", "--quiet", "--config", file], io);
    return { code, err: io.stderr.join("\n") };
  }

  it("hands the program the defaults of the keys the stack does not set", () => {
    const { config, project } = readStackForProgram(ROOT, path.join(ROOT, "Pulumi.dev.yaml"), "dev");
    expect(project).to.equal("pluto");
    expect(config).to.include({
      "pluto:namePrefix": "pluto",
      "pluto:n8n": '{"enabled":false}',
      "pluto:allowedEmails": "[]",
      "pluto:accessLogRetentionDays": "90",
      "pluto:waf": "{}",
    });
    expect(config["pluto:openWebUi"]).to.equal('{"cpu":1024,"memory":2048,"desiredCount":1}'); // the stack's own, untouched
  });

  it("exits 2 on a value the program would take but the Pulumi CLI refuses, before the program runs", async () => {
    const r = await synth(dev() + '  pluto:accessLogRetentionDays: "90.0"\n');
    expect(r.code).to.equal(2);
    expect(r.err)
      .to.contain('pluto:accessLogRetentionDays: Pulumi.yaml declares type integer, and the Pulumi CLI refuses "90.0"')
      .and.not.match(/\n\s+at /);
  });

  it("lists the program's problems with the CLI's, in the program's words where both object to a key", async () => {
    const r = await synth(
      dev()
        .replace("  pluto:domain: pluto.example.com\n", "")
        .replace("pluto:namePrefix: pluto", "pluto:namePrefix: Pluto")
        .replace("  pluto:hostedZoneName: example.com\n", "  pluto:hostedZoneName:\n"),
    );
    expect(r.code).to.equal(2);
    const lines = r.err
      .split("\n")
      .filter((l) => l.startsWith("  - "))
      .map((l) => l.slice(4).split(":").slice(0, 2).join(":"));
    expect(lines).to.deep.equal(["pluto:namePrefix", "pluto:domain", "pluto:hostedZoneName"]);
    expect(r.err)
      .to.contain("pluto:domain: required — the app's host name")
      .and.contain('pluto:hostedZoneName: expected a Route 53 zone name like "example.com", got "null"');
  });
});
