import { expect } from "chai";
import { configProblems, parsed, VALID_CONFIG } from "../helpers/config";
import { ACM_FIRST_DOMAIN_NAME_MAX, COGNITO_CUSTOM_DOMAIN_MAX, DOMAIN_MAX } from "../../config/domain";
import { backupScheduleFrequencyProblem } from "../../config/backupSchedule";
import { secretVersionSelectorProblem } from "../../config/secretArn";
import { validateBackupArgs } from "../../components/backup";

/** A host name of exactly `n` characters under example.com. */
const hostOf = (n: number) => `${"a".repeat(n - ".example.com".length)}.example.com`;

describe("config refuses what AWS would refuse during `pulumi up`", () => {
  describe("pluto:domain length", () => {
    it("caps the domain so that auth.<domain> fits Cognito's 63 characters (and ACM's 64 for a first name)", () => {
      expect(DOMAIN_MAX).to.equal(58);
      expect(`auth.${hostOf(DOMAIN_MAX)}`).to.have.length(COGNITO_CUSTOM_DOMAIN_MAX);
      expect(COGNITO_CUSTOM_DOMAIN_MAX).to.be.below(ACM_FIRST_DOMAIN_NAME_MAX);
      expect(parsed({ ...VALID_CONFIG, domain: hostOf(58), allowedEmailDomains: '["example.com"]' }).authDomain).to.have.length(63);
    });

    it("names the key, the length and the limit when the domain is longer", () => {
      const domain = hostOf(59);
      const problems = configProblems({ ...VALID_CONFIG, domain });
      expect(problems).to.have.length(1);
      expect(problems[0])
        .to.match(/^pluto:domain: ".+" is 59 characters; at most 58 fit/)
        .and.match(/auth\.<domain>/)
        .and.match(/63 characters/);
    });

    it("still reports a malformed domain as such, not as too long", () => {
      const problems = configProblems({ ...VALID_CONFIG, domain: `https://${hostOf(70)}` });
      expect(problems.join("\n"))
        .to.match(/expected a host name/)
        .and.not.match(/characters; at most/);
    });
  });

  describe("pluto:backup.schedule frequency", () => {
    it("accepts hourly and less often", () => {
      for (const ok of ["cron(0 3 * * ? *)", "cron(0 * * * ? *)", "cron(15 */2 * * ? *)", "cron(59 0 ? * MON *)"])
        expect(backupScheduleFrequencyProblem(ok), ok).to.equal(undefined);
      expect(configProblems({ ...VALID_CONFIG, backup: JSON.stringify({ schedule: "cron(0 * * * ? *)" }) })).to.deep.equal([]);
    });

    it("refuses a cron that starts more than one backup an hour, naming the key and AWS Backup's limit", () => {
      for (const bad of ["cron(*/15 * * * ? *)", "cron(0,30 * * * ? *)", "cron(0-5 3 * * ? *)", "cron(* 3 * * ? *)", "cron(0/30 * * * ? *)"]) {
        const problems = configProblems({ ...VALID_CONFIG, backup: JSON.stringify({ schedule: bad }) });
        expect(problems, bad).to.have.length(1);
        expect(problems[0])
          .to.match(/^pluto:backup\.schedule: .* starts more than one backup an hour/)
          .and.match(/less than 60 minutes apart/);
      }
    });

    it("the Backup component refuses it too", () => {
      expect(validateBackupArgs({ schedule: "cron(*/5 * * * ? *)", resources: ["arn"] })[0]).to.match(/more than once an hour/);
      expect(validateBackupArgs({ schedule: "cron(5 * * * ? *)", resources: ["arn"] })).to.deep.equal([]);
    });
  });

  describe("a model key's secret reference", () => {
    const ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:openai-AbCdEf";
    const withKey = (apiKeySecretArn: string) =>
      configProblems({ ...VALID_CONFIG, models: JSON.stringify({ openai: [{ name: "openai", baseUrl: "https://api.openai.com/v1", apiKeySecretArn }] }) });

    it("refuses a version stage together with a version id, which ECS refuses when the task starts", () => {
      const problems = withKey(`${ARN}:key:AWSCURRENT:01234567-89ab-cdef-0123-456789abcdef`);
      expect(problems).to.have.length(1);
      expect(problems[0]).to.match(/^pluto:models\.openai\[0\]\.apiKeySecretArn: names both a version stage \(AWSCURRENT\) and a version id/);
    });

    it("accepts the plain ARN, a JSON key, a stage or an id", () => {
      for (const ok of [ARN, `${ARN}:key::`, `${ARN}::AWSPREVIOUS:`, `${ARN}:key::01234567-89ab-cdef-0123-456789abcdef`])
        expect(withKey(ok), ok).to.deep.equal([]);
      expect(secretVersionSelectorProblem({ versionStage: "AWSCURRENT" })).to.equal(undefined);
    });
  });
});
