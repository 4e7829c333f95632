/**
 * Names, default levels and descriptions of the stack policies over the resource graph (wiring:
 * the only way in is through oauth2-proxy; baseline: the AWS checks mirrored from AWSGuard / AWS
 * Config). Mandatory where someone on the internet gains from the gap, advisory where an operator loses.
 */
import type { PolicyInfo } from "../rules";

export const WIRING_POLICIES: readonly PolicyInfo[] = [
  {
    name: "ecs-lb-targets-oauth2-proxy",
    defaultLevel: "mandatory",
    description:
      "An ECS service's load balancer entries must name the task's oauth2-proxy container and the port it listens on: pointed at Open WebUI's or n8n's port, requests skip sign-in and Open WebUI trusts the identity header from anyone.",
  },
  {
    name: "alb-forwards-only-through-proxy",
    defaultLevel: "mandatory",
    description:
      "On a load balancer in front of oauth2-proxy, every forward (listener default actions and rules) must go to a target group the stack's services register through oauth2-proxy, with no target registered by hand.",
  },
  {
    name: "alb-refuses-forwarded-headers",
    defaultLevel: "mandatory",
    description:
      "Every listener forwarding to oauth2-proxy must answer requests carrying X-Forwarded-Uri or X-Forwarded-Host with a 4xx, in rules evaluated before any forwarding rule.",
  },
  {
    name: "ecs-task-ingress-proxy-only",
    defaultLevel: "mandatory",
    description:
      "A proxied task's security groups must not admit the internet (0.0.0.0/0, ::/0) nor anyone on an application's port: only the load balancer, on oauth2-proxy's port.",
  },
  {
    name: "ecs-app-port-not-exposed",
    defaultLevel: "mandatory",
    description:
      "A service running oauth2-proxy must not publish an application's port (Open WebUI's, n8n's, the proxy's upstreams) through a service registry (Cloud Map) or Service Connect: callers that resolve the name reach the app without signing in.",
  },
  {
    name: "cognito-client-no-password-sign-in",
    defaultLevel: "mandatory",
    description:
      "Cognito app clients must sign in only through the hosted UI with the authorization code flow and an external identity provider: no password or SRP flows, no implicit flow, no aws.cognito.signin.user.admin scope, no COGNITO provider, and a client secret.",
  },
  {
    name: "lambda-no-plaintext-secrets",
    defaultLevel: "mandatory",
    description:
      "Lambda environment variables must not hold secrets (names like *_SECRET, *_TOKEN, *_API_KEY, passwords in URLs); pass a Secrets Manager ARN instead.",
  },
];

export const BASELINE_POLICIES: readonly PolicyInfo[] = [
  {
    name: "rds-instance-public-access-check",
    defaultLevel: "mandatory",
    description: "RDS instances must not be publicly accessible (AWS Config rds-instance-public-access-check; AWSGuard rds-instance-public-access-check).",
  },
  {
    name: "rds-storage-encrypted",
    defaultLevel: "mandatory",
    description: "RDS instances and clusters must encrypt their storage (AWS Config rds-storage-encrypted; AWSGuard rds-storage-encrypted).",
  },
  {
    name: "db-instance-backup-enabled",
    defaultLevel: "advisory",
    description: "RDS instances and clusters should keep automated backups: backupRetentionPeriod above 0 (AWS Config db-instance-backup-enabled).",
  },
  {
    name: "efs-encrypted-check",
    defaultLevel: "mandatory",
    description: "EFS file systems must be encrypted at rest (AWS Config efs-encrypted-check; AWSGuard efs-encrypted-check).",
  },
  {
    name: "encrypted-volumes",
    defaultLevel: "mandatory",
    description: "EBS volumes, and the block devices of EC2 instances, must be encrypted (AWS Config encrypted-volumes; AWSGuard encrypted-volumes).",
  },
  {
    name: "cmk-backing-key-rotation-enabled",
    defaultLevel: "advisory",
    description: "Symmetric customer-managed KMS keys should rotate (AWS Config cmk-backing-key-rotation-enabled).",
  },
  {
    name: "alb-http-to-https-redirection-check",
    defaultLevel: "mandatory",
    description: "HTTP listeners of application load balancers must only redirect to HTTPS (AWS Config alb-http-to-https-redirection-check).",
  },
  {
    name: "alb-http-drop-invalid-header-enabled",
    defaultLevel: "mandatory",
    description: "Application load balancers must drop invalid header fields (AWS Config alb-http-drop-invalid-header-enabled).",
  },
  {
    name: "elb-logging-enabled",
    defaultLevel: "advisory",
    description: "Load balancers should write access logs (AWS Config elb-logging-enabled; AWSGuard elb-logging-enabled).",
  },
  {
    name: "elb-deletion-protection-enabled",
    defaultLevel: "advisory",
    description:
      "Load balancers should have deletion protection, unless a Route 53 alias record of the same stack points at them, so `pulumi up` restores the name (AWS Config elb-deletion-protection-enabled; AWSGuard elb-deletion-protection-enabled).",
  },
];

export const GRAPH_POLICIES: readonly PolicyInfo[] = [...WIRING_POLICIES, ...BASELINE_POLICIES];
