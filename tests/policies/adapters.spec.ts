import { expect } from "chai";
import { Adapted, containersFromContainerDefinitions, containersFromResource, containersFromTaskDefinitionDocument } from "../../policies/adapters";
import { Container } from "../../policies/rules";
import { goldenDefinitions, goldenOauth2Proxy } from "../fixtures/policies/golden";
import { SHAPES, resourceOf } from "./util";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

function containers(a: Adapted | undefined): Container[] {
  if (!a || !("containers" in a)) throw new Error(`expected containers, got ${JSON.stringify(a)}`);
  return a.containers;
}

function unchecked(a: Adapted | undefined): string {
  if (!a || !("unchecked" in a)) throw new Error(`expected unchecked, got ${JSON.stringify(a)}`);
  return a.unchecked;
}

describe("adapters", () => {
  it("normalises a container definition: env map, secret names, entryPoint then command", () => {
    const def = { ...goldenOauth2Proxy(), entryPoint: ["/bin/oauth2-proxy"], command: ["--skip-auth-route", "POST=^/api/v1/users$"] };
    const [c] = containers(containersFromContainerDefinitions(JSON.stringify([def])));
    expect(c.name).to.equal("oauth2-proxy");
    expect(c.image).to.equal("quay.io/oauth2-proxy/oauth2-proxy:v7.15.3");
    expect(c.environment.OAUTH2_PROXY_PASS_USER_HEADERS).to.equal("true");
    expect(c.secrets).to.deep.equal(["OAUTH2_PROXY_CLIENT_SECRET", "OAUTH2_PROXY_COOKIE_SECRET"]);
    expect(c.command).to.deep.equal(["/bin/oauth2-proxy", "--skip-auth-route", "POST=^/api/v1/users$"]);
  });

  it("reads the same two containers from every resource shape", () => {
    for (const shape of SHAPES) {
      const r = resourceOf(shape, goldenDefinitions());
      const got = containers(containersFromResource(r.type, r.props));
      expect(
        got.map((c) => c.name),
        shape,
      ).to.deep.equal(["openwebui", "oauth2-proxy"]);
      expect(got[0].secrets, shape).to.include("WEBUI_ADMIN_PASSWORD");
    }
  });

  it("carries ECS environmentFiles (their ARNs), unknown entries included, so hidden settings are reported", () => {
    const files = [{ value: "arn:aws:s3:::b/a.env", type: "s3" }, UNKNOWN];
    const [c] = containers(containersFromContainerDefinitions([{ name: "a", image: "x:1", environmentFiles: files }]));
    expect(c.environmentFiles).to.deep.equal(["arn:aws:s3:::b/a.env", UNKNOWN]);
    expect(containers(containersFromContainerDefinitions([{ name: "a", image: "x:1", environmentFiles: UNKNOWN }]))[0].environmentFiles).to.deep.equal([
      UNKNOWN,
    ]);
    expect(unchecked(containersFromContainerDefinitions([{ name: "a", environmentFiles: "s3://b/a.env" }]))).to.match(/environmentFiles is not a list/);
    const cfn = { ContainerDefinitions: [{ Name: "a", Image: "x:1", EnvironmentFiles: [{ Value: "arn:aws:s3:::b/c.env", Type: "s3" }] }] };
    expect(containers(containersFromTaskDefinitionDocument(cfn))[0].environmentFiles).to.deep.equal(["arn:aws:s3:::b/c.env"]);
  });

  it("reads awsx's single `container` and ignores unrelated resource types", () => {
    const [c] = containers(containersFromResource("awsx:ecs:FargateTaskDefinition", { container: { image: "x:1", environment: [{ name: "A", value: "1" }] } }));
    expect(c).to.deep.include({ name: "container", image: "x:1", environment: { A: "1" } });
    expect(containers(containersFromResource("awsx:ecs:FargateService", { taskDefinition: "arn:aws:ecs:...:task-definition/x:1" }))).to.deep.equal([]);
    expect(containersFromResource("aws:s3/bucket:Bucket", { bucket: "b" })).to.equal(undefined);
  });

  it("says what could not be checked instead of throwing (unknowns, malformed JSON, wrong types)", () => {
    expect(unchecked(containersFromContainerDefinitions(UNKNOWN))).to.match(/containerDefinitions is not known until deploy/);
    expect(unchecked(containersFromContainerDefinitions(undefined))).to.match(/containerDefinitions is missing/);
    expect(unchecked(containersFromContainerDefinitions("[{"))).to.match(/containerDefinitions is not valid JSON/);
    expect(unchecked(containersFromContainerDefinitions("{}"))).to.match(/not a list of container definitions/);
    expect(unchecked(containersFromContainerDefinitions([{ name: "a", environment: [{ value: "x" }] }]))).to.equal(
      "containerDefinitions[0].environment[0] has no name",
    );
    expect(unchecked(containersFromContainerDefinitions([{ name: "a", environment: UNKNOWN }]))).to.match(
      /containerDefinitions\[0\]\.environment is not known/,
    );
    expect(unchecked(containersFromContainerDefinitions([{ name: "a", secrets: [{ name: UNKNOWN }] }]))).to.match(/secrets\[0\]\.name is not known/);
    expect(unchecked(containersFromContainerDefinitions("[secret]"))).to.match(/is a Pulumi secret/);
    expect(unchecked(containersFromResource("aws:ecs/taskDefinition:TaskDefinition", UNKNOWN))).to.match(/not known until deploy/);
    expect(unchecked(containersFromResource("awsx:ecs:FargateService", { taskDefinitionArgs: { containers: UNKNOWN } }))).to.match(
      /taskDefinitionArgs\.containers is not known/,
    );
  });

  it("keeps a single unknown value visible to the rules rather than giving up on the task", () => {
    const [c] = containers(containersFromContainerDefinitions([{ name: "a", image: UNKNOWN, environment: [{ name: "X", value: UNKNOWN }] }]));
    expect(c.image).to.equal(UNKNOWN);
    expect(c.environment.X).to.equal(UNKNOWN);
  });

  it("reads through Pulumi's policy proxy, turning its unknown-value errors into `unchecked`", () => {
    const { unknownCheckingProxy } = require("@pulumi/policy");
    const props = unknownCheckingProxy({ family: "f", containerDefinitions: UNKNOWN });
    expect(unchecked(containersFromResource("aws:ecs/taskDefinition:TaskDefinition", props))).to.match(/not known until deploy/);
    const native = unknownCheckingProxy({ containerDefinitions: [{ name: "a", image: "x:1", environment: [{ name: "WEBUI_AUTH", value: UNKNOWN }] }] });
    expect(containers(containersFromResource("aws-native:ecs:TaskDefinition", native))[0].environment.WEBUI_AUTH).to.equal(UNKNOWN);
  });

  describe("task definition documents", () => {
    const td = { family: "pluto-openwebui", revision: 40, containerDefinitions: goldenDefinitions() };
    it("accepts describe-task-definition output, a bare task definition, a list, and JSON text", () => {
      for (const doc of [{ taskDefinition: td, tags: [] }, td, goldenDefinitions(), JSON.stringify({ taskDefinition: td })]) {
        expect(containers(containersFromTaskDefinitionDocument(doc)).map((c) => c.name)).to.deep.equal(["openwebui", "oauth2-proxy"]);
      }
    });

    it("accepts the SDK's DescribeTaskDefinition output and CloudFormation's PascalCase", () => {
      const sdk = {
        $metadata: { httpStatusCode: 200 },
        taskDefinition: { ...td, taskDefinitionArn: "arn:aws:ecs:us-west-2:123456789012:task-definition/pluto-openwebui:40" },
      };
      expect(containers(containersFromTaskDefinitionDocument(sdk))).to.have.length(2);
      const cfn = {
        ContainerDefinitions: [
          { Name: "openwebui", Image: "x:1", Environment: [{ Name: "WEBUI_AUTH", Value: "false" }], Secrets: [{ Name: "S", ValueFrom: "arn" }] },
        ],
      };
      expect(containers(containersFromTaskDefinitionDocument(cfn))[0]).to.deep.include({
        name: "openwebui",
        environment: { WEBUI_AUTH: "false" },
        secrets: ["S"],
      });
    });

    it("rejects what is not a task definition, saying what was expected", () => {
      expect(unchecked(containersFromTaskDefinitionDocument({ services: [] }))).to.match(/^not a task definition: expected \{"taskDefinition"/);
      expect(unchecked(containersFromTaskDefinitionDocument(7))).to.match(/^not a task definition/);
      expect(unchecked(containersFromTaskDefinitionDocument([]))).to.match(/no container definitions/);
      expect(unchecked(containersFromTaskDefinitionDocument("nope"))).to.match(/^not JSON/);
      expect(unchecked(containersFromTaskDefinitionDocument({ taskDefinition: { containerDefinitions: "x" } }))).to.match(
        /taskDefinition\.containerDefinitions is not valid JSON/,
      );
    });
  });
});
