import { expect } from "chai";
import { configWarnings, fargateMemoryChoices, imagePinProblem, parseConfig, plutoKeys, RawConfig } from "../../config";
import { CLIENT_SECRET as secret, configProblems, VALID_CONFIG } from "../helpers/config";
const valid = VALID_CONFIG;
const problems = (raw: RawConfig, region: string | null = "eu-west-1") => configProblems(raw, { region });

describe("stack configuration", () => {
  it("accepts the minimal config and fills in every default", () => {
    const c = parseConfig(valid, "eu-west-1", secret);
    expect(c).to.deep.include({
      namePrefix: "pluto",
      domain: "pluto.example.com",
      authDomain: "auth.pluto.example.com",
      appUrl: "https://pluto.example.com",
      hostedZoneName: "pluto.example.com",
      natGateways: "single",
      openWebUi: { cpu: 1024, memory: 2048, desiredCount: 1 },
    });
    expect(c.oauth2ProxyImage).to.match(/oauth2-proxy:v7\.15\.\d+$/);
    expect(imagePinProblem(c.openWebUiImage)).to.equal(undefined);
  });

  it("reads structured sizing given as JSON (as `pulumi config set --path` stores it)", () => {
    const c = parseConfig({ ...valid, openWebUi: '{"cpu":2048,"memory":"8192","desiredCount":2}', database: '{"multiAz":true}' }, "eu-west-1", secret);
    expect(c.openWebUi).to.deep.equal({ cpu: 2048, memory: 8192, desiredCount: 2 });
    expect(c.database.multiAz).to.equal(true);
  });

  const cases: [string, RawConfig, string | null, RegExp][] = [
    ["missing domain", { ...valid, domain: undefined }, "eu-west-1", /^pluto:domain: required/],
    ["a URL as domain", { ...valid, domain: "https://pluto.example.com" }, "eu-west-1", /^pluto:domain: expected a host name/],
    ["a single-label domain", { ...valid, domain: "localhost" }, "eu-west-1", /^pluto:domain: expected a host name/],
    [
      "a zone that does not contain the domain",
      { ...valid, hostedZoneName: "other.com" },
      "eu-west-1",
      /^pluto:hostedZoneName: "other.com" must be the domain/,
    ],
    ["a bad zone name", { ...valid, hostedZoneName: "exa mple" }, "eu-west-1", /^pluto:hostedZoneName: expected a Route 53 zone name/],
    ["a bad Google client id", { ...valid, googleClientId: "abc" }, "eu-west-1", /^pluto:googleClientId: expected a Google OAuth client id/],
    ["no Google client secret", { ...valid, googleClientSecret: undefined }, "eu-west-1", /^pluto:googleClientSecret: required .*--secret/],
    ["a bad admin email", { ...valid, adminEmail: "admin" }, "eu-west-1", /^pluto:adminEmail: expected the email/],
    [
      "no admin email (the first person to sign in would become admin)",
      { ...valid, adminEmail: undefined },
      "eu-west-1",
      /^pluto:adminEmail: required — .*first person to sign in becomes administrator/,
    ],
    [
      "an admin the allow-list refuses",
      { ...valid, adminEmail: "boss@other.org" },
      "eu-west-1",
      /^pluto:adminEmail: boss@other\.org is not admitted by pluto:allowedEmailDomains or pluto:allowedEmails/,
    ],
    ["no allow-list at all", { ...valid, allowedEmailDomains: undefined }, "eu-west-1", /^pluto:allowedEmailDomains: required — who may join/],
    [
      "empty allow-lists",
      { ...valid, allowedEmailDomains: "[]", allowedEmails: "[]", allowAnyGoogleAccount: "false" },
      "eu-west-1",
      /^pluto:allowedEmailDomains: required/,
    ],
    [
      "a plain string as the domain list",
      { ...valid, allowedEmailDomains: "example.com" },
      "eu-west-1",
      /^pluto:allowedEmailDomains: expected a list \(set items with `pulumi config set --path 'pluto:allowedEmailDomains\[0\]' example.com`\), got "example.com"/,
    ],
    ["an object as the email list", { ...valid, allowedEmails: '{"a":"b"}' }, "eu-west-1", /^pluto:allowedEmails: expected a list/],
    [
      "a number in the domain list",
      { ...valid, allowedEmailDomains: '["example.com", 7]' },
      "eu-west-1",
      /^pluto:allowedEmailDomains\[1\]: expected a non-empty string, got 7/,
    ],
    ["`*` as a domain", { ...valid, allowedEmailDomains: '["*"]' }, "eu-west-1", /^pluto:allowedEmailDomains\[0\]: "\*": .*pluto:allowAnyGoogleAccount true/],
    [
      "an email as a domain",
      { ...valid, allowedEmailDomains: '["example.com","ada@example.com"]' },
      "eu-west-1",
      /^pluto:allowedEmailDomains\[1\]: .*not an email address \(single addresses go in pluto:allowedEmails\)/,
    ],
    [
      "a subdomain wildcard",
      { ...valid, allowedEmailDomains: '[".example.com"]' },
      "eu-west-1",
      /^pluto:allowedEmailDomains\[0\]: .*subdomain wildcards are not supported/,
    ],
    [
      "a URL as a domain",
      { ...valid, allowedEmailDomains: '["https://example.com"]' },
      "eu-west-1",
      /^pluto:allowedEmailDomains\[0\]: .*expected a domain such as example.com/,
    ],
    [
      "a bad single email",
      { ...valid, allowedEmails: '["ada at partner.org"]' },
      "eu-west-1",
      /^pluto:allowedEmails\[0\]: expected an email address, got "ada at partner.org"/,
    ],
    [
      "a non-boolean allowAnyGoogleAccount",
      { ...valid, allowAnyGoogleAccount: "yes" },
      "eu-west-1",
      /^pluto:allowAnyGoogleAccount: expected true or false, got "yes"/,
    ],
    ["a bad alarm email", { ...valid, alarmEmail: "ops-at-example" }, "eu-west-1", /^pluto:alarmEmail: expected an email address/],
    ["an untagged image", { ...valid, openWebUiImage: "ghcr.io/open-webui/open-webui" }, "eu-west-1", /^pluto:openWebUiImage: .* has no tag/],
    ["a `main` image", { ...valid, openWebUiImage: "ghcr.io/open-webui/open-webui:main" }, "eu-west-1", /^pluto:openWebUiImage: .*moving tag `main`/],
    [
      "a `latest` proxy image",
      { ...valid, oauth2ProxyImage: "quay.io/oauth2-proxy/oauth2-proxy:latest" },
      "eu-west-1",
      /^pluto:oauth2ProxyImage: .*moving tag `latest`/,
    ],
    [
      "an invalid Fargate pair",
      { ...valid, openWebUi: '{"cpu":256,"memory":4096}' },
      "eu-west-1",
      /^pluto:openWebUi\.memory: 4096 MiB is not valid with cpu 256.*one of 512, 1024, 2048$/,
    ],
    ["a non-Fargate cpu", { ...valid, openWebUi: '{"cpu":3000}' }, "eu-west-1", /^pluto:openWebUi\.cpu: 3000 is not a Fargate CPU size/],
    ["a fractional desiredCount", { ...valid, openWebUi: '{"desiredCount":1.5}' }, "eu-west-1", /^pluto:openWebUi\.desiredCount: expected a whole number/],
    ["a typo in a sizing field", { ...valid, openWebUi: '{"memroy":4096}' }, "eu-west-1", /^pluto:openWebUi\.memroy: unknown field/],
    ["sizing that is not an object", { ...valid, openWebUi: "big" }, "eu-west-1", /^pluto:openWebUi: expected an object/],
    ["an unknown NAT strategy", { ...valid, natGateways: "two" }, "eu-west-1", /^pluto:natGateways: expected one of none, single, perAz/],
    [
      "a bad instance class",
      { ...valid, database: '{"instanceClass":"t4g.micro"}' },
      "eu-west-1",
      /^pluto:database\.instanceClass: expected an RDS instance class/,
    ],
    ["a non-boolean multiAz", { ...valid, database: '{"multiAz":"yes"}' }, "eu-west-1", /^pluto:database\.multiAz: expected true or false/],
    [
      "max storage below allocated",
      { ...valid, database: '{"allocatedStorage":200,"maxAllocatedStorage":100}' },
      "eu-west-1",
      /^pluto:database\.maxAllocatedStorage: 100 is below allocatedStorage 200/,
    ],
    ["a bad name prefix", { ...valid, namePrefix: "Pluto_Prod" }, "eu-west-1", /^pluto:namePrefix: expected 1-20 lower-case letters/],
    ["an unknown key (typo)", { ...valid, domian: "x.example.com" }, "eu-west-1", /^pluto:domian: unknown key/],
    ["no region", valid, null, /^aws:region: required/],
  ];
  for (const [what, raw, region, expected] of cases) {
    it(`rejects ${what}, naming the key`, () => {
      const found = problems(raw, region);
      expect(
        found.some((p) => expected.test(p)),
        `problems were:\n${found.join("\n")}`,
      ).to.equal(true);
    });
  }

  it("reports every problem at once", () => {
    const found = problems({ domain: "bad domain", alarmEmail: "x", natGateways: "two" });
    expect(found.map((p) => p.split(":").slice(0, 2).join(":"))).to.include.members([
      "pluto:domain",
      "pluto:googleClientId",
      "pluto:googleClientSecret",
      "pluto:alarmEmail",
      "pluto:natGateways",
      "pluto:allowedEmailDomains",
      "pluto:adminEmail",
    ]);
  });

  describe("who may join", () => {
    it("reads both lists lower-cased and de-duplicated, and exposes them as the shared AllowList", () => {
      const c = parseConfig(
        { ...valid, allowedEmailDomains: '["Example.com","example.com"," partner.org "]', allowedEmails: '["Ada@Freelance.io"]' },
        "eu-west-1",
        secret,
      );
      expect(c.allowList).to.deep.equal({ domains: ["example.com", "partner.org"], emails: ["ada@freelance.io"], anyGoogleAccount: false });
      expect(c.adminEmail).to.equal("admin@example.com");
    });

    it("accepts single emails alone, with the administrator among them", () => {
      const c = parseConfig({ ...valid, allowedEmailDomains: undefined, allowedEmails: '["admin@example.com","bob@partner.org"]' }, "eu-west-1", secret);
      expect(c.allowList).to.deep.equal({ domains: [], emails: ["admin@example.com", "bob@partner.org"], anyGoogleAccount: false });
    });

    it("accepts an explicit opt-in to any Google account, and warns about it", () => {
      const c = parseConfig({ ...valid, allowedEmailDomains: undefined, allowAnyGoogleAccount: "true" }, "eu-west-1", secret);
      expect(c.allowList.anyGoogleAccount).to.equal(true);
      expect(configWarnings(c)).to.have.length(1);
      expect(configWarnings(c)[0]).to.match(/^pluto:allowAnyGoogleAccount is true: anyone with a Google account can join/);
      expect(configWarnings(parseConfig(valid, "eu-west-1", secret))).to.deep.equal([]);
    });

    it("takes the pluto: keys from a flat Pulumi config", () => {
      expect(plutoKeys({ "pluto:domain": "d.example.com", "aws:region": "eu-west-1", "other:x": "y" })).to.deep.equal({ domain: "d.example.com" });
    });
  });

  it("knows the Fargate task size table", () => {
    expect(fargateMemoryChoices(256)).to.deep.equal([512, 1024, 2048]);
    expect(fargateMemoryChoices(1024)).to.include.members([2048, 8192]).and.not.include(1024);
    expect(fargateMemoryChoices(8192)).to.include(16384).and.not.include(17408);
    expect(fargateMemoryChoices(300)).to.deep.equal([]);
  });

  it("accepts digests and version tags, including registries with ports", () => {
    expect(imagePinProblem("registry:5000/open-webui@sha256:" + "a".repeat(64))).to.equal(undefined);
    expect(imagePinProblem("registry:5000/open-webui:v0.8.2")).to.equal(undefined);
    expect(imagePinProblem("registry:5000/open-webui")).to.match(/no tag/);
  });
});
