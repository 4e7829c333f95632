import { expect } from "chai";
import { pluto } from "./fixtures";
import { translateAwsError } from "../../../cli/commands/ops/awsErrors";
import { awsError } from "./fixtures";

/**
 * These run the real SDK clients (no aws-sdk-client-mock) with an environment in which the
 * default chain can find nothing and may not reach the instance metadata service, so the
 * errors are the SDK's own and no request leaves the machine.
 */
describe("ops commands against the real SDK chain, without credentials or region", () => {
  const KEYS = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_EC2_METADATA_DISABLED",
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_CONFIG_FILE",
  ];
  const saved: Record<string, string | undefined> = {};
  before(() => {
    for (const k of KEYS) {
      saved[k] = process.env[k];
      delete process.env[k];
    }
    process.env.AWS_EC2_METADATA_DISABLED = "true";
    process.env.AWS_SHARED_CREDENTIALS_FILE = "/nonexistent/pluto-test/credentials";
    process.env.AWS_CONFIG_FILE = "/nonexistent/pluto-test/config";
  });
  after(() => {
    for (const k of KEYS) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  it("missing credentials → exit 2 with the credentials message", async () => {
    const r = await pluto(["doctor", "--region", "eu-west-1"]);
    expect(r.code).to.equal(2);
    expect(r.err).to.equal("pluto: no AWS credentials found (set AWS_PROFILE or use --profile, or configure the default credential chain)");
  });

  it("an unknown --profile → exit 2 naming the profile", async () => {
    const r = await pluto(["users", "sync", "--all", "--user-pool-id", "eu-west-1_x", "--region", "eu-west-1", "--profile", "ops"]);
    expect(r.code).to.equal(2);
    expect(r.err).to.include('profile "ops" has no usable credentials');
  });

  it("no region anywhere → exit 2 asking for --region", async () => {
    const r = await pluto(["dlq", "redrive"]);
    expect(r.code).to.equal(2);
    expect(r.err).to.equal("pluto: no AWS region configured (set AWS_REGION or use --region)");
  });
});

describe("translateAwsError", () => {
  const ctx = { region: "eu-west-1" };
  it("explains expired sessions", () => {
    expect(
      translateAwsError(awsError("ExpiredTokenException", "The security token included in the request is expired"), "ecs:ListTasks", ctx).message,
    ).to.equal("AWS credentials have expired while calling ecs:ListTasks (refresh the session, e.g. `aws sso login`)");
  });

  it("keeps the call, the error name and the message for anything else", () => {
    const e = translateAwsError(awsError("ThrottlingException", "Rate exceeded"), "logs:FilterLogEvents", ctx);
    expect(e.message).to.equal("logs:FilterLogEvents failed in eu-west-1: ThrottlingException: Rate exceeded");
    expect(e.exitCode).to.equal(2);
  });

  it("recognises SQS's AccessDenied and its non-existent-queue code", () => {
    expect(translateAwsError(awsError("AccessDenied", "denied"), "sqs:StartMessageMoveTask", ctx).message).to.equal(
      "access denied calling sqs:StartMessageMoveTask in eu-west-1: denied",
    );
    expect(translateAwsError(awsError("AWS.SimpleQueueService.NonExistentQueue", "x"), "sqs:GetQueueUrl", { ...ctx, queue: "q" }).message).to.equal(
      "queue q not found in eu-west-1 (use --prefix or the queue flags)",
    );
  });
});
