import { expect } from "chai";
import { synthStack } from "../helpers/stack";

const ROLE = "aws:iam/role:Role";
const INLINE_ONLY = "aws:iam/rolePoliciesExclusive:RolePoliciesExclusive";
const MANAGED_ONLY = "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive";

describe("IAM roles: every policy a resource of its own, held exclusively", () => {
  // Every optional part: n8n (its service and the onboarding worker), Redis, the Bedrock gateway's task policy, WAF.
  const everything = () =>
    synthStack({
      "pluto:n8n": JSON.stringify({ enabled: true }),
      "pluto:openWebUi": JSON.stringify({ desiredCount: 2 }),
      "pluto:models": JSON.stringify({ bedrock: { models: ["anthropic.claude-3-5-haiku-20241022-v1:0"] } }),
      "pluto:waf": JSON.stringify({ enabled: true }),
    });

  it("uses no role's deprecated inlinePolicies or managedPolicyArns", async () => {
    const stack = await everything();
    const roles = stack.all(ROLE);
    expect(roles.length).to.be.at.least(8);
    for (const role of roles) {
      expect(role.inputs, role.name).to.not.have.property("inlinePolicies");
      expect(role.inputs, role.name).to.not.have.property("managedPolicyArns");
    }
  });

  it("gives every role exactly its own policies: the exclusive lists name each policy resource and nothing else", async () => {
    const stack = await everything();
    for (const role of stack.all(ROLE)) {
      const children = (type: string) => stack.all(type).filter((r) => r.parent === role.urn);
      const [inlineOnly, managedOnly] = [children(INLINE_ONLY), children(MANAGED_ONLY)];
      expect([inlineOnly.length, managedOnly.length], role.name).to.deep.equal([1, 1]);
      const policies = children("aws:iam/rolePolicy:RolePolicy");
      const attachments = children("aws:iam/rolePolicyAttachment:RolePolicyAttachment");
      expect(policies.length + attachments.length, `${role.name} has no permission at all`).to.be.above(0);
      expect((inlineOnly[0].inputs as any).policyNames, role.name).to.have.members(policies.map((p) => (p.inputs as any).name ?? null)); // null: auto-named, the mock knows no name
      expect((managedOnly[0].inputs as any).policyArns, role.name).to.have.members(attachments.map((a) => (a.inputs as any).policyArn));
      // Reconciled only once the policies it keeps exist, or it would find them missing.
      expect(inlineOnly[0].dependencies, role.name).to.include.members(policies.map((p) => p.urn));
    }
  });

  it("starts no ECS service before its roles' policies exist (ECS reads the task's secrets with them)", async () => {
    const stack = await everything();
    for (const service of stack.all("aws:ecs/service:Service")) {
      const prefix = service.name.replace(/-service$/, "");
      const permissions = [...stack.all("aws:iam/rolePolicy:RolePolicy"), ...stack.all(INLINE_ONLY), ...stack.all(MANAGED_ONLY)].filter((p) =>
        p.name.startsWith(`${prefix}-execution`),
      );
      expect(permissions.length, service.name).to.be.at.least(3);
      expect(service.dependencies, service.name).to.include.members(permissions.map((p) => p.urn));
    }
  });
});
