/**
 * The committed diagrams (docs/diagrams/*.mmd) and their copies in the docs pages are what the
 * program draws today: regenerated here and compared. `npm run generate` rewrites them.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../cli/main";
import { memoryIo } from "../../cli/io";
import { DIAGRAM_DIR, embed, generateDiagrams, marker, PAGES, ROOT } from "../../cli/diagrams/generate";
import { costGroups } from "../../cli/diagrams/planCharts";

describe("diagrams generated from the program", () => {
  let diagrams: Record<string, string>;
  before(async () => {
    diagrams = await generateDiagrams();
  });

  it("docs/diagrams/ holds exactly what the program draws now (run `npm run generate` after a change)", () => {
    const committed = fs.readdirSync(DIAGRAM_DIR).filter((f) => f.endsWith(".mmd"));
    expect(committed.sort()).to.deep.equal(Object.keys(diagrams).sort());
    for (const [file, text] of Object.entries(diagrams)) expect(fs.readFileSync(path.join(DIAGRAM_DIR, file), "utf8"), file).to.equal(text);
  });

  it("every diagram is embedded in a docs page, and each embedded copy is current", () => {
    const pages = PAGES.map((p) => fs.readFileSync(path.join(ROOT, p), "utf8"));
    for (const file of Object.keys(diagrams))
      expect(
        pages.some((p) => p.includes(marker(file))),
        file,
      ).to.equal(true);
    PAGES.forEach((p, i) => expect(embed(pages[i], diagrams), p).to.equal(pages[i]));
  });

  it("is caught when a committed copy is stale", () => {
    const page = fs.readFileSync(path.join(ROOT, "docs", "architecture.md"), "utf8");
    const stale = { ...diagrams, "architecture.mmd": diagrams["architecture.mmd"].replace("Application Load Balancer", "ALB") };
    expect(embed(page, stale)).to.not.equal(page);
  });

  it("the architecture carries traffic from the internet to the data stores, and identity to Google", () => {
    const d = diagrams["architecture.mmd"];
    const id = (text: string) => new RegExp(`(n\\d+)[\\[(]+"${text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}"`).exec(d)?.[1];
    const edge = (from: string, to: string) => expect(d, `${from} → ${to}`).to.match(new RegExp(`\\b${id(from)} -[-.][^\\n]*> ${id(to)}$`, "m"));
    edge("Internet (browsers)", "Application Load Balancer");
    edge("Application Load Balancer", "listener HTTPS :443");
    edge("listener HTTPS :443", "rule: host pluto.example.com");
    edge("rule: host pluto.example.com", "target group :4180");
    edge("target group :4180", "container oauth2-proxy");
    edge("container oauth2-proxy", "container openwebui");
    edge("container openwebui", "RDS postgres db.t4g.micro");
    edge("container openwebui", "EFS file system");
    edge("identity provider Google", "Google accounts");
    edge("SQS pluto-user-provisioning", "Lambda pluto-user-provisioning-worker");
    edge("Lambda pluto-user-provisioning-worker", "SNS pluto-new-members");
  });

  it("the sign-out chain in the sequence diagram is the one Open WebUI is configured with", () => {
    const d = diagrams["sign-in.mmd"];
    expect(d).to.contain("W-->>B: 302 /oauth2/sign_out?rd=…");
    expect(d).to.contain("B->>C: GET /logout?client_id=CLIENT_ID&logout_uri=https://pluto.example.com");
    expect(d).to.contain("P->>W: http://127.0.0.1:8080/ with X-Forwarded-Email");
  });

  it("the cost pie shows the network's share as its own slice, and the slices add up to the total", async () => {
    const pie = diagrams["monthly-cost.mmd"];
    expect(pie).to.match(/"Network \(NAT, load balancer, public IPv4, WAF\)" : \d+\.\d\d/);
    const total = Number(/estimated \$(\d+\.\d\d)/.exec(pie)![1]);
    const slices = [...pie.matchAll(/: (\d+\.\d\d)$/gm)].reduce((s, m) => s + Number(m[1]), 0);
    expect(Math.abs(slices - total)).to.be.below(0.05);
    expect(costGroups([{ item: "Something new", detail: "", monthly: 1 }])).to.deep.equal([{ group: "Other", monthly: 1 }]);
  });

  it("the Gantt chart's task names hold no colon (Mermaid would cut the name there)", () => {
    for (const line of diagrams["first-deploy.mmd"].split("\n").filter((l) => /:t\d+,/.test(l))) expect(line.split(":").length, line).to.equal(2);
  });

  it("`pluto synth --diagram FILE` and `plan-summary --gantt/--cost-pie` write the same pictures for the dev stack", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pluto-diagram-"));
    try {
      const f = (n: string) => path.join(dir, n);
      expect(await main(["node", "pluto", "synth", "-q", "--diagram", f("a.mmd"), "--sign-in-diagram", f("s.mmd")], memoryIo())).to.equal(0);
      expect(await main(["node", "pluto", "plan-summary", "--gantt", f("g.mmd"), "--cost-pie", f("p.mmd")], memoryIo())).to.equal(0);
      expect(fs.readFileSync(f("s.mmd"), "utf8")).to.equal(diagrams["sign-in.mmd"]);
      expect(fs.readFileSync(f("g.mmd"), "utf8")).to.equal(diagrams["first-deploy.mmd"]);
      expect(fs.readFileSync(f("p.mmd"), "utf8")).to.equal(diagrams["monthly-cost.mmd"]);
      expect(fs.readFileSync(f("a.mmd"), "utf8"))
        .to.contain("flowchart LR")
        .and.contain('["Application Load Balancer"]');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
