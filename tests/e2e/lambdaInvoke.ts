// The Lambda Invoke API on 127.0.0.1 (POST /2015-03-31/functions/{name}/invocations, what
// cognito-local's Lambda client calls for triggers), running deployed functions (lambdaRuntime.ts,
// with their deployed timeouts) by name. Responses follow Lambda: 200 with the result as payload;
// a thrown error or a timeout is 200 with `X-Amz-Function-Error: Unhandled` and
// {errorType, errorMessage}; an unknown name is 404 ResourceNotFoundException.
import * as http from "http";
import type { AddressInfo } from "net";
import type { LambdaFunction } from "./lambdaRuntime";

export interface Invocation {
  functionName: string;
  event: any;
  error?: string;
}

export interface LambdaEndpoint {
  url: string;
  functions: Map<string, LambdaFunction>;
  invocations: Invocation[];
  close(): Promise<void>;
}

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

export async function startLambdaEndpoint(): Promise<LambdaEndpoint> {
  const functions = new Map<string, LambdaFunction>();
  const invocations: Invocation[] = [];
  const send = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify(body));
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    const answer = async (): Promise<void> => {
      const match = INVOKE_PATH.exec(req.url ?? "");
      if (req.method !== "POST" || !match) return send(res, 404, { message: "unknown operation" }, { "x-amzn-errortype": "UnknownOperationException" });
      const functionName = decodeURIComponent(match[1]).split(":").pop()!;
      const fn = functions.get(functionName);
      if (!fn) return send(res, 404, { Type: "User", message: `Function not found: ${functionName}` }, { "x-amzn-errortype": "ResourceNotFoundException" });
      const event = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
      const invocation: Invocation = { functionName, event };
      invocations.push(invocation);
      const result = await fn.invoke(event);
      if (result.ok) return send(res, 200, result.result ?? null);
      invocation.error = result.errorMessage;
      send(res, 200, { errorType: result.errorType, errorMessage: result.errorMessage }, { "x-amz-function-error": "Unhandled" });
    };
    // Anything this endpoint itself fails at (a body that is not JSON, a runtime that throws) is
    // Lambda's 500 ServiceException (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html,
    // Errors), never an unanswered request.
    req.on("end", () => {
      answer().catch((e: unknown) =>
        send(res, 500, { message: `invoke endpoint: ${e instanceof Error ? e.message : String(e)}` }, { "x-amzn-errortype": "ServiceException" }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    functions,
    invocations,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
