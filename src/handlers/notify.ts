import { SesMailer } from '../adapters/ses/ses-mailer.js';
import { systemRuntime } from '../adapters/system/runtime.js';
import { Notifier } from '../app/notifier.js';
import { channelsOf } from '../compose/channels.js';
import { readConfig } from './shared/config.js';
import { deployment, stepHandler } from './shared/deployment.js';
import { logger } from './shared/logger.js';
import { awsSecrets, NOTIFY_DELIVERY } from './shared/secrets.js';
import { sesClient } from './shared/ses-client.js';
import { notifyStep } from './shared/workflow-steps.js';
import { securityHubWriteBack } from './shared/write-back.js';

/**
 * Task "Notify". Input: check-age's `send` result. Claims the record,
 * delivers the notification by email through SES and to each destination,
 * and confirms the record — or, if the record moved on meanwhile, does what
 * the new decision says. With SECURITY_HUB_WRITE_BACK=true it then marks the
 * finding NOTIFIED in Security Hub.
 */
const config = readConfig(process.env, ['SECURITY_HUB_WRITE_BACK', 'CLAIM_SECONDS', 'SECRETS']);

const step = deployment(async ({ store, policy, lookupAccount }) => {
  const writeBack = await securityHubWriteBack(config.SECURITY_HUB_WRITE_BACK, logger);
  const notifier = new Notifier({
    store,
    mailer: new SesMailer({ client: sesClient }),
    channels: await channelsOf(policy, awsSecrets(config.SECRETS), NOTIFY_DELIVERY),
    policy,
    runtime: systemRuntime,
    lookupAccount,
    ...(config.CLAIM_SECONDS ? { claimMs: config.CLAIM_SECONDS * 1000 } : {}),
    ...(writeBack ? { afterSend: writeBack.afterSend } : {}),
  });
  return notifyStep({ notifier, logger, ...(writeBack ? { flush: writeBack.flush } : {}) });
});

export const handler = stepHandler(step);
