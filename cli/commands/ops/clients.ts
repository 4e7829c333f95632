import { ECSClient } from "@aws-sdk/client-ecs";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { SQSClient } from "@aws-sdk/client-sqs";
import { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { BackupClient } from "@aws-sdk/client-backup";
import { RDSClient } from "@aws-sdk/client-rds";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { ApplicationAutoScalingClient } from "@aws-sdk/client-application-auto-scaling";

/** Where the SDK should look; both fall back to the standard AWS chain when unset. */
export interface AwsTarget {
  region?: string;
  profile?: string;
}

/** The SDK clients the ops commands use. Tests pass their own (or patch them with aws-sdk-client-mock). */
export interface AwsClients {
  ecs: ECSClient;
  logs: CloudWatchLogsClient;
  sqs: SQSClient;
  cognito: CognitoIdentityProviderClient;
  backup: BackupClient;
  rds: RDSClient;
  cloudwatch: CloudWatchClient;
  autoscaling: ApplicationAutoScalingClient;
}

export type AwsClientFactory = (target: AwsTarget) => AwsClients;

export const createAwsClients: AwsClientFactory = ({ region, profile }) => {
  // Only pass what was given: an explicit `undefined` region would stop the SDK reading AWS_REGION/config.
  const config = { ...(region ? { region } : {}), ...(profile ? { profile } : {}) };
  return {
    ecs: new ECSClient(config),
    logs: new CloudWatchLogsClient(config),
    sqs: new SQSClient(config),
    cognito: new CognitoIdentityProviderClient(config),
    backup: new BackupClient(config),
    rds: new RDSClient(config),
    cloudwatch: new CloudWatchClient(config),
    autoscaling: new ApplicationAutoScalingClient(config),
  };
};

/**
 * The region the clients will call, for messages ("cluster X not found in eu-west-1").
 * Resolving it never fails the command: a missing region surfaces on the first API call.
 */
export async function regionOf(client: ECSClient, target: AwsTarget): Promise<string> {
  if (target.region) return target.region;
  try {
    return await client.config.region();
  } catch {
    return "the configured region";
  }
}
