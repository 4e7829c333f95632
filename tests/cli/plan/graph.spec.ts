import { expect } from "chai";
import { criticalPath, GraphResource, resolveWaits } from "../../../cli/plan/graph";
import { creationTime, DEFAULT_DURATION, DURATIONS, NAT_GATEWAY_SECONDS, sourceKind } from "../../../cli/plan/durations";

const r = (urn: string, extra: Partial<GraphResource> = {}): GraphResource => ({
  urn,
  type: extra.custom === false ? "pluto:x:Comp" : "aws:x:Y",
  name: urn,
  custom: true,
  dependencies: [],
  ...extra,
});

describe("plan graph", () => {
  describe("resolveWaits", () => {
    it("expands a dependency on a component to every leaf inside it, nested components included", () => {
      const waits = resolveWaits([
        r("comp", { custom: false }),
        r("inner", { custom: false, parent: "comp" }),
        r("a", { parent: "comp" }),
        r("b", { parent: "inner" }),
        r("user", { dependencies: ["comp"] }),
      ]);
      expect(waits.get("user")).to.deep.equal(["a", "b"]);
    });

    it("waits for a custom parent, and for whatever its component ancestors waited for", () => {
      const waits = resolveWaits([r("db"), r("comp", { custom: false, dependencies: ["db"] }), r("sg", { parent: "comp" }), r("rule", { parent: "sg" })]);
      expect(waits.get("sg")).to.deep.equal(["db"]);
      expect(waits.get("rule")).to.deep.equal(["sg"]);
    });

    it("treats a component with no children of ours (a remote awsx component) as one leaf", () => {
      const waits = resolveWaits([r("vpc", { custom: false, type: "awsx:ec2:Vpc" }), r("sg", { dependencies: ["vpc"] })]);
      expect(waits.get("sg")).to.deep.equal(["vpc"]);
    });

    it("drops unknown URNs and itself, and lists each wait once", () => {
      const waits = resolveWaits([r("a"), r("b", { dependencies: ["a", "a", "b", "urn:default-provider"] })]);
      expect(waits.get("b")).to.deep.equal(["a"]);
    });
  });

  describe("criticalPath", () => {
    it("starts each resource when the last thing it waits for exists and reports the longest chain", () => {
      const waits = new Map([
        ["vpc", []],
        ["sg", ["vpc"]],
        ["db", ["sg"]],
        ["alb", ["sg"]],
        ["svc", ["alb", "db"]],
      ] as [string, string[]][]);
      const secs: Record<string, number> = { vpc: 100, sg: 2, db: 300, alb: 160, svc: 10 };
      const s = criticalPath(waits, (u) => secs[u]);
      expect(s.totalSeconds).to.equal(412);
      expect(s.path.map((p) => p.urn)).to.deep.equal(["vpc", "sg", "db", "svc"]);
      expect(s.path.map((p) => [p.start, p.finish])).to.deep.equal([
        [0, 100],
        [100, 102],
        [102, 402],
        [402, 412],
      ]);
      expect(s.finish.get("alb")).to.equal(262);
    });

    it("breaks ties by name so that the reported path is stable", () => {
      const waits = new Map([
        ["b", []],
        ["a", []],
        ["c", ["b", "a"]],
      ] as [string, string[]][]);
      expect(criticalPath(waits, () => 5).path.map((p) => p.urn)).to.deep.equal(["a", "c"]);
    });

    it("names the resources of a cycle", () => {
      const waits = new Map([
        ["a", ["b"]],
        ["b", ["a"]],
      ] as [string, string[]][]);
      expect(() => criticalPath(waits, () => 1)).to.throw(/dependency cycle: a -> b -> a/);
    });
  });

  describe("creation times", () => {
    it("cites a source for every row; estimates say why", () => {
      for (const [type, d] of Object.entries(DURATIONS)) {
        expect(d.source.length, type).to.be.greaterThan(20);
        if (sourceKind(d) === "estimate") expect(d.source, type).to.match(/^estimate: \S.{15,}/);
        if (sourceKind(d) === "documented") expect(d.source, type).to.match(/https:\/\/\S+/);
      }
      expect(sourceKind(DEFAULT_DURATION)).to.equal("estimate");
    });

    it("depends on the inputs where AWS does more work", () => {
      const single = creationTime("awsx:ec2:Vpc", { natGateways: { strategy: "Single" } });
      const none = creationTime("awsx:ec2:Vpc", { natGateways: { strategy: "None" } });
      expect(single.seconds - none.seconds).to.equal(NAT_GATEWAY_SECONDS);
      expect(creationTime("aws:rds/instance:Instance", { multiAz: true }).seconds).to.be.greaterThan(creationTime("aws:rds/instance:Instance", {}).seconds);
      expect(creationTime("aws:cognito/userPoolDomain:UserPoolDomain", {}).seconds).to.equal(60);
      expect(creationTime("aws:cognito/userPoolDomain:UserPoolDomain", { certificateArn: "arn" }).seconds).to.equal(300);
      expect(creationTime("random:index/randomPassword:RandomPassword").seconds).to.equal(0);
      expect(creationTime("aws:unknown/thing:Thing")).to.equal(DEFAULT_DURATION);
    });
  });
});
