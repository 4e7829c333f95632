/**
 * What `pluto lint` reads: standard input of any size from a pipe (read as a stream: fd 0 may be
 * non-blocking after the TTY check, where a synchronous read fails with EAGAIN past the 64 KiB a
 * pipe buffers), never a device, nothing beyond MAX_INPUT_BYTES, and no list of arbitrary objects
 * taken for container definitions.
 */
import { expect } from "chai";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Readable } from "stream";
import { main } from "../../cli/main";
import { MAX_INPUT_BYTES, memoryIo, readStream } from "../../cli/io";
import { ROOT } from "../helpers/stack";

const fixture = path.join(ROOT, "tests", "fixtures", "policies", "describe-golden.json");

async function lint(args: string[]) {
  const io = memoryIo();
  const code = await main(["node", "pluto", "lint", ...args], io);
  return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
}

describe("pluto lint: what it reads", () => {
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "pluto-lint-input-"))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("reads more than 64 KiB from a pipe whose writer pauses (a real process, `... | pluto lint -`)", function () {
    this.timeout(60_000);
    // The golden export padded with JSON whitespace to 200 KiB, written in two parts with a pause between.
    const text = fs.readFileSync(fixture, "utf8");
    const padded = text.replace(/\{/, "{" + " ".repeat(200 * 1024));
    const first = path.join(dir, "first.part");
    const second = path.join(dir, "second.part");
    fs.writeFileSync(first, padded.slice(0, 100 * 1024));
    fs.writeFileSync(second, padded.slice(100 * 1024));
    const out = execFileSync("/bin/sh", ["-c", `(cat "$1"; sleep 1; cat "$2") | "$3" lint --json -`, "sh", first, second, path.join(ROOT, "bin", "pluto")], {
      encoding: "utf8",
    });
    expect(JSON.parse(out)).to.deep.equal([{ file: "<stdin>", taskDefinition: "pluto-openwebui:60", findings: [] }]);
  });

  it("refuses a device with a clear message (exit 2), never reading it", async () => {
    const r = await lint(["/dev/zero"]);
    expect(r.code).to.equal(2);
    expect(r.err).to.equal("pluto lint: cannot read /dev/zero: is a device or socket, not a file");
  });

  it("refuses a file larger than the limit without reading it", async () => {
    const big = path.join(dir, "big.json");
    fs.writeFileSync(big, "");
    fs.truncateSync(big, MAX_INPUT_BYTES + 1);
    const r = await lint([big]);
    expect(r.code).to.equal(2);
    expect(r.err).to.equal(`pluto lint: cannot read ${big}: ${big} is larger than 16 MiB, far more than any task definition; not read`);
  });

  it("stops reading standard input past the limit", async () => {
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    const stream = Readable.from(
      (function* () {
        for (let i = 0; i < 20; i++) yield chunk;
      })(),
    );
    let error: Error | undefined;
    await readStream(stream).catch((e: Error) => (error = e));
    expect(error?.message).to.equal("standard input is larger than 16 MiB, far more than any task definition; not read");
  });

  it("names what is wrong with a list of arbitrary objects instead of passing it as containers", async () => {
    const file = path.join(dir, "objects.json");
    fs.writeFileSync(file, JSON.stringify([{ foo: 1 }, { bar: 2 }]));
    const r = await lint([file]);
    expect(r.code).to.equal(2);
    expect(r.err).to.equal(`pluto lint: ${file}: [0] is not a container definition: it has no "name" and no "image" (keys: foo), and ECS requires both`);
    const nested = path.join(dir, "nested.json");
    fs.writeFileSync(nested, JSON.stringify({ taskDefinition: { containerDefinitions: [{ name: "openwebui", image: "x:1" }, "oops"] } }));
    const n = await lint([nested]);
    expect(n.code).to.equal(2);
    expect(n.err).to.equal(`pluto lint: ${nested}: containerDefinitions[1] is a string, not a container definition object`);
  });

  it("still refuses a TTY-less empty standard input as not JSON", () => {
    const r = spawnSync(path.join(ROOT, "bin", "pluto"), ["lint", "-"], { input: "", encoding: "utf8" });
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(/^pluto lint: <stdin>: not JSON \(/);
  });
});
