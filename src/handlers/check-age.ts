import type { Context } from 'aws-lambda';
import { DynamoDbFindingStore } from '../adapters/dynamodb/dynamodb-finding-store.js';
import { systemRuntime } from '../adapters/system/runtime.js';
import { FindingHandler } from '../app/notifier.js';
import { policyDirectory } from '../core/account.js';
import { readConfig } from './shared/config.js';
import { dynamoDbClient } from './shared/dynamodb-client.js';
import { logger } from './shared/logger.js';
import { checkAgeStep } from './shared/workflow-steps.js';

/**
 * Task "CheckAge". Input: check-record's `write`/`send` result. Re-reads the
 * record and decides again (how long open against `after`, how long since
 * the last email against `every`): carries out a write that needs no email
 * and ends (`done`), or hands a due email on to notify (`send`).
 */
const config = readConfig(process.env, ['TABLE_NAME', 'POLICY']);

const step = checkAgeStep({
  handler: new FindingHandler({
    store: new DynamoDbFindingStore({ client: dynamoDbClient, tableName: config.TABLE_NAME }),
    policy: config.POLICY,
    runtime: systemRuntime,
    lookupAccount: policyDirectory(config.POLICY.accounts),
  }),
  logger,
});

export const handler = async (input: unknown, context?: Context) => {
  if (context) logger.addContext(context);
  return step(input);
};
