import { expect } from "chai";
import {
  Container,
  DEFAULT_SKIP_AUTH_ROUTE_ALLOWLIST,
  TASK_POLICIES,
  checkContainers,
  isOauth2Proxy,
  isOpenWebui,
  mandatoryFindings,
  openWebuiVersion,
  urlHasPassword,
} from "../../policies/rules";
import { containersFromContainerDefinitions } from "../../policies/adapters";
import { EcsContainerDefinition, goldenDefinitions, goldenN8nDefinitions, withEnv } from "../fixtures/policies/golden";

function adapted(defs: EcsContainerDefinition[]): Container[] {
  const a = containersFromContainerDefinitions(defs);
  if (!("containers" in a)) throw new Error(a.unchecked);
  return a.containers;
}

const golden = () => adapted(goldenDefinitions());

function container(over: Partial<Container>): Container {
  return { name: "c", environment: {}, secrets: [], command: [], image: "example/app:1.0", ...over };
}

describe("rules", () => {
  it("gives the golden tasks (Open WebUI, n8n) no findings at all", () => {
    expect(checkContainers(golden())).to.deep.equal([]);
    expect(checkContainers(adapted(goldenN8nDefinitions()))).to.deep.equal([]);
  });

  it("lists each policy once with a default level and a description", () => {
    const names = TASK_POLICIES.map((p) => p.name);
    expect(new Set(names).size).to.equal(names.length);
    expect(TASK_POLICIES.filter((p) => p.defaultLevel === "mandatory").map((p) => p.name)).to.deep.equal([
      "openwebui-no-webui-auth",
      "oauth2-proxy-no-prefer-email-to-user",
      "oauth2-proxy-no-set-authorization-header",
      "oauth2-proxy-no-pass-authorization-header",
      "oauth2-proxy-no-forwarded-header-trust",
      "oauth2-proxy-no-trusted-ip",
      "oauth2-proxy-strip-auth-headers",
      "openwebui-trusted-header-mode",
      "openwebui-trusted-header-requires-proxy",
      "openwebui-signup-disabled",
      "oauth2-proxy-skip-auth-routes-allowlist",
      "ecs-no-plaintext-secrets",
      "openwebui-default-user-role",
      "ecs-no-hidden-settings",
      "oauth2-proxy-no-oidc-email-claim",
      "ecs-task-identity",
      "oauth2-proxy-dangerous-options",
      "oauth2-proxy-email-domain-any",
      "image-security-floor",
      "openwebui-trusted-groups-header",
      "n8n-workflows-cannot-read-secrets",
    ]);
    expect(names, "retired").to.not.include("openwebui-signup-enabled");
    for (const p of TASK_POLICIES) expect(p.description, p.name).to.have.length.greaterThan(20);
  });

  it("names the container, says why (the error users saw) and the fix", () => {
    const defs = goldenDefinitions();
    withEnv(defs[0], "WEBUI_AUTH", "false");
    const [f] = checkContainers((containersFromContainerDefinitions(defs) as { containers: Container[] }).containers);
    expect(f).to.include({ policy: "openwebui-no-webui-auth", level: "mandatory", container: "openwebui" });
    expect(f.message).to.match(/WEBUI_AUTH="false".*single-user mode.*Fix: remove WEBUI_AUTH/);
  });

  it("applies level overrides, including disabled, and ignores malformed ones", () => {
    const task = golden();
    task[0].environment.WEBUI_AUTH = "false";
    task[0].image = "ghcr.io/open-webui/open-webui:main";
    const findings = checkContainers(task, { levels: { "openwebui-no-webui-auth": "advisory", "ecs-image-pinned": "mandatory" } });
    expect(findings.map((f) => [f.policy, f.level])).to.deep.equal([
      ["openwebui-no-webui-auth", "advisory"],
      ["ecs-image-pinned", "mandatory"],
    ]);
    expect(checkContainers(task, { levels: { "openwebui-no-webui-auth": "disabled" } }).map((f) => f.policy)).to.deep.equal(["ecs-image-pinned"]);
    expect(checkContainers(task, { levels: { "openwebui-no-webui-auth": "bogus" as never } })[0].level).to.equal("mandatory");
  });

  it("mandatoryFindings keeps only mandatory ones", () => {
    const task = golden();
    task[0].environment.WEBUI_AUTH = "false";
    task[0].environment.DEFAULT_USER_ROLE = "pending";
    const all = checkContainers(task);
    expect(all.map((f) => f.level)).to.have.members(["mandatory", "advisory"]);
    expect(mandatoryFindings(all).map((f) => f.policy)).to.deep.equal(["openwebui-no-webui-auth"]);
  });

  it("identifies roles by image or by settings, not by name", () => {
    expect(isOauth2Proxy(container({ name: "x", image: "my.registry/oauth2-proxy:v7" }))).to.equal(true);
    expect(isOauth2Proxy(container({ name: "x", environment: { OAUTH2_PROXY_PROVIDER: "oidc" } }))).to.equal(true);
    expect(isOauth2Proxy(container({ name: "x", secrets: ["OAUTH2_PROXY_COOKIE_SECRET"] }))).to.equal(true);
    expect(isOauth2Proxy(container({ name: "oauth2-proxy" }))).to.equal(false);
    expect(isOpenWebui(container({ name: "x", image: "ghcr.io/open-webui/open-webui:v0.6.5" }))).to.equal(true);
    expect(isOpenWebui(container({ name: "x", secrets: ["WEBUI_SECRET_KEY"] }))).to.equal(true);
    expect(isOpenWebui(container({ name: "openwebui" }))).to.equal(false);
  });

  it("checks an oauth2-proxy found only through its settings", () => {
    const task = [
      container({
        name: "app",
        image: "example/app:1",
        environment: {
          WEBUI_AUTH_TRUSTED_EMAIL_HEADER: "X-Forwarded-Email",
          ENABLE_SIGNUP: "false",
          DEFAULT_USER_ROLE: "user",
          WEBUI_AUTH_SIGNOUT_REDIRECT_URL: "/oauth2/sign_out?rd=x",
          HOST: "127.0.0.1",
        },
      }),
      container({ name: "auth", image: "example/auth:2", environment: { OAUTH2_PROXY_PROVIDER: "oidc", OAUTH2_PROXY_PREFER_EMAIL_TO_USER: "true" } }),
    ];
    expect(checkContainers(task).map((f) => f.policy)).to.have.members(["oauth2-proxy-no-prefer-email-to-user", "openwebui-trusted-header-mode"]);
  });

  it("uses the configured skip-auth allowlist instead of the default, for apps other than Open WebUI", () => {
    const task = adapted(goldenN8nDefinitions());
    task[1].environment.OAUTH2_PROXY_SKIP_AUTH_ROUTES = "POST=^/api/v1/users$,GET=^/health$";
    expect(checkContainers(task).map((f) => f.policy)).to.deep.equal(["oauth2-proxy-skip-auth-routes-allowlist"]);
    expect(checkContainers(task, { skipAuthRouteAllowlist: [...DEFAULT_SKIP_AUTH_ROUTE_ALLOWLIST, "GET=^/health$"] })).to.deep.equal([]);
    const strict = checkContainers(adapted(goldenN8nDefinitions()), { skipAuthRouteAllowlist: [] });
    expect(strict.map((f) => f.message)[0]).to.include("not on the allowlist ((empty))");
  });

  it("refuses every skip-auth route in front of Open WebUI, allowlisted or not", () => {
    const task = golden();
    task[1].environment.OAUTH2_PROXY_SKIP_AUTH_ROUTES = "GET=^/health$";
    const [f] = checkContainers(task, { skipAuthRouteAllowlist: ["GET=^/health$"] });
    expect(f).to.include({ policy: "oauth2-proxy-skip-auth-routes-allowlist", level: "mandatory", container: "oauth2-proxy" });
    expect(f.message).to.match(/lets requests reach Open WebUI \(container openwebui\) without signing in/);
    expect(DEFAULT_SKIP_AUTH_ROUTE_ALLOWLIST, "no SCIM, no signup: n8n's invitation and its webhook/form triggers").to.deep.equal([
      "POST=^/api/v1/users$",
      "^/webhook/",
      "^/webhook-test/",
      "^/webhook-waiting/",
      "^/form/",
      "^/form-test/",
      "^/form-waiting/",
    ]);
  });

  it("reports a mandatory policy's weaker form as advisory (reverse-proxy with trusted proxy IPs)", () => {
    const task = golden();
    task[1].environment.OAUTH2_PROXY_REVERSE_PROXY = "true";
    expect(checkContainers(task).map((f) => [f.policy, f.level])).to.deep.equal([["oauth2-proxy-no-forwarded-header-trust", "mandatory"]]);
    task[1].environment.OAUTH2_PROXY_TRUSTED_PROXY_IPS = "10.0.0.0/16";
    const [f] = checkContainers(task);
    expect([f.policy, f.level]).to.deep.equal(["oauth2-proxy-no-forwarded-header-trust", "advisory"]);
    expect(f.message).to.include("an ALB passes X-Forwarded-Uri and X-Forwarded-Host from the client unchanged");
    expect(checkContainers(task, { levels: { "oauth2-proxy-no-forwarded-header-trust": "disabled" } })).to.deep.equal([]);
  });

  it("reads Open WebUI's release from the image tag, and only there", () => {
    expect(openWebuiVersion("ghcr.io/open-webui/open-webui:v0.8.2")).to.deep.equal([0, 8, 2]);
    expect(openWebuiVersion("ghcr.io/open-webui/open-webui:0.6.30-cuda")).to.deep.equal([0, 6, 30]);
    expect(openWebuiVersion("registry:5000/open-webui:v1.0")).to.deep.equal([1, 0, 0]);
    for (const unknown of [
      "ghcr.io/open-webui/open-webui:main",
      "ghcr.io/open-webui/open-webui@sha256:" + "a".repeat(64),
      "x",
      undefined,
      "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
    ])
      expect(openWebuiVersion(unknown), String(unknown)).to.equal(undefined);
  });

  it("treats values unknown until deploy as unreadable, never as false", () => {
    const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    const task = golden();
    task[1].environment.OAUTH2_PROXY_SET_AUTHORIZATION_HEADER = UNKNOWN;
    task[1].environment.OAUTH2_PROXY_REVERSE_PROXY = UNKNOWN;
    task[0].environment.ENABLE_SIGNUP = UNKNOWN;
    task[0].image = UNKNOWN;
    const findings = checkContainers(task);
    expect(findings.map((f) => f.policy)).to.deep.equal([
      "oauth2-proxy-no-set-authorization-header",
      "oauth2-proxy-no-forwarded-header-trust",
      "openwebui-signup-disabled",
      "ecs-image-pinned",
    ]);
    expect(findings[0].message).to.include("(unknown until deploy)");
    expect(findings[2].message).to.include("could not be checked");
    expect(findings[3].message).to.include("could not be checked");
  });

  it("finds passwords in URLs in linear time, without false positives", () => {
    expect(urlHasPassword("postgresql://u:p@h:5432/db")).to.equal(true);
    expect(urlHasPassword("postgres://:p@h/db")).to.equal(true);
    expect(urlHasPassword("postgresql://u@h/db")).to.equal(false);
    expect(urlHasPassword("postgresql://u:@h/db")).to.equal(false);
    expect(urlHasPassword("http://h/path?x=a:b@c")).to.equal(false);
    expect(urlHasPassword("not a url")).to.equal(false);
    expect(urlHasPassword("a://" + ":".repeat(200_000))).to.equal(false);
  });

  it("never throws, whatever it is given", () => {
    const junk: unknown[] = [
      undefined,
      null,
      42,
      "x",
      {},
      [null],
      [{ environment: [1, 2] }],
      [{ name: 5, environment: { A: { b: 1 } }, secrets: "s", command: [null, 3] }],
    ];
    for (const j of junk) expect(() => checkContainers(j as Container[])).to.not.throw();
    expect(checkContainers([{ environment: { WEBUI_AUTH: false } } as unknown as Container]).map((f) => f.policy)).to.include("openwebui-no-webui-auth");
  });
});
