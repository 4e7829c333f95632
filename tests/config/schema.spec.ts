/**
 * The configuration schema (config/schema/): each key declared once, and everything else derived
 * from it. The messages themselves are held by the tests of each key (tests/stack/config*.spec.ts).
 */
import { expect } from "chai";
import { CONFIG_KEYS, DEFAULTS, KEYS, REQUIRED_KEYS, SECRET_CONFIG_KEYS, STRUCTURED_KEYS } from "../../config";
import { configSchema } from "../../config/schema";
import { keyPath, problemsOf } from "../../config/schema/fields";
import { configBlock } from "../../cli/synth/projectYaml";
import YAML from "yaml";
import { configProblems, VALID_CONFIG } from "../helpers/config";

const specs = Object.entries(KEYS);

describe("the configuration schema", () => {
  it("declares each key once, with a description, and either a default or what to set when it is required", () => {
    expect(CONFIG_KEYS).to.deep.equal(Object.keys(KEYS));
    for (const [key, spec] of specs) {
      expect(spec.description, key).to.be.a("string").and.have.length.above(20);
      expect(spec.default === undefined, key).to.equal(spec.required !== undefined);
      if (spec.secret) expect(spec.type, key).to.equal("string");
    }
  });

  it("derives the key lists from the declarations", () => {
    expect(REQUIRED_KEYS).to.deep.equal(["domain", "googleClientId", "googleClientSecret", "alarmEmail", "adminEmail"]);
    expect(SECRET_CONFIG_KEYS).to.deep.equal(["googleClientSecret"]);
    expect(STRUCTURED_KEYS).to.deep.equal([
      "openWebUi",
      "database",
      "openWebUiSettings",
      "oauth2ProxySettings",
      "openWebUiSecrets",
      "n8n",
      "backup",
      "waf",
      "models",
      "alarms",
    ]);
    for (const key of STRUCTURED_KEYS) expect(KEYS[key].default, key).to.be.an("object").and.not.be.an("array");
  });

  it("tells of every structured key set without --path how to set its field", () => {
    for (const key of STRUCTURED_KEYS)
      expect(configProblems({ ...VALID_CONFIG, [`${key}.field`]: "1" }), key).to.deep.equal([
        `pluto:${key}.field: Pulumi stored this as one key named "${key}.field" because it was set without --path; set the field with \`pulumi config set --path pluto:${key}.field <value>\` and remove this key with \`pulumi config rm pluto:${key}.field\``,
      ]);
  });

  it("takes DEFAULTS from the declarations", () => {
    for (const key of ["namePrefix", "openWebUiImage", "oauth2ProxyImage", "natGateways", "redisNodeType", "accessLogRetentionDays"] as const)
      expect(DEFAULTS[key], key).to.equal(KEYS[key].default);
    expect(KEYS.database.description).to.contain(`instanceClass (default ${DEFAULTS.database.instanceClass}`);
    expect(KEYS.n8n.description).to.contain(`image (default ${DEFAULTS.n8n.image})`);
  });

  it("generates each declaration of Pulumi.yaml from its key", () => {
    const config = (YAML.parse(configBlock()) as { config: Record<string, Record<string, unknown>> }).config;
    expect(Object.keys(config)).to.deep.equal(CONFIG_KEYS.map((k) => `pluto:${k}`));
    expect(config["pluto:accessLogRetentionDays"]).to.deep.equal({ type: "integer", default: 90, description: KEYS.accessLogRetentionDays.description });
    expect(config["pluto:googleClientSecret"]).to.deep.equal({ type: "string", secret: true, description: KEYS.googleClientSecret.description });
    expect(config["pluto:n8n"].default).to.deep.equal({ enabled: false });
  });

  it("names a problem's key from the issue's path", () => {
    expect(keyPath(["groups", 1, "name"])).to.equal("pluto:groups[1].name");
    expect(keyPath(["openWebUi", "autoscaling", "maxCount"])).to.equal("pluto:openWebUi.autoscaling.maxCount");
    expect(problemsOf([{ code: "custom", path: ["waf", "enabled"], message: "expected true or false, got 1", input: 1 }])).to.deep.equal([
      "pluto:waf.enabled: expected true or false, got 1",
    ]);
  });

  it("reads every key and runs the rules across keys even when some keys are wrong, so one parse lists every problem", () => {
    const raw = { ...VALID_CONFIG, database: '{"multiAz":"yes"}', openWebUi: '{"cpu":1024,"memory":512}', waf: "[1]" };
    const context = { raw, region: "eu-west-1", secretGiven: true, secretKeys: undefined };
    const result = configSchema(context).safeParse(raw);
    expect(result.success).to.equal(false);
    expect(problemsOf(result.error!.issues)).to.have.members([
      'pluto:database.multiAz: expected true or false, got "yes"',
      'pluto:waf: expected an object (set fields with `pulumi config set --path waf.<field> <value>`), got "[1]"',
      "pluto:openWebUi.memory: 512 MiB is not valid with cpu 1024 on Fargate; choose from 2048 to 8192 in steps of 1024",
    ]);
  });

  it("lists the problems of the whole configuration first, then each key's together in the schema's order, an unknown field first", () => {
    const raw = { ...VALID_CONFIG, colour: "blue", waf: '{"enabled":"x","nope":1}', namePrefix: "Bad", openWebUi: '{"cpu":300}' };
    const keys = configProblems(raw, { region: null }).map((p) => /^[^ ]+?(?=: )/.exec(p)?.[0]);
    expect(keys).to.deep.equal(["pluto:colour", "aws:region", "pluto:namePrefix", "pluto:openWebUi.cpu", "pluto:waf.nope", "pluto:waf.enabled"]);
  });

  it("runs the rules across keys on the groups that are usable while others are wrong", () => {
    const raw = { ...VALID_CONFIG, groups: '[{"name":"a b"}]', oauth2ProxySettings: '{"OAUTH2_PROXY_ALLOWED_GROUPS":"a"}' };
    expect(configProblems(raw)).to.deep.equal([
      "pluto:oauth2ProxySettings.OAUTH2_PROXY_ALLOWED_GROUPS: oauth2-proxy would look for the groups in the ID token's `groups` claim, which Cognito's tokens do not have, so nobody could sign in; list the groups in pluto:groups (the proxy then reads cognito:groups)",
      `pluto:groups[0].name: "a b" contains white space: Cognito refuses it (CreateGroup GroupName pattern [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+) and Open WebUI strips it from each end of the name`,
    ]);
  });
});
