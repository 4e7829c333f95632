import { expect } from "chai";
import { describeError, jsonLogger } from "../../functions/log";

describe("functions/log", () => {
  it("writes errors to console.error and the rest to console.log, one JSON line each", () => {
    const out: string[] = [];
    const err: string[] = [];
    const { log, error } = console;
    console.log = (line: string) => void out.push(line);
    console.error = (line: string) => void err.push(line);
    try {
      jsonLogger({ level: "info", event: "enqueued", sub: "s" });
      jsonLogger({ level: "warn", event: "n8n_invite_failed" });
      jsonLogger({ level: "error", event: "enqueue_failed", sub: "s" });
    } finally {
      console.log = log;
      console.error = error;
    }
    expect(out.map((l) => JSON.parse(l).event)).to.deep.equal(["enqueued", "n8n_invite_failed"]);
    expect(err).to.deep.equal(['{"level":"error","event":"enqueue_failed","sub":"s"}']);
  });

  it("describes fetch-style errors including their cause's code", () => {
    const cause = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" });
    expect(describeError(new TypeError("fetch failed", { cause }))).to.equal("TypeError: fetch failed (ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9)");
    expect(describeError(new Error("plain"))).to.equal("Error: plain");
    expect(describeError("a string")).to.equal("a string");
  });
});
