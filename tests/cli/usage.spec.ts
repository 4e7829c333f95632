import { expect } from "chai";
import { main, usageError, VERSION } from "../../cli/main";
import { memoryIo } from "../../cli/io";
import { modulesFor } from "../../cli/commands";

async function pluto(...args: string[]) {
  const io = memoryIo();
  const code = await main(["node", "pluto", ...args], io);
  return { code, out: io.stdout.join(""), err: io.stderr.join("").trimEnd().split("\n") };
}

describe("pluto usage: --version, and one line plus a hint for a mistake", () => {
  it("prints the package version for --version and -V, loading no command module", async () => {
    expect(VERSION).to.equal(require("../../package.json").version);
    for (const flag of ["--version", "-V"]) {
      const r = await pluto(flag);
      expect(r.code).to.equal(0);
      expect(r.out.trim()).to.equal(VERSION);
    }
    expect(modulesFor(["node", "pluto", "--version"])).to.deep.equal([]);
  });

  it("answers an unknown command with one line, the nearest command, and where help is", async () => {
    const r = await pluto("deploy");
    expect(r.code).to.equal(2);
    expect(r.err).to.deep.equal(["pluto: unknown command 'deploy' (did you mean redeploy?)", "run `pluto --help` for usage"]);
  });

  it("names the subcommand's own help for an unknown option or a missing value", async () => {
    const option = await pluto("lint", "--jsn", "x.json");
    expect(option.code).to.equal(2);
    expect(option.err).to.deep.equal(["pluto: unknown option '--jsn' (did you mean --json?)", "run `pluto lint --help` for usage"]);
    const nested = await pluto("dlq", "redrive", "--wiat");
    expect(nested.err).to.deep.equal(["pluto: unknown option '--wiat' (did you mean --wait?)", "run `pluto dlq redrive --help` for usage"]);
    const missing = await pluto("logs", "--since");
    expect(missing.err).to.deep.equal(["pluto: option '--since <time>' argument missing", "run `pluto logs --help` for usage"]);
  });

  it("folds commander's suggestion into the error line", () => {
    expect(usageError("error: unknown command 'x'\n(Did you mean y?)\n")).to.equal("pluto: unknown command 'x' (did you mean y?)");
    expect(usageError("error: missing required argument 'files'\n")).to.equal("pluto: missing required argument 'files'");
  });
});
