import type { Context } from 'aws-lambda';
import { DynamoDbFindingStore } from '../adapters/dynamodb/dynamodb-finding-store.js';
import { createSecurityHubClient } from '../adapters/securityhub/securityhub-client.js';
import { SecurityHubReader } from '../adapters/securityhub/securityhub-reader.js';
import { SecurityHubWriteBack } from '../adapters/securityhub/securityhub-write-back.js';
import { SesMailer } from '../adapters/ses/ses-mailer.js';
import { systemRuntime } from '../adapters/system/runtime.js';
import { type DigestCounts, policyDigestSource, sendDueDigests } from '../app/digest.js';
import { Notifier } from '../app/notifier.js';
import { sweepThenTick } from '../app/scheduled-run.js';
import { Sweep } from '../app/sweep/sweep.js';
import { policyDirectory } from '../core/account.js';
import { readConfig } from './shared/config.js';
import { dynamoDbClient } from './shared/dynamodb-client.js';
import { logger } from './shared/logger.js';
import { sesClient } from './shared/ses-client.js';

/**
 * The scheduled function "daily" (an EventBridge schedule invokes it): sweeps
 * Security Hub, resolving tracked findings that are no longer active, then
 * sends the reminders and delayed first emails that are due. A sweep that
 * cannot finish before the deadline saves its cursor and the next invocation
 * continues it; a new sweep starts at most every 20 hours, so the schedule may
 * run hourly (prompt continuation, reminders and digests on the hour) without
 * sweeping hourly. Once the reminders are out, it sends the digests whose
 * scheduled time has come.
 */
const config = readConfig(process.env, ['TABLE_NAME', 'POLICY', 'SECURITY_HUB_WRITE_BACK']);
const SWEEP_EVERY_MS = 20 * 3_600_000;
/** Time kept back for the reminders and a clean stop: a quarter of the invocation, at most three minutes. */
const MAX_RESERVE_MS = 180_000;

const securityHub = createSecurityHubClient({
  onFailedAttempt: (error, operation) => logger.info('Security Hub attempt failed', { operation, error: (error as Error).name }),
});
const store = new DynamoDbFindingStore({ client: dynamoDbClient, tableName: config.TABLE_NAME });
const mailer = new SesMailer({ client: sesClient });
const writeBack = config.SECURITY_HUB_WRITE_BACK ? new SecurityHubWriteBack(securityHub, (message) => logger.warn(message)) : undefined;
const lookupAccount = policyDirectory(config.POLICY.accounts);
const notifier = new Notifier({
  store,
  mailer,
  policy: config.POLICY,
  runtime: systemRuntime,
  lookupAccount,
  ...(writeBack
    ? {
        afterSend: {
          run: writeBack.afterSend,
          onError: (error, finding) => logger.warn('write-back failed', { key: finding.key, error: String(error) }),
        },
      }
    : {}),
});
const source = new SecurityHubReader(securityHub);

export const handler = async (_event: unknown, context?: Context) => {
  if (context) logger.addContext(context);
  const reserve = Math.min(MAX_RESERVE_MS, (context?.getRemainingTimeInMillis() ?? 0) / 4);
  const callsBefore = source.calls;
  const throttledBefore = source.throttled;
  const sweep = new Sweep({
    store,
    notifier,
    source,
    policy: config.POLICY,
    everyMs: SWEEP_EVERY_MS,
    shouldStop: () => context !== undefined && context.getRemainingTimeInMillis() < reserve,
    onProblem: (message) => logger.warn(message),
  });
  const now = new Date();
  const run = await sweepThenTick(sweep, { store, notifier }, now);
  await writeBack?.flush();
  const digests = run.ticked ? await sendDigests(now) : undefined;
  const { done, skipped, resumed, groups, totals } = run.sweep;
  const result = {
    sweep: { done, skipped, resumed, strategies: groups.map((g) => `${g.api}:${g.strategy}`), ...totals },
    ticked: run.ticked,
    counts: run.counts,
    ...(digests ? { digests } : {}),
    calls: source.calls - callsBefore,
    throttled: source.throttled - throttledBefore,
  };
  logger.info('daily run', result);
  return result;
};

/** The digests due at `now`; none while the policy has no digest rules. */
async function sendDigests(now: Date): Promise<DigestCounts | undefined> {
  const source = policyDigestSource(store, config.POLICY, lookupAccount);
  if (source.rules.length === 0) return undefined;
  return sendDueDigests(
    {
      ...source,
      mailer,
      runtime: systemRuntime,
      sender: config.POLICY.sender,
      consoleRegion: process.env.AWS_REGION,
      onProblem: (message) => logger.warn(message),
    },
    now,
  );
}
