import { expect } from "chai";
import { databaseUrl, isValidRdsPassword, PASSWORD_SPECIALS, RDS_FORBIDDEN_PASSWORD_CHARS } from "../../components/database";
import { oauth2ProxyCookieSecretBytes } from "../../settings/golden";
import { autoscalingProblems, validateProxiedServiceArgs } from "../../components/proxiedService";
import { synthStack } from "../helpers/stack";

const RANDOM_PASSWORD = "random:index/randomPassword:RandomPassword";

describe("real-AWS constraints the mocks would not catch", () => {
  describe("RDS master password", () => {
    it("is generated from characters RDS accepts, and only those", async () => {
      const stack = await synthStack();
      const pw = stack.inputs(RANDOM_PASSWORD, "pluto-db-password");
      expect(pw).to.include({ special: true, overrideSpecial: PASSWORD_SPECIALS });
      expect(pw.length).to.be.within(8, 128);
      for (const c of RDS_FORBIDDEN_PASSWORD_CHARS) expect(PASSWORD_SPECIALS, JSON.stringify(c)).to.not.contain(c);
      expect(isValidRdsPassword(`Aa1${PASSWORD_SPECIALS}`)).to.equal(true);
    });

    it("rejects what RDS rejects", () => {
      for (const bad of ["short1!", "has/slash123", "has@at12345", 'has"quote123', "has space123", "tab\there123", "ümlaut12345"])
        expect(isValidRdsPassword(bad), bad).to.equal(false);
    });

    it("puts the password into DATABASE_URL URL-encoded", () => {
      expect(databaseUrl({ username: "openwebui", password: "a:b#c?d%", host: "db.example", port: 5432, database: "openwebui" })).to.equal(
        "postgresql://openwebui:a%3Ab%23c%3Fd%25@db.example:5432/openwebui?sslmode=require",
      );
    });
  });

  describe("oauth2-proxy cookie secret", () => {
    it("is generated so that oauth2-proxy derives a 16, 24 or 32 byte key", async () => {
      const stack = await synthStack();
      const inputs = stack.inputs(RANDOM_PASSWORD, "pluto-openwebui-svc-cookie-secret");
      expect(inputs).to.include({ length: 32, special: false });
      // Any 32 alphanumerics: base64url decodes them to 24 bytes.
      expect(oauth2ProxyCookieSecretBytes("A".repeat(16) + "z9".repeat(8))).to.equal(24);
    });

    it("follows oauth2-proxy's decoding rules", () => {
      expect(oauth2ProxyCookieSecretBytes(Buffer.alloc(32, 7).toString("base64url"))).to.equal(32);
      expect(oauth2ProxyCookieSecretBytes(Buffer.alloc(32, 7).toString("base64"))).to.equal(32);
      expect(oauth2ProxyCookieSecretBytes("0123456789abcdef")).to.equal(16); // decodes to 12: raw bytes count
      expect(oauth2ProxyCookieSecretBytes("too-short")).to.equal(9);
    });
  });

  describe("Fargate service shape", () => {
    const app = { name: "app", image: "x:1", environment: {}, healthCheckPath: "/health" };
    it("rejects invalid cpu/memory pairs, a clash with the proxy port or name, and too long a start period", () => {
      expect(validateProxiedServiceArgs({ cpu: 1024, memory: 2048, listenerRulePriority: 100, app })).to.deep.equal([]);
      const problems = validateProxiedServiceArgs({
        cpu: 256,
        memory: 4096,
        listenerRulePriority: 0,
        app: { ...app, name: "oauth2-proxy", port: 4180, healthCheckStartPeriod: 600 },
      });
      expect(problems.join("\n"))
        .to.match(/cpu 256 with memory 4096/)
        .and.match(/listenerRulePriority/)
        .and.match(/may not listen on 4180/)
        .and.match(/may not be named oauth2-proxy/)
        .and.match(/0-300 seconds/);
    });

    it("rejects autoscaling bounds out of order or without the load balancer's metric label", () => {
      const a = { minCount: 2, maxCount: 4, cpuTarget: 60, requestsPerTarget: 300 };
      expect(autoscalingProblems(a, "app/x/1")).to.deep.equal([]);
      expect(autoscalingProblems({ ...a, maxCount: 1 }, "app/x/1")[0]).to.match(/minCount <= maxCount/);
      expect(autoscalingProblems(a, undefined)[0]).to.match(/loadBalancerArnSuffix/);
    });
  });
});
