/**
 * What a new user trips over in config: golden keys in the extra settings, a secret in clear text,
 * dotted keys set without --path, typos, and secret settings for Open WebUI. Each is a config
 * problem (exit 2 from `pluto synth`, every problem listed, each naming its key), never a stack trace.
 */
import { expect } from "chai";
import { secretResourceArn } from "../../config/models";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { configSecretKeys, parseConfig, RawConfig } from "../../config";
import { editDistance, nearest, secretArnProblem } from "../../config/keys";
import { GOLDEN_KEYS } from "../../settings/golden";
import { main } from "../../cli/main";
import { memoryIo } from "../../cli/io";
import { env, ROOT, synthStack } from "../helpers/stack";
import { CLIENT_SECRET as secret, configProblems, VALID_CONFIG } from "../helpers/config";
const valid = VALID_CONFIG;
const problems = (raw: RawConfig, secretKeys?: string[]) => configProblems(raw, { secretKeys });

const ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:pluto/openai-key-AbC123";

const settings = (key: string, obj: Record<string, unknown>): RawConfig => ({ ...valid, [key]: JSON.stringify(obj) });

describe("config mistakes a new user makes", () => {
  describe("golden keys in the extra settings", () => {
    it("names pluto:openWebUiSettings.WEBUI_URL and why, with the other problems", () => {
      const p = problems({ ...settings("openWebUiSettings", { WEBUI_URL: "https://other.example.com" }), alarmEmail: "nope" });
      expect(p).to.include(
        "pluto:openWebUiSettings.WEBUI_URL: WEBUI_URL is part of the golden configuration (settings/golden.ts) that keeps sign-in working, and the stack sets it itself; remove it here",
      );
      expect(p.some((x) => x.startsWith("pluto:alarmEmail:"))).to.equal(true);
    });

    it("refuses every golden Open WebUI and oauth2-proxy name, and the stack's own secrets and admin setting", () => {
      expect(GOLDEN_KEYS.openWebUi).to.include.members(["WEBUI_URL", "WEBUI_AUTH_TRUSTED_EMAIL_HEADER", "DEFAULT_USER_ROLE"]);
      expect(GOLDEN_KEYS.oauth2Proxy).to.include.members(["OAUTH2_PROXY_UPSTREAMS", "OAUTH2_PROXY_CLIENT_SECRET", "OAUTH2_PROXY_SKIP_AUTH_ROUTES"]);
      for (const name of [...GOLDEN_KEYS.openWebUi, ...GOLDEN_KEYS.openWebUiSecrets, ...GOLDEN_KEYS.openWebUiStack])
        expect(problems(settings("openWebUiSettings", { [name]: "x" })), name)
          .to.have.length(1)
          .and.satisfy((p: string[]) => p[0].startsWith(`pluto:openWebUiSettings.${name}: ${name} `));
      for (const name of GOLDEN_KEYS.oauth2Proxy)
        expect(problems(settings("oauth2ProxySettings", { [name]: "x" })), name).to.deep.equal([
          `pluto:oauth2ProxySettings.${name}: ${name} is part of the golden oauth2-proxy configuration (settings/golden.ts) that keeps sign-in working, and the stack sets it itself; remove it here`,
        ]);
      expect(problems(settings("openWebUiSettings", { WEBUI_ADMIN_EMAIL: "a@example.com" }))[0]).to.contain("use that key instead");
    });

    it("refuses the scale-out settings only when the stack sets them (more than one task)", () => {
      const redis = { openWebUiSettings: JSON.stringify({ WEBSOCKET_MANAGER: "local" }) };
      expect(problems({ ...valid, ...redis })).to.deep.equal([]);
      expect(problems({ ...valid, ...redis, openWebUi: '{"desiredCount":2}' })).to.deep.equal([
        "pluto:openWebUiSettings.WEBSOCKET_MANAGER: WEBSOCKET_MANAGER is set by the stack because Open WebUI runs more than one task (websockets through Redis); remove it here",
      ]);
    });

    it("keeps the golden key lists in step with what the program deploys", async () => {
      // The same overrides as variants.spec.ts's scaled-out stack, so the run synthesises it once.
      const stack = await synthStack({
        "pluto:openWebUi": JSON.stringify({ cpu: 1024, memory: 2048, desiredCount: 2, autoscaling: { maxCount: 6, cpuTarget: 55, requestsPerTarget: 400 } }),
        "pluto:n8n": JSON.stringify({ enabled: true }),
      });
      const app = stack.container("pluto-openwebui", "openwebui");
      const stackSets = [...GOLDEN_KEYS.openWebUi, ...GOLDEN_KEYS.openWebUiScaleOut, ...GOLDEN_KEYS.openWebUiStack];
      expect(stackSets, "every plain setting of Open WebUI is one the stack reserves").to.include.members(Object.keys(env(app)));
      expect(
        GOLDEN_KEYS.openWebUi.filter((k) => !(k in env(app))),
        "every golden key is deployed",
      ).to.deep.equal([]);
      expect([...GOLDEN_KEYS.openWebUiSecrets].sort()).to.deep.equal(app.secrets.map((s) => s.name).sort());
      const proxy = stack.container("pluto-openwebui", "oauth2-proxy");
      expect(GOLDEN_KEYS.oauth2Proxy).to.include.members([...proxy.environment, ...proxy.secrets].map((e) => e.name));
    });

    it("reports it from `pluto synth` as a config problem: exit 2, no stack trace", async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pluto-golden-"));
      try {
        const file = path.join(dir, "Pulumi.x.yaml");
        fs.writeFileSync(
          file,
          fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8") +
            "  pluto:openWebUiSettings:\n    WEBUI_URL: https://evil.example.com\n  pluto:oauth2ProxySettings:\n    OAUTH2_PROXY_UPSTREAMS: http://evil.example.com/\n",
        );
        const io = memoryIo();
        expect(await main(["node", "pluto", "synth", "--config", file], io)).to.equal(2);
        const err = io.stderr.join("\n");
        expect(err).to.contain("pluto:openWebUiSettings.WEBUI_URL: WEBUI_URL is part of the golden configuration");
        expect(err).to.contain("pluto:oauth2ProxySettings.OAUTH2_PROXY_UPSTREAMS:");
        expect(err).to.not.match(/\n\s+at /);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe("googleClientSecret", () => {
    it("refuses it in clear text with the command that stores it encrypted", () => {
      expect(problems(valid, [])).to.deep.equal([
        "pluto:googleClientSecret: given in clear text, so anyone who can read the stack's config file can read it; rotate it and store the new value encrypted with `pulumi config set --secret pluto:googleClientSecret <value>`",
      ]);
      expect(problems(valid, ["googleClientSecret"])).to.deep.equal([]);
      expect(problems({ ...valid, googleClientSecret: "" }, ["googleClientSecret"])).to.deep.equal([
        "pluto:googleClientSecret: is empty (a `secure:` entry with no value?); set it with `pulumi config set --secret pluto:googleClientSecret <value>`",
      ]);
    });

    it("learns which keys are secret from the Pulumi runtime (PULUMI_CONFIG_SECRET_KEYS)", () => {
      expect(typeof (pulumi.runtime as any).isConfigSecret, "the SDK still exposes isConfigSecret").to.equal("function");
      const before = pulumi.runtime.allConfig();
      try {
        pulumi.runtime.setAllConfig({ "pluto:googleClientSecret": "x", "pluto:domain": "d" }, ["pluto:googleClientSecret"]);
        expect(configSecretKeys(["googleClientSecret", "domain"])).to.deep.equal(["googleClientSecret"]);
        pulumi.runtime.setAllConfig({ "pluto:googleClientSecret": "x" }, []);
        expect(configSecretKeys(["googleClientSecret"])).to.deep.equal([]);
      } finally {
        pulumi.runtime.setAllConfig(before, []);
      }
    });

    for (const [what, yaml, expected] of [
      ["in clear text", "  pluto:googleClientSecret: GOCSPX-plain", "given in clear text"],
      ["as `secure: ''`", "  pluto:googleClientSecret:\n    secure: ''", "is empty"],
    ]) {
      it(`exits 2 from \`pluto synth\` when it is ${what}`, async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pluto-secret-"));
        try {
          const file = path.join(dir, "Pulumi.x.yaml");
          fs.writeFileSync(file, fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8").replace(/ {2}pluto:googleClientSecret:\n {4}secure: .*/, yaml));
          const io = memoryIo();
          expect(await main(["node", "pluto", "synth", "--config", file], io)).to.equal(2);
          expect(io.stderr.join("\n")).to.contain(`pluto:googleClientSecret: ${expected}`).and.contain("pulumi config set --secret pluto:googleClientSecret");
        } finally {
          fs.rmSync(dir, { recursive: true, force: true });
        }
      });
    }
  });

  describe("keys", () => {
    it("says how to set a dotted key written without --path", () => {
      expect(problems({ ...valid, "database.multiAz": "true" })).to.deep.equal([
        'pluto:database.multiAz: Pulumi stored this as one key named "database.multiAz" because it was set without --path; set the field with `pulumi config set --path pluto:database.multiAz <value>` and remove this key with `pulumi config rm pluto:database.multiAz`',
      ]);
    });

    it("suggests the nearest known key or field for a typo, and nothing for a stranger", () => {
      expect(problems({ ...valid, domian: "x" })[0]).to.match(/^pluto:domian: unknown key \(did you mean pluto:domain\? known keys: namePrefix, /);
      expect(problems({ ...valid, adminemail: "a@example.com" })[0]).to.contain("did you mean pluto:adminEmail?");
      expect(problems({ ...valid, "databse.multiAz": "true" })[0]).to.contain("did you mean pluto:database.multiAz?");
      expect(problems({ ...valid, colour: "blue" })[0]).to.match(/^pluto:colour: unknown key \(known keys: /);
      expect(problems({ ...valid, database: '{"multiAZ":true}' })[0]).to.equal(
        "pluto:database.multiAZ: unknown field (did you mean multiAz? expected one of: instanceClass, allocatedStorage, maxAllocatedStorage, multiAz, backupRetentionDays, deletionProtection)",
      );
    });

    it("measures edit distance and keeps suggestions to near misses", () => {
      expect(editDistance("kitten", "sitting")).to.equal(3);
      expect(editDistance("", "abc")).to.equal(3);
      expect(nearest("natGateway", ["natGateways", "n8n"])).to.equal("natGateways");
      expect(nearest("n9n", ["n8n", "namePrefix"])).to.equal("n8n");
      expect(nearest("xyz", ["n8n", "domain"])).to.equal(undefined);
    });
  });

  describe("openWebUiSecrets", () => {
    it("accepts setting names mapped to Secrets Manager ARNs", () => {
      const c = parseConfig(settings("openWebUiSecrets", { OPENAI_API_KEY: ARN }), "eu-west-1", secret);
      expect(c.openWebUiSecrets).to.deep.equal({ OPENAI_API_KEY: ARN });
      expect(parseConfig(valid, "eu-west-1", secret).openWebUiSecrets).to.deep.equal({});
    });

    it("refuses bad names, values that are not full secret ARNs, and names the stack owns", () => {
      expect(
        problems(
          settings("openWebUiSecrets", {
            openai_key: ARN,
            PLAIN: "sk-live-123",
            JSON_KEY: `${ARN}:apiKey::`,
            PARTIAL: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:pluto/openai-key",
            NUMBER: 42,
            DATABASE_URL: ARN,
            WEBUI_URL: ARN,
          }),
        ),
      ).to.deep.equal([
        "pluto:openWebUiSecrets.openai_key: expected an upper-case environment variable name",
        'pluto:openWebUiSecrets.PLAIN: expected the full ARN of a Secrets Manager secret (arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-AbCdEf), got "sk-live-123"; the value itself never goes into config',
        `pluto:openWebUiSecrets.JSON_KEY: "${ARN}:apiKey::" selects a JSON key or version of a secret; give the plain secret ARN (store the value in a secret of its own)`,
        'pluto:openWebUiSecrets.PARTIAL: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:pluto/openai-key" is not a full secret ARN; copy it from `aws secretsmanager describe-secret --secret-id NAME --query ARN` (it ends in a 6-character suffix)',
        "pluto:openWebUiSecrets.NUMBER: expected the ARN of a Secrets Manager secret, got 42",
        "pluto:openWebUiSecrets.DATABASE_URL: DATABASE_URL is a secret the stack generates and passes through ECS secrets; remove it here",
        "pluto:openWebUiSecrets.WEBUI_URL: WEBUI_URL is part of the golden configuration (settings/golden.ts) that keeps sign-in working, and the stack sets it itself; remove it here",
      ]);
      expect(problems({ ...settings("openWebUiSecrets", { OPENAI_API_KEY: ARN }), openWebUiSettings: '{"OPENAI_API_KEY":"x"}' })).to.deep.equal([
        "pluto:openWebUiSecrets.OPENAI_API_KEY: OPENAI_API_KEY is also in pluto:openWebUiSettings; give it in one of them",
      ]);
      expect(secretArnProblem("arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:a_b/c-Zz9Yy8")).to.equal(undefined);
    });

    it("delivers them through ECS secrets and lets only the execution role read exactly those ARNs", async () => {
      const stack = await synthStack({ "pluto:openWebUiSecrets": JSON.stringify({ OPENAI_API_KEY: ARN }) });
      const app = stack.container("pluto-openwebui", "openwebui");
      expect(app.secrets).to.deep.include({ name: "OPENAI_API_KEY", valueFrom: ARN });
      expect(env(app)).to.not.have.property("OPENAI_API_KEY");
      const roles = stack.all("aws:iam/role:Role").filter((r) => r.name.startsWith("pluto-openwebui-svc"));
      const policyOf = (suffix: string) => JSON.stringify(stack.inlinePolicies(roles.find((r) => r.name.endsWith(suffix))!));
      const statement = JSON.parse(JSON.parse(policyOf("-execution"))[0].policy).Statement[0];
      expect(statement.Resource).to.include(ARN);
      expect(statement.Resource).to.have.members(stack.containers("pluto-openwebui").flatMap((c) => c.secrets.map((s) => secretResourceArn(s.valueFrom))));
      expect(policyOf("-task")).to.not.contain(ARN);
    });
  });
});
