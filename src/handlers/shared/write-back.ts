import type { Logger } from '@aws-lambda-powertools/logger';
import type { AfterSend } from '../../app/notifier.js';

/** The notifier's after-send hook and the end-of-invocation flush of Security Hub write-back. */
export interface WriteBack {
  afterSend: AfterSend;
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
  return {
    afterSend: {
      run: writeBack.afterSend,
      onError: (error, finding) => logger.warn('write-back failed', { key: finding.key, error: error as Error }),
    },
    flush: () => writeBack.flush(),
  };
}
