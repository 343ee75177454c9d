import type { Context } from 'aws-lambda';
import { DynamoDbFindingStore } from '../adapters/dynamodb/dynamodb-finding-store.js';
import { systemClock } from '../adapters/system/runtime.js';
import { policyDirectory } from '../core/account.js';
import { readConfig } from './shared/config.js';
import { dynamoDbClient } from './shared/dynamodb-client.js';
import { logger } from './shared/logger.js';
import { checkRecordStep } from './shared/workflow-steps.js';

/**
 * Task "CheckRecord" of the findings workflow. Input: one element of the
 * event's detail.findings with the event's time and detail-type. Output:
 * `skip` (the execution ends for this finding: one invocation, one read) or
 * `write`/`send` with the finding's snapshot for check-age.
 */
const config = readConfig(process.env, ['TABLE_NAME', 'POLICY']);
const step = checkRecordStep({
  store: new DynamoDbFindingStore({ client: dynamoDbClient, tableName: config.TABLE_NAME }),
  policy: config.POLICY,
  clock: systemClock,
  lookupAccount: policyDirectory(config.POLICY.accounts),
  logger,
});

export const handler = async (input: unknown, context?: Context) => {
  if (context) logger.addContext(context);
  return step(input);
};
