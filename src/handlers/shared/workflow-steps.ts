import type { Logger } from '@aws-lambda-powertools/logger';
import type { FindingHandler, Notifier } from '../../app/notifier.js';
import type { AccountInfo } from '../../core/account.js';
import { decide } from '../../core/decide.js';
import { DeliveryError, InvalidFindingError, MailDeliveryError } from '../../core/errors.js';
import { extractFindings } from '../../core/normalize/extract.js';
import type { Policy } from '../../core/policy.js';
import type { Clock, FindingStore } from '../../core/ports.js';
import { snapshotOf } from '../../core/record.js';
import { type CheckAgeResult, type CheckRecordResult, type NotifyResult, parseContinue, parseMapItem } from './workflow-payloads.js';

/**
 * The three tasks of the findings workflow, each built from its
 * dependencies so tests can hand in their own. Decisions come from the core
 * (`decide`) and the use case "handle a finding" (FindingHandler, Notifier),
 * exactly as on the command line.
 */

export interface CheckRecordDeps {
  store: FindingStore;
  policy: Policy;
  clock: Clock;
  logger: Logger;
  /** The finding's account as the directory describes it. */
  lookupAccount?: (accountId: string, now: Date) => Promise<AccountInfo | undefined>;
}

/** check-record: normalise one finding, read its record (one GetItem) and decide. A plain repeat ends here. */
export function checkRecordStep({ store, policy, clock, logger, lookupAccount }: CheckRecordDeps) {
  return async (input: unknown): Promise<CheckRecordResult> => {
    const item = parseMapItem(input);
    const where = `detail.findings[${item.index ?? 0}]`;
    const event = { 'detail-type': item.detailType, time: item.time, detail: { findings: [item.finding] } };
    const [extracted] = [...extractFindings(event, 'event')];
    if (extracted === undefined || extracted.kind === 'invalid') {
      const reason = extracted?.reason ?? 'no finding';
      logger.warn('invalid finding', { where, reason });
      throw new InvalidFindingError(where, reason);
    }
    if (extracted.kind === 'skipped') {
      logger.info('skipped', { where, reason: extracted.reason });
      return { action: 'skip', outcome: 'ignored', reason: extracted.reason };
    }
    const { finding } = extracted;
    const now = decisionTime(item.time, clock);
    const [record, account] = await Promise.all([store.get(finding.key), lookupAccount?.(finding.account, now)]);
    const decision = decide({ finding, record, policy, now, wallNow: clock.now(), account });
    const summary = { key: finding.key, outcome: decision.outcome, reason: decision.reason };
    logger.info('checked record', { ...summary, action: decision.action });
    if (decision.action === 'skip') return { action: 'skip', ...summary };
    return { action: decision.action, ...summary, now: now.toISOString(), finding: snapshotOf(finding) };
  };
}

/** check-age: decide again on the current record; carry out a write that needs no email, pass a due email on to notify. */
export function checkAgeStep({ handler, logger }: { handler: FindingHandler; logger: Logger }) {
  return async (input: unknown): Promise<CheckAgeResult> => {
    const { key, now, finding } = parseContinue(input, 'check-age');
    const result = await handler.prepare(finding, now);
    const summary = { key, outcome: result.outcome, reason: result.reason };
    logger.info(result.pending ? 'email due' : 'done', summary);
    if (result.pending) return { action: 'send', ...summary, now: now.toISOString(), finding };
    return { action: 'done', ...summary };
  };
}

/** notify: claim, render, send through SES and confirm (Notifier.handle, which decides once more). */
export function notifyStep({ notifier, logger, flush }: { notifier: Notifier; logger: Logger; flush?: () => Promise<void> }) {
  return async (input: unknown): Promise<NotifyResult> => {
    const { key, now, finding } = parseContinue(input, 'notify');
    try {
      const result = await notifier.handle(finding, now);
      const delivered = result.delivered ?? [];
      const summary = { key, outcome: result.outcome, reason: result.reason, emailed: result.email !== undefined };
      logger.info(delivered.length > 0 ? 'notification delivered' : 'nothing to deliver', {
        ...summary,
        delivered,
        notification: result.email?.id,
      });
      if (result.error) logger.warn('a target refused or failed', { key, failed: result.failed ?? [], error: result.error });
      // Some targets accepted and some did not: the record keeps the rest as pending; a retry of this step delivers it.
      if ((result.failed ?? []).length > 0)
        throw new DeliveryError(result.failed!.join(', '), 'not delivered yet; kept for a retry', true, { cause: result.error });
      return { action: 'done', ...summary, ...(result.email ? { notification: result.email.id } : {}) };
    } catch (error) {
      const transient = error instanceof MailDeliveryError || error instanceof DeliveryError ? error.transient : undefined;
      logger.error('notification not delivered to every target; nothing is recorded as sent that was not', {
        key,
        transient,
        error: error as Error,
      });
      throw error;
    } finally {
      await flush?.();
    }
  };
}

/** The event's time when it has one: every step and every retry of an execution decides at the same instant. */
export function decisionTime(eventTime: string | undefined, clock: Clock): Date {
  const ms = eventTime === undefined ? Number.NaN : Date.parse(eventTime);
  return Number.isFinite(ms) ? new Date(ms) : clock.now();
}
