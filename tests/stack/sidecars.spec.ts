import { expect } from "chai";
import { validateProxiedServiceArgs } from "../../components/proxiedService";
import { sidecarContainer } from "../../ecs/taskContainers";

const app = { name: "openwebui", image: "ghcr.io/open-webui/open-webui:v0.11.4", environment: {}, healthCheckPath: "/health" };

describe("ProxiedService sidecars", () => {
  it("refuses a sidecar named like a container already in the task", () => {
    const base = { cpu: 1024, memory: 2048, listenerRulePriority: 100, app };
    expect(validateProxiedServiceArgs({ ...base, sidecars: [{ name: "gw", image: "x:1" }] })).to.deep.equal([]);
    expect(
      validateProxiedServiceArgs({
        ...base,
        sidecars: [
          { name: "oauth2-proxy", image: "x:1" },
          { name: "gw", image: "x:1" },
          { name: "gw", image: "y:1" },
        ],
      }),
    ).to.deep.equal(["sidecar container name oauth2-proxy is already used in the task", "sidecar container name gw is already used in the task"]);
  });

  it("maps no port, is not essential unless asked, and logs under its own stream prefix", () => {
    const c = sidecarContainer(
      { name: "gw", image: "x:1" },
      { A: "1" },
      { K: "arn:aws:secretsmanager:us-west-2:123456789012:secret:k-AbCdEf" },
      "/pluto/ecs",
      "us-west-2",
    );
    expect(c).to.deep.equal({
      name: "gw",
      image: "x:1",
      essential: false,
      environment: [{ name: "A", value: "1" }],
      secrets: [{ name: "K", valueFrom: "arn:aws:secretsmanager:us-west-2:123456789012:secret:k-AbCdEf" }],
      logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": "/pluto/ecs", "awslogs-region": "us-west-2", "awslogs-stream-prefix": "gw" } },
    });
    expect(sidecarContainer({ name: "gw", image: "x:1", essential: true }, {}, {}, "/pluto/ecs", "us-west-2").essential).to.equal(true);
  });
});
