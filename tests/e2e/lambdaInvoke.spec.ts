/** The local Lambda Invoke endpoint answers every request, as Lambda does, even when it fails itself. */
import { expect } from "chai";
import { LambdaEndpoint, startLambdaEndpoint } from "./lambdaInvoke";
import type { InvocationResult, LambdaFunction } from "./lambdaRuntime";

function fakeFunction(name: string, invoke: (event: unknown) => Promise<InvocationResult>): LambdaFunction {
  return { name, timeoutMs: 1000, invoke, logs: [], stats: { coldStarts: 0, timeouts: 0 }, close: async () => {} };
}

describe("e2e harness: Lambda Invoke endpoint", () => {
  let endpoint: LambdaEndpoint;
  before(async () => {
    endpoint = await startLambdaEndpoint();
    endpoint.functions.set(
      "echo",
      fakeFunction("echo", async (event) => ({ ok: true, result: event })),
    );
    endpoint.functions.set(
      "broken",
      fakeFunction("broken", () => Promise.reject(new Error("runtime crashed"))),
    );
  });
  after(() => endpoint.close());

  const invoke = (name: string, body: string) => fetch(`${endpoint.url}/2015-03-31/functions/${name}/invocations`, { method: "POST", body });

  it("returns the function's result as the payload", async () => {
    const res = await invoke("echo", '{"a":1}');
    expect(res.status).to.equal(200);
    expect(await res.json()).to.deep.equal({ a: 1 });
  });

  it("answers an unknown function with 404 ResourceNotFoundException", async () => {
    const res = await invoke("nope", "{}");
    expect([res.status, res.headers.get("x-amzn-errortype")]).to.deep.equal([404, "ResourceNotFoundException"]);
  });

  it("answers a body that is not JSON, or a runtime that fails, with 500 ServiceException instead of leaving the request open", async () => {
    for (const [name, body, message] of [
      ["echo", "{not json", /^invoke endpoint: .*JSON/],
      ["broken", "{}", /^invoke endpoint: runtime crashed$/],
    ] as const) {
      const res = await invoke(name, body);
      expect([res.status, res.headers.get("x-amzn-errortype")], name).to.deep.equal([500, "ServiceException"]);
      expect(((await res.json()) as { message: string }).message, name).to.match(message);
    }
  });
});
