import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { defaultMaxAllocatedStorage, MAX_RDS_STORAGE_GIB, parseConfig, RawConfig, storageAutoscalingProblem } from "../../config";
import { main } from "../../cli/main";
import { memoryIo } from "../../cli/io";
import { ROOT, synthStack } from "../helpers/stack";
import { CLIENT_SECRET as secret, configProblems, VALID_CONFIG } from "../helpers/config";
const valid = VALID_CONFIG;
const problems = (raw: RawConfig) => configProblems(raw);

const database = (d: object) => ({ ...valid, database: JSON.stringify(d) });

describe("config rules that keep `pulumi up` from failing on AWS", () => {
  describe("pluto:namePrefix", () => {
    it("refuses a double dash, which RDS and ElastiCache identifiers refuse", () => {
      expect(problems({ ...valid, namePrefix: "acme--ai" })).to.deep.equal([
        'pluto:namePrefix: "acme--ai" contains "--", which RDS and ElastiCache identifiers refuse (the database is named acme--ai-openwebui); use single dashes',
      ]);
    });
  });

  describe("pluto:database storage autoscaling (ceiling at least 10 % above the allocation)", () => {
    it("derives the default ceiling from allocatedStorage: at least 100, room to double", () => {
      expect(parseConfig(valid, "eu-west-1", secret).database).to.include({ allocatedStorage: 20, maxAllocatedStorage: 100 });
      expect(parseConfig(database({ allocatedStorage: 100 }), "eu-west-1", secret).database).to.include({ maxAllocatedStorage: 200 });
      expect(defaultMaxAllocatedStorage(40000)).to.equal(MAX_RDS_STORAGE_GIB);
      for (const allocated of [20, 50, 100, 1000, 30000, 59578])
        expect(storageAutoscalingProblem(allocated, defaultMaxAllocatedStorage(allocated)), String(allocated)).to.equal(undefined);
    });

    it("refuses a ceiling within 10 % of the allocation, naming the key and the least RDS takes", () => {
      expect(problems(database({ allocatedStorage: 100, maxAllocatedStorage: 105 }))).to.deep.equal([
        "pluto:database.maxAllocatedStorage: 105 is less than 10 % above allocatedStorage 100; RDS needs at least 110 (or 0 to turn storage autoscaling off)",
      ]);
      expect(problems(database({ allocatedStorage: 100, maxAllocatedStorage: 100 }))[0]).to.match(
        /^pluto:database\.maxAllocatedStorage: 100 is less than 10 %/,
      );
      expect(problems(database({ allocatedStorage: 100, maxAllocatedStorage: 110 }))).to.deep.equal([]);
    });

    it("takes 0 as storage autoscaling off", () => {
      expect(problems(database({ allocatedStorage: 100, maxAllocatedStorage: 0 }))).to.deep.equal([]);
    });

    it("refuses an allocation too large for any ceiling RDS allows, unless autoscaling is off", () => {
      expect(problems(database({ allocatedStorage: 60000 }))[0]).to.match(
        /^pluto:database\.allocatedStorage: 60000 GiB leaves no room for storage autoscaling .* set database\.maxAllocatedStorage to 0/,
      );
      expect(problems(database({ allocatedStorage: 60000, maxAllocatedStorage: 0 }))).to.deep.equal([]);
    });

    it("gives RDS the derived ceiling", async () => {
      const stack = await synthStack({ "pluto:database": JSON.stringify({ allocatedStorage: 100 }) });
      expect(stack.inputs("aws:rds/instance:Instance")).to.include({ allocatedStorage: 100, maxAllocatedStorage: 200 });
    });
  });

  describe("pluto:accessLogRetentionDays", () => {
    it("defaults to 90 days and takes whole days from 1", () => {
      expect(parseConfig(valid, "eu-west-1", secret).accessLogRetentionDays).to.equal(90);
      expect(parseConfig({ ...valid, accessLogRetentionDays: "365" }, "eu-west-1", secret).accessLogRetentionDays).to.equal(365);
      expect(problems({ ...valid, accessLogRetentionDays: "0" })).to.deep.equal([
        'pluto:accessLogRetentionDays: expected a whole number from 1 to 3650, got "0"',
      ]);
    });
  });

  it("`pluto synth` exits 2 listing each of these problems, every one naming its key", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pluto-rules-"));
    try {
      const bad = path.join(dir, "bad.yaml");
      fs.writeFileSync(
        bad,
        fs
          .readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8")
          .replace("pluto:namePrefix: pluto", "pluto:namePrefix: acme--ai")
          .replace("allocatedStorage: 20", "allocatedStorage: 100\n    maxAllocatedStorage: 105"),
      );
      const io = memoryIo();
      expect(await main(["node", "pluto", "synth", "--config", bad], io)).to.equal(2);
      const err = io.stderr.join("\n");
      expect(err).to.contain('pluto:namePrefix: "acme--ai" contains "--"');
      expect(err).to.contain("pluto:database.maxAllocatedStorage: 105 is less than 10 % above allocatedStorage 100");
      expect(err).to.not.match(/\n\s+at /);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
