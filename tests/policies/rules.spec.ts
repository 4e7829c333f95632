import { expect } from "chai";
import {
  Container,
  DEFAULT_SKIP_AUTH_ROUTE_ALLOWLIST,
  TASK_POLICIES,
  checkContainers,
  isOauth2Proxy,
  isOpenWebui,
  mandatoryFindings,
  urlHasPassword,
} from "../../policies/rules";
import { containersFromContainerDefinitions } from "../../policies/adapters";
import { goldenDefinitions, withEnv } from "../fixtures/policies/golden";

function golden(): Container[] {
  const a = containersFromContainerDefinitions(goldenDefinitions());
  if (!("containers" in a)) throw new Error(a.unchecked);
  return a.containers;
}

function container(over: Partial<Container>): Container {
  return { name: "c", environment: {}, secrets: [], command: [], image: "example/app:1.0", ...over };
}

describe("rules", () => {
  it("gives the golden task no findings at all", () => {
    expect(checkContainers(golden())).to.deep.equal([]);
  });

  it("lists each policy once with a default level and a description", () => {
    const names = TASK_POLICIES.map((p) => p.name);
    expect(new Set(names).size).to.equal(names.length);
    expect(TASK_POLICIES.filter((p) => p.defaultLevel === "mandatory").map((p) => p.name)).to.deep.equal([
      "openwebui-no-webui-auth",
      "oauth2-proxy-no-prefer-email-to-user",
      "oauth2-proxy-no-set-authorization-header",
      "oauth2-proxy-no-pass-authorization-header",
      "openwebui-trusted-header-mode",
      "openwebui-trusted-header-requires-proxy",
      "oauth2-proxy-skip-auth-routes-allowlist",
      "ecs-no-plaintext-secrets",
    ]);
    for (const p of TASK_POLICIES) expect(p.description, p.name).to.have.length.greaterThan(20);
  });

  it("names the container, says why (the error users saw) and the fix", () => {
    const defs = goldenDefinitions();
    withEnv(defs[0], "WEBUI_AUTH", "false");
    const [f] = checkContainers((containersFromContainerDefinitions(defs) as { containers: Container[] }).containers);
    expect(f).to.include({ policy: "openwebui-no-webui-auth", level: "mandatory", container: "openwebui" });
    expect(f.message).to.match(/WEBUI_AUTH="false".*You do not have permission to access this resource.*Fix: remove WEBUI_AUTH/);
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
    const task = [container({ name: "app", image: "example/app:1", environment: { WEBUI_AUTH_TRUSTED_EMAIL_HEADER: "X-Forwarded-Email", ENABLE_SIGNUP: "true", DEFAULT_USER_ROLE: "user", WEBUI_AUTH_SIGNOUT_REDIRECT_URL: "/oauth2/sign_out?rd=x" } }),
      container({ name: "auth", image: "example/auth:2", environment: { OAUTH2_PROXY_PROVIDER: "oidc", OAUTH2_PROXY_PREFER_EMAIL_TO_USER: "true" } })];
    expect(checkContainers(task).map((f) => f.policy)).to.have.members(["oauth2-proxy-no-prefer-email-to-user", "openwebui-trusted-header-mode"]);
  });

  it("uses the configured skip-auth allowlist instead of the default", () => {
    const task = golden();
    task[1].environment.OAUTH2_PROXY_SKIP_AUTH_ROUTES = "^/api/v1/scim/v2/,GET=^/health$";
    expect(checkContainers(task).map((f) => f.policy)).to.deep.equal(["oauth2-proxy-skip-auth-routes-allowlist"]);
    expect(checkContainers(task, { skipAuthRouteAllowlist: [...DEFAULT_SKIP_AUTH_ROUTE_ALLOWLIST, "GET=^/health$"] })).to.deep.equal([]);
    const strict = checkContainers(golden(), { skipAuthRouteAllowlist: [] });
    expect(strict.map((f) => f.message)[0]).to.include("not on the allowlist ((empty))");
  });

  it("treats values unknown until deploy as unreadable, never as false", () => {
    const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    const task = golden();
    task[1].environment.OAUTH2_PROXY_SET_AUTHORIZATION_HEADER = UNKNOWN;
    task[0].image = UNKNOWN;
    const findings = checkContainers(task);
    expect(findings.map((f) => f.policy)).to.deep.equal(["oauth2-proxy-no-set-authorization-header", "ecs-image-pinned"]);
    expect(findings[0].message).to.include("(unknown until deploy)");
    expect(findings[1].message).to.include("could not be checked");
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
    const junk: unknown[] = [undefined, null, 42, "x", {}, [null], [{ environment: [1, 2] }], [{ name: 5, environment: { A: { b: 1 } }, secrets: "s", command: [null, 3] }]];
    for (const j of junk) expect(() => checkContainers(j as Container[])).to.not.throw();
    expect(checkContainers([{ environment: { WEBUI_AUTH: false } } as unknown as Container]).map((f) => f.policy)).to.include("openwebui-no-webui-auth");
  });
});
