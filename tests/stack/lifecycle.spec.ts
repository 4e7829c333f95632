import { expect } from "chai";
import { spawn } from "child_process";
import * as http from "http";
import { ACCOUNT_ID } from "../../cli/synth/mocks";
import { accessLogBucketPolicy, ELB_LOG_DELIVERY_SERVICE } from "../../components/accessLogBucket";
import { finalSnapshotIdentifier, parameterGroupFamily } from "../../components/database";
import { healthCheckCommand } from "../../ecs/taskContainers";
import { SECRET_RECOVERY_WINDOW_DAYS } from "../../secrets/storedSecret";
import { Stack, synthStack } from "../helpers/stack";

const full = () =>
  synthStack({
    "pluto:openWebUi": JSON.stringify({ desiredCount: 2, autoscaling: { minCount: 2, maxCount: 4 } }),
    "pluto:n8n": JSON.stringify({ enabled: true }),
  });
const serviceNamed = (stack: Stack, name: string) => stack.all("aws:ecs/service:Service").find((r) => (r.inputs as any).name === name)!.inputs as any;

describe("upgrades: never two Open WebUI versions on one database", () => {
  it("replaces the single task: the old one stops before the new one starts", async () => {
    const svc = serviceNamed(await synthStack(), "pluto-openwebui");
    expect(svc).to.include({ deploymentMinimumHealthyPercent: 0, deploymentMaximumPercent: 100 });
    expect(svc.deploymentCircuitBreaker).to.deep.equal({ enable: true, rollback: true });
  });

  it("never starts a task beyond the desired count when scaled out either", async () => {
    const stack = await full();
    expect(serviceNamed(stack, "pluto-openwebui")).to.include({ deploymentMinimumHealthyPercent: 0, deploymentMaximumPercent: 100 });
    expect(serviceNamed(stack, "pluto-n8n")).to.include({ deploymentMinimumHealthyPercent: 0, deploymentMaximumPercent: 100 });
  });
});

describe("n8n's health check", () => {
  it("needs only Node.js: exec form, no shell, no wget or curl, /healthz on n8n's port", async () => {
    const stack = await full();
    const check = stack.container("pluto-n8n", "n8n").healthCheck!;
    expect(check.command.slice(0, 3)).to.deep.equal(["CMD", "node", "-e"]);
    expect(check.command[3]).to.contain('fetch("http://127.0.0.1:5678/healthz")');
    for (const c of stack.all("aws:ecs/taskDefinition:TaskDefinition").flatMap((td) => JSON.parse((td.inputs as any).containerDefinitions)))
      expect(JSON.stringify(c.healthCheck ?? {}), c.name).to.not.contain("wget");
  });

  it("exits 0 on a 2xx answer and 1 on anything else, as ECS reads it (run with this Node)", async () => {
    /** Runs the health check's script with `node -e`, as the container would, against `port`. */
    const run = (port: number) =>
      new Promise<number | null>((resolve) => {
        const [, , flag, script] = healthCheckCommand({ healthCheckClient: "node", healthCheckPath: "/healthz", port });
        spawn(process.execPath, [flag, script]).on("exit", resolve);
      });
    for (const status of [200, 503]) {
      const server = http.createServer((req, res) => res.writeHead(req.url === "/healthz" ? status : 404).end("{}"));
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
      const code = await run((server.address() as { port: number }).port);
      server.close();
      expect(code, `status ${status}`).to.equal(status === 200 ? 0 : 1);
    }
    // Nothing listening: a refused connection is unhealthy too.
    expect(await run(1)).to.equal(1);
  });
});

describe("PostgreSQL over TLS only", () => {
  let stack: Stack;
  before(async () => {
    stack = await synthStack();
  });

  it("sets rds.force_ssl=1 in a parameter group of the engine's family, and the instance uses it", () => {
    const pg = stack.one("aws:rds/parameterGroup:ParameterGroup");
    const db = stack.inputs("aws:rds/instance:Instance");
    expect(pg.inputs).to.deep.include({ family: parameterGroupFamily(db.engineVersion), parameters: [{ name: "rds.force_ssl", value: "1" }] });
    expect((pg.inputs as any).family).to.equal("postgres16");
    expect(db.parameterGroupName).to.equal(pg.id);
  });

  it("asks for TLS in DATABASE_URL, in the form libpq and Open WebUI take", () => {
    const url = (stack.one("aws:secretsmanager/secretVersion:SecretVersion", "pluto-db-url-value").rawInputs.secretString as any).value as string;
    expect(url).to.match(/^postgresql:\/\/openwebui:[^@]+@pluto-openwebui\.[0-9a-f]+\.us-west-2\.rds\.amazonaws\.com:5432\/openwebui\?sslmode=require$/);
  });

  it("derives the family from any PostgreSQL version form, and refuses a non-version", () => {
    expect(parameterGroupFamily("16")).to.equal("postgres16");
    expect(parameterGroupFamily("17.2")).to.equal("postgres17");
    expect(() => parameterGroupFamily("latest")).to.throw(/not a version number/);
  });
});

describe("destroy, then up again within days", () => {
  let stack: Stack;
  before(async () => {
    stack = await full();
  });

  it("names every generated secret with a prefix AWS completes uniquely, and keeps deleted ones restorable", () => {
    const secrets = stack
      .all("aws:secretsmanager/secret:Secret")
      .map((r) => r.inputs as any)
      .filter((s) => s.name !== "pluto/n8n/api-key");
    expect(secrets.length).to.be.at.least(8);
    for (const s of secrets) {
      expect(s.name, s.namePrefix).to.equal(undefined);
      expect(s.namePrefix).to.match(/^pluto[/-].*-$/);
      expect(s.recoveryWindowInDays).to.equal(SECRET_RECOVERY_WINDOW_DAYS);
    }
    expect(SECRET_RECOVERY_WINDOW_DAYS).to.be.within(7, 30);
  });

  it("deletes the operator's n8n API key at once, so its fixed name is free again (it only works against the destroyed n8n)", () => {
    const key = stack.all("aws:secretsmanager/secret:Secret").find((r) => (r.inputs as any).name === "pluto/n8n/api-key")!.inputs as any;
    expect(key).to.include({ recoveryWindowInDays: 0 });
    expect(key.namePrefix).to.equal(undefined);
  });

  it("gives every database a final snapshot name of its own, and keeps deletion protection and the snapshot", () => {
    const db = stack.inputs("aws:rds/instance:Instance");
    const id = stack.one("random:index/randomId:RandomId", "pluto-db-final-snapshot-id");
    expect(db).to.include({ deletionProtection: true, skipFinalSnapshot: false });
    expect(db.finalSnapshotIdentifier).to.match(/^pluto-openwebui-final-[0-9a-f]{8}$/);
    expect((id.inputs as any).byteLength).to.equal(4);
    expect(finalSnapshotIdentifier("pluto-openwebui", "0a1b2c3d")).to.equal("pluto-openwebui-final-0a1b2c3d");
  });
});

describe("load balancer access logs", () => {
  let stack: Stack;
  before(async () => {
    stack = await synthStack();
  });

  it("go to an SSE-S3 bucket that is private, owner-enforced and expires logs after 90 days", () => {
    const bucket = stack.one("aws:s3/bucket:Bucket");
    const of = (type: string) => stack.all(type).find((r) => (r.inputs as any).bucket === bucket.id)!.inputs as any;
    expect(of("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").rules).to.deep.equal([
      { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
    ]);
    expect(of("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")).to.include({
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    expect(of("aws:s3/bucketOwnershipControls:BucketOwnershipControls").rule).to.deep.equal({ objectOwnership: "BucketOwnerEnforced" });
    const rule = of("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").rules[0];
    expect(rule).to.deep.include({ status: "Enabled", filter: { prefix: "alb/" }, expiration: { days: 90 } });
  });

  it("are switched on for the load balancer after the bucket policy lets it write", () => {
    const alb = stack.one("aws:lb/loadBalancer:LoadBalancer");
    const bucket = stack.one("aws:s3/bucket:Bucket");
    expect((alb.inputs as any).accessLogs).to.deep.equal({ bucket: bucket.id, prefix: "alb", enabled: true });
    expect(alb.dependencies).to.include(stack.one("aws:s3/bucketPolicy:BucketPolicy").urn);
  });

  it("let the region's log delivery write under the prefix and this account only, and refuse plain HTTP", () => {
    const policy = JSON.parse(stack.inputs("aws:s3/bucketPolicy:BucketPolicy").policy);
    const writes = policy.Statement.filter((s: any) => s.Effect === "Allow");
    // us-west-2 opened before August 2022: its ELB account, with the service principal beside it.
    expect(writes.map((s: any) => s.Principal)).to.deep.equal([{ AWS: "arn:aws:iam::797873946194:root" }, { Service: ELB_LOG_DELIVERY_SERVICE }]);
    for (const s of writes) {
      expect(s.Action).to.equal("s3:PutObject");
      expect(s.Resource).to.match(new RegExp(`^arn:aws:s3:::pluto-ingress-access-logs-bucket-[0-9a-f]{7}/alb/AWSLogs/${ACCOUNT_ID}/\\*$`));
    }
    expect(policy.Statement.find((s: any) => s.Effect === "Deny").Condition).to.deep.equal({ Bool: { "aws:SecureTransport": "false" } });
  });

  it("use only the service principal in Regions opened since August 2022", () => {
    const policy = accessLogBucketPolicy({ bucketArn: "arn:aws:s3:::b", prefix: "alb", accountId: "111122223333", region: "ap-southeast-5" }) as any;
    expect(policy.Statement.filter((s: any) => s.Effect === "Allow").map((s: any) => s.Principal)).to.deep.equal([{ Service: ELB_LOG_DELIVERY_SERVICE }]);
  });

  it("keep the bucket and its rules when the stack is destroyed, so the logs outlive it and still expire", () => {
    const kept = stack.result.resources.filter((r) => r.type.startsWith("aws:s3/"));
    expect(kept.length).to.equal(6);
    for (const r of kept) expect(r.retainOnDelete, r.name).to.equal(true);
    expect(stack.result.outputs.accessLogBucket).to.match(/^pluto-ingress-access-logs-bucket-/);
  });

  it("follow pluto:accessLogRetentionDays", async () => {
    const s = await synthStack({ "pluto:accessLogRetentionDays": "30" });
    expect(s.inputs("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").rules[0].expiration).to.deep.equal({ days: 30 });
  });
});
