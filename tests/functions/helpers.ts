import * as http from "http";
import type { AddressInfo } from "net";
import type { LogEntry, Logger } from "../../functions/log";

export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface LocalServer {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** Answers with `reply(request)`; `undefined` means "never answer" (for timeout tests). */
export type Reply = (req: RecordedRequest) => { status: number; body?: unknown; headers?: Record<string, string> } | undefined;

/** A real HTTP server on 127.0.0.1 (ephemeral port) that records every request. */
export async function startServer(reply: Reply): Promise<LocalServer> {
  const requests: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const recorded = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      requests.push(recorded);
      const answer = reply(recorded);
      if (!answer) return;
      const body = answer.body === undefined ? "" : typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body);
      res.writeHead(answer.status, { "content-type": "application/json", ...answer.headers });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A URL on which nothing listens (connection refused). */
export async function refusedUrl(): Promise<string> {
  const server = await startServer(() => ({ status: 200 }));
  await server.close();
  return server.url;
}

/** A logger that keeps entries, plus the JSON lines jsonLogger would have written. */
export function memoryLog(): { log: Logger; entries: LogEntry[]; text(): string } {
  const entries: LogEntry[] = [];
  return { log: (e) => entries.push(e), entries, text: () => entries.map((e) => JSON.stringify(e)).join("\n") };
}

/** Captures console.log/console.error while `fn` runs (except Node's own process warnings). */
export async function captureConsole<T>(fn: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const lines: string[] = [];
  const { log, error } = console;
  const keep = (...a: unknown[]) => {
    const line = a.map(String).join(" ");
    if (!line.startsWith("(node:")) lines.push(line);
  };
  console.log = keep;
  console.error = keep;
  try {
    return { result: await fn(), lines };
  } finally {
    console.log = log;
    console.error = error;
  }
}

/** Servers a spec starts as it goes, all closed by one call (in `afterEach`). */
export function serverPool(): { serve: (reply: Reply) => Promise<LocalServer>; closeAll: () => Promise<void> } {
  const servers: LocalServer[] = [];
  return {
    serve: async (reply) => {
      const s = await startServer(reply);
      servers.push(s);
      return s;
    },
    closeAll: async () => {
      await Promise.all(servers.splice(0).map((s) => s.close()));
    },
  };
}

/** What every Cognito trigger event carries for a Google-federated user of the test pool. */
function cognitoEnvelope(triggerSource: string) {
  return {
    version: "1",
    region: "us-west-2",
    userPoolId: "us-west-2_AbCdEf123",
    userName: "google_104857372847593",
    callerContext: { awsSdkVersion: "aws-sdk-unknown-unknown", clientId: "4h1k2j3l4k5j6h7g8f9d0s1a2q" },
    triggerSource,
  };
}

/** A Cognito PostConfirmation event as Cognito sends it for a Google-federated user. */
export function postConfirmationEvent(overrides: { triggerSource?: string; userAttributes?: Record<string, string | undefined> } = {}) {
  return {
    ...cognitoEnvelope(overrides.triggerSource ?? "PostConfirmation_ConfirmSignUp"),
    request: {
      userAttributes: overrides.userAttributes ?? {
        sub: "8c1b7f3e-2a4d-4e5f-9a0b-1c2d3e4f5a6b",
        email: "Ada.Lovelace@Example.com",
        email_verified: "true",
        name: "Ada Lovelace",
        "cognito:user_status": "EXTERNAL_PROVIDER",
        identities: '[{"userId":"104857372847593","providerName":"Google","providerType":"Google","primary":true}]',
      },
    },
    response: {},
  };
}

/**
 * A Cognito PreSignUp event for a first Google sign-in (`PreSignUp_ExternalProvider`): the
 * attributes are what the identity provider's mapping produced; `response` holds Cognito's
 * defaults (docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-sign-up.html).
 */
export function preSignUpEvent(overrides: { triggerSource?: string; userAttributes?: Record<string, string | undefined> } = {}) {
  return {
    ...cognitoEnvelope(overrides.triggerSource ?? "PreSignUp_ExternalProvider"),
    request: {
      userAttributes: overrides.userAttributes ?? {
        email: "Ada.Lovelace@Example.com",
        email_verified: "true",
        name: "Ada Lovelace",
        preferred_username: "Ada Lovelace",
      },
      validationData: null,
    },
    response: { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false },
  };
}

/** An SQS event record as Lambda delivers it. */
export function sqsRecord(messageId: string, body: unknown, receiveCount = 1) {
  return {
    messageId,
    receiptHandle: `AQEB${messageId}`,
    body: typeof body === "string" ? body : JSON.stringify(body),
    attributes: { ApproximateReceiveCount: String(receiveCount), SentTimestamp: "1767225600000" },
    messageAttributes: {},
    md5OfBody: "",
    eventSource: "aws:sqs",
    eventSourceARN: "arn:aws:sqs:us-west-2:123456789012:pluto-user-provisioning",
    awsRegion: "us-west-2",
  };
}

export function provisioningMessage(n: number) {
  return { email: `user${n}@example.com`, name: `User ${n}`, sub: `sub-${n}` };
}
