/** The pack fails closed: a rule that throws, or containers that cannot be read, are findings, never a pass. */
import { expect } from "chai";
import { TASK_RULES, checkContainers } from "../../policies/rules";
import * as tp from "../../policies/taskPolicies";
import { containersFromContainerDefinitions } from "../../policies/adapters";
import { goldenDefinitions } from "../fixtures/policies/golden";
import { SHAPES, resourceOf, violationsOf } from "./util";

describe("the rules fail closed", () => {
  const golden = () => {
    const a = containersFromContainerDefinitions(goldenDefinitions());
    if ("unchecked" in a) throw new Error(a.unchecked);
    return a.containers;
  };

  it("reports a rule that throws as a finding of its policy, at its level, in checkContainers and through the pack", async () => {
    const original = TASK_RULES["oauth2-proxy-no-trusted-ip"];
    TASK_RULES["oauth2-proxy-no-trusted-ip"] = () => {
      throw new Error("boom");
    };
    try {
      expect(checkContainers(golden())).to.deep.equal([
        {
          policy: "oauth2-proxy-no-trusted-ip",
          level: "mandatory",
          message:
            "Could not be checked by oauth2-proxy-no-trusted-ip: internal error (boom). The policy will check it once the value is known (pulumi up); until then nothing is verified.",
        },
      ]);
      for (const shape of SHAPES) {
        const v = await violationsOf(tp.oauth2ProxyNoTrustedIp, [resourceOf(shape, goldenDefinitions())]);
        expect(
          v.map((x) => [x.level, x.message.includes("internal error (boom)")]),
          shape,
        ).to.deep.equal([["mandatory", true]]);
      }
    } finally {
      TASK_RULES["oauth2-proxy-no-trusted-ip"] = original;
    }
    expect(checkContainers(golden())).to.deep.equal([]);
  });

  it("reports containers it cannot read under every policy instead of passing an empty task", () => {
    const hostile = new Proxy(
      {},
      {
        get: () => {
          throw new Error("unreadable");
        },
      },
    );
    const findings = checkContainers([hostile as never]);
    expect(findings.filter((f) => f.level === "mandatory").map((f) => f.policy)).to.include.members([
      "openwebui-no-webui-auth",
      "oauth2-proxy-dangerous-options",
    ]);
    for (const f of findings) expect(f.message).to.contain("the containers could not be read (unreadable)");
  });
});
