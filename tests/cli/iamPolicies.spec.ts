/**
 * deploy/iam/: the deploy and preview roles' policies and trust policies for GitHub Actions, derived
 * from the synthesised resource types (cli/synth/iamPolicies.ts) and kept in step by regenerating them.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { generateIam, IAM_DIR, resourceTypes, ROOT } from "../../cli/diagrams/generate";
import { awsModuleOf, iamDocuments, IAM_SERVICES, INVOKE_TOKENS, servicesFor } from "../../cli/synth/iamPolicies";
import { synthesizeStack } from "../../cli/commands/synth";

type Doc = { Statement: { Sid: string; Action: string[]; Resource?: string | string[]; Principal?: { Federated: string }; Condition?: any }[] };
const read = (file: string): Doc => JSON.parse(fs.readFileSync(path.join(IAM_DIR, file), "utf8"));

/** Whether an IAM action pattern (with *) grants `action`. */
const grants = (patterns: string[], action: string) =>
  patterns.some((p) => new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`, "i").test(action));

describe("IAM documents for continuous delivery (deploy/iam/)", function () {
  this.timeout(120000);
  let types: string[];
  before(async () => {
    types = await resourceTypes();
  });

  it("are what the program derives now (run `npm run generate` after a change)", async () => {
    const generated = await generateIam();
    expect(fs.readdirSync(IAM_DIR).sort()).to.deep.equal(Object.keys(generated).sort());
    for (const [file, text] of Object.entries(generated)) expect(fs.readFileSync(path.join(IAM_DIR, file), "utf8"), file).to.equal(text);
  });

  it("the deploy role may manage the service of every resource type the stacks create", () => {
    const doc = read("deploy-role-policy.json");
    const actions = doc.Statement.flatMap((s) => s.Action);
    const aws = types.filter((t) => awsModuleOf(t) !== undefined);
    expect(aws.length).to.be.above(40);
    for (const t of aws) for (const service of servicesFor([t])) expect(grants(actions, `${service}:CreateSomething`), `${t} needs ${service}`).to.equal(true);
    // and every data source the program reads (each mocked in cli/synth/mocks.ts)
    const mocked = [...fs.readFileSync(path.join(ROOT, "cli", "synth", "mocks.ts"), "utf8").matchAll(/case "(aws:[a-z0-9]+\/get[A-Za-z]+:get[A-Za-z]+)"/g)].map(
      (m) => m[1],
    );
    expect(INVOKE_TOKENS).to.include.members(mocked);
    for (const t of INVOKE_TOKENS) for (const service of servicesFor([t])) expect(grants(actions, `${service}:GetSomething`), t).to.equal(true);
  });

  it("is caught when a resource of a service not in the list appears", () => {
    expect(() => servicesFor(["aws:dynamodb/table:Table"])).to.throw(/no IAM service known for the AWS module "dynamodb"/);
    const without = iamDocuments(
      types.filter((t) => !t.startsWith("aws:wafv2/")),
      [],
    );
    expect(JSON.stringify(without["deploy-role-policy.json"])).to.not.contain("wafv2");
    expect(Object.keys(IAM_SERVICES)).to.include("wafv2");
  });

  it("the deploy role reaches IAM only for the stack's own roles, which all carry its namePrefix", async () => {
    const iam = read("deploy-role-policy.json").Statement.filter((s) => s.Action.some((a) => /^iam:(\*|Create|Put|Delete|Attach|PassRole)/.test(a)));
    for (const s of iam)
      for (const r of [s.Resource].flat()) expect(r, s.Sid).to.match(/^arn:aws:iam::ACCOUNT_ID:(role|policy)\/(NAME_PREFIX-\*|aws-service-role\/\*)$/);
    for (const stack of ["dev", "prod"]) {
      const result = await synthesizeStack({ stack, cwd: ROOT });
      const prefix = result.config["pluto:namePrefix"];
      for (const role of result.resources.filter((r) => r.type === "aws:iam/role:Role"))
        expect(String(role.inputs.name ?? role.name), `${stack}: ${role.name}`).to.match(new RegExp(`^${prefix}-`));
    }
  });

  it("the preview role only reads, and never a secret's value", () => {
    const actions = read("preview-role-policy.json").Statement.flatMap((s) => s.Action);
    for (const a of actions) expect(a).to.match(/^[a-z0-9-]+:(Describe|Get|List)/);
    expect(grants(actions, "secretsmanager:GetSecretValue")).to.equal(false);
    expect(grants(actions, "ecs:DescribeServices")).to.equal(true);
  });

  it("trust GitHub's OIDC provider, for this repository's production environment (deploy) and pull requests (preview)", () => {
    for (const [file, subject] of [
      ["deploy-role-trust.json", "repo:OWNER/REPO:environment:production"],
      ["preview-role-trust.json", "repo:OWNER/REPO:pull_request"],
    ]) {
      const [s] = read(file).Statement;
      expect(s.Principal!.Federated).to.equal("arn:aws:iam::ACCOUNT_ID:oidc-provider/token.actions.githubusercontent.com");
      expect(s.Action).to.deep.equal(["sts:AssumeRoleWithWebIdentity"]);
      expect(s.Condition.StringEquals).to.deep.equal({
        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
        "token.actions.githubusercontent.com:sub": subject,
      });
    }
    // up.yml runs in the environment the deploy role's trust names.
    expect(fs.readFileSync(path.join(ROOT, ".github", "workflows", "up.yml"), "utf8")).to.match(/^\s+environment: production$/m);
  });
});
