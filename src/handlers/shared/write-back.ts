import type { Logger } from '@aws-lambda-powertools/logger';
import type { Notification } from '../../core/decide.js';
import type { Finding } from '../../core/finding.js';
import type { FindingSnapshot } from '../../core/record.js';

/** The engine hook and the end-of-invocation flush of Security Hub write-back. */
export interface WriteBack {
  afterSend: (finding: Finding | FindingSnapshot, notification: Notification) => Promise<void>;
  flush: () => Promise<void>;
}

/**
 * Security Hub write-back for notify when SECURITY_HUB_WRITE_BACK is "true"
 * (NOTIFIED and a note after each email). The Security Hub client is loaded
 * only then, so a cold start without write-back does not pay for it.
 * Failures are logged and never undo an email.
 */
export async function securityHubWriteBack(enabled: boolean, logger: Logger): Promise<WriteBack | undefined> {
  if (!enabled) return undefined;
  const [{ SecurityHubWriteBack }, { createSecurityHubClient }] = await Promise.all([
    import('../../adapters/securityhub/securityhub-write-back.js'),
    import('../../adapters/securityhub/securityhub-client.js'),
  ]);
  const writeBack = new SecurityHubWriteBack(createSecurityHubClient(), (message) => logger.warn(message));
  return { afterSend: writeBack.afterSend, flush: () => writeBack.flush() };
}
