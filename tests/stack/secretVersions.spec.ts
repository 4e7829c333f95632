import { expect } from "chai";
import * as path from "path";
import { synthesize } from "../../cli/synth/harness";
import { parseSecretReference } from "../../config/models";
import { Stack, synthStack } from "../helpers/stack";

const PROGRAM = path.join(__dirname, "storedSecretProgram.ts");
const withValue = async (value: string) => new Stack(await synthesize({ program: PROGRAM, config: { "aws:region": "us-west-2", "test:value": value } }));
const taskDefinition = (s: Stack) => s.inputs("aws:ecs/taskDefinition:TaskDefinition").containerDefinitions as string;

describe("a new secret value reaches the running tasks", () => {
  it("changes the task definition when a stored value changes (so ECS rolls the service), and only then", async () => {
    const before = await withValue("rediss://:t@master.old.cache.amazonaws.com:6379/0");
    const same = await withValue("rediss://:t@master.old.cache.amazonaws.com:6379/0");
    const after = await withValue("rediss://:t@master.new.cache.amazonaws.com:6379/0");
    expect(taskDefinition(same)).to.equal(taskDefinition(before));
    expect(taskDefinition(after)).to.not.equal(taskDefinition(before));
    // Same secret, another version: ECS reads that version when the new tasks start.
    const [b, a] = [before, after].map((s) => parseSecretReference(s.result.outputs.valueFrom as string)!);
    expect(a.arn).to.equal(b.arn).and.equal(before.result.outputs.arn);
    expect(a.versionId)
      .to.match(/^[0-9a-f-]{36}$/)
      .and.not.equal(b.versionId);
    expect([a.jsonKey, a.versionStage]).to.deep.equal([undefined, undefined]);
  });

  it("names every secret the stack stores by the version its value got, in every task; operator secrets follow their current version", async () => {
    const operatorArn = "arn:aws:secretsmanager:us-west-2:123456789012:secret:team/openai-AbCdEf";
    const stack = await synthStack({
      "pluto:n8n": JSON.stringify({ enabled: true }),
      "pluto:openWebUi": JSON.stringify({ desiredCount: 2 }),
      "pluto:models": JSON.stringify({ bedrock: { models: ["anthropic.claude-3-5-haiku-20241022-v1:0"] } }),
      "pluto:openWebUiSecrets": JSON.stringify({ OPENAI_API_KEY: operatorArn }),
    });
    // The mock's SecretVersion id is `ARN|VERSION-ID`, as the provider's.
    const versions = new Map(stack.all("aws:secretsmanager/secretVersion:SecretVersion").map((v) => v.id.split("|") as [string, string]));
    let pinned = 0;
    for (const family of ["pluto-openwebui", "pluto-n8n"])
      for (const c of stack.containers(family))
        for (const s of c.secrets) {
          const ref = parseSecretReference(s.valueFrom)!;
          if (ref.arn === operatorArn) expect(s.valueFrom, s.name).to.equal(operatorArn);
          else {
            expect(versions.has(ref.arn), `${family} ${s.name} reads a secret the stack stores`).to.equal(true);
            expect(s.valueFrom, `${family} ${s.name}`).to.equal(`${ref.arn}:::${versions.get(ref.arn)}`);
            pinned++;
          }
        }
    // DATABASE_URL, REDIS_URL and WEBSOCKET_REDIS_URL, WEBUI_SECRET_KEY, the admin password, the gateway key, n8n's key, both proxies' two.
    expect(pinned).to.be.at.least(10);
  });
});
