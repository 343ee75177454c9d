import { LOCAL_CREDENTIALS, LOCAL_REGION } from './dynamodb-local.js';

export interface LocalLambdaEnv {
  /** TABLE_NAME; left out when a test sets it itself. */
  table?: string;
  /** The policy document, as Terraform passes it in POLICY. */
  policy: unknown;
  dynamoEndpoint: string;
  sesEndpoint: string;
  securityHubEndpoint?: string;
  writeBack?: boolean;
  logLevel?: string;
  /** Any further variables, e.g. CLAIM_SECONDS. */
  extra?: Record<string, string>;
}

/**
 * The environment the functions see in AWS (the contract Terraform sets),
 * with the SDK pointed at the local emulators. Assign it before importing a
 * handler: handlers read it at import, as at a cold start.
 */
export function localLambdaEnv(options: LocalLambdaEnv): Record<string, string> {
  return {
    ...(options.table ? { TABLE_NAME: options.table } : {}),
    POLICY: JSON.stringify(options.policy),
    SECURITY_HUB_WRITE_BACK: String(options.writeBack ?? false),
    LOG_LEVEL: options.logLevel ?? 'ERROR',
    POWERTOOLS_SERVICE_NAME: 'sechub-alerts',
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: options.dynamoEndpoint,
    AWS_ENDPOINT_URL_SESV2: options.sesEndpoint,
    ...(options.securityHubEndpoint ? { AWS_ENDPOINT_URL_SECURITYHUB: options.securityHubEndpoint } : {}),
    ...options.extra,
  };
}
