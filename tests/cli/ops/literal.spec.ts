/**
 * `pluto doctor`, `pluto diff` and `pluto lint` against a task definition written out literally in
 * the shape ECS returns it (fixtures-literal/), so the commands are checked against AWS's document and
 * not only against fixtures built from the golden functions they test.
 */
import { expect } from "chai";
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ListTasksCommand, TaskDefinition } from "@aws-sdk/client-ecs";
import { awsMocks, AwsMocks, pluto, REGION, restoreMocks, service, tdArn } from "./fixtures";
import { literalFile, literalTaskDefinition } from "./fixtures-literal/load";
import { snapshotContainers } from "../../../cli/commands/ops/envDiff";

const FILE = "pluto-openwebui-56.json";
const SIGNED_OUT_ONCE =
  "/oauth2/sign_out?rd=https%3A%2F%2Fauth.pluto.example.com%2Flogout%3Fclient_id%3D77n2g266last0jim5h1c0qjckn%26logout_uri%3Dhttps%3A%2F%2Fpluto.example.com";

/** Revision 57: revision 56 with the edits an operator made by hand in the console, spelt out. */
function revision57(): TaskDefinition {
  const td = literalTaskDefinition(FILE);
  td.taskDefinitionArn = tdArn(57);
  td.revision = 57;
  const [webui, proxy] = td.containerDefinitions!;
  webui.environment = webui.environment!.map((e) => (e.name === "WEBUI_AUTH_SIGNOUT_REDIRECT_URL" ? { ...e, value: SIGNED_OUT_ONCE } : e));
  proxy.environment!.push({ name: "OAUTH2_PROXY_SKIP_AUTH_STRIP_HEADERS", value: "false" });
  return td;
}

describe("ops commands against a literal describe-task-definition document", () => {
  let m: AwsMocks;
  beforeEach(() => (m = awsMocks()));
  afterEach(() => restoreMocks(m));

  function live(rev: number, tds: Record<number, TaskDefinition>) {
    m.ecs.on(DescribeServicesCommand).resolves({ services: [service(rev)], failures: [] });
    for (const [r, td] of Object.entries(tds)) {
      m.ecs.on(DescribeTaskDefinitionCommand, { taskDefinition: tdArn(Number(r)) }).resolves({ taskDefinition: td, tags: [] });
      m.ecs.on(DescribeTaskDefinitionCommand, { taskDefinition: `pluto-openwebui:${r}` }).resolves({ taskDefinition: td, tags: [] });
    }
    m.ecs.on(ListTasksCommand).resolves({ taskArns: [] });
  }

  it("reads every field ECS returns without tripping: the two containers, with ECS's own defaults ignored", () => {
    const td = literalTaskDefinition(FILE);
    expect(td).to.include({ revision: 56, status: "ACTIVE", family: "pluto-openwebui" });
    expect(td.registeredAt).to.be.instanceOf(Date);
    expect(td.requiresAttributes!.map((a) => a.name)).to.include("ecs.capability.secrets.asm.environment-variables");
    expect(snapshotContainers(td).map((c) => [c.name, Object.keys(c.environment).length, Object.keys(c.secrets).length])).to.deep.equal([
      ["openwebui", 8, 3],
      ["oauth2-proxy", 21, 2],
    ]);
  });

  it("doctor: the deployed golden revision is healthy (exit 0); written before Open WebUI listened on loopback, it gets that advisory", async () => {
    live(56, { 56: literalTaskDefinition(FILE) });
    const r = await pluto(["doctor", "--region", REGION]);
    expect(r.err).to.equal("");
    expect(r.code).to.equal(0);
    expect(r.out).to.match(/^WARN {2}policy +pluto-openwebui:56 passes the mandatory policies; 1 advisory finding\(s\)$/m);
    expect(r.out).to.include('[advisory] app-listens-on-loopback (openwebui): Open WebUI (container openwebui) listens on "0.0.0.0" (HOST unset)');
    expect(r.out).to.match(/^PASS {2}proxy-mode +direct proxy mode: PASS_USER_HEADERS=true, no SET_XAUTHREQUEST$/m);
    expect(r.out).to.match(/^healthy$/m);
  });

  it("doctor: hand edits are findings (mandatory header stripping, advisory sign-out with its fix) and baseline drift (exit 1)", async () => {
    live(57, { 57: revision57(), 56: literalTaskDefinition(FILE) });
    const r = await pluto(["doctor", "--region", REGION, "--baseline", "56"]);
    expect(r.code).to.equal(1);
    expect(r.out).to.match(/^FAIL {2}policy +pluto-openwebui:57 violates oauth2-proxy-strip-auth-headers$/m);
    expect(r.out).to.include('[mandatory] oauth2-proxy-strip-auth-headers (oauth2-proxy): OAUTH2_PROXY_SKIP_AUTH_STRIP_HEADERS="false"');
    const signOut = r.out.split("\n").find((l) => l.includes("[advisory] openwebui-signout-redirect (openwebui)"));
    expect(signOut).to.include("logout_uri is not URL-encoded inside rd");
    expect(
      signOut!.endsWith(
        `Fix: WEBUI_AUTH_SIGNOUT_REDIRECT_URL=${literalTaskDefinition(FILE).containerDefinitions![0].environment!.find((e) => e.name === "WEBUI_AUTH_SIGNOUT_REDIRECT_URL")!.value}`,
      ),
    ).to.equal(true);
    expect(r.out).to.match(/^FAIL {2}baseline +differs from pluto-openwebui:56: 1 added, 0 removed, 1 changed$/m);
    expect(r.out).to.match(/\+ +env +OAUTH2_PROXY_SKIP_AUTH_STRIP_HEADERS=false/);
    expect(r.out).to.match(/^unhealthy: policy, baseline failed$/m);
  });

  it("diff: only the hand edits between the two revisions, container by container", async () => {
    live(57, { 57: revision57(), 56: literalTaskDefinition(FILE) });
    const r = await pluto(["diff", "56", "57", "--region", REGION]);
    expect(r.code).to.equal(0);
    const lines = r.out.split("\n");
    expect(lines[0]).to.equal("pluto-openwebui:56 -> pluto-openwebui:57: 1 added, 0 removed, 1 changed");
    expect(r.out).to.match(
      /~ +env +WEBUI_AUTH_SIGNOUT_REDIRECT_URL: \/oauth2\/sign_out\?rd=.*logout_uri%3Dhttps%253A%252F%252Fpluto\.example\.com -> \/oauth2\/sign_out\?rd=.*logout_uri%3Dhttps%3A%2F%2Fpluto\.example\.com$/m,
    );
    expect(r.out).to.match(/\+ +env +OAUTH2_PROXY_SKIP_AUTH_STRIP_HEADERS=false/);
    const self = await pluto(["diff", "56", "56", "--region", REGION, "--json"]);
    expect(JSON.parse(self.out).containers.map((c: { status: string }) => c.status)).to.deep.equal(["unchanged", "unchanged"]);
  });

  it("lint: the file as the CLI printed it passes every mandatory policy; its one advisory is the loopback binding it predates", async () => {
    const r = await pluto(["lint", literalFile(FILE)]);
    expect(r).to.deep.include({ code: 0, err: "" });
    expect(r.out.split("\n")[0]).to.equal(`${literalFile(FILE)}: 1 finding (0 mandatory)`);
    expect(r.out).to.match(/ADVISORY {2}app-listens-on-loopback {2}openwebui {2}Open WebUI \(container openwebui\) listens on "0\.0\.0\.0" \(HOST unset\)/);
  });
});
