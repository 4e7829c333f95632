import { expect } from "chai";
import { secretResourceArn } from "../../config/models";
import { ACCOUNT_ID } from "../../cli/synth/mocks";
import { redisUrl } from "../../components/cache";
import { fileStorageProblems, fileSystemPolicyDocument } from "../../components/fileStorage";
import { N8N_DATA_OWNER } from "../../components/n8n";
import { OPEN_WEBUI_DATA_OWNER, OPEN_WEBUI_DATA_ROOT } from "../../components/openWebUi";
import { SynthResource } from "../../cli/synth/harness";
import { Stack, synthStack } from "../helpers/stack";

const SG = "aws:ec2/securityGroup:SecurityGroup";
const SG_IN = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const SG_OUT = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
const roleArn = (role: SynthResource) => `arn:aws:iam::${ACCOUNT_ID}:role/${role.id}`;

/** Open WebUI scaled out (Redis) and n8n: every boundary between the two services exists. */
const full = () =>
  synthStack({
    "pluto:openWebUi": JSON.stringify({ desiredCount: 2 }),
    "pluto:n8n": JSON.stringify({ enabled: true }),
  });

/** Security groups an ingress rule of `group` admits. */
function admitted(stack: Stack, group: SynthResource): string[] {
  return stack
    .all(SG_IN)
    .filter((r) => (r.inputs as any).securityGroupId === group.id)
    .map((r) => (r.inputs as any).referencedSecurityGroupId ?? (r.inputs as any).cidrIpv4 ?? (r.inputs as any).cidrIpv6);
}

function service(stack: Stack, name: string): any {
  return stack.all("aws:ecs/service:Service").find((r) => (r.inputs as any).name === name)!.inputs;
}

describe("each service is isolated from the others", () => {
  let stack: Stack;
  let ow: SynthResource;
  let n8n: SynthResource;
  before(async () => {
    stack = await full();
    ow = stack.one(SG, "pluto-task");
    n8n = stack.one(SG, "pluto-n8n-task");
  });

  it("runs Open WebUI and n8n in security groups of their own", () => {
    expect(service(stack, "pluto-openwebui").networkConfiguration.securityGroups).to.deep.equal([ow.id]);
    expect(service(stack, "pluto-n8n").networkConfiguration.securityGroups).to.deep.equal([n8n.id]);
  });

  it("lets the load balancer reach each service's proxy port, nothing else", () => {
    const alb = stack.one(SG, "pluto-alb");
    const out = stack
      .all(SG_OUT)
      .filter((r) => (r.inputs as any).securityGroupId === alb.id)
      .map((r) => r.inputs as any);
    expect(out.map((r) => [r.referencedSecurityGroupId, r.fromPort, r.toPort]).sort()).to.deep.equal(
      [
        [n8n.id, 4180, 4180],
        [ow.id, 4180, 4180],
      ].sort(),
    );
    expect(admitted(stack, ow)).to.deep.equal([alb.id]);
    expect(admitted(stack, n8n)).to.deep.equal([alb.id]);
  });

  it("admits Open WebUI's and n8n's tasks to the database (each under its own role), only Open WebUI's to Redis", () => {
    expect(admitted(stack, stack.one(SG, "pluto-db")).sort()).to.deep.equal([ow.id, n8n.id].sort());
    expect(admitted(stack, stack.one(SG, "pluto-cache-sg"))).to.deep.equal([ow.id]);
  });

  it("puts each file system's mount targets in a group open to its own service only", () => {
    const owEfs = stack.one(SG, "pluto-efs");
    const n8nEfs = stack.one(SG, "pluto-n8n-efs");
    expect(admitted(stack, owEfs)).to.deep.equal([ow.id]);
    expect(admitted(stack, n8nEfs)).to.deep.equal([n8n.id]);
    const mounts = (prefix: string) =>
      stack
        .all("aws:efs/mountTarget:MountTarget")
        .filter((m) => m.name.startsWith(prefix))
        .map((m) => (m.inputs as any).securityGroups);
    expect(mounts("pluto-openwebui-data")).to.deep.equal([[owEfs.id], [owEfs.id]]);
    expect(mounts("pluto-n8n-data")).to.deep.equal([[n8nEfs.id], [n8nEfs.id]]);
  });

  it("scopes each file system policy to its own service's task role, through its access point, from a mount target", () => {
    for (const [app, family] of [
      ["openwebui", "pluto-openwebui"],
      ["n8n", "pluto-n8n"],
    ]) {
      const fs = stack.one("aws:efs/fileSystem:FileSystem", `pluto-${app}-data-fs`);
      const ap = stack.one("aws:efs/accessPoint:AccessPoint", `pluto-${app}-data-ap`);
      const policy = JSON.parse((stack.one("aws:efs/fileSystemPolicy:FileSystemPolicy", `pluto-${app}-data-policy`).inputs as any).policy);
      const td = stack.all("aws:ecs/taskDefinition:TaskDefinition").find((r) => (r.inputs as any).family === family)!.inputs as any;
      const taskRole = stack.all("aws:iam/role:Role").find((r) => roleArn(r) === td.taskRoleArn)!;
      const allows = policy.Statement.filter((s: any) => s.Effect === "Allow");
      expect(allows, app).to.have.length(1);
      expect(allows[0].Principal).to.deep.equal({ AWS: roleArn(taskRole) });
      expect(allows[0].Action).to.deep.equal(["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]);
      expect(allows[0].Condition).to.deep.equal({
        StringEquals: { "elasticfilesystem:AccessPointArn": `arn:aws:elasticfilesystem:us-west-2:${ACCOUNT_ID}:access-point/${ap.id}` },
        Bool: { "elasticfilesystem:AccessedViaMountTarget": "true" },
      });
      expect(allows[0].Resource).to.equal(`arn:aws:elasticfilesystem:us-west-2:${ACCOUNT_ID}:file-system/${fs.id}`);
      expect(policy.Statement.find((s: any) => s.Effect === "Deny").Condition).to.deep.equal({ Bool: { "aws:SecureTransport": "false" } });
      // The service waits for its policy: without it the first mount is refused.
      const svc = stack.all("aws:ecs/service:Service").find((r) => (r.inputs as any).name === family)!;
      expect(svc.dependencies).to.include(stack.one("aws:efs/fileSystemPolicy:FileSystemPolicy", `pluto-${app}-data-policy`).urn);
    }
  });

  it("never allows a file system to every principal (the issue's public policy would fail this)", () => {
    const publicPolicy = fileSystemPolicyDocument("arn:fs", "arn:ap", "*") as any;
    const isPublic = (doc: any) => doc.Statement.some((s: any) => s.Effect === "Allow" && [s.Principal?.AWS, s.Principal].flat().includes("*"));
    expect(isPublic(publicPolicy), "the check itself").to.equal(true);
    for (const p of stack.all("aws:efs/fileSystemPolicy:FileSystemPolicy")) expect(isPublic(JSON.parse((p.inputs as any).policy)), p.name).to.equal(false);
  });
});

describe("EFS identities: no root, so no ClientRootAccess", () => {
  let stack: Stack;
  before(async () => {
    stack = await full();
  });

  it("maps Open WebUI's and n8n's file operations to non-root owners that also own the directories EFS creates", () => {
    for (const [app, owner, root] of [
      ["openwebui", OPEN_WEBUI_DATA_OWNER, OPEN_WEBUI_DATA_ROOT],
      ["n8n", N8N_DATA_OWNER, "/n8n"],
    ] as const) {
      const ap = stack.inputs("aws:efs/accessPoint:AccessPoint", `pluto-${app}-data-ap`);
      expect(ap.posixUser, app).to.deep.equal(owner);
      expect(owner.uid).to.be.greaterThan(0);
      expect(owner.gid).to.be.greaterThan(0);
      expect(ap.rootDirectory).to.deep.equal({ path: root, creationInfo: { ownerUid: owner.uid, ownerGid: owner.gid, permissions: "0750" } });
    }
  });

  it("grants ClientRootAccess to no one, anywhere", () => {
    const everyPolicy = [
      ...stack.all("aws:efs/fileSystemPolicy:FileSystemPolicy").map((r) => (r.inputs as any).policy),
      ...stack.all("aws:iam/rolePolicy:RolePolicy").map((r) => (r.inputs as any).policy),
    ].join("\n");
    expect(everyPolicy).to.not.contain("ClientRootAccess");
    expect(everyPolicy).to.not.contain("elasticfilesystem:*");
  });

  it("refuses a root access point, which EFS would squash", () => {
    expect(fileStorageProblems({ posixUser: { uid: 0, gid: 0 } })[0]).to.match(/^posixUser 0:0 is root: EFS squashes root/);
    expect(fileStorageProblems({ posixUser: { uid: 1000, gid: 0 } })).to.have.length(1);
    expect(fileStorageProblems({ posixUser: { uid: 1000, gid: 1000 }, rootDirectory: "/open-webui" })).to.deep.equal([]);
  });
});

describe("Redis AUTH", () => {
  let stack: Stack;
  before(async () => {
    stack = await full();
  });

  it("requires a generated token, which needs TLS", () => {
    const group = stack.inputs("aws:elasticache/replicationGroup:ReplicationGroup");
    expect(group).to.include({ transitEncryptionEnabled: true, authToken: "[secret]" });
    const token = stack.inputs("random:index/randomPassword:RandomPassword", "pluto-cache-auth-token");
    // 16-128 characters, no specials (https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth.html).
    expect(token).to.include({ length: 64, special: false });
  });

  it("hands Open WebUI the URL with the token only as a secret, for both of its Redis settings", () => {
    const c = stack.container("pluto-openwebui", "openwebui");
    const secret = stack.all("aws:secretsmanager/secret:Secret").find((r) => (r.inputs as any).namePrefix === "pluto/openwebui/redis-url-")!;
    expect(c.secrets.filter((x) => x.name === "REDIS_URL" || x.name === "WEBSOCKET_REDIS_URL").map((x) => x.valueFrom)).to.deep.equal([
      stack.storedValueFrom(secret),
      stack.storedValueFrom(secret),
    ]);
    expect(c.environment.map((e) => e.name)).to.not.include.members(["REDIS_URL", "WEBSOCKET_REDIS_URL"]);
    for (const e of c.environment) expect(e.value, e.name).to.not.match(/rediss?:\/\//);
    const value = (stack.one("aws:secretsmanager/secretVersion:SecretVersion", "pluto-cache-url-value").rawInputs.secretString as any).value as string;
    expect(value).to.match(/^rediss:\/\/:M0ckRandomValue[0-9a-f]+@master\.pluto-cache-redis\.[0-9a-f]+\.us-west-2\.cache\.amazonaws\.com:6379\/0$/);
    expect(redisUrl("Tok3n", "h.example")).to.equal("rediss://:Tok3n@h.example:6379/0");
  });
});

describe("ECS execution roles: the task's secrets and its log group, nothing else", () => {
  let stack: Stack;
  before(async () => {
    stack = await full();
  });

  it("carries no managed policy (AmazonECSTaskExecutionRolePolicy allows ECR on *)", () => {
    for (const role of stack.all("aws:iam/role:Role").filter((r) => r.name.endsWith("-execution")))
      expect(stack.managedPolicyArns(role), role.name).to.deep.equal([]);
  });

  it("may read exactly its task's secrets and write only to the stack's log group", () => {
    const logGroup = `arn:aws:logs:us-west-2:${ACCOUNT_ID}:log-group:/pluto/ecs`;
    for (const family of ["pluto-openwebui", "pluto-n8n"]) {
      const td = stack.all("aws:ecs/taskDefinition:TaskDefinition").find((r) => (r.inputs as any).family === family)!.inputs as any;
      const exec = stack.inlinePolicies(stack.all("aws:iam/role:Role").find((r) => roleArn(r) === td.executionRoleArn)!);
      expect(exec.map((p) => p.name)).to.deep.equal(["read-task-secrets", "write-task-logs"]);
      const statements = exec.flatMap((p) => JSON.parse(p.policy).Statement);
      // IAM names the secret; the task names its version (`ARN:::VERSION-ID`).
      const secrets = stack.containers(family).flatMap((c) => c.secrets.map((s) => secretResourceArn(s.valueFrom)));
      expect(statements).to.deep.equal([
        { Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: statements[0].Resource },
        { Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${logGroup}:log-stream:*` },
      ]);
      expect([...statements[0].Resource].sort()).to.deep.equal([...new Set(secrets)].sort());
      for (const c of stack.containers(family)) expect(c.logConfiguration.options["awslogs-group"]).to.equal("/pluto/ecs");
    }
  });
});
