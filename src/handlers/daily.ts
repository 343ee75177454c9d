import type { Context } from 'aws-lambda';
import { createSecurityHubClient } from '../adapters/securityhub/securityhub-client.js';
import { SecurityHubReader } from '../adapters/securityhub/securityhub-reader.js';
import { SesMailer } from '../adapters/ses/ses-mailer.js';
import { systemRuntime } from '../adapters/system/runtime.js';
import { adoptBacklog } from '../app/baseline.js';
import { type Counts, emptyCounts } from '../app/counts.js';
import { type DigestCounts, sendPolicyDigests } from '../app/digest.js';
import { Notifier } from '../app/notifier.js';
import { sweepThenTick } from '../app/scheduled-run.js';
import { Sweep } from '../app/sweep/sweep.js';
import { channelsOf } from '../compose/channels.js';
import type { SweepTotals } from '../core/sweep/state.js';
import { readConfig } from './shared/config.js';
import { type Deployment, deployment } from './shared/deployment.js';
import { logger } from './shared/logger.js';
import { awsSecrets } from './shared/secrets.js';
import { sesClient } from './shared/ses-client.js';
import { securityHubWriteBack } from './shared/write-back.js';

/**
 * The scheduled function "daily" (an EventBridge schedule invokes it): sweeps
 * Security Hub, resolving tracked findings that are no longer active, then
 * sends the reminders and delayed first notifications that are due, and the
 * digests whose time has come. A sweep that cannot finish before the
 * deadline saves its cursor and the next invocation continues it; a new
 * sweep starts at most every 20 hours, so the schedule may run hourly
 * (prompt continuation, reminders and digests on the hour) without sweeping
 * hourly. With BASELINE_FIRST_RUN=true, the first runs adopt the backlog
 * instead (every active finding in scope recorded as notified, nothing
 * sent), once.
 */
const config = readConfig(process.env, ['SECURITY_HUB_WRITE_BACK', 'SECRETS', 'BASELINE_FIRST_RUN']);
const SWEEP_EVERY_MS = 20 * 3_600_000;
/** Time kept back for the reminders and a clean stop: a quarter of the invocation, at most three minutes. */
const MAX_RESERVE_MS = 180_000;
/** The document that says the first-run baseline is done. */
const BASELINE_DONE = { kind: 'config', id: 'baseline' } as const;

const job = deployment(async (d: Deployment) => {
  const securityHub = createSecurityHubClient({
    onFailedAttempt: (error, operation) => logger.info('Security Hub attempt failed', { operation, error: (error as Error).name }),
  });
  const mailer = new SesMailer({ client: sesClient });
  const writeBack = await securityHubWriteBack(config.SECURITY_HUB_WRITE_BACK, logger, { securityHub, logged: String });
  const channels = await channelsOf(d.policy, awsSecrets(config.SECRETS));
  const notifierOf = (baseline: boolean) =>
    new Notifier({
      store: d.store,
      mailer,
      channels,
      policy: d.policy,
      runtime: systemRuntime,
      lookupAccount: d.lookupAccount,
      baseline,
      ...(writeBack && !baseline ? { afterSend: writeBack.afterSend } : {}),
    });
  // Once the table says the first-run baseline is done it stays done: a warm container stops asking.
  let baselineSeen = false;
  const baselineDone = async () => (baselineSeen ||= (await d.store.getDocument(BASELINE_DONE.kind, BASELINE_DONE.id)) !== undefined);
  return {
    ...d,
    mailer,
    writeBack,
    notifier: notifierOf(false),
    adopter: notifierOf(true),
    source: new SecurityHubReader(securityHub),
    baselineDone,
  };
});

/** What a run did, as it logs and returns it. */
export interface DailyResult {
  /** A first-run baseline: whether it adopted the whole backlog (else the next run continues it). */
  baseline?: { complete: boolean };
  sweep?: { done: boolean; skipped: boolean; resumed: boolean; strategies: string[] } & SweepTotals;
  ticked?: boolean;
  counts: Counts;
  digests?: DigestCounts;
  /** Security Hub requests of this invocation, and those answered with throttling. */
  calls: number;
  throttled: number;
}

export const handler = async (_event: unknown, context?: Context): Promise<DailyResult> => {
  if (context) logger.addContext(context);
  const { store, policy, lookupAccount, mailer, writeBack, notifier, adopter, source, baselineDone } = await job();
  const reserve = Math.min(MAX_RESERVE_MS, (context?.getRemainingTimeInMillis() ?? 0) / 4);
  const shouldStop = () => context !== undefined && context.getRemainingTimeInMillis() < reserve;
  const callsBefore = source.calls;
  const throttledBefore = source.throttled;
  const now = new Date();

  if (config.BASELINE_FIRST_RUN && !(await baselineDone())) {
    const counts = emptyCounts();
    const deps = {
      notifier: adopter,
      source,
      cursors: store,
      policy,
      shouldStop,
      onInvalid: (where: string, reason: string) => logger.warn('invalid finding', { where, reason }),
    };
    const { complete } = await adoptBacklog(deps, now, counts);
    if (complete)
      await store.putDocument(
        BASELINE_DONE.kind,
        { id: BASELINE_DONE.id, value: JSON.stringify({ at: now.toISOString() }), version: 1 },
        undefined,
      );
    const result: DailyResult = {
      baseline: { complete },
      counts,
      calls: source.calls - callsBefore,
      throttled: source.throttled - throttledBefore,
    };
    logger.info('baseline run', { ...result });
    return result;
  }

  const sweep = new Sweep({
    store,
    notifier,
    source,
    policy,
    everyMs: SWEEP_EVERY_MS,
    shouldStop,
    onProblem: (message) => logger.warn(message),
  });
  const run = await sweepThenTick(sweep, { store, notifier }, now);
  await writeBack?.flush();
  const digests = run.ticked
    ? await sendPolicyDigests(
        {
          store,
          policy,
          lookupAccount,
          mailer,
          runtime: systemRuntime,
          consoleRegion: process.env.AWS_REGION,
          onProblem: (m) => logger.warn(m),
        },
        now,
      )
    : undefined;
  const { done, skipped, resumed, groups, totals } = run.sweep;
  const result: DailyResult = {
    sweep: { done, skipped, resumed, strategies: groups.map((g) => `${g.api}:${g.strategy}`), ...totals },
    ticked: run.ticked,
    counts: run.counts,
    ...(digests ? { digests } : {}),
    calls: source.calls - callsBefore,
    throttled: source.throttled - throttledBefore,
  };
  logger.info('daily run', { ...result });
  return result;
};
