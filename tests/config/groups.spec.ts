/**
 * `pluto:groups`: which names survive Cognito, oauth2-proxy's X-Forwarded-Groups and Open WebUI's
 * parsing of it, and how the config reports the rest (every problem names its item, exit 2).
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { groupNameProblem, groupsClaim, isProviderGroup, parseGroupsConfig } from "../../config/groups";
import { main } from "../../cli/main";
import { memoryIo } from "../../cli/io";
import { configProblems, parsed, VALID_CONFIG } from "../helpers/config";
import { ROOT } from "../helpers/stack";

const withGroups = (groups: unknown) => ({ ...VALID_CONFIG, groups: JSON.stringify(groups) });
const problemsOf = (groups: unknown) => configProblems(withGroups(groups));

describe("pluto:groups", () => {
  it("defaults to no groups, and then the proxy reads no groups claim", () => {
    expect(parsed(VALID_CONFIG).groups).to.deep.equal([]);
    expect(groupsClaim([])).to.equal(undefined);
  });

  it("takes {name, description} items and bare names, in order", () => {
    const config = parsed(withGroups([{ name: "research", description: "Research team" }, "ops"]));
    expect(config.groups).to.deep.equal([
      { name: "research", description: "Research team" },
      { name: "ops", description: "" },
    ]);
    expect(groupsClaim(config.groups)).to.equal("cognito:groups");
  });

  it("takes names with the punctuation every hop keeps", () => {
    for (const name of ["research", "Team-A", "eng.platform", "a_b", "team:ml", "x".repeat(128), "R&D"])
      expect(groupNameProblem(name), name).to.equal(undefined);
  });

  const refused: [string, string, RegExp][] = [
    ["a comma", "sales,eu", /comma: oauth2-proxy joins .* Open WebUI splits X-Forwarded-Groups/],
    ["a space", "data science", /white space: Cognito refuses it .*\[\\p\{L\}/],
    ["a space at the end", "ops ", /white space/],
    ["a tab", "ops\tx", /white space/],
    ["non-ASCII", "équipe", /outside printable ASCII: .* Latin-1/],
    ["an emoji", "team🚀", /outside printable ASCII/],
    ["a control character", "ops\u0001", /outside printable ASCII/],
    ["129 characters", "x".repeat(129), /129 characters; Cognito takes at most 128/],
    ["an empty name", "", /is empty/],
    ["a Pulumi URN separator", "a::b", /"::"/],
    ["Cognito's identity provider group", "eu-west-1_AbC123_Google", /identity provider/],
  ];
  for (const [what, name, why] of refused) {
    it(`refuses a name with ${what}, saying why, as pluto:groups[i].name`, () => {
      const problems = problemsOf(["ok", { name }]);
      expect(problems).to.have.length(1);
      expect(problems[0]).to.match(/^pluto:groups\[1\]\.name: /);
      expect(problems[0]).to.match(why);
    });
  }

  it("recognises the groups Cognito makes for identity providers, not names of one's own", () => {
    expect(isProviderGroup("us-east-1_EXAMPLE_Google")).to.equal(true);
    expect(isProviderGroup("eu-central-2_a1B2c3_MYSSO")).to.equal(true);
    expect(isProviderGroup("research_Google")).to.equal(false);
  });

  it("refuses the same name twice, also when only the case differs", () => {
    expect(problemsOf(["ops", "research", "Ops"])).to.deep.equal([
      'pluto:groups[2].name: "Ops" is also pluto:groups[0] (names differing only in case are one group to a reader); give each group once',
    ]);
  });

  it("refuses admin: true with the reason and what to do instead; admin: false is harmless", () => {
    const problems = problemsOf([{ name: "admins", admin: true }]);
    expect(problems).to.have.length(1);
    expect(problems[0]).to.match(/^pluto:groups\[0\]\.admin: membership cannot make someone an Open WebUI administrator/);
    expect(problems[0]).to.contain("WEBUI_AUTH_TRUSTED_ROLE_HEADER").and.contain("Admin Panel → Users");
    expect(problemsOf([{ name: "admins", admin: "true" }])).to.have.length(1);
    expect(problemsOf([{ name: "admins", admin: false }])).to.deep.equal([]);
    expect(problemsOf([{ name: "admins", admin: "yes" }])[0]).to.match(/^pluto:groups\[0\]\.admin: expected false or no field/);
  });

  it("names each bad field: a missing name, an unknown field, a description that is not text or too long", () => {
    expect(problemsOf([{ description: "x" }])).to.deep.equal(["pluto:groups[0].name: required — the group's name, e.g. research"]);
    expect(problemsOf([{ name: "ops", colour: "red" }])).to.deep.equal(["pluto:groups[0].colour: unknown field (expected one of: name, description)"]);
    expect(problemsOf([{ name: "ops", description: 3 }])).to.deep.equal(["pluto:groups[0].description: expected text, got 3"]);
    expect(problemsOf([{ name: "ops", description: "d".repeat(2049) }])).to.deep.equal([
      "pluto:groups[0].description: has 2049 characters; Cognito takes at most 2048",
    ]);
    expect(problemsOf([7])).to.deep.equal(["pluto:groups[0]: expected {name, description} or a group name, got 7"]);
  });

  it("refuses a value that is not a list, with the command that sets an item", () => {
    const problems: string[] = [];
    expect(parseGroupsConfig("research", problems)).to.deep.equal([]);
    expect(problems).to.deep.equal([
      `pluto:groups: expected a list of groups (set items with \`pulumi config set --path 'pluto:groups[0].name' research\`), got "research"`,
    ]);
  });

  it("stops `pluto synth` with exit 2 and the item named, never a stack trace", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pluto-groups-"));
    try {
      const file = path.join(dir, "Pulumi.x.yaml");
      fs.writeFileSync(file, fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8") + "  pluto:groups:\n    - name: sales,eu\n");
      const io = memoryIo();
      expect(await main(["node", "pluto", "synth", "--config", file], io)).to.equal(2);
      const err = io.stderr.join("\n");
      expect(err).to.contain("pluto:groups[0].name:").and.contain("comma");
      expect(err).to.not.match(/\n\s+at /);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("group and role settings given by hand", () => {
  it("refuses a trusted role header anywhere, since any signed-in member could send it", () => {
    const problems = configProblems({ ...VALID_CONFIG, openWebUiSettings: JSON.stringify({ WEBUI_AUTH_TRUSTED_ROLE_HEADER: "X-Role" }) });
    expect(problems).to.have.length(1);
    expect(problems[0]).to.match(
      /^pluto:openWebUiSettings\.WEBUI_AUTH_TRUSTED_ROLE_HEADER: .*oauth2-proxy never sets one, so any signed-in member could send it/,
    );
  });

  it("refuses the groups header and claim by hand: the stack sets them from pluto:groups", () => {
    const problems = configProblems({
      ...VALID_CONFIG,
      openWebUiSettings: JSON.stringify({ WEBUI_AUTH_TRUSTED_GROUPS_HEADER: "X-Groups" }),
      oauth2ProxySettings: JSON.stringify({ OAUTH2_PROXY_OIDC_GROUPS_CLAIM: "groups" }),
    });
    expect(problems).to.deep.equal([
      "pluto:openWebUiSettings.WEBUI_AUTH_TRUSTED_GROUPS_HEADER: the stack sets it to X-Forwarded-Groups when pluto:groups lists groups; use that key",
      "pluto:oauth2ProxySettings.OAUTH2_PROXY_OIDC_GROUPS_CLAIM: the stack sets it to cognito:groups when pluto:groups lists groups; use that key",
    ]);
  });

  it("refuses OAUTH2_PROXY_ALLOWED_GROUPS without pluto:groups: Cognito's tokens have no `groups` claim, so nobody could sign in", () => {
    const problems = configProblems({ ...VALID_CONFIG, oauth2ProxySettings: JSON.stringify({ OAUTH2_PROXY_ALLOWED_GROUPS: "staff" }) });
    expect(problems).to.have.length(1);
    expect(problems[0]).to.match(
      /^pluto:oauth2ProxySettings\.OAUTH2_PROXY_ALLOWED_GROUPS: .*`groups` claim, which Cognito's tokens do not have, so nobody could sign in/,
    );
  });

  it("takes OAUTH2_PROXY_ALLOWED_GROUPS naming groups of pluto:groups, and names the ones it lacks", () => {
    const raw = (allowed: string) => ({
      ...VALID_CONFIG,
      groups: JSON.stringify(["staff", "ops"]),
      oauth2ProxySettings: JSON.stringify({ OAUTH2_PROXY_ALLOWED_GROUPS: allowed }),
    });
    expect(configProblems(raw("staff, ops"))).to.deep.equal([]);
    expect(configProblems(raw("staff,finance,legal"))).to.deep.equal([
      "pluto:oauth2ProxySettings.OAUTH2_PROXY_ALLOWED_GROUPS: finance, legal are not in pluto:groups, so no member can be in them; list only groups the stack creates",
    ]);
  });
});
