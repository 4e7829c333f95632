import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../cli/main";
import { memoryIo } from "../../cli/io";
import { ROOT, stackFile } from "../helpers/stack";

/** Pulumi.dev.yaml with `pluto:models` added, as `pulumi config set --path` would store it. */
function devConfigWithModels(dir: string, name: string, models: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8") + `  pluto:models:\n${models}`);
  return file;
}

describe("pluto synth and model connections", () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pluto-synth-models-"));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("says that no model is connected for a stack without pluto:models", async () => {
    const io = memoryIo();
    expect(await main(["node", "pluto", "synth", "--config", stackFile()], io)).to.equal(0);
    expect(io.stdout.join("\n")).to.match(/^models: none connected; Open WebUI will list no model until pluto:models is set/m);
  });

  it("names each connection, and the Bedrock models, without keys", async () => {
    const file = devConfigWithModels(
      dir,
      "models.yaml",
      [
        "    bedrock:",
        "      models: [anthropic.claude-3-5-haiku-20241022-v1:0, us.amazon.nova-lite-v1:0]",
        "      region: us-east-1",
        "    openai:",
        "      - name: openai",
        "        baseUrl: https://api.openai.com/v1",
        "        apiKeySecretArn: arn:aws:secretsmanager:us-west-2:123456789012:secret:pluto/openai-key-AbCdEf",
        "",
      ].join("\n"),
    );
    const io = memoryIo();
    expect(await main(["node", "pluto", "synth", "--config", file], io)).to.equal(0);
    const out = io.stdout.join("\n");
    expect(out).to.contain("models: openai (https://api.openai.com/v1), bedrock (2 Bedrock models in us-east-1, through the gateway sidecar)");
    expect(out).to.contain("pluto:models:BedrockGateway  pluto-openwebui-bedrock");
    // The gateway's LiteLLM pin is below its security floor: advisory (it listens only inside the task), never fatal.
    expect(io.stderr.join("\n").replace(/^ADVISORY {2}image-security-floor .*\n {2}Image "ghcr\.io\/berriai\/litellm:[^\n]*LiteLLM[^\n]*$/m, "")).to.equal("");
  });

  it("exits 2 naming the key and the fix, in its own process, when a model needs an inference profile", function () {
    this.timeout(60000);
    const file = devConfigWithModels(dir, "on-demand.yaml", "    bedrock:\n      models: [anthropic.claude-3-7-sonnet-20250219-v1:0]\n");
    const r = spawnSync(path.join(ROOT, "bin", "pluto"), ["synth", "--quiet", "--config", file], { cwd: ROOT, encoding: "utf8" });
    expect(r.status).to.equal(2);
    expect(r.stderr).to.contain(
      `pluto: ${file}: pluto:models.bedrock.models: anthropic.claude-3-7-sonnet-20250219-v1:0 does not support on-demand calls in us-west-2`,
    );
    expect(r.stderr).to.contain("e.g. us.anthropic.claude-3-7-sonnet-20250219-v1:0");
    expect(r.stderr).to.not.match(/\n\s+at |promises were still active/);
  });
});
