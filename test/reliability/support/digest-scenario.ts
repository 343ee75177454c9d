import type { DigestRule, RecipientsOf } from '../../../src/core/digest/rules.js';
import type { TrackedRecord } from '../../../src/core/record.js';
import { collectedRecord } from '../../builders/records.js';

/**
 * The digests the reliability tests send: one daily rule whose findings go to
 * their account's owner and to the security team, over a few accounts.
 */

export const DIGEST_WORKER_RULES: DigestRule[] = [
  {
    name: 'owners',
    schedule: { every: '1d', at: '08:00', timeZone: 'Europe/Madrid' },
    maxItems: 20,
    sendEmpty: false,
    to: ['secops@example.com'],
  },
];

/** Each finding to its account's owner (owner-<account>@example.com) and to the rule's own address. */
export const workerRecipientsOf: RecipientsOf = (rule, record) => [`owner-${record.snapshot.account}@example.com`, ...rule.to];

/** `perAccount` findings collected in each of `accounts` accounts during the period before `moment`. */
export function scenarioRecords(accounts: number, perAccount: number, moment: Date): TrackedRecord[] {
  const since = new Date(moment.getTime() - 3_600_000).toISOString();
  return Array.from({ length: accounts * perAccount }, (_, i) =>
    collectedRecord({
      id: `finding-${i}`,
      account: String(100000000000 + (i % accounts)),
      collected: { owners: { since } },
    }),
  );
}

/** The recipients the scenario's digests go to: every account's owner, and the security team. */
export function scenarioRecipients(accounts: number): string[] {
  return [...Array.from({ length: accounts }, (_, i) => `owner-${100000000000 + i}@example.com`), 'secops@example.com'].sort();
}
