import { CONTROL_SAMPLE, GUARDDUTY_SAMPLE, INSPECTOR_SAMPLE } from '../email/samples.js';
import { SEVERITIES } from '../finding.js';
import type { FindingSnapshot, TrackedRecord } from '../record.js';
import { type Digest, DigestCollector } from './content.js';
import type { AccountNameOf, DigestRule } from './rules.js';
import { latestMoment } from './schedule.js';

/**
 * An example digest built from the example findings, as the collector
 * builds real ones: a platform team's daily digest with new, fixed and
 * still-open findings over three accounts. It feeds the screenshots in
 * docs/, the benchmark and the browser tests; the running product never
 * imports it.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const SAMPLE_DIGEST_RULE: DigestRule = {
  name: 'platform-daily',
  schedule: { every: '1d', at: '08:00', timeZone: 'Europe/Madrid' },
  maxItems: 5,
  sendEmpty: false,
  to: ['platform-team@example.com'],
};

/** Monday 12 January 2026, 08:00 in Madrid. */
export const SAMPLE_DIGEST_MOMENT = latestMoment(SAMPLE_DIGEST_RULE.schedule, new Date('2026-01-12T07:00:00Z'));

const ACCOUNTS: Record<string, string> = { '111122223333': 'payments-production', '444455556666': 'data-lake', '777788889999': 'sandbox' };

/** A tracked record of the sample `finding`, varied by `serial`, collected by the sample rule since `since` (ms before the moment). */
export function sampleDigestRecord(finding: FindingSnapshot, serial: number, options: { since: number; resolved?: number }): TrackedRecord {
  const moment = SAMPLE_DIGEST_MOMENT.getTime();
  const account = Object.keys(ACCOUNTS)[serial % 3]!;
  const firstObservedAt = new Date(moment - options.since - (serial % 4) * HOUR).toISOString();
  const snapshot: FindingSnapshot = {
    ...finding,
    key: `${finding.key}-${serial}`,
    id: `${finding.id}-${serial}`,
    account,
    accountName: ACCOUNTS[account],
    severity: SEVERITIES[4 - (serial % 4)]!,
    firstObservedAt,
    open: options.resolved === undefined,
  };
  return {
    key: snapshot.key,
    open: options.resolved === undefined,
    updatedAt: firstObservedAt,
    snapshot,
    rules: {},
    collected: { [SAMPLE_DIGEST_RULE.name]: { since: new Date(moment - options.since).toISOString() } },
    ...(options.resolved === undefined ? {} : { resolvedAt: new Date(moment - options.resolved).toISOString() }),
    version: 1,
    expiresAt: new Date(moment + 30 * DAY).toISOString(),
  };
}

/** The records behind the sample digest: 3 new, 2 fixed, 12 open (the new ones included). */
export function sampleDigestRecords(): TrackedRecord[] {
  const kinds = [GUARDDUTY_SAMPLE, INSPECTOR_SAMPLE, CONTROL_SAMPLE];
  const records: TrackedRecord[] = [];
  for (let i = 0; i < 3; i++) records.push(sampleDigestRecord(kinds[i]!, i, { since: (3 + 6 * i) * HOUR }));
  for (let i = 3; i < 12; i++) records.push(sampleDigestRecord(kinds[i % 3]!, i, { since: (2 + 3 * i) * DAY }));
  for (let i = 12; i < 14; i++) records.push(sampleDigestRecord(kinds[i % 3]!, i, { since: 9 * DAY, resolved: (i - 10) * HOUR }));
  return records;
}

const sampleAccountName: AccountNameOf = (id) => (Object.hasOwn(ACCOUNTS, id) ? ACCOUNTS[id] : undefined);

/** The sample digest: `records` (default: the sample records) through the collector, for the rule's own recipient. */
export function sampleDigest(
  records: readonly TrackedRecord[] = sampleDigestRecords(),
  rule = SAMPLE_DIGEST_RULE,
  accountNameOf = sampleAccountName,
): Digest {
  const due = [{ schedule: rule.schedule, moment: SAMPLE_DIGEST_MOMENT, known: new Map() }];
  const collector = new DigestCollector([rule], due, (r) => r.to, accountNameOf);
  for (const record of records) collector.add(record);
  const [digest] = collector.finish();
  if (!digest) throw new Error('the sample digest has no recipient');
  return digest;
}
