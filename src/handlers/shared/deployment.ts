import type { Context } from 'aws-lambda';
import { DynamoDbFindingStore } from '../../adapters/dynamodb/dynamodb-finding-store.js';
import { sha256Hex } from '../../adapters/system/sha256.js';
import type { AccountLookup } from '../../app/account-directory.js';
import { accountLookupFor } from '../../compose/account-lookup.js';
import { ConfigurationError, InvalidPolicyError, TransientError } from '../../core/errors.js';
import { type Policy, validatePolicy } from '../../core/policy.js';
import { POLICY_DOCUMENT, policyOfDocument } from '../../core/policy-fingerprint.js';
import type { DocumentStore } from '../../core/ports.js';
import { readConfig } from './config.js';
import { dynamoDbClient } from './dynamodb-client.js';
import { logger } from './logger.js';

/** What every function of a deployment works with: the table, the deployment's policy, and the account directory. */
export interface Deployment {
  store: DynamoDbFindingStore;
  policy: Policy;
  lookupAccount: AccountLookup;
}

/**
 * What a function builds from the deployment (`make`): the variables are
 * read at the cold start; the rest is built at the first invocation and
 * kept for the container's life. The policy is the document Terraform keeps
 * in the table (config/policy), not an environment variable: an account
 * directory and destinations outgrow Lambda's 4 KB of variables. The
 * variable POLICY_SHA256 pins which one this function version was deployed
 * with, so a container never runs a policy half-way through a deployment.
 * A failed build is tried again by the next invocation.
 */
export function deployment<T>(make: (deployment: Deployment) => Promise<T>): () => Promise<T> {
  // The variables are read at once, so that a missing one fails the cold start naming it.
  const config = readConfig(process.env, ['TABLE_NAME', 'POLICY_SHA256']);
  const store = new DynamoDbFindingStore({ client: dynamoDbClient, tableName: config.TABLE_NAME });
  let built: Promise<T> | undefined;
  return () => {
    built ??= build(store, config.POLICY_SHA256)
      .then(make)
      .catch((error: unknown) => {
        built = undefined;
        throw error;
      });
    return built;
  };
}

/** A workflow task's Lambda handler: the invocation's context on the log lines, then the step `deployment` built once. */
export function stepHandler<T>(step: () => Promise<(input: unknown) => Promise<T>>): (input: unknown, context?: Context) => Promise<T> {
  return async (input, context) => {
    if (context) logger.addContext(context);
    return (await step())(input);
  };
}

async function build(store: DynamoDbFindingStore, sha256: string): Promise<Deployment> {
  const policy = await deployedPolicy(store, sha256);
  return { store, policy, lookupAccount: await accountLookupFor(policy, store) };
}

/** Reads and validates the deployment's policy; fails naming what is wrong. */
export async function deployedPolicy(documents: DocumentStore, sha256: string): Promise<Policy> {
  const document = await documents.getDocument(POLICY_DOCUMENT.kind, POLICY_DOCUMENT.id);
  if (!document)
    throw new ConfigurationError(
      `the policy is not in the table (document ${POLICY_DOCUMENT.kind}/${POLICY_DOCUMENT.id}): apply the Terraform module`,
    );
  if (sha256Hex(document.value) !== sha256)
    // Terraform writes the document before it updates the functions: the table runs ahead of this version for a moment.
    throw new TransientError('the table holds another policy than this function version was deployed with; a deployment is under way');
  try {
    return validatePolicy(policyOfDocument(document.value));
  } catch (error) {
    const detail = error instanceof InvalidPolicyError ? error.issues.join('; ') : (error as Error).message;
    throw new ConfigurationError(`the deployed policy is invalid: ${detail}`, { cause: error });
  }
}
