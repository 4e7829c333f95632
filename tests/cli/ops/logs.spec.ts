import { expect } from "chai";
import { FilterLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { awsError, awsMocks, AwsMocks, pluto, REGION, restoreMocks } from "./fixtures";
import { parseSince, runLogs } from "../../../cli/commands/ops/logs";
import { createAwsClients } from "../../../cli/commands/ops/clients";

const NOW = new Date("2026-01-29T12:00:00Z");
const at = (iso: string) => Date.parse(iso);

describe("pluto logs", () => {
  let m: AwsMocks;
  beforeEach(() => (m = awsMocks()));
  afterEach(() => restoreMocks(m));

  it("reads one container's streams of /pluto/ecs since --since, with the filter", async () => {
    m.logs.on(FilterLogEventsCommand).resolves({
      events: [
        {
          timestamp: at("2026-01-29T11:58:01Z"),
          logStreamName: "oauth2-proxy/oauth2-proxy/0f1e2d3c4b5a69788796a5b4c3d2e1f0",
          message: '10.0.1.5 - - "GET /oauth2/callback" 302\n',
        },
      ],
    });
    const { events } = await runLogs(
      { since: "5m", container: "oauth2-proxy", filter: "callback", limit: "500", prefix: "pluto", region: REGION },
      { clients: createAwsClients, now: () => NOW },
    );
    expect(m.logs.commandCalls(FilterLogEventsCommand)[0].args[0].input).to.deep.equal({
      logGroupName: "/pluto/ecs",
      logStreamNamePrefix: "oauth2-proxy/",
      startTime: at("2026-01-29T11:55:00Z"),
      filterPattern: "callback",
    });
    expect(events).to.deep.equal([
      {
        time: "2026-01-29T11:58:01.000Z",
        source: "oauth2-proxy/0f1e2d3c",
        stream: "oauth2-proxy/oauth2-proxy/0f1e2d3c4b5a69788796a5b4c3d2e1f0",
        message: '10.0.1.5 - - "GET /oauth2/callback" 302',
      },
    ]);
  });

  it("reads the Lambda log groups for worker and producer, following nextToken", async () => {
    m.logs
      .on(FilterLogEventsCommand)
      .resolvesOnce({
        events: [{ timestamp: at("2026-01-29T11:00:00Z"), logStreamName: "2026/01/29/[$LATEST]abc", message: '{"event":"created"}' }],
        nextToken: "t2",
      })
      .resolvesOnce({ events: [{ timestamp: at("2026-01-29T11:30:00Z"), logStreamName: "2026/01/29/[$LATEST]abc", message: '{"event":"exists"}' }] });
    const r = await pluto(["logs", "--container", "worker", "--since", "1h", "--region", REGION]);
    expect(r.code).to.equal(0);
    const inputs = m.logs.commandCalls(FilterLogEventsCommand).map((c) => c.args[0].input);
    expect(inputs.map((i) => i.logGroupName)).to.deep.equal(["/aws/lambda/pluto-user-provisioning-worker", "/aws/lambda/pluto-user-provisioning-worker"]);
    expect(inputs[1].nextToken).to.equal("t2");
    expect(r.out.split("\n")).to.have.length(2);
    expect(r.out).to.match(/^\S+ +worker +\{"event":"created"\}$/m);
  });

  it("reads the producer's log group with the whole ECS group by default", async () => {
    m.logs.on(FilterLogEventsCommand).resolves({ events: [] });
    await pluto(["logs", "--container", "producer", "--region", REGION]);
    await pluto(["logs", "--region", REGION, "--prefix", "acme"]);
    const inputs = m.logs.commandCalls(FilterLogEventsCommand).map((c) => c.args[0].input);
    expect(inputs[0].logGroupName).to.equal("/aws/lambda/pluto-cognito-postconfirm");
    expect(inputs[1]).to.include({ logGroupName: "/acme/ecs" }).and.not.have.property("logStreamNamePrefix");
  });

  it("reads the sign-in triggers' log groups: PreSignUp (refused people) and the name claim", async () => {
    m.logs
      .on(FilterLogEventsCommand)
      .resolves({ events: [{ timestamp: at("2026-01-29T11:50:00Z"), logStreamName: "2026/01/29/[$LATEST]abc", message: '{"event":"refused"}' }] });
    const r = await pluto(["logs", "--container", "presignup", "--region", REGION, "--prefix", "acme"]);
    await pluto(["logs", "--container", "name-claim", "--region", REGION, "--prefix", "acme"]);
    const inputs = m.logs.commandCalls(FilterLogEventsCommand).map((c) => c.args[0].input.logGroupName);
    expect(inputs).to.deep.equal(["/aws/lambda/acme-cognito-presignup", "/aws/lambda/acme-cognito-name-claim"]);
    expect(r.out).to.match(/^\S+ +presignup +\{"event":"refused"\}$/m);
  });

  it("stops at --limit and says so", async () => {
    m.logs.on(FilterLogEventsCommand).resolves({
      events: [1, 2, 3].map((i) => ({ timestamp: at(`2026-01-29T11:5${i}:00Z`), logStreamName: "openwebui/openwebui/abcdef0123", message: `line ${i}` })),
      nextToken: "more",
    });
    const r = await pluto(["logs", "--limit", "2", "--region", REGION]);
    expect(m.logs.commandCalls(FilterLogEventsCommand)).to.have.length(1);
    expect(r.out).to.include("line 1").and.include("line 2").and.not.include("line 3");
    expect(r.out).to.include("stopped at --limit 2");
  });

  it("rejects an unknown --container and a bad --since before calling AWS", async () => {
    const a = await pluto(["logs", "--container", "nginx", "--region", REGION]);
    expect(a.code).to.equal(2);
    expect(a.err).to.equal('pluto: --container "nginx" is not one of openwebui, oauth2-proxy, worker, producer, presignup, name-claim');
    const b = await pluto(["logs", "--since", "yesterday", "--region", REGION]);
    expect(b.err).to.equal('pluto: --since "yesterday" is not a duration like 30s, 5m, 1h, 2d or an ISO time');
    expect(m.logs.commandCalls(FilterLogEventsCommand)).to.have.length(0);
  });

  it("names a missing log group", async () => {
    m.logs.on(FilterLogEventsCommand).rejects(awsError("ResourceNotFoundException", "The specified log group does not exist."));
    const r = await pluto(["logs", "--container", "worker", "--region", REGION]);
    expect(r.code).to.equal(2);
    expect(r.err).to.equal("pluto: log group /aws/lambda/pluto-user-provisioning-worker not found in eu-west-1 (is the stack deployed with --prefix pluto?)");
  });

  it("parses durations and ISO times", () => {
    expect(parseSince("30s", NOW)).to.equal(NOW.getTime() - 30_000);
    expect(parseSince("2d", NOW)).to.equal(NOW.getTime() - 2 * 86_400_000);
    expect(parseSince("2026-01-29T08:00:00Z", NOW)).to.equal(at("2026-01-29T08:00:00Z"));
  });
});
