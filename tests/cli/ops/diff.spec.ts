import { expect } from "chai";
import { DescribeTaskDefinitionCommand } from "@aws-sdk/client-ecs";
import { awsError, awsMocks, AwsMocks, pluto, REGION, restoreMocks, secretArn, taskDefinition } from "./fixtures";
import { diffContainers, looksSecret, snapshotContainers } from "../../../cli/commands/ops/envDiff";
import { isSecretSetting } from "../../../policies/rules";
import { taskDefinitionRef } from "../../../cli/commands/ops/names";

describe("pluto diff", () => {
  let m: AwsMocks;
  beforeEach(() => (m = awsMocks()));
  afterEach(() => restoreMocks(m));

  it("diffs two revisions container by container: image, env and secrets", async () => {
    m.ecs.on(DescribeTaskDefinitionCommand, { taskDefinition: "pluto-openwebui:40" }).resolves({ taskDefinition: taskDefinition(40) });
    m.ecs.on(DescribeTaskDefinitionCommand, { taskDefinition: "pluto-openwebui:51" }).resolves({
      taskDefinition: taskDefinition(51, {
        image: "ghcr.io/open-webui/open-webui:main",
        set: { WEBUI_AUTH: "false" },
        unset: ["DEFAULT_USER_ROLE"],
        proxySet: { OAUTH2_PROXY_PREFER_EMAIL_TO_USER: "true" },
        secrets: { WEBUI_SECRET_KEY: secretArn("webui-secret-key"), DATABASE_URL: secretArn("database-url-v2") },
      }),
    });
    const r = await pluto(["diff", "40", "51", "--region", REGION]);
    expect(r.code).to.equal(0);
    expect(m.ecs.commandCalls(DescribeTaskDefinitionCommand).map((c) => c.args[0].input)).to.deep.equal([
      { taskDefinition: "pluto-openwebui:40" },
      { taskDefinition: "pluto-openwebui:51" },
    ]);
    const lines = r.out.split("\n");
    expect(lines[0]).to.equal("pluto-openwebui:40 -> pluto-openwebui:51: 2 added, 2 removed, 2 changed");
    expect(lines).to.include("openwebui");
    expect(r.out).to.match(/~ +image +ghcr\.io\/open-webui\/open-webui:v0\.11\.1 -> ghcr\.io\/open-webui\/open-webui:main/);
    expect(r.out).to.match(/\+ +env +WEBUI_AUTH=false/);
    expect(r.out).to.match(/- +env +DEFAULT_USER_ROLE=user/);
    expect(r.out).to.match(/~ +secret +DATABASE_URL: arn:aws:secretsmanager:.*database-url-AbCdEf -> arn:aws:secretsmanager:.*database-url-v2-AbCdEf/);
    expect(r.out).to.match(/- +secret +WEBUI_ADMIN_PASSWORD from arn:aws:secretsmanager:/);
    expect(r.out).to.match(/^oauth2-proxy$/m);
    expect(r.out).to.match(/\+ +env +OAUTH2_PROXY_PREFER_EMAIL_TO_USER=true/);
  });

  it("takes --family, family:revision and ARNs", async () => {
    m.ecs.on(DescribeTaskDefinitionCommand).resolves({ taskDefinition: taskDefinition(1) });
    const arn = "arn:aws:ecs:eu-west-1:123456789012:task-definition/pluto-n8n:7";
    const r = await pluto(["diff", "3", arn, "--family", "pluto-n8n", "--region", REGION, "--json"]);
    expect(m.ecs.commandCalls(DescribeTaskDefinitionCommand).map((c) => c.args[0].input.taskDefinition)).to.deep.equal(["pluto-n8n:3", arn]);
    const doc = JSON.parse(r.out);
    expect(doc.containers.map((c: { status: string }) => c.status)).to.deep.equal(["unchanged", "unchanged"]);
  });

  it("exits 2 when a revision does not exist", async () => {
    m.ecs.on(DescribeTaskDefinitionCommand).rejects(awsError("ClientException", "Unable to describe task definition."));
    const r = await pluto(["diff", "40", "41", "--region", REGION]);
    expect(r.code).to.equal(2);
    expect(r.err).to.equal("pluto: task definition pluto-openwebui:40 not found in eu-west-1");
  });
});

describe("envDiff", () => {
  it("masks every secret-looking env value, in all three kinds of change", () => {
    const a = [{ name: "app", environment: { WEBUI_SECRET_KEY: "s1", DATABASE_URL: "postgres://u:p@h/db", OLD_PASSWORD: "pw" }, secrets: {} }];
    const b = [{ name: "app", environment: { WEBUI_SECRET_KEY: "s2", DATABASE_URL: "postgres://u:p@h/db", N8N_API_KEY: "k" }, secrets: {} }];
    const [d] = diffContainers(a, b);
    expect(d.environment).to.deep.equal([
      { kind: "added", name: "N8N_API_KEY", after: "<hidden>" },
      { kind: "removed", name: "OLD_PASSWORD", before: "<hidden>" },
      { kind: "changed", name: "WEBUI_SECRET_KEY", before: "<hidden>", after: "<hidden>" },
    ]);
  });

  it("recognises the secret-looking names and leaves the others alone", () => {
    for (const n of ["OAUTH2_PROXY_COOKIE_SECRET", "DB_PASSWORD", "SCIM_TOKEN", "OPENAI_API_KEY", "DATABASE_URL", "WEBUI_SECRET_KEY"])
      expect(looksSecret(n), n).to.equal(true);
    for (const n of ["WEBUI_AUTH", "ENABLE_SIGNUP", "OAUTH2_PROXY_SET_AUTHORIZATION_HEADER", "WEBUI_URL"]) expect(looksSecret(n), n).to.equal(false);
  });

  it("hides everything the policy pack calls a secret: the gateway's master key, numbered keys, a URL with a password", () => {
    for (const n of ["LITELLM_MASTER_KEY", "LITELLM_SALT_KEY", "OPENAI_API_KEYS", "PLUTO_OPENAI_API_KEY_2"]) {
      expect(isSecretSetting(n), n).to.equal(true);
      expect(looksSecret(n), n).to.equal(true);
    }
    expect(looksSecret("REDIS_URL", "rediss://:t0ken@master.example:6379/0")).to.equal(true);
    expect(looksSecret("REDIS_URL", "rediss://master.example:6379/0")).to.equal(false);
    const [d] = diffContainers(
      [{ name: "openwebui", environment: { REDIS_URL: "rediss://:old@h:6379/0" }, secrets: {} }],
      [{ name: "openwebui", environment: { REDIS_URL: "rediss://:new@h:6379/0" }, secrets: {} }],
    );
    expect(d.environment).to.deep.equal([{ kind: "changed", name: "REDIS_URL", before: "<hidden>", after: "<hidden>" }]);
  });

  it("reports a changed container command (flags hide settings there)", () => {
    const a = [{ name: "oauth2-proxy", environment: {}, secrets: {}, command: ["--provider=oidc"] }];
    const b = [{ name: "oauth2-proxy", environment: {}, secrets: {}, command: ["--provider=oidc", "--prefer-email-to-user"] }];
    const [d] = diffContainers(a, b);
    expect(d).to.deep.include({ status: "changed", command: { before: "--provider=oidc", after: "--provider=oidc --prefer-email-to-user" } });
  });

  it("reports added and removed containers", () => {
    const td = snapshotContainers(taskDefinition(1));
    const statuses = diffContainers(td.slice(0, 1), td.slice(1)).map((d) => `${d.container}:${d.status}`);
    expect(statuses).to.deep.equal(["openwebui:removed", "oauth2-proxy:added"]);
  });

  it("resolves revisions", () => {
    expect(taskDefinitionRef("40", "pluto-openwebui")).to.equal("pluto-openwebui:40");
    expect(taskDefinitionRef("other:2", "pluto-openwebui")).to.equal("other:2");
    expect(() => taskDefinitionRef("latest", "f")).to.throw('revision "latest" is not a number');
  });
});
