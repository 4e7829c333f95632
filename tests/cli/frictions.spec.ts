/**
 * The small frictions of a first hour with the CLI, each pinned: run from anywhere, one `--json`
 * convention, the stack named right, the valid Fargate memory sizes, no advice to do what is done.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../cli/main";
import { jsonTarget, memoryIo } from "../../cli/io";
import { chooseStack, editDistance, stacksIn } from "../../cli/synth/stackName";
import { translateAwsError } from "../../cli/commands/ops/awsErrors";
import { configProblems, VALID_CONFIG } from "../helpers/config";
import { ROOT } from "../helpers/stack";

const BIN = path.join(ROOT, "bin", "pluto");

describe("CLI frictions", function () {
  this.timeout(120000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pluto-frictions-"));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  describe("run from outside the repository, one --json convention for synth, plan-summary and lint", () => {
    it("`bin/pluto synth --json -` elsewhere: the document on stdout, the human lines on stderr, no stack trace, no file named -", () => {
      const r = spawnSync(BIN, ["synth", "--json", "-"], { cwd: dir, encoding: "utf8" });
      expect(r.stderr).to.not.contain("Failed to find package.json");
      expect(r.stderr).to.not.match(/\n\s+at /);
      expect(r.status, r.stderr).to.equal(0);
      expect(JSON.parse(r.stdout)).to.include({ project: "pluto", stack: "dev" });
      expect(r.stderr).to.match(/^pluto \(dev\): \d+ resources;/m);
      expect(fs.readdirSync(dir)).to.deep.equal([]);
      expect(fs.existsSync(path.join(ROOT, "-"))).to.equal(false);
    });

    it("`plan-summary` from another working directory (in-process: Pulumi looks up package.json from the working directory)", async () => {
      const before = process.cwd();
      process.chdir(dir);
      try {
        const io = memoryIo();
        expect(await main(["node", "pluto", "plan-summary", "--stack", "prod"], io)).to.equal(0);
        expect(io.stdout[0]).to.match(/^pluto \(prod\) in eu-west-1: \d+ resources/);
      } finally {
        process.chdir(before);
      }
      expect(process.cwd()).to.equal(before);
    });

    it("`synth --json --quiet` is stdout plus quiet, never a file named --quiet", async () => {
      const io = memoryIo();
      expect(await main(["node", "pluto", "synth", "--json", "--quiet"], io)).to.equal(0);
      expect(JSON.parse(io.stdout.join("\n")).stack).to.equal("dev");
      expect(io.stderr).to.have.length(1); // the summary line only
      expect(io.stderr[0]).to.match(/^pluto \(dev\): /);
      expect(fs.existsSync(path.join(ROOT, "--quiet"))).to.equal(false);
    });

    it("an option-looking file name is refused (exit 2), never created", async () => {
      const io = memoryIo();
      expect(await main(["node", "pluto", "synth", "--json=--quiet"], io)).to.equal(2);
      expect(io.stderr.join("")).to.equal(
        "pluto: --json --quiet: that is an option, not a file name (`--json FILE` writes a file, `--json` or `--json -` prints to stdout)",
      );
      expect(fs.existsSync(path.join(ROOT, "--quiet"))).to.equal(false);
      expect(jsonTarget(undefined)).to.equal(undefined);
      expect(jsonTarget(true)).to.equal("stdout");
      expect(jsonTarget("-")).to.equal("stdout");
      expect(jsonTarget("out.json")).to.deep.equal({ file: "out.json" });
    });

    it("`plan-summary --json FILE` writes the file; bare --json prints it", async () => {
      const file = path.join(dir, "plan.json");
      const io = memoryIo();
      expect(await main(["node", "pluto", "plan-summary", "--json", file], io)).to.equal(0);
      expect(JSON.parse(fs.readFileSync(file, "utf8")).stack).to.equal("dev");
      expect(io.stdout[0]).to.match(/^pluto \(dev\) in us-west-2/);
      const io2 = memoryIo();
      expect(await main(["node", "pluto", "plan-summary", "--json"], io2)).to.equal(0);
      expect(JSON.parse(io2.stdout.join("\n")).firstDeploy.servingAfter.seconds).to.be.above(0);
    });
  });

  describe("which stack", () => {
    it("`--stack acmee` names the stacks that exist and the nearest one", async () => {
      fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
      fs.copyFileSync(path.join(ROOT, "Pulumi.dev.yaml"), path.join(dir, "Pulumi.acme.yaml"));
      expect(stacksIn(dir)).to.deep.equal(["acme"]);
      expect(() => chooseStack({ stack: "acmee", cwd: dir }, true)).to.throw(/no stack "acmee": .* the stacks here: acme \(did you mean --stack acme\?\)/);
      const io = memoryIo();
      expect(await main(["node", "pluto", "synth", "--stack", "prd"], io)).to.equal(2);
      expect(io.stderr.join("")).to.contain("the stacks here: dev, prod (did you mean --stack prod?)");
      expect(editDistance("acmee", "acme")).to.equal(1);
    });

    it("`synth acme` and `plan-summary acme` suggest --stack acme", async () => {
      for (const cmd of ["synth", "plan-summary"]) {
        const io = memoryIo();
        expect(await main(["node", "pluto", cmd, "acme"], io)).to.equal(2);
        expect(io.stderr.join("")).to.equal(`pluto: ${cmd} takes no arguments; to ${cmd} the stack acme: pluto ${cmd} --stack acme`);
      }
    });

    it("a --config Pulumi.<stack>.yaml run is labelled with that stack, unless --stack says otherwise", async () => {
      const file = path.join(dir, "Pulumi.acme.yaml");
      const io = memoryIo();
      expect(await main(["node", "pluto", "synth", "-q", "--config", file], io)).to.equal(0);
      expect(io.stdout[0]).to.match(/^pluto \(acme\): /);
      const io2 = memoryIo();
      expect(await main(["node", "pluto", "synth", "-q", "--config", file, "--stack", "staging"], io2)).to.equal(0);
      expect(io2.stdout[0]).to.match(/^pluto \(staging\): /);
      const io3 = memoryIo();
      expect(await main(["node", "pluto", "plan-summary", "--config", file], io3)).to.equal(0);
      expect(io3.stdout[0]).to.match(/^pluto \(acme\) in /);
    });
  });

  describe("synth's report", () => {
    it("prints the warnings last, right before the summary line, which counts them", async () => {
      const open = path.join(dir, "Pulumi.open.yaml");
      fs.writeFileSync(
        open,
        fs
          .readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8")
          .replace(/ {2}pluto:allowedEmailDomains:\n {4}- example.com\n/, "  pluto:allowAnyGoogleAccount: true\n"),
      );
      const order: string[] = [];
      const io = { ...memoryIo(), out: (t: string) => void order.push(`out ${t}`), err: (t: string) => void order.push(`err ${t}`) };
      expect(await main(["node", "pluto", "synth", "--config", open], io)).to.equal(0);
      const warning = order.findIndex((l) => l.startsWith("err WARNING  pluto:allowAnyGoogleAccount"));
      expect(warning).to.equal(order.length - 2);
      expect(order[order.length - 1]).to.match(/^out pluto \(open\): \d+ resources; policy pack: .*; 1 warning; /);
      expect(order.findIndex((l) => l.startsWith("out outputs ("))).to.be.below(warning);
    });

    it("names the Google redirect URI to register, and says the app answers only minutes after `pulumi up`", async () => {
      const io = memoryIo();
      expect(await main(["node", "pluto", "synth"], io)).to.equal(0);
      expect(io.stdout).to.include("Google OAuth client: add https://auth.pluto.example.com/oauth2/idpresponse to its authorised redirect URIs");
      expect(io.stdout.join("\n")).to.match(
        /after `pulumi up` ends, https:\/\/pluto\.example\.com is not serving yet: ECS starts the tasks then; allow about 5 min, at most 10/,
      );
      const plan = memoryIo();
      expect(await main(["node", "pluto", "plan-summary"], plan)).to.equal(0);
      expect(plan.stdout.join("\n")).to.contain("After `pulumi up` ends the app is not serving yet");
    });
  });

  it("Fargate: a memory size invalid for the cpu lists the valid ones (cpu 256: 512, 1024, 2048)", () => {
    const problems = (openWebUi: object) => configProblems({ ...VALID_CONFIG, openWebUi: JSON.stringify(openWebUi) });
    expect(problems({ cpu: 256, memory: 8192 })).to.include(
      "pluto:openWebUi.memory: 8192 MiB is not valid with cpu 256 on Fargate; choose one of 512, 1024, 2048",
    );
    // Following the advice works: 1024 and 2048 are accepted, 1536 is not.
    expect(problems({ cpu: 256, memory: 1024 })).to.deep.equal([]);
    expect(problems({ cpu: 256, memory: 1536 })[0]).to.contain("choose one of 512, 1024, 2048");
    expect(problems({ cpu: 1024, memory: 1000 })[0]).to.contain("choose from 2048 to 8192 in steps of 1024");
  });

  it("with a profile chosen, missing credentials do not say 'set AWS_PROFILE'", () => {
    const missing = Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" });
    const withProfile = translateAwsError(missing, "ecs:DescribeServices", { region: "eu-west-1", profile: "acme" }).message;
    expect(withProfile).to.not.contain("set AWS_PROFILE");
    expect(withProfile).to.contain('profile "acme" has no usable credentials').and.contain("aws sso login --profile acme");
    expect(translateAwsError(missing, "ecs:DescribeServices", { region: "eu-west-1" }).message).to.contain("set AWS_PROFILE");
  });

  it("AWS_PROFILE counts as the chosen profile (the live commands read it like --profile)", async () => {
    const env = {
      ...process.env,
      AWS_PROFILE: "acme",
      AWS_ACCESS_KEY_ID: "",
      AWS_SECRET_ACCESS_KEY: "",
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_SHARED_CREDENTIALS_FILE: path.join(dir, "no-credentials"),
      AWS_CONFIG_FILE: path.join(dir, "no-config"),
    };
    const r = spawnSync(BIN, ["doctor", "--region", "eu-west-1"], { cwd: dir, env, encoding: "utf8" });
    expect(r.status).to.equal(2);
    expect(r.stderr).to.contain('profile "acme" has no usable credentials').and.not.contain("set AWS_PROFILE");
  });
});
