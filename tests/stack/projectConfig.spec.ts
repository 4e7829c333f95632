/**
 * Pulumi.yaml declares every `pluto:` key; its `config:` block is generated from the schema
 * (config/schema/). These tests keep the declarations, the validation and the docs' table of keys
 * telling the same story.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { CONFIG_KEYS, ConfigError, DEFAULTS, parseConfig, plutoKeys, PlutoConfig, RawConfig, REQUIRED_KEYS, SECRET_CONFIG_KEYS } from "../../config";
import { DEFAULT_GATEWAY_IMAGE } from "../../config/models";
import { ALARM_DEFAULTS } from "../../config/alarms";
import { applyProjectConfig, ConfigType, matchesType, readProject } from "../../cli/synth/projectConfig";
import { projectYaml } from "../../cli/synth/projectYaml";
import { readStackConfig } from "../../cli/synth/stackConfig";
import { CLIENT_SECRET, VALID_CONFIG } from "../helpers/config";
import { ROOT } from "../helpers/stack";

const project = readProject(ROOT);
const declared = (key: string) => project.config[`pluto:${key}`];
const keysWithDefault = CONFIG_KEYS.filter((k) => declared(k)?.default !== undefined);

/** Each declared default as the Pulumi CLI hands it to the program (text; objects and lists as JSON). */
const handedOver = applyProjectConfig(project, { config: {}, secretKeys: [], objectKeys: [] }, "test").config;

type Outcome = { config: PlutoConfig } | { problems: string[] };
function outcome(raw: RawConfig, region = "eu-west-1"): Outcome {
  try {
    return { config: parseConfig(raw, region, raw.googleClientSecret === undefined ? undefined : CLIENT_SECRET) };
  } catch (e) {
    if (e instanceof ConfigError) return { problems: e.problems };
    throw e;
  }
}
const without = (raw: RawConfig, key: string): RawConfig => Object.fromEntries(Object.entries(raw).filter(([k]) => k !== key));

/** Configurations the defaults are checked against: a field default may depend on another key (memory on models). */
const stackRaw = (stack: string) => {
  const { config } = readStackConfig(path.join(ROOT, `Pulumi.${stack}.yaml`));
  return { raw: { ...plutoKeys(config), googleClientSecret: "s3cret" }, region: config["aws:region"] };
};
const BASES: { name: string; raw: RawConfig; region: string }[] = [
  { name: "the smallest valid config", raw: VALID_CONFIG, region: "eu-west-1" },
  { name: "with Bedrock models", raw: { ...VALID_CONFIG, models: JSON.stringify({ bedrock: { models: ["amazon.nova-lite-v1:0"] } }) }, region: "eu-west-1" },
  { name: "Pulumi.dev.yaml", ...stackRaw("dev") },
  { name: "Pulumi.prod.yaml", ...stackRaw("prod") },
];

/** A value as a stack holds it: `object` when it is a YAML mapping or list, `secure` when encrypted. */
interface Form {
  how: string;
  text: string;
  object: boolean;
  secure?: boolean;
}
const set = (v: string): Form => ({ how: `pulumi config set pluto:<key> ${v}`, text: v, object: false });
const yamlScalar = (v: number | boolean): Form => ({ how: `<key>: ${v} in Pulumi.<stack>.yaml (stored as text)`, text: String(v), object: false });
// `--path` stores "true"/"false" as booleans and integers as numbers (pulumi/pulumi v3.248.0
// pkg/cmd/pulumi/config/config.go, `pulumi config set --help`), as a YAML mapping or list would.
const structured = (v: unknown): Form => ({ how: `--path or YAML: ${JSON.stringify(v)}`, text: JSON.stringify(v), object: true });
const jsonText = (v: unknown): Form => ({ how: `pulumi config set pluto:<key> '${JSON.stringify(v)}'`, text: JSON.stringify(v), object: false });
const both = (v: unknown) => [structured(v), jsonText(v)];

/** Ways users set each key to a value the program takes. */
const FORMS: Record<(typeof CONFIG_KEYS)[number], Form[]> = {
  namePrefix: [set("pluto-dev")],
  domain: [set("pluto.example.com")],
  hostedZoneName: [set("example.com"), set("example.com.")],
  googleClientId: [set("123-abc.apps.googleusercontent.com")],
  googleClientSecret: [{ how: "pulumi config set --secret", text: "s3cret", object: false, secure: true }],
  alarmEmail: [set("ops@example.com")],
  adminEmail: [set("admin@example.com"), set("Admin@Example.com")],
  allowedEmailDomains: [...both(["example.com"]), ...both(["example.com", "example.org"])],
  allowedEmails: both(["ada@partner.example"]),
  allowAnyGoogleAccount: [set("false"), yamlScalar(false), set("False"), set("TRUE")],
  requireGoogleWorkspace: [set("false"), yamlScalar(true), set("True"), set("TRUE")],
  openWebUiImage: [set("ghcr.io/open-webui/open-webui:v0.8.3"), set(`ghcr.io/open-webui/open-webui@sha256:${"a".repeat(64)}`)],
  oauth2ProxyImage: [set("quay.io/oauth2-proxy/oauth2-proxy:v7.15.3")],
  openWebUi: [...both({ cpu: 2048, memory: 4096 }), structured({ cpu: "2048", memory: "4096" })],
  natGateways: [set("none"), set("perAz")],
  database: [...both({ multiAz: true }), structured({ multiAz: "true", allocatedStorage: "50" })],
  openWebUiSettings: both({ ENABLE_WEB_SEARCH: true, WEBUI_NAME: "Pluto" }),
  oauth2ProxySettings: both({ OAUTH2_PROXY_COOKIE_NAME: "_pluto" }),
  openWebUiSecrets: both({ OPENAI_API_KEY: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:pluto/openai-AbC123" }),
  redisNodeType: [set("cache.t4g.small")],
  n8n: [...both({ enabled: true }), structured({ enabled: "true", cpu: 1024, memory: 2048 })],
  accessLogRetentionDays: [set("30"), yamlScalar(30), set("+30"), set("030")],
  backup: both({ retentionDays: 14, schedule: "cron(0 4 * * ? *)" }),
  waf: [...both({ enabled: true }), structured({ requestsPer5Minutes: "500" })],
  models: both({ bedrock: { models: ["amazon.nova-lite-v1:0"] } }),
  groups: [...both([{ name: "research", description: "Research team" }]), ...both(["research", "ops"])],
  alarms: [...both({ dbCpuPercent: 90 }), structured({ dbFreeStorageGiB: "5" })],
};
/** The type Pulumi would offer each key that is left untyped. */
const NEAREST_TYPE: Partial<Record<string, { type: ConfigType; items?: { type: ConfigType } }>> = {
  allowedEmailDomains: { type: "array", items: { type: "string" } },
  allowedEmails: { type: "array", items: { type: "string" } },
  allowAnyGoogleAccount: { type: "boolean" },
  requireGoogleWorkspace: { type: "boolean" },
  groups: { type: "array" },
};

describe("Pulumi.yaml declares the stack configuration", () => {
  it("holds the config: block the schema generates (`npm run generate` rewrites it)", async () => {
    const text = fs.readFileSync(project.file, "utf8");
    expect(text === (await projectYaml(text, project.file)), "Pulumi.yaml differs from the schema in config/schema/: run `npm run generate`").to.equal(true);
  });

  it("asks `pulumi new` only for keys the schema declares, secret where the schema says so", () => {
    const template = (YAML.parse(fs.readFileSync(project.file, "utf8")) as { template: { config: Record<string, { secret?: boolean }> } }).template.config;
    const asked = Object.keys(template).filter((k) => k !== "aws:region");
    expect(asked.length).to.be.greaterThan(0);
    for (const key of asked) {
      expect(key, key).to.match(/^pluto:/);
      expect(CONFIG_KEYS, key).to.include(key.slice("pluto:".length));
      expect(Boolean(template[key].secret), key).to.equal(SECRET_CONFIG_KEYS.includes(key.slice("pluto:".length) as never));
    }
    // Every key the stack must set is asked for, so the stack `pulumi new` makes can be deployed.
    for (const key of REQUIRED_KEYS) expect(asked, key).to.include(`pluto:${key}`);
  });

  it("declares exactly the keys the program reads, each under the project's namespace with a description", () => {
    expect(project.name).to.equal("pluto");
    expect(Object.keys(project.config).sort()).to.deep.equal(CONFIG_KEYS.map((k) => `pluto:${k}`).sort());
    for (const key of CONFIG_KEYS) expect(declared(key).description, key).to.be.a("string").and.have.length.above(20);
  });

  it("marks exactly the secret keys `secret: true`, and types them, since Pulumi checks `secret` only on a typed key", () => {
    expect(CONFIG_KEYS.filter((k) => declared(k).secret)).to.deep.equal([...SECRET_CONFIG_KEYS]);
    for (const key of SECRET_CONFIG_KEYS) expect(declared(key).type, key).to.equal("string");
  });

  for (const base of BASES) {
    it(`gives each default the meaning the program gives a key left unset (${base.name})`, () => {
      expect(outcome(base.raw, base.region), "the base config is valid").to.have.property("config");
      for (const key of keysWithDefault) {
        const unset = without(base.raw, key);
        expect(outcome({ ...unset, [key]: handedOver[`pluto:${key}`] }, base.region), key).to.deep.equal(outcome(unset, base.region));
      }
    });
  }

  it("declares no default for the keys the program requires, and only for those", () => {
    for (const key of CONFIG_KEYS) {
      const problems = (outcome(without(VALID_CONFIG, key)) as { problems?: string[] }).problems ?? [];
      const required = problems.some((p) => p.startsWith(`pluto:${key}: required`));
      // allowedEmailDomains is required only while the other allow-list keys admit nobody; its default admits nobody.
      if (key === "allowedEmailDomains") expect(required && declared(key).default !== undefined, key).to.equal(true);
      else expect(declared(key).default === undefined, key).to.equal(required);
    }
  });

  it("takes the values of DEFAULTS (config/) for the scalar defaults", () => {
    const scalar = Object.entries(DEFAULTS).filter(([k, v]) => (CONFIG_KEYS as readonly string[]).includes(k) && typeof v !== "object");
    expect(scalar.map(([k]) => k)).to.have.members([
      "namePrefix",
      "openWebUiImage",
      "oauth2ProxyImage",
      "natGateways",
      "redisNodeType",
      "accessLogRetentionDays",
    ]);
    for (const [key, value] of scalar) expect(declared(key).default, key).to.equal(value);
  });

  it("states the default of every field of the structured keys as DEFAULTS has it", () => {
    const fields: Record<string, object> = {
      openWebUi: { ...DEFAULTS.openWebUi, ...DEFAULTS.autoscaling },
      database: DEFAULTS.database,
      n8n: DEFAULTS.n8n,
      backup: DEFAULTS.backup,
      waf: DEFAULTS.waf,
      models: { gatewayImage: DEFAULT_GATEWAY_IMAGE },
      alarms: ALARM_DEFAULTS,
    };
    const objectDefaults = Object.entries(DEFAULTS).filter(([k, v]) => (CONFIG_KEYS as readonly string[]).includes(k) && typeof v === "object");
    expect(Object.keys(fields)).to.include.members(objectDefaults.map(([k]) => k));
    for (const [key, values] of Object.entries(fields)) {
      for (const [field, value] of Object.entries(values as Record<string, unknown>)) {
        if (typeof value === "object") continue;
        const stated = new RegExp(`\\b${field} \\(default ${String(value).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![\\w.])`);
        expect(declared(key).description, `${key}.${field}`).to.match(stated);
      }
    }
    expect(declared("openWebUi").description).to.contain(`${DEFAULTS.memoryWithGateway} with models.bedrock`);
  });

  it("types a key only where Pulumi's check accepts every way users set a value the program takes", () => {
    expect(Object.keys(FORMS).sort()).to.deep.equal([...CONFIG_KEYS].sort());
    for (const key of CONFIG_KEYS) {
      const d = declared(key);
      for (const form of FORMS[key]) {
        const label = `pluto:${key} set as ${form.how}`;
        const raw = { ...VALID_CONFIG, [key]: form.text };
        expect(outcome(raw), `${label}: the program takes it`).to.have.property("config");
        if (d.type === undefined) continue;
        expect(matchesType(d.type, d.items, form.object ? JSON.parse(form.text) : form.text), `${label}: Pulumi's ${d.type} check`).to.equal(true);
        if (d.secret) expect(form.secure, `${label}: encrypted`).to.equal(true);
      }
    }
  });

  it("leaves a key untyped only where the type Pulumi offers would refuse a value the program takes", () => {
    for (const key of CONFIG_KEYS.filter((k) => declared(k).type === undefined)) {
      const nearest = NEAREST_TYPE[key] ?? { type: "object" as const };
      const refused = FORMS[key].filter((f) => !matchesType(nearest.type, nearest.items, f.object ? JSON.parse(f.text) : f.text));
      expect(
        refused.map((f) => f.how),
        `pluto:${key} could be declared ${nearest.type}`,
      ).to.have.length.above(0);
    }
  });

  it("keeps the example stacks acceptable to the Pulumi CLI's checks", () => {
    for (const stack of ["dev", "prod"]) {
      const applied = applyProjectConfig(project, readStackConfig(path.join(ROOT, `Pulumi.${stack}.yaml`)), stack);
      expect(applied.problems, stack).to.deep.equal([]);
    }
  });
});

describe("docs/configuration.md: Configuration keys", () => {
  const readme = fs.readFileSync(path.join(ROOT, "docs", "configuration.md"), "utf8");
  const section = readme.slice(readme.indexOf("# Configuration keys"), readme.length);
  const rows = [...section.matchAll(/^\| `([^`]+)`[^|]*\| ([^|]*) \|/gm)].map((m) => ({ key: m[1], head: m[1].split(/[.[]/)[0], defaults: m[2] }));

  it("says that Pulumi.yaml declares the keys", () => {
    expect(section).to.match(/`Pulumi\.yaml` declares every key/);
  });

  it("names the keys declared without a default as the required ones", () => {
    const named = /declared without a default: ([^)]*)\)/.exec(section)?.[1] ?? "";
    expect([...named.matchAll(/`(\w+)`/g)].map((m) => m[1])).to.deep.equal(CONFIG_KEYS.filter((k) => declared(k).default === undefined));
  });

  it("has a row for every declared key and no row for a key Pulumi.yaml does not declare", () => {
    const plutoRows = rows.filter((r) => !r.key.includes(":"));
    expect(rows.filter((r) => r.key.includes(":")).map((r) => r.key)).to.deep.equal(["aws:region"]);
    for (const row of plutoRows) expect(declared(row.head), `docs/configuration.md row ${row.key}`).to.not.equal(undefined);
    expect([...new Set(plutoRows.map((r) => r.head))].sort()).to.deep.equal([...CONFIG_KEYS].sort());
  });

  it("gives the same defaults, required keys and secret keys as Pulumi.yaml", () => {
    for (const key of CONFIG_KEYS) {
      const row = rows.find((r) => r.key === key);
      const d = declared(key);
      if (d.default === undefined) expect(row?.defaults, key).to.contain("required");
      else if (typeof d.default !== "object" && d.default !== "") expect(row?.defaults, key).to.contain(`\`${d.default}\``);
      if (d.secret) expect(row?.defaults, key).to.contain("secret");
    }
  });
});
