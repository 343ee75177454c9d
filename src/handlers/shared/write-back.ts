import type { Logger } from '@aws-lambda-powertools/logger';
import type { PacedSecurityHub } from '../../adapters/securityhub/securityhub-client.js';
import type { AfterSend } from '../../app/notifier.js';

/** The notifier's after-send hook and the end-of-invocation flush of Security Hub write-back. */
export interface WriteBack {
  afterSend: AfterSend;
  flush: () => Promise<void>;
}

/** What a function that has its own Security Hub client, or logs errors its own way, gives securityHubWriteBack. */
export interface WriteBackOptions {
  /** The function's Security Hub client; without it one is built here. */
  securityHub?: PacedSecurityHub;
  /** The error as the "write-back failed" line logs it; by default the error itself. */
  logged?: (error: unknown) => unknown;
}

/**
 * Security Hub write-back when SECURITY_HUB_WRITE_BACK is "true" (NOTIFIED
 * and a note after each email). The write-back and, unless the function gives
 * its own, the Security Hub client are loaded only then, so a cold start
 * without write-back does not pay for them. Failures are logged and never
 * undo an email.
 */
export async function securityHubWriteBack(
  enabled: boolean,
  logger: Logger,
  options: WriteBackOptions = {},
): Promise<WriteBack | undefined> {
  if (!enabled) return undefined;
  const { logged = (error) => error as Error } = options;
  const [{ SecurityHubWriteBack }, securityHub] = await Promise.all([
    import('../../adapters/securityhub/securityhub-write-back.js'),
    options.securityHub ?? import('../../adapters/securityhub/securityhub-client.js').then((module) => module.createSecurityHubClient()),
  ]);
  const writeBack = new SecurityHubWriteBack(securityHub, (message) => logger.warn(message));
  return {
    afterSend: {
      run: writeBack.afterSend,
      onError: (error, finding) => logger.warn('write-back failed', { key: finding.key, error: logged(error) }),
    },
    flush: () => writeBack.flush(),
  };
}
