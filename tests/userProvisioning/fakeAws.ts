import * as crypto from "crypto";
import { LocalServer, RecordedRequest, startServer } from "../functions/helpers";

/** One AWS call as the SDK sent it: `X-Amz-Target` (JSON protocol) or `sns.<Action>` (query protocol). */
export interface AwsCall {
  target: string;
  input: Record<string, unknown>;
}

export interface FakeAws extends LocalServer {
  calls: AwsCall[];
}

/** Overrides the default answer: a response, "hang" (never answer), or undefined (default). */
export type AwsBehaviour = (call: AwsCall) => { status: number; body: unknown; headers?: Record<string, string> } | "hang" | undefined;

/**
 * A local stand-in for SQS, Secrets Manager and SNS (reached via AWS_ENDPOINT_URL_SQS,
 * AWS_ENDPOINT_URL_SECRETS_MANAGER and AWS_ENDPOINT_URL_SNS). SQS and Secrets Manager speak the
 * AWS JSON protocol in the SDK versions used here; SNS speaks the query protocol (form-encoded
 * request, XML answer: docs.aws.amazon.com/sns/latest/api/API_Publish.html). SendMessage answers
 * with the body's MD5, which the SQS client verifies.
 */
export async function startFakeAws(secrets: Record<string, string>, override?: AwsBehaviour): Promise<FakeAws> {
  const calls: AwsCall[] = [];
  const server = await startServer((req: RecordedRequest) => {
    const call = parseCall(req);
    calls.push(call);
    const overridden = override?.(call);
    if (overridden === "hang") return undefined;
    return overridden ?? answer(call, secrets);
  });
  return Object.assign(server, { calls });
}

function parseCall(req: RecordedRequest): AwsCall {
  if (String(req.headers["content-type"]).startsWith("application/x-www-form-urlencoded")) {
    const form = Object.fromEntries(new URLSearchParams(req.body));
    return { target: `sns.${form.Action}`, input: form };
  }
  return { target: String(req.headers["x-amz-target"]), input: req.body ? JSON.parse(req.body) : {} };
}

function answer(call: AwsCall, secrets: Record<string, string>) {
  switch (call.target) {
    case "AmazonSQS.SendMessage": {
      const md5 = crypto.createHash("md5").update(String(call.input.MessageBody)).digest("hex");
      return { status: 200, body: { MessageId: crypto.randomUUID(), MD5OfMessageBody: md5 } };
    }
    case "secretsmanager.GetSecretValue": {
      const arn = String(call.input.SecretId);
      if (!(arn in secrets)) return { status: 400, body: { __type: "ResourceNotFoundException", message: "Secrets Manager can't find the specified secret." } };
      return { status: 200, body: { ARN: arn, Name: arn.split(":").pop(), SecretString: secrets[arn], VersionId: "v1" } };
    }
    case "sns.Publish":
      return snsXml(
        200,
        `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${crypto.randomUUID()}</MessageId></PublishResult><ResponseMetadata><RequestId>${crypto.randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
      );
    default:
      return { status: 400, body: { __type: "UnknownOperationException", message: call.target } };
  }
}

/** An SNS (query protocol) answer: XML, as the SDK's parser expects. */
export function snsXml(status: number, xml: string) {
  return { status, body: xml, headers: { "content-type": "text/xml" } };
}

/** An SNS error answer, e.g. snsError(403, "AuthorizationError", "not authorized"). */
export function snsError(status: number, code: string, message: string) {
  return snsXml(
    status,
    `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${crypto.randomUUID()}</RequestId></ErrorResponse>`,
  );
}
