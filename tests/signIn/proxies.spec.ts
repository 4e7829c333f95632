import { expect } from "chai";
import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ALLOWED_EMAILS_FILE, ContainerDefinition } from "../../settings/golden";
import { isOauth2Proxy, isOpenWebui } from "../../policies/rules";
import { containersFromContainerDefinitions } from "../../policies/adapters";
import { runPolicies } from "../../policies/runPolicies";
import { env, Stack, synthStack } from "../helpers/stack";

const TASKS = [
  ["pluto-openwebui", "openwebui", 8080, "pluto.example.com"],
  ["pluto-n8n", "n8n", 5678, "n8n.pluto.example.com"],
] as const;
/** Containers besides the app and its proxy: n8n's database set-up runs in its task first. */
const HELPERS: Record<(typeof TASKS)[number][0], string[]> = { "pluto-openwebui": [], "pluto-n8n": ["n8n-database"] };
const throughPack = (s: Stack) =>
  runPolicies(s.result.resources.map((r) => ({ type: r.type, name: r.name, urn: r.urn, props: r.inputs, propertyDependencies: r.propertyDependencies })));

/** The addresses oauth2-proxy v7.15.3 reads from an authenticated-emails file (validator.go: CSV, `#` comments, first field, lower-cased). */
function emailsOauth2ProxyReads(text: string): string[] {
  return text
    .split("\n")
    .filter((l) => l.trim() !== "" && !l.startsWith("#"))
    .map((l) => l.split(",")[0].trim().toLowerCase());
}

describe("every oauth2-proxy: the allow-list and the golden sign-in settings", () => {
  describe("allowed domains (the dev stack with n8n)", () => {
    let stack: Stack;
    before(async () => {
      stack = await synthStack({ "pluto:n8n": JSON.stringify({ enabled: true }) });
    });

    for (const [family, app, port, host] of TASKS) {
      it(`${family}: the allow-list, a refreshed session, straight to Google, no forwarded-header trust`, () => {
        const proxy = env(stack.container(family, "oauth2-proxy"));
        const poolId = stack.result.outputs.userPoolId;
        const issuer = `https://cognito-idp.us-west-2.amazonaws.com/${poolId}`;
        expect(proxy).to.include({
          OAUTH2_PROXY_EMAIL_DOMAINS: "example.com",
          OAUTH2_PROXY_COOKIE_REFRESH: "30m",
          OAUTH2_PROXY_SKIP_OIDC_DISCOVERY: "true",
          OAUTH2_PROXY_LOGIN_URL: "https://auth.pluto.example.com/oauth2/authorize?identity_provider=Google",
          OAUTH2_PROXY_REDEEM_URL: "https://auth.pluto.example.com/oauth2/token",
          OAUTH2_PROXY_PROFILE_URL: "https://auth.pluto.example.com/oauth2/userInfo",
          OAUTH2_PROXY_OIDC_JWKS_URL: `${issuer}/.well-known/jwks.json`,
          OAUTH2_PROXY_OIDC_ISSUER_URL: issuer,
          OAUTH2_PROXY_UPSTREAMS: `http://127.0.0.1:${port}/`,
          OAUTH2_PROXY_REDIRECT_URL: `https://${host}/oauth2/callback`,
        });
        expect(proxy).to.not.have.any.keys("OAUTH2_PROXY_REVERSE_PROXY", "OAUTH2_PROXY_TRUSTED_IPS", "OAUTH2_PROXY_AUTHENTICATED_EMAILS_FILE");
        expect(stack.containers(family).map((c) => c.name)).to.deep.equal([app, "oauth2-proxy", ...HELPERS[family]]);
      });
    }

    it("lets nothing to Open WebUI skip sign-in, and only n8n's API-key-checked invitation on n8n", () => {
      expect(env(stack.container("pluto-openwebui", "oauth2-proxy"))).to.not.have.property("OAUTH2_PROXY_SKIP_AUTH_ROUTES");
      expect(env(stack.container("pluto-n8n", "oauth2-proxy")).OAUTH2_PROXY_SKIP_AUTH_ROUTES).to.equal("POST=^/api/v1/users$");
    });

    it("tells n8n about both proxies in front of it (ALB and oauth2-proxy)", () => {
      expect(env(stack.container("pluto-n8n", "n8n")).N8N_PROXY_HOPS).to.equal("2");
    });
  });

  describe("single allowed emails", () => {
    let stack: Stack;
    const emails = ["ada@partner.org", "o'brien@freelance.io"];
    before(async () => {
      stack = await synthStack({ "pluto:allowedEmails": JSON.stringify(emails), "pluto:n8n": JSON.stringify({ enabled: true }) });
    });

    for (const [family] of TASKS) {
      it(`${family}: a non-essential writer puts them in a task volume and stays up; oauth2-proxy starts once it is healthy`, () => {
        const writer = stack.container(family, "allowed-emails");
        const proxy = stack.container(family, "oauth2-proxy");
        expect(writer).to.deep.include({
          name: "allowed-emails",
          image: "public.ecr.aws/docker/library/busybox:1.37.0",
          essential: false,
          readonlyRootFilesystem: true,
        });
        expect(env(writer)).to.deep.equal({ ALLOWED_EMAILS: emails.join(",") });
        expect(writer.mountPoints).to.deep.equal([{ sourceVolume: "allowed-emails", containerPath: "/pluto/allow-list", readOnly: false }]);
        expect(proxy.mountPoints).to.deep.equal([{ sourceVolume: "allowed-emails", containerPath: "/pluto/allow-list", readOnly: true }]);
        // HEALTHY needs a health check on the writer (ECS refuses the condition without one).
        expect(proxy.dependsOn).to.deep.include({ containerName: "allowed-emails", condition: "HEALTHY" });
        expect(writer.healthCheck!.command).to.deep.equal(["CMD-SHELL", `test -s ${ALLOWED_EMAILS_FILE}`]);
        expect(env(proxy)).to.include({ OAUTH2_PROXY_EMAIL_DOMAINS: "example.com", OAUTH2_PROXY_AUTHENTICATED_EMAILS_FILE: ALLOWED_EMAILS_FILE });
        const td = stack.all("aws:ecs/taskDefinition:TaskDefinition").find((r) => (r.inputs as any).family === family)!.inputs as any;
        // A bind mount without host settings is Fargate task storage, gone with the task.
        expect(td.volumes.find((v: any) => v.name === "allowed-emails")).to.deep.equal({ name: "allowed-emails" });
      });
    }

    it("writes, with its own shell command, exactly the addresses oauth2-proxy then admits, keeps running healthy, and stops cleanly on SIGTERM", async () => {
      const writer: ContainerDefinition = stack.container("pluto-openwebui", "allowed-emails");
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pluto-emails-"));
      const file = path.join(dir, "emails.txt");
      const [shell, flag, script] = writer.command!;
      expect([shell, flag]).to.deep.equal(["sh", "-c"]);
      const healthy = () => {
        const [kind, check] = writer.healthCheck!.command;
        expect(kind).to.equal("CMD-SHELL");
        try {
          execFileSync("/bin/sh", ["-c", check.replace(ALLOWED_EMAILS_FILE, file)]);
          return true;
        } catch {
          return false;
        }
      };
      const child = spawn("/bin/sh", [flag, script.replaceAll(ALLOWED_EMAILS_FILE, file)], {
        env: { PATH: process.env.PATH, ...env(writer) },
        stdio: "ignore",
      });
      const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
      try {
        // Wait for the file the way ECS does, by running the health check until it passes.
        while (!healthy()) {
          if (child.exitCode !== null) throw new Error(`the writer exited (${child.exitCode}) before writing the file`);
          await new Promise((r) => setTimeout(r, 20));
        }
        expect(emailsOauth2ProxyReads(fs.readFileSync(file, "utf8"))).to.deep.equal(emails);
        // Still running once the file is written: the bind mount keeps a running user.
        expect(child.exitCode).to.equal(null);
        child.kill("SIGTERM");
        expect(await exited).to.equal(0);
      } finally {
        child.kill("SIGKILL");
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it("is never taken for Open WebUI or oauth2-proxy by the policy rules, and the stack passes the pack", async () => {
      const adapted = containersFromContainerDefinitions(stack.containers("pluto-openwebui"));
      if (!("containers" in adapted)) throw new Error(adapted.unchecked);
      const writer = adapted.containers.find((c) => c.name === "allowed-emails")!;
      expect([isOauth2Proxy(writer), isOpenWebui(writer)]).to.deep.equal([false, false]);
      expect(await throughPack(stack)).to.deep.equal([]);
    });
  });

  describe("any Google account (an explicit opt-in)", () => {
    it("sets EMAIL_DOMAINS=* on every proxy and writes no email file", async () => {
      const stack = await synthStack({
        "pluto:allowedEmailDomains": undefined,
        "pluto:allowAnyGoogleAccount": "true",
        "pluto:n8n": JSON.stringify({ enabled: true }),
      });
      for (const [family, app] of TASKS) {
        expect(env(stack.container(family, "oauth2-proxy")).OAUTH2_PROXY_EMAIL_DOMAINS, family).to.equal("*");
        expect(stack.containers(family).map((c) => c.name)).to.deep.equal([app, "oauth2-proxy", ...HELPERS[family]]);
      }
    });
  });
});
