import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { BLOCKING_RULES, COUNTED_RULES, MANAGED_RULE_GROUPS } from "../../components/waf";
import { ROOT } from "../helpers/stack";

const GROUP_IN_DOCS: Record<string, string> = {
  "Core rule set": "AWSManagedRulesCommonRuleSet",
  "Known bad inputs": "AWSManagedRulesKnownBadInputsRuleSet",
};

/** The decision table of docs/scaling-n8n-waf.md: group → rule → action. */
function documentedDecisions(): Record<string, Record<string, string>> {
  const text = fs.readFileSync(path.join(ROOT, "docs", "scaling-n8n-waf.md"), "utf8");
  const out: Record<string, Record<string, string>> = {};
  for (const m of text.matchAll(/^\| (Core rule set|Known bad inputs) \| `(\w+)` \| (count|block) \|/gm)) {
    const group = GROUP_IN_DOCS[m[1]];
    (out[group] ??= {})[m[2]] = m[3];
  }
  return out;
}

describe("WAF: each body, header and cookie rule decided for a chat application", () => {
  it("decides every one exactly once, each with its reason", () => {
    for (const group of MANAGED_RULE_GROUPS)
      for (const rule of Object.keys(COUNTED_RULES[group] ?? {})) expect(BLOCKING_RULES[group] ?? {}, `${group} ${rule}`).to.not.have.property(rule);
    for (const decided of [COUNTED_RULES, BLOCKING_RULES])
      for (const rules of Object.values(decided)) for (const [rule, why] of Object.entries(rules)) expect(why, rule).to.have.length.above(20);
    // Only body, header and cookie rules are decided here; the path and query variants keep AWS's action.
    for (const decided of [COUNTED_RULES, BLOCKING_RULES])
      for (const rule of Object.values(decided).flatMap(Object.keys)) expect(rule).to.match(/_(BODY|HEADER|COOKIE)$/);
  });

  it("counts the chat-text and webhook rules the issue names: EC2MetaDataSSRF_BODY and NoUserAgent_HEADER", () => {
    expect(COUNTED_RULES.AWSManagedRulesCommonRuleSet).to.have.property("EC2MetaDataSSRF_BODY");
    expect(COUNTED_RULES.AWSManagedRulesCommonRuleSet).to.have.property("NoUserAgent_HEADER");
    expect(BLOCKING_RULES.AWSManagedRulesCommonRuleSet).to.have.property("EC2MetaDataSSRF_COOKIE");
  });

  it("documents in docs/scaling-n8n-waf.md exactly the decisions the stack applies", () => {
    const expected: Record<string, Record<string, string>> = {};
    for (const [decided, action] of [
      [COUNTED_RULES, "count"],
      [BLOCKING_RULES, "block"],
    ] as const)
      for (const [group, rules] of Object.entries(decided)) for (const rule of Object.keys(rules)) (expected[group] ??= {})[rule] = action;
    expect(documentedDecisions()).to.deep.equal(expected);
  });
});
