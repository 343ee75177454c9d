import type { Context } from 'aws-lambda';
import { DynamoDbFindingStore } from '../adapters/dynamodb/dynamodb-finding-store.js';
import { SesMailer } from '../adapters/ses/ses-mailer.js';
import { systemRuntime } from '../adapters/system/runtime.js';
import { Notifier } from '../app/notifier.js';
import { policyDirectory } from '../core/account.js';
import { readConfig } from './shared/config.js';
import { dynamoDbClient } from './shared/dynamodb-client.js';
import { logger } from './shared/logger.js';
import { sesClient } from './shared/ses-client.js';
import { notifyStep } from './shared/workflow-steps.js';
import { securityHubWriteBack } from './shared/write-back.js';

/**
 * Task "Notify". Input: check-age's `send` result. Claims the record,
 * renders the email, sends it through SES and confirms the record — or, if
 * the record moved on meanwhile, does what the new decision says. With
 * SECURITY_HUB_WRITE_BACK=true it then marks the finding NOTIFIED in
 * Security Hub.
 */
const config = readConfig(process.env, ['TABLE_NAME', 'POLICY', 'SECURITY_HUB_WRITE_BACK', 'CLAIM_SECONDS']);
const writeBack = await securityHubWriteBack(config.SECURITY_HUB_WRITE_BACK, logger);

const step = notifyStep({
  notifier: new Notifier({
    store: new DynamoDbFindingStore({ client: dynamoDbClient, tableName: config.TABLE_NAME }),
    mailer: new SesMailer({ client: sesClient }),
    policy: config.POLICY,
    runtime: systemRuntime,
    lookupAccount: policyDirectory(config.POLICY.accounts),
    ...(config.CLAIM_SECONDS ? { claimMs: config.CLAIM_SECONDS * 1000 } : {}),
    ...(writeBack ? { afterSend: writeBack.afterSend } : {}),
  }),
  logger,
  ...(writeBack ? { flush: writeBack.flush } : {}),
});

export const handler = async (input: unknown, context?: Context) => {
  if (context) logger.addContext(context);
  return step(input);
};
