import { expect } from "chai";
import { parseConfig, RawConfig } from "../../config";
import { DEFAULT_GATEWAY_IMAGE, NO_MODELS } from "../../config/models";
import { CLIENT_SECRET as secret, configProblems, VALID_CONFIG } from "../helpers/config";
const base = VALID_CONFIG;
const problems = (raw: RawConfig, region: string | null = "eu-west-1") => configProblems(raw, { region });

const KEY_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:pluto/openai-key-AbCdEf";

const withModels = (models: unknown, extra: RawConfig = {}): RawConfig => ({ ...base, ...extra, models: JSON.stringify(models) });

describe("pluto:models configuration", () => {
  it("is optional: without it no model is connected", () => {
    expect(parseConfig(base, "eu-west-1", secret).models).to.deep.equal(NO_MODELS);
  });

  it("reads the issue's example: Bedrock models in the stack's region by default, an OpenAI connection whose key stays an ARN", () => {
    const c = parseConfig(
      withModels({
        bedrock: { models: ["anthropic.claude-3-5-haiku-20241022-v1:0", "amazon.nova-lite-v1:0"] },
        openai: [{ name: "openai", baseUrl: "https://api.openai.com/v1/", apiKeySecretArn: KEY_ARN }],
      }),
      "eu-west-1",
      secret,
    );
    expect(c.models).to.deep.equal({
      bedrock: { models: ["anthropic.claude-3-5-haiku-20241022-v1:0", "amazon.nova-lite-v1:0"], region: "eu-west-1", gatewayImage: DEFAULT_GATEWAY_IMAGE },
      // The trailing slash goes: Open WebUI appends "/models" to the base URL as given.
      openai: [{ name: "openai", baseUrl: "https://api.openai.com/v1", apiKeySecretArn: KEY_ARN }],
    });
  });

  it("accepts inference profile ids, another Bedrock region and a JSON key of a secret", () => {
    const c = parseConfig(
      withModels({
        bedrock: { models: ["us.anthropic.claude-3-5-haiku-20241022-v1:0", "global.anthropic.claude-sonnet-4-5-20250929-v1:0"], region: "us-east-1" },
        openai: [{ name: "groq", baseUrl: "https://api.groq.com/openai/v1", apiKeySecretArn: `${KEY_ARN}:groq::` }],
      }),
      "eu-west-1",
      secret,
    );
    expect(c.models.bedrock!.region).to.equal("us-east-1");
    expect(c.models.openai[0].apiKeySecretArn).to.equal(`${KEY_ARN}:groq::`);
  });

  it("gives Open WebUI's task more memory by default when the gateway shares it, and keeps an explicit size", () => {
    const bedrock = { bedrock: { models: ["amazon.nova-lite-v1:0"] } };
    expect(parseConfig(withModels(bedrock), "eu-west-1", secret).openWebUi.memory).to.equal(3072);
    expect(parseConfig(withModels(bedrock, { openWebUi: '{"memory":4096}' }), "eu-west-1", secret).openWebUi.memory).to.equal(4096);
    expect(
      parseConfig(withModels({ openai: [{ name: "o", baseUrl: "https://x.example.com/v1", apiKeySecretArn: KEY_ARN }] }), "eu-west-1", secret).openWebUi.memory,
    ).to.equal(2048);
  });

  it("reports every mistake at once, each naming its key", () => {
    const found = problems(
      withModels({
        bedrock: {
          models: ["claude", "amazon.nova-lite-v1:0", "amazon.nova-lite-v1:0", "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0"],
          region: "Virginia",
          gatewayImage: "ghcr.io/berriai/litellm:main-latest",
        },
        openai: [
          { name: "openai", baseUrl: "http://api.openai.com/v1", apiKeySecretArn: KEY_ARN },
          { name: "openai", baseUrl: "https://user:pw@api.example.com/v1", apiKeySecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:key-AbCdEf" },
          { name: "bedrock", baseUrl: "https://x.example.com/v1?x=1", apiKeySecretArn: "sk-live-123" },
          { name: "Bad Name", baseUrl: "https://y.example.com/v1", apiKeySecretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:partial" },
        ],
        extra: 1,
      }),
    );
    expect(found).to.include.members([
      "pluto:models.extra: unknown field (expected one of: bedrock, openai)",
      "pluto:models.bedrock.models[2]: amazon.nova-lite-v1:0 is listed twice",
      'pluto:models.bedrock.region: expected an AWS region such as us-east-1, got "Virginia"',
      'pluto:models.openai[1].name: "openai" is used by another connection; names must be unique',
      'pluto:models.openai[2].name: "bedrock" is reserved for the Bedrock gateway (pluto:models.bedrock); choose another name',
      'pluto:models.openai[3].name: expected 1-32 lower-case letters, digits or dashes starting with a letter, got "Bad Name"',
      "pluto:models.openai[1].apiKeySecretArn: the secret is in us-east-1 but the stack is in eu-west-1; keep the key in the stack's region",
    ]);
    const text = found.join("\n");
    expect(text).to.match(/^pluto:models\.bedrock\.models\[0\]: "claude" is not a Bedrock model id or inference profile id/m);
    expect(text).to.match(/^pluto:models\.bedrock\.models\[3\]: "arn:aws:bedrock:.*ARNs are not accepted/m);
    expect(text).to.match(/^pluto:models\.bedrock\.gatewayImage: "ghcr\.io\/berriai\/litellm:main-latest" uses the moving tag/m);
    expect(text).to.match(/^pluto:models\.openai\[0\]\.baseUrl: "http:\/\/api\.openai\.com\/v1" must use https/m);
    expect(text).to.match(/^pluto:models\.openai\[1\]\.baseUrl: .* must not carry credentials/m);
    expect(text).to.match(/^pluto:models\.openai\[2\]\.baseUrl: .* must not have a query or fragment/m);
    expect(text).to.match(/^pluto:models\.openai\[2\]\.apiKeySecretArn: expected the full ARN of a Secrets Manager secret .*got "sk-live-123"/m);
    expect(text).to.match(/^pluto:models\.openai\[3\]\.apiKeySecretArn: expected the full ARN/m);
    // The key given in place of an ARN is quoted back to its owner, but nothing else about the config is lost.
    expect(found.every((p) => p.startsWith("pluto:"))).to.equal(true);
  });

  const cases: [string, unknown, RegExp][] = [
    ["not an object", ["amazon.nova-lite-v1:0"], /^pluto:models: expected an object \{bedrock\?, openai\?\}/],
    ["bedrock without models", { bedrock: {} }, /^pluto:models\.bedrock\.models: expected a non-empty list/],
    ["an empty model list", { bedrock: { models: [] } }, /^pluto:models\.bedrock\.models: expected a non-empty list/],
    [
      "more models than the role policy holds",
      { bedrock: { models: Array.from({ length: 26 }, (_, i) => `amazon.model-${i}-v1:0`) } },
      /^pluto:models\.bedrock\.models: 26 models; at most 25 fit the task role's IAM policy/,
    ],
    ["openai not a list", { openai: { name: "x" } }, /^pluto:models\.openai: expected a list of connections/],
    ["a connection without a base URL", { openai: [{ name: "x", apiKeySecretArn: KEY_ARN }] }, /^pluto:models\.openai\[0\]\.baseUrl: is required/],
    [
      "a base URL with ';' (Open WebUI's separator)",
      { openai: [{ name: "x", baseUrl: "https://x.example.com/v1;y", apiKeySecretArn: KEY_ARN }] },
      /must not contain ';'/,
    ],
    [
      "two connections to one URL",
      {
        openai: [
          { name: "a", baseUrl: "https://x.example.com/v1", apiKeySecretArn: KEY_ARN },
          { name: "b", baseUrl: "https://x.example.com/v1/", apiKeySecretArn: KEY_ARN },
        ],
      },
      /^pluto:models\.openai\[1\]\.baseUrl: https:\/\/x\.example\.com\/v1 is used by another connection/,
    ],
    [
      "an ECS valueFrom with an empty suffix",
      { openai: [{ name: "x", baseUrl: "https://x.example.com/v1", apiKeySecretArn: `${KEY_ARN}:::` }] },
      /^pluto:models\.openai\[0\]\.apiKeySecretArn: expected the full ARN/,
    ],
    [
      "an unknown connection field",
      { openai: [{ name: "x", baseUrl: "https://x.example.com/v1", apiKeySecretArn: KEY_ARN, apiKey: "sk-1" }] },
      /^pluto:models\.openai\[0\]\.apiKey: unknown field/,
    ],
  ];
  for (const [title, models, expected] of cases) {
    it(`refuses ${title}`, () => {
      const found = problems(withModels(models));
      expect(
        found.some((p) => expected.test(p)),
        found.join("\n"),
      ).to.equal(true);
    });
  }

  it("refuses Open WebUI connection settings by hand beside pluto:models, and allows them without it", () => {
    const settings = JSON.stringify({ OPENAI_API_BASE_URL: "https://x.example.com/v1", ENABLE_OPENAI_API: "true" });
    expect(problems(withModels({ bedrock: { models: ["amazon.nova-lite-v1:0"] } }, { openWebUiSettings: settings }))).to.deep.equal([
      "pluto:openWebUiSettings.OPENAI_API_BASE_URL: pluto:models sets Open WebUI's model connections; remove OPENAI_API_BASE_URL from openWebUiSettings",
      "pluto:openWebUiSettings.ENABLE_OPENAI_API: pluto:models sets Open WebUI's model connections; remove ENABLE_OPENAI_API from openWebUiSettings",
    ]);
    expect(problems({ ...base, openWebUiSettings: settings })).to.deep.equal([]);
  });

  it("is a known key (a typo of it is not)", () => {
    expect(problems({ ...base, model: "{}" })[0]).to.match(/^pluto:model: unknown key \(did you mean pluto:models\? known keys: .*models/);
  });
});
