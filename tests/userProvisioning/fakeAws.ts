import * as crypto from "crypto";
import { LocalServer, RecordedRequest, startServer } from "../functions/helpers";

/** One AWS JSON-protocol call as the SDK sent it (`X-Amz-Target` names the operation). */
export interface AwsCall {
  target: string;
  input: Record<string, unknown>;
}

export interface FakeAws extends LocalServer {
  calls: AwsCall[];
}

/** Overrides the default answer: a response, "hang" (never answer), or undefined (default). */
export type AwsBehaviour = (call: AwsCall) => { status: number; body: unknown } | "hang" | undefined;

/**
 * A local stand-in for SQS and Secrets Manager (reached via AWS_ENDPOINT_URL_SQS and
 * AWS_ENDPOINT_URL_SECRETS_MANAGER). Both speak the AWS JSON protocol in the SDK versions used
 * here; SendMessage answers with the body's MD5, which the SQS client verifies.
 */
export async function startFakeAws(secrets: Record<string, string>, override?: AwsBehaviour): Promise<FakeAws> {
  const calls: AwsCall[] = [];
  const server = await startServer((req: RecordedRequest) => {
    const call = { target: String(req.headers["x-amz-target"]), input: req.body ? JSON.parse(req.body) : {} };
    calls.push(call);
    const overridden = override?.(call);
    if (overridden === "hang") return undefined;
    return overridden ?? answer(call, secrets);
  });
  return Object.assign(server, { calls });
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
    default:
      return { status: 400, body: { __type: "UnknownOperationException", message: call.target } };
  }
}
