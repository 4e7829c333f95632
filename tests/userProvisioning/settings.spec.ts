import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { allowListEnvironment, membershipProblems, PROVISIONING_DEFAULTS, provisioningSettings } from "../../components/userProvisioning";
import type { AllowList } from "../../functions/allowList";
import { parseAllowList } from "../../functions/preSignUp";
import { handlerOnlyCodePaths, productionDependencies } from "../../packaging/lambdaPackaging";

describe("UserProvisioning settings", () => {
  it("defaults to a 30 s worker, 8 s HTTP timeout, batches of 5, 5 receives, 1.5 s enqueue budget, 30-day logs", () => {
    expect(provisioningSettings({})).to.deep.equal({
      workerTimeoutSeconds: 30,
      httpTimeoutSeconds: 8,
      batchSize: 5,
      maxConcurrency: 2,
      maxReceiveCount: 5,
      enqueueBudgetMs: 1500,
      logRetentionDays: 30,
    });
    expect(provisioningSettings({})).to.deep.equal(PROVISIONING_DEFAULTS);
  });

  it("keeps given values", () => {
    expect(provisioningSettings({ workerTimeoutSeconds: 60, batchSize: 1, logRetentionDays: 90 })).to.include({
      workerTimeoutSeconds: 60,
      batchSize: 1,
      logRetentionDays: 90,
    });
  });

  for (const [args, message] of [
    [{ batchSize: 11 }, "batchSize must be an integer from 1 to 10, got 11"],
    [{ batchSize: 2.5 }, "batchSize must be an integer from 1 to 10, got 2.5"],
    [{ workerTimeoutSeconds: 901 }, "workerTimeoutSeconds must be an integer from 10 to 900, got 901"],
    [{ maxConcurrency: 1 }, "maxConcurrency must be an integer from 2 to 1000, got 1"],
    [{ enqueueBudgetMs: 5000 }, "enqueueBudgetMs must be an integer from 100 to 4000, got 5000"],
    [{ logRetentionDays: 10 }, "logRetentionDays must be one of 1, 3, 5, 7, 14, 30,"],
    [
      { workerTimeoutSeconds: 20 },
      "workerTimeoutSeconds (20) must be at least 28: 12 s for the n8n key, httpTimeoutSeconds (8) for n8n and 8 s for the notice",
    ],
  ] as const) {
    it(`rejects ${JSON.stringify(args)} naming the argument`, () => {
      expect(() => provisioningSettings(args)).to.throw(Error, `UserProvisioning: ${message}`);
    });
  }
});

describe("UserProvisioning membership (allow-list and administrators)", () => {
  const list = (over: Partial<AllowList> = {}): AllowList => ({ domains: ["example.com"], emails: [], anyGoogleAccount: false, ...over });
  const ADMINS = ["admin@example.com"];

  it("accepts domains, single emails, or the explicit opt-in to any Google account", () => {
    expect(membershipProblems(list(), ADMINS)).to.deep.equal([]);
    expect(membershipProblems(list({ domains: [], emails: ["bob@partner.org"] }), ADMINS)).to.deep.equal([]);
    expect(membershipProblems(list({ domains: [], anyGoogleAccount: true }), ADMINS)).to.deep.equal([]);
  });

  it("lists every problem at once, naming the field", () => {
    expect(membershipProblems(list({ domains: ["@example.com", "ok.org"], emails: ["not-an-email"] }), ["nobody", "admin@example.com"])).to.deep.equal([
      'allowList.domains: "@example.com" is not a domain (e.g. example.com, no @)',
      'allowList.emails: "not-an-email" is not an email address',
      'adminEmails: "nobody" is not an email address',
    ]);
  });

  it("refuses a list that admits nobody, and a notice nobody receives", () => {
    expect(membershipProblems(list({ domains: [] }), [])).to.deep.equal([
      "allowList admits nobody: give domains or emails, or set anyGoogleAccount",
      "adminEmails is empty: new-member notices (and n8n invitation links) would reach nobody",
    ]);
  });

  it("refuses a list that does not fit Lambda's 4 KB of environment, and accepts one that does", () => {
    const emails = (n: number) => Array.from({ length: n }, (_, i) => `person${String(i).padStart(3, "0")}@example.org`);
    const fits = list({ emails: emails(100) });
    expect(JSON.stringify(allowListEnvironment(fits)).length).to.be.below(4096);
    expect(membershipProblems(fits, ADMINS)).to.deep.equal([]);
    const [problem] = membershipProblems(list({ emails: emails(200) }), ADMINS);
    expect(problem).to.match(/^allowList takes \d+ bytes in the PreSignUp function's environment, above Lambda's 4096: admit whole domains/);
  });

  it("writes the allow-list into the environment exactly as the PreSignUp handler reads it", () => {
    const env = allowListEnvironment(list({ emails: ["bob@partner.org"] }));
    expect(env).to.deep.equal({ ALLOW_LIST: '{"domains":["example.com"],"emails":["bob@partner.org"],"anyGoogleAccount":false}' });
    expect(parseAllowList(env.ALLOW_LIST)).to.deep.equal(list({ emails: ["bob@partner.org"] }));
  });
});

describe("lambdaPackaging", () => {
  it("lists a package.json's production dependencies only", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pluto-pkg-"));
    try {
      const file = path.join(dir, "package.json");
      fs.writeFileSync(file, JSON.stringify({ dependencies: { yaml: "1", "@pulumi/aws": "7" }, devDependencies: { mocha: "12" } }));
      expect(productionDependencies(file)).to.deep.equal(["@pulumi/aws", "yaml"]);
      fs.writeFileSync(file, JSON.stringify({ name: "empty" }));
      expect(productionDependencies(file)).to.deep.equal([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("excludes every root dependency, optional ones too, from CallbackFunction archives by default", () => {
    const root = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8"));
    expect(handlerOnlyCodePaths().extraExcludePackages).to.have.members([...Object.keys(root.dependencies), ...Object.keys(root.optionalDependencies ?? {})]);
    expect(handlerOnlyCodePaths().extraExcludePackages).to.include("@pulumi/pulumi");
  });
});
