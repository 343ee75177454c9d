import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDbFindingStore } from '../../src/adapters/dynamodb/dynamodb-finding-store.js';
import { sha256Hex } from '../../src/adapters/system/sha256.js';
import { POLICY_DOCUMENT, policyDocumentValue } from '../../src/core/policy-fingerprint.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './dynamodb-local.js';

export interface LocalLambdaEnv {
  /** TABLE_NAME; left out when a test sets it itself. */
  table?: string;
  /** The policy document, as Terraform keeps it in the table (see deployPolicy); its hash goes in POLICY_SHA256. */
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
    POLICY_SHA256: sha256Hex(policyDocumentValue(options.policy)),
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

/** Writes the policy document into a table as Terraform does (the config/policy document), for the functions to read. */
export async function deployPolicy(client: DynamoDBClient, tableName: string, policy: unknown): Promise<void> {
  const store = new DynamoDbFindingStore({ client, tableName });
  const value = policyDocumentValue(policy);
  const current = await store.getDocument(POLICY_DOCUMENT.kind, POLICY_DOCUMENT.id);
  const written = await store.putDocument(
    POLICY_DOCUMENT.kind,
    { id: POLICY_DOCUMENT.id, value, version: (current?.version ?? 0) + 1 },
    current?.version,
  );
  if (!written) throw new Error(`could not write the policy into ${tableName}`);
}
