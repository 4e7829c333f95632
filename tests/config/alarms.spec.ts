import { expect } from "chai";
import { ALARM_DEFAULTS, ALARM_LIMITS, parseAlarms } from "../../config/alarms";
import { ConfigError, parseConfig } from "../../config";
import { CLIENT_SECRET, VALID_CONFIG } from "../helpers/config";

describe("pluto:alarms", () => {
  const parse = (raw: string | undefined) => {
    const problems: string[] = [];
    return { value: parseAlarms(raw, problems), problems };
  };

  it("defaults every threshold when unset or empty", () => {
    expect(parse(undefined)).to.deep.equal({ value: ALARM_DEFAULTS, problems: [] });
    expect(parse("{}")).to.deep.equal({ value: ALARM_DEFAULTS, problems: [] });
  });

  it("takes numbers and the text `pulumi config set --path` stores, keeping the other defaults", () => {
    const { value, problems } = parse(JSON.stringify({ dbCpuPercent: 90, dbFreeStorageGiB: "5" }));
    expect(problems).to.deep.equal([]);
    expect(value).to.deep.equal({ ...ALARM_DEFAULTS, dbCpuPercent: 90, dbFreeStorageGiB: 5 });
  });

  it("names the key of every wrong field, with its range", () => {
    const { value, problems } = parse(JSON.stringify({ dbCpuPercent: 101, unhealthyTargetMinutes: 0, wafBlockedPercent: "x", modelErrorsPer5Minutes: 2.5 }));
    expect(problems).to.deep.equal([
      "pluto:alarms.dbCpuPercent: expected a whole number from 1 to 100, got 101",
      "pluto:alarms.unhealthyTargetMinutes: expected a whole number from 1 to 60, got 0",
      'pluto:alarms.wafBlockedPercent: expected a whole number from 1 to 100, got "x"',
      "pluto:alarms.modelErrorsPer5Minutes: expected a whole number from 1 to 1000000, got 2.5",
    ]);
    expect(value).to.deep.equal(ALARM_DEFAULTS);
  });

  it("suggests the field meant by a typo and refuses what is not an object", () => {
    expect(parse(JSON.stringify({ dbCpuPercnt: 90 })).problems[0]).to.match(
      /^pluto:alarms\.dbCpuPercnt: unknown field \(did you mean dbCpuPercent\? expected one of: /,
    );
    expect(parse("[1]").problems).to.deep.equal([
      'pluto:alarms: expected an object (set fields with `pulumi config set --path pluto:alarms.<field> <value>`), got "[1]"',
    ]);
  });

  it("has a range for every field that holds its default", () => {
    for (const [key, value] of Object.entries(ALARM_DEFAULTS)) {
      const [min, max] = ALARM_LIMITS[key as keyof typeof ALARM_LIMITS];
      expect(value, key).to.be.within(min, max);
    }
  });

  it("reaches the stack configuration, and its problems stop the program with the rest", () => {
    expect(parseConfig({ ...VALID_CONFIG, alarms: '{"dbCpuPercent":"95"}' }, "eu-west-1", CLIENT_SECRET).alarms.dbCpuPercent).to.equal(95);
    expect(() => parseConfig({ ...VALID_CONFIG, alarms: '{"dbCpuPercent":0}' }, "eu-west-1", CLIENT_SECRET))
      .to.throw(ConfigError)
      .with.property("problems")
      .that.deep.equals(["pluto:alarms.dbCpuPercent: expected a whole number from 1 to 100, got 0"]);
  });
});
