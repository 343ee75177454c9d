import type { DigestRule, RecipientsOf } from '../../src/core/digest/rules.js';
import { SAMPLES } from '../../src/core/email/samples.js';
import { SEVERITIES } from '../../src/core/finding.js';
import type { TrackedRecord } from '../../src/core/record.js';

/**
 * The digest benchmark's population: tracked open findings spread over
 * accounts, each account's findings going to its owner and every finding to
 * the security team, both daily at 08:00 Madrid — one recipient per account,
 * plus one who gets them all. A share is new in the period, and tombstones of
 * findings fixed in the period come on top.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SCHEDULE = { every: '1d', at: '08:00', timeZone: 'Europe/Madrid' } as const;

export const BENCH_DIGEST_RULES: DigestRule[] = [
  { name: 'owners', schedule: SCHEDULE, maxItems: 50, sendEmpty: false, to: [] },
  { name: 'security-team', schedule: SCHEDULE, maxItems: 50, sendEmpty: false, to: ['secops@example.com'] },
];

/** Owners get their account's findings (the first rule); the security team gets everything (the second). */
export const benchRecipientsOf: RecipientsOf = (rule, record) =>
  rule.name === 'owners' ? [`owner-${record.snapshot.account}@example.com`] : rule.to;

/** One in twenty open findings is new in the period; fixed ones add a tenth of the open ones as tombstones. */
export const NEW_SHARE = 0.05;
export const FIXED_SHARE = 0.1;

/** `tracked` open findings and their tombstones over `accounts` accounts, for a digest at `moment`. */
export function* benchRecords(tracked: number, accounts: number, moment: Date): Generator<TrackedRecord> {
  const samples = Object.values(SAMPLES);
  const total = tracked + Math.round(tracked * FIXED_SHARE);
  for (let i = 0; i < total; i++) {
    const open = i < tracked;
    const sample = samples[i % samples.length]!;
    const account = String(100_000_000_000 + (i % accounts));
    const fresh = open && (i * 7919) % tracked < tracked * NEW_SHARE;
    const since = new Date(moment.getTime() - (fresh ? (1 + (i % 20)) * HOUR : (2 + (i % 180)) * DAY)).toISOString();
    const firstObservedAt = new Date(Date.parse(since) - (i % 5) * HOUR).toISOString();
    const key = `${account}|${sample.productKey}|${sample.id}-${i}`;
    yield {
      key,
      open,
      updatedAt: firstObservedAt,
      snapshot: {
        ...sample,
        key,
        id: `${sample.id}-${i}`,
        account,
        severity: SEVERITIES[i % SEVERITIES.length]!,
        title: `${sample.title} (${i})`,
        firstObservedAt,
        open,
      },
      rules: {},
      collected: { owners: { since }, 'security-team': { since } },
      ...(open ? {} : { resolvedAt: new Date(moment.getTime() - (1 + (i % 20)) * HOUR).toISOString() }),
      version: 1,
      expiresAt: new Date(moment.getTime() + 30 * DAY).toISOString(),
    };
  }
}
