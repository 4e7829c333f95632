// The few fields of the Lambda event shapes the handlers use (no @types/aws-lambda dependency).

/** Cognito PostConfirmation trigger event; the handler must return it unchanged. */
export interface PostConfirmationEvent {
  version?: string;
  triggerSource: string;
  region?: string;
  userPoolId?: string;
  userName?: string;
  callerContext?: Record<string, unknown>;
  request: { userAttributes?: Record<string, string | undefined>; clientMetadata?: Record<string, string> };
  response: Record<string, unknown>;
}

/**
 * Cognito pre sign-up trigger event (docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-sign-up.html).
 * `userAttributes` holds what the person signed up with, or for a federated sign-in
 * (`PreSignUp_ExternalProvider`) what the identity provider's attribute mapping produced.
 */
export interface PreSignUpEvent {
  version?: string;
  triggerSource: string;
  region?: string;
  userPoolId?: string;
  userName?: string;
  callerContext?: Record<string, unknown>;
  request: {
    userAttributes?: Record<string, string | undefined>;
    validationData?: Record<string, string> | null;
    clientMetadata?: Record<string, string>;
  };
  response: { autoConfirmUser?: boolean; autoVerifyEmail?: boolean; autoVerifyPhone?: boolean };
}

export interface SqsRecord {
  messageId: string;
  receiptHandle?: string;
  body: string;
  attributes?: { ApproximateReceiveCount?: string; [key: string]: string | undefined };
  eventSourceARN?: string;
}

export interface SqsEvent {
  Records: SqsRecord[];
}

/** The partial batch response Lambda reads when the mapping has `ReportBatchItemFailures`. */
export interface SqsBatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}
