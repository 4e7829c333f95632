// A program holding one stored secret whose value comes from config (`test:value`) and a task
// definition that reads it the way ProxiedService passes secrets, for synthesize(): it shows what
// a new value (a replaced Redis cluster's URL, say) does to the task definition.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { storedSecret } from "../../secrets/storedSecret";
import { toSecretList } from "../../settings/golden";

class Holder extends pulumi.ComponentResource {
  constructor(name: string) {
    super("test:secrets:Holder", name, {});
  }
}

const value = new pulumi.Config("test").require("value");
const stored = storedSecret("redis-url", { secretName: "pluto/openwebui/redis-url", description: "REDIS_URL", value }, new Holder("holder"));

new aws.ecs.TaskDefinition("app", {
  family: "app",
  containerDefinitions: stored.valueFrom.apply((valueFrom) =>
    JSON.stringify([{ name: "app", image: "app:1", essential: true, secrets: toSecretList({ REDIS_URL: valueFrom }) }]),
  ),
});

export const arn = stored.arn;
export const valueFrom = stored.valueFrom;
