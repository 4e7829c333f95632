import { expect } from "chai";
import { Command } from "commander";
import { commands, modulesFor } from "../../cli/commands";
import { main } from "../../cli/main";
import { memoryIo } from "../../cli/io";

describe("pluto command wiring", () => {
  it("lists, for each command module, exactly the top-level commands it registers", () => {
    for (const module of commands) {
      const program = new Command("pluto");
      module.load()(program, memoryIo(), { exitCode: 0 });
      expect(program.commands.map((c) => c.name()).sort()).to.deep.equal([...module.names].sort());
    }
  });

  it("loads only the module of the command being run, and every module for help", () => {
    expect(modulesFor(["node", "pluto", "lint", "x.json"]).map((m) => m.names[0])).to.deep.equal(["lint"]);
    expect(modulesFor(["node", "pluto", "dlq", "redrive"]).map((m) => m.names[0])).to.deep.equal(["doctor"]);
    expect(modulesFor(["node", "pluto", "--help"])).to.have.length(commands.length);
  });

  it("prints help listing every command, and exits 2 on an unknown command without a stack trace", async () => {
    const help = memoryIo();
    expect(await main(["node", "pluto", "--help"], help)).to.equal(0);
    for (const name of commands.flatMap((m) => m.names)) expect(help.stdout.join("")).to.contain(name);
    const io = memoryIo();
    expect(await main(["node", "pluto", "deploy"], io)).to.equal(2);
    expect(io.stderr.join(""))
      .to.contain("unknown command 'deploy'")
      .and.not.match(/\n\s+at /);
  });
});
