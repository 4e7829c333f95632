/**
 * Text settings given as something else. `String()` would read the list ["db.t4g.micro"] as
 * "db.t4g.micro" and let it through; only a string is text, and the problem shows what was given.
 */
import { expect } from "chai";
import { configProblems, VALID_CONFIG } from "../helpers/config";

describe("text settings given as a list or an object", () => {
  const cases: [string, Record<string, string>, string][] = [
    [
      "database.instanceClass",
      { database: '{"instanceClass":["db.t4g.micro"]}' },
      'pluto:database.instanceClass: expected an RDS instance class like "db.t4g.micro", got ["db.t4g.micro"]',
    ],
    ["n8n.image", { n8n: '{"image":["docker.n8n.io/n8nio/n8n:1.0.0"]}' }, 'pluto:n8n.image: ["docker.n8n.io/n8nio/n8n:1.0.0"] is not an image reference'],
    [
      "backup.schedule",
      { backup: '{"schedule":{"cron":"0 3 * * ? *"}}' },
      'pluto:backup.schedule: expected an AWS Backup cron expression with six fields such as "cron(0 3 * * ? *)", got {"cron":"0 3 * * ? *"}',
    ],
    [
      "models.bedrock.gatewayImage",
      { models: '{"bedrock":{"models":["amazon.nova-lite-v1:0"],"gatewayImage":["ghcr.io/berriai/litellm:v1.80.11-stable.1"]}}' },
      'pluto:models.bedrock.gatewayImage: ["ghcr.io/berriai/litellm:v1.80.11-stable.1"] is not an image reference',
    ],
  ];
  for (const [key, raw, problem] of cases) {
    it(`refuses a list or object as ${key}, showing it`, () => {
      expect(configProblems({ ...VALID_CONFIG, ...raw })).to.deep.equal([problem]);
    });
  }

  it("still accepts each as a string", () => {
    expect(
      configProblems({
        ...VALID_CONFIG,
        database: '{"instanceClass":"db.t4g.small"}',
        n8n: '{"image":"docker.n8n.io/n8nio/n8n:1.0.0"}',
        backup: '{"schedule":"cron(0 4 * * ? *)"}',
        models: '{"bedrock":{"models":["amazon.nova-lite-v1:0"],"gatewayImage":"ghcr.io/berriai/litellm:v1.80.11-stable.1"}}',
      }),
    ).to.deep.equal([]);
  });
});
