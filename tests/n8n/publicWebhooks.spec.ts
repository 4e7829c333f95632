import { expect } from "chai";
import { configWarnings, parseConfig, RawConfig } from "../../config";
import { N8N_INVITE_ROUTE, N8N_PUBLIC_WEBHOOK_ROUTES, n8nSkipAuthRoutes } from "../../components/n8n";
import { checkContainers, Container, DEFAULT_SKIP_AUTH_ROUTE_ALLOWLIST } from "../../policies/rules";
import { containersFromContainerDefinitions } from "../../policies/adapters";
import { runPolicies } from "../../policies/runPolicies";
import { goldenDefinitions, goldenN8nDefinitions, withEnv } from "../fixtures/policies/golden";
import { env, Stack, synthStack } from "../helpers/stack";
import { decodedPath, Outcome, cleanPath, oauth2ProxyDecision } from "./oauth2ProxyPaths";
import { CLIENT_SECRET as secret, configProblems, VALID_CONFIG } from "../helpers/config";
const valid = VALID_CONFIG;
const problemsOf = (raw: RawConfig) => configProblems(raw);

function adapted(defs: unknown): Container[] {
  const a = containersFromContainerDefinitions(defs);
  if (!("containers" in a)) throw new Error(a.unchecked);
  return a.containers;
}

const PUBLIC_PREFIXES = ["/webhook/", "/webhook-test/", "/webhook-waiting/", "/form/", "/form-test/", "/form-waiting/"];

describe("pluto:n8n.publicWebhooks", () => {
  describe("configuration", () => {
    it("is off unless asked for, also when n8n is enabled", () => {
      expect(parseConfig({ ...valid, n8n: '{"enabled":true}' }, "eu-west-1", secret).n8n).to.deep.include({ publicWebhooks: false });
    });

    it("reads true given as a boolean or as text (pulumi config set --path stores either)", () => {
      for (const v of ["true", '"true"']) {
        expect(parseConfig({ ...valid, n8n: `{"enabled":true,"publicWebhooks":${v}}` }, "eu-west-1", secret).n8n!.publicWebhooks, v).to.equal(true);
      }
    });

    it("refuses anything but true or false, naming the key, next to every other problem", () => {
      const problems = problemsOf({ ...valid, n8n: '{"enabled":true,"publicWebhooks":"yes","cpu":3}' });
      expect(problems).to.include('pluto:n8n.publicWebhooks: expected true or false, got "yes"');
      expect(problems.some((p) => p.startsWith("pluto:n8n.cpu:"))).to.equal(true);
    });

    it("names it among n8n's fields when a field is misspelt", () => {
      expect(problemsOf({ ...valid, n8n: '{"enabled":true,"publicWebhook":true}' })).to.deep.equal([
        "pluto:n8n.publicWebhook: unknown field (did you mean publicWebhooks? expected one of: enabled, image, cpu, memory, publicWebhooks)",
      ]);
    });

    it("makes `pluto synth` warn that those paths answer anyone, and what the operator must do", () => {
      const on = parseConfig({ ...valid, n8n: '{"enabled":true,"publicWebhooks":true}' }, "eu-west-1", secret);
      const [w] = configWarnings(on);
      expect(w).to.match(
        /^pluto:n8n\.publicWebhooks is true: n8n's \/webhook\/, \/webhook-test\/, \/webhook-waiting\/, \/form\/, \/form-test\/, \/form-waiting\/ paths answer anyone/,
      );
      expect(w).to.include("must authenticate its callers itself");
      expect(configWarnings(parseConfig({ ...valid, n8n: '{"enabled":true}' }, "eu-west-1", secret))).to.deep.equal([]);
    });
  });

  describe("n8n's proxy", () => {
    it("skips sign-in only for the invitation route by default, and adds exactly the webhook and form paths when enabled", () => {
      expect(n8nSkipAuthRoutes({ publicWebhooks: false })).to.deep.equal([N8N_INVITE_ROUTE]);
      expect(n8nSkipAuthRoutes({ publicWebhooks: true })).to.deep.equal([N8N_INVITE_ROUTE, ...PUBLIC_PREFIXES.map((p) => `^${p}`)]);
    });

    it("accepts them through the pack's default allowlist, the same mechanism as the invitation route", () => {
      expect(DEFAULT_SKIP_AUTH_ROUTE_ALLOWLIST).to.deep.equal([N8N_INVITE_ROUTE, ...N8N_PUBLIC_WEBHOOK_ROUTES]);
      const n8n = goldenN8nDefinitions();
      withEnv(n8n[1], "OAUTH2_PROXY_SKIP_AUTH_ROUTES", n8nSkipAuthRoutes({ publicWebhooks: true }).join(","));
      expect(checkContainers(adapted(n8n))).to.deep.equal([]);
    });

    it("still refuses each of them, as a mandatory finding, on Open WebUI's proxy", () => {
      for (const route of N8N_PUBLIC_WEBHOOK_ROUTES) {
        const ow = goldenDefinitions();
        withEnv(ow[1], "OAUTH2_PROXY_SKIP_AUTH_ROUTES", route);
        const findings = checkContainers(adapted(ow));
        expect(
          findings.map((f) => [f.policy, f.level]),
          route,
        ).to.deep.equal([["oauth2-proxy-skip-auth-routes-allowlist", "mandatory"]]);
        expect(findings[0].message).to.include("lets requests reach Open WebUI");
      }
    });
  });

  describe("in the synthesised stack", () => {
    let on: Stack;
    let off: Stack;
    before(async () => {
      // One after the other: a synthesis sets Pulumi's process-wide config and mocks.
      on = await synthStack({ "pluto:n8n": JSON.stringify({ enabled: true, publicWebhooks: true }) });
      off = await synthStack({ "pluto:n8n": JSON.stringify({ enabled: true }) });
    });

    it("gives n8n's oauth2-proxy the webhook and form routes, and Open WebUI's proxy none", () => {
      expect(env(on.container("pluto-n8n", "oauth2-proxy")).OAUTH2_PROXY_SKIP_AUTH_ROUTES.split(",")).to.deep.equal(
        n8nSkipAuthRoutes({ publicWebhooks: true }),
      );
      expect(env(off.container("pluto-n8n", "oauth2-proxy")).OAUTH2_PROXY_SKIP_AUTH_ROUTES).to.equal(N8N_INVITE_ROUTE);
      expect(env(on.container("pluto-openwebui", "oauth2-proxy"))).to.not.have.property("OAUTH2_PROXY_SKIP_AUTH_ROUTES");
    });

    it("passes every policy of the pack, advisory ones included", async () => {
      const vs = await runPolicies(
        on.result.resources.map((r) => ({ type: r.type, name: r.name, urn: r.urn, props: r.inputs, propertyDependencies: r.propertyDependencies })),
      );
      expect(vs).to.deep.equal([]);
    });

    it("tells n8n the public URL it shows for its webhooks", () => {
      expect(env(on.container("pluto-n8n", "n8n"))).to.include({ WEBHOOK_URL: "https://n8n.pluto.example.com/" });
    });
  });

  describe("what a caller on the internet reaches (oauth2-proxy v7.15.3 path handling)", () => {
    let routes: string[];
    before(async () => {
      const stack = await synthStack({ "pluto:n8n": JSON.stringify({ enabled: true, publicWebhooks: true }) });
      routes = env(stack.container("pluto-n8n", "oauth2-proxy")).OAUTH2_PROXY_SKIP_AUTH_ROUTES.split(",");
    });

    /** Follows oauth2-proxy's redirects (at most 3) as a client would. */
    function request(method: string, target: string): Outcome {
      let outcome = oauth2ProxyDecision(method, target, routes);
      for (let i = 0; i < 3 && outcome.kind === "redirect"; i++) outcome = oauth2ProxyDecision(method, outcome.location, routes);
      return outcome;
    }

    const reachesN8n: [string, string][] = [
      ["POST", "/webhook/3f2a9c1e-order-created"],
      ["GET", "/webhook/orders/42?status=new"],
      ["DELETE", "/webhook-test/3f2a9c1e"],
      ["POST", "/webhook-waiting/1234"],
      ["GET", "/webhook-waiting/1234/approve?signature=abc"],
      ["GET", "/form/feedback"],
      ["POST", "/form-test/feedback"],
      ["GET", "/form-waiting/1234/n8n-execution-status?signature=abc"],
      ["POST", "/webhook/a%2Fb"],
      ["POST", "/api/v1/users"],
    ];
    for (const [method, target] of reachesN8n) {
      it(`passes ${method} ${target} to n8n unchanged, without sign-in`, () => {
        expect(request(method, target)).to.deep.equal({ kind: "upstream", requestUri: target });
      });
    }

    const signedIn: [string, string][] = [
      ["POST", "/webhookX/abc"],
      ["POST", "/webhooks/abc"],
      ["POST", "/webhook"],
      ["GET", "/form"],
      ["GET", "/formulas/x"],
      ["POST", "/x/webhook/abc"],
      ["POST", "/api/webhook/abc"],
      ["POST", "/WEBHOOK/abc"],
      ["POST", "/rest/owner/setup"],
      ["GET", "/rest/users"],
      ["GET", "/api/v1/users"],
      ["GET", "/mcp/server"],
      ["GET", "/?next=/webhook/x"],
    ];
    for (const [method, target] of signedIn) {
      it(`sends ${method} ${target} to sign-in`, () => {
        expect(request(method, target)).to.deep.equal({ kind: "sign-in" });
      });
    }

    const traversals = [
      "/webhook/../rest/owner/setup",
      "/webhook/./../rest/owner/setup",
      "//webhook/../rest/owner/setup",
      "/webhook/%2e%2e/rest/owner/setup",
      "/webhook/%2E%2E/%2E%2E/rest/owner/setup",
      "/webhook/..%2Frest/owner/setup",
      "/webhook%2F..%2F..%2Frest%2Fowner%2Fsetup",
      "/form/x/%2e%2e%2f%2e%2e%2f%2e%2e%2frest/login",
      "/form-waiting/1/..%2f..%2frest/me",
    ];
    for (const target of traversals) {
      it(`never lets ${target} reach anything but sign-in`, () => {
        expect(request("POST", target)).to.deep.equal({ kind: "sign-in" });
      });
    }

    it("answers a malformed escape with 400 before any decision", () => {
      expect(oauth2ProxyDecision("GET", "/webhook/%zz", routes)).to.deep.equal({ kind: "bad-request" });
    });

    it("redirects a raw `..` at the router and an encoded one at the upstream router, before n8n sees it", () => {
      expect(oauth2ProxyDecision("POST", "/webhook/../rest/owner/setup", routes)).to.deep.equal({
        kind: "redirect",
        by: "router",
        location: "/rest/owner/setup",
      });
      expect(oauth2ProxyDecision("POST", "/webhook/%2e%2e/rest/owner/setup", routes)).to.deep.equal({
        kind: "redirect",
        by: "upstream-router",
        location: "/rest/owner/setup",
      });
    });

    it("lets nothing through whose decoded path is unclean or outside the public prefixes", () => {
      // Every target above, and their mixes: whatever reaches n8n unauthenticated is a clean webhook/form path.
      const targets = [
        ...reachesN8n.map(([, t]) => t),
        ...signedIn.map(([, t]) => t),
        ...traversals,
        "/%77ebhook/x",
        "/webhook/%252e%252e/rest",
        "/form/%2e/x",
        "/webhook-test/%5c..%5crest",
      ];
      for (const target of targets) {
        for (const method of ["GET", "POST", "PUT"]) {
          const o = request(method, target);
          if (o.kind !== "upstream") continue;
          const path = decodedPath(o.requestUri);
          expect(cleanPath(path), target).to.equal(path);
          const invitation = method === "POST" && path === "/api/v1/users";
          expect(invitation || PUBLIC_PREFIXES.some((p) => path.startsWith(p)), `${method} ${target} reached n8n as ${path}`).to.equal(true);
        }
      }
    });
  });
});
