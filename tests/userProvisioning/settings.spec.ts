import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROVISIONING_DEFAULTS, provisioningSettings } from "../../components/userProvisioning";
import { handlerOnlyCodePaths, productionDependencies } from "../../components/lambdaPackaging";

describe("UserProvisioning settings", () => {
  it("defaults to a 30 s worker, 8 s HTTP timeout, batches of 5, 5 receives, 1.5 s enqueue budget, 30-day logs", () => {
    expect(provisioningSettings({})).to.deep.equal({
      workerTimeoutSeconds: 30, httpTimeoutSeconds: 8, batchSize: 5, maxConcurrency: 2, maxReceiveCount: 5, enqueueBudgetMs: 1500, logRetentionDays: 30,
    });
    expect(provisioningSettings({})).to.deep.equal(PROVISIONING_DEFAULTS);
  });

  it("keeps given values", () => {
    expect(provisioningSettings({ workerTimeoutSeconds: 60, batchSize: 1, logRetentionDays: 90 })).to.include({ workerTimeoutSeconds: 60, batchSize: 1, logRetentionDays: 90 });
  });

  for (const [args, message] of [
    [{ batchSize: 11 }, "batchSize must be an integer from 1 to 10, got 11"],
    [{ batchSize: 2.5 }, "batchSize must be an integer from 1 to 10, got 2.5"],
    [{ workerTimeoutSeconds: 901 }, "workerTimeoutSeconds must be an integer from 10 to 900, got 901"],
    [{ maxConcurrency: 1 }, "maxConcurrency must be an integer from 2 to 1000, got 1"],
    [{ enqueueBudgetMs: 5000 }, "enqueueBudgetMs must be an integer from 100 to 4000, got 5000"],
    [{ logRetentionDays: 10 }, "logRetentionDays must be one of 1, 3, 5, 7, 14, 30,"],
    [{ workerTimeoutSeconds: 20 }, "workerTimeoutSeconds (20) must be at least 28: 12 s for secrets plus two HTTP calls of httpTimeoutSeconds (8)"],
  ] as const) {
    it(`rejects ${JSON.stringify(args)} naming the argument`, () => {
      expect(() => provisioningSettings(args)).to.throw(Error, `UserProvisioning: ${message}`);
    });
  }
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

  it("excludes every root dependency from CallbackFunction archives by default", () => {
    const root = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8"));
    expect(handlerOnlyCodePaths().extraExcludePackages).to.have.members(Object.keys(root.dependencies));
    expect(handlerOnlyCodePaths().extraExcludePackages).to.include("@pulumi/pulumi");
  });
});
