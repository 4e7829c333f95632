// A program holding only UserProvisioning, for synthesize(): config `provtest:n8n=true` adds n8n.
import * as pulumi from "@pulumi/pulumi";
import { UserProvisioning } from "../../components/userProvisioning";

export const N8N_KEY_ARN = "arn:aws:secretsmanager:us-west-2:123456789012:secret:pluto/n8n-api-key-AbCdEf";
export const ALLOW_LIST = { domains: ["example.com"], emails: ["guest@partner.org"], anyGoogleAccount: false };

const config = new pulumi.Config("provtest");
const provisioning = new UserProvisioning("pluto-provisioning", {
  namePrefix: config.get("namePrefix") ?? "pluto",
  appUrl: "https://pluto.example.com",
  allowList: ALLOW_LIST,
  adminEmails: ["admin@example.com", "second-admin@example.com"],
  alarmEmail: "ops@example.com",
  n8n: config.getBoolean("n8n") ? { url: "https://n8n.example.com", apiKeySecretArn: N8N_KEY_ARN } : undefined,
});

export const preSignUpArn = provisioning.preSignUp.arn;
export const producerArn = provisioning.producer.arn;
export const workerArn = provisioning.worker.arn;
export const queueUrl = provisioning.queue.url;
export const deadLetterQueueUrl = provisioning.deadLetterQueue.url;
export const noticeTopicArn = provisioning.noticeTopic.arn;
export const alarmTopicArn = provisioning.alarmTopic.arn;
