import { expect } from "chai";
import { Stack, synthStack } from "../helpers/stack";

/**
 * What a change that forces replacement would do to each stateful or fixed-name resource, and
 * the resource option that keeps `pulumi up` from doing harm (docs/stateful-resources.md).
 */
describe("stateful and fixed-name resources survive a change that would replace them", () => {
  let stack: Stack;
  before(async () => {
    stack = await synthStack({ "pluto:n8n": JSON.stringify({ enabled: true }), "pluto:openWebUi": JSON.stringify({ desiredCount: 2 }) });
  });
  const options = (type: string) => stack.all(type).map((r) => ({ name: r.name, protect: r.protect, deleteBeforeReplace: r.deleteBeforeReplace }));

  it("protects the user pool (every user; AWS deletion protection would fail a replacement half-way)", () => {
    expect(options("aws:cognito/userPool:UserPool")).to.deep.equal([{ name: "pluto-identity-pool", protect: true, deleteBeforeReplace: false }]);
    expect(stack.inputs("aws:cognito/userPool:UserPool")).to.include({ deletionProtection: "ACTIVE" });
  });

  it("protects the database, and would delete it (final snapshot first) before creating one with the same identifier", () => {
    expect(options("aws:rds/instance:Instance")).to.deep.equal([{ name: "pluto-db-postgres", protect: true, deleteBeforeReplace: true }]);
    expect(stack.inputs("aws:rds/instance:Instance")).to.include({ identifier: "pluto-openwebui", skipFinalSnapshot: false });
  });

  it("protects every file system (each app's data directory)", () => {
    const fileSystems = options("aws:efs/fileSystem:FileSystem");
    expect(fileSystems).to.have.length(2);
    for (const fs of fileSystems) expect(fs, fs.name).to.include({ protect: true });
  });

  it("replaces a fixed-name ECS service or Cognito domain by deleting first (a second of the same name is refused)", () => {
    const services = options("aws:ecs/service:Service");
    expect(services.map((s) => s.name)).to.have.members(["pluto-openwebui-svc-service", "pluto-n8n-svc-service"]);
    for (const s of services) expect(s, s.name).to.include({ deleteBeforeReplace: true, protect: false });
    expect(options("aws:cognito/userPoolDomain:UserPoolDomain")).to.deep.equal([{ name: "pluto-identity-domain", protect: false, deleteBeforeReplace: true }]);
  });

  it("protects nothing else, so that `pulumi destroy` needs unprotecting only the resources the docs list", () => {
    const protectedTypes = [...new Set(stack.result.resources.filter((r) => r.protect).map((r) => r.type))].sort();
    expect(protectedTypes).to.deep.equal(["aws:cognito/userPool:UserPool", "aws:efs/fileSystem:FileSystem", "aws:rds/instance:Instance"]);
  });
});
