import { describe, expect, it } from 'vitest';
import { InvalidPolicyError } from '../../src/core/errors.js';
import { policyWarnings, validatePolicy } from '../../src/core/policy.js';

/** The policy's sections for routing, destinations, digests and noise controls, and the messages a person gets when one is wrong. */

const base = { sender: 'alerts@example.com' };
const rule = (notify: Record<string, unknown>, match: Record<string, unknown> = {}) => ({ name: 'r', match, notify });

function issuesOf(document: unknown): string[] {
  try {
    validatePolicy(document);
  } catch (error) {
    if (error instanceof InvalidPolicyError) return error.issues;
    throw error;
  }
  return [];
}

describe('the account directory and Organizations', () => {
  it('reads names, owners, tags and OU paths by account id, and Organizations with its defaults', () => {
    const policy = validatePolicy({
      ...base,
      accounts: {
        '111122223333': { name: 'payments-prod', owners: ['payments-sec@example.com'], tags: { env: 'prod' }, ou: 'Root/Production' },
      },
      organizations: { enabled: true },
      rules: [rule({ to: ['owners'], fallback: ['cloud@example.com'] })],
    });

    expect(policy.accounts['111122223333']).toEqual({
      name: 'payments-prod',
      owners: ['payments-sec@example.com'],
      tags: { env: 'prod' },
      ou: 'Root/Production',
    });
    expect(policy.organizations).toEqual({ ownerTag: 'security-contact', cacheMs: 3_600_000 });
  });

  it('leaves Organizations off unless enabled', () => {
    expect(
      validatePolicy({ ...base, organizations: { enabled: false, cache: '2h' }, rules: [rule({ to: ['a@example.com'] })] }).organizations,
    ).toBeUndefined();
  });

  it('names each problem with its path: an owner that is not an address, a malformed OU path, a tag filter with no values, a bad account id', () => {
    expect(
      issuesOf({
        ...base,
        accounts: { '111122223333': { owners: ['payments team'], ou: 'Production//Payments' }, '12345': { name: 'short' } },
        organizations: { enabled: true, cache: 'often' },
        rules: [rule({ to: ['owners'] }, { ous: ['Root/'], account_tags: { env: [] } })],
      }),
    ).toEqual(
      expect.arrayContaining([
        'accounts.111122223333.owners[0]: expected an email address',
        'accounts.111122223333.ou: expected an OU path from the root like "Root/Production" (no empty parts)',
        'accounts.12345: expected accounts by their 12-digit AWS account ids',
        'organizations.cache: expected a duration like "15d"',
        'rules[0].match.ous[0]: expected an OU id like "ou-ab12-34cd56ef" or a path from the root like "Root/Production" (no empty parts)',
        'rules[0].match.account_tags.env: expected at least one allowed value for this tag',
      ]),
    );
  });

  it('allows a fallback only beside owners, and only addresses or destinations in it', () => {
    expect(issuesOf({ ...base, rules: [rule({ to: ['a@example.com'], fallback: ['b@example.com'] })] })).toEqual([
      'rules[0].notify.fallback: a fallback only applies when "to" names owners',
    ]);
    expect(issuesOf({ ...base, rules: [rule({ to: ['owners'], fallback: ['owners'] })] })).toEqual([
      'rules[0].notify.fallback[0]: "owners" cannot stand in for itself here; list addresses',
    ]);
  });

  it('warns about a rule that sends to owners only with no fallback', () => {
    const policy = validatePolicy({ ...base, rules: [rule({ to: ['owners'] })] });
    expect(policyWarnings(policy, new Date())).toEqual([
      'rules[0].notify: sends to owners only and has no fallback: findings of accounts without owners reach nobody',
    ]);
  });
});

describe('recipients that name destinations', () => {
  const destinations = { 'secops-slack': { type: 'slack', webhook: { secret: 'SLACK_SECOPS_WEBHOOK' } } };

  it('accepts a destination of the policy by name', () => {
    expect(issuesOf({ ...base, destinations, rules: [rule({ to: ['secops-slack', 'owners', 'a@example.com'] })] })).toEqual([]);
  });

  it('rejects a name that is no destination, listing the ones there are', () => {
    expect(issuesOf({ ...base, destinations, rules: [rule({ to: ['secops-slak'] })] })).toEqual([
      'rules[0].notify.to[0]: "secops-slak" is neither an email address, "owners", nor a destination of this policy (destinations: secops-slack)',
    ]);
  });

  it('rejects a destination in a digest rule: digests go to addresses and owners', () => {
    expect(issuesOf({ ...base, destinations, rules: [rule({ to: ['secops-slack'], digest: {} })] })).toEqual([
      'rules[0].notify.to[0]: "secops-slack" is a destination; digests go to email addresses and owners',
    ]);
  });
});

describe('digest rules', () => {
  it('take the schedule with its defaults', () => {
    const policy = validatePolicy({
      ...base,
      rules: [rule({ to: ['a@example.com'], digest: { every: '1w', timezone: 'Europe/Madrid' } })],
    });
    expect(policy.rules[0]?.notify.digest).toMatchObject({
      schedule: { every: '1w', at: '08:00', timeZone: 'Europe/Madrid', weekday: 'monday' },
      maxItems: 50,
      sendEmpty: false,
    });
  });

  it('refuse what belongs to rules that notify each finding, and an unknown time zone', () => {
    expect(issuesOf({ ...base, rules: [rule({ to: ['a@example.com'], every: '1d', digest: { timezone: 'Mars/Olympus' } })] })).toEqual(
      expect.arrayContaining([
        'rules[0].notify.every: a digest rule collects findings into its digest; "every" belongs to rules that notify each finding (write a second rule)',
        expect.stringMatching(/^rules\[0\]\.notify\.digest\.timezone: /),
      ]),
    );
  });
});

describe('snoozes and escalation', () => {
  it('read a date as the start of that day in UTC, and require a reason', () => {
    const policy = validatePolicy({
      ...base,
      snoozes: [{ match: { controls: ['S3.8'], accounts: ['444455556666'] }, until: '2027-03-31', reason: 'public website bucket' }],
      rules: [rule({ to: ['a@example.com'] })],
    });
    expect(policy.snoozes[0]).toEqual({
      match: { controls: ['S3.8'], accounts: ['444455556666'] },
      until: '2027-03-31T00:00:00.000Z',
      reason: 'public website bucket',
    });
    expect(issuesOf({ ...base, snoozes: [{ match: {}, until: 'someday' }], rules: [rule({ to: ['a@example.com'] })] })).toEqual(
      expect.arrayContaining([
        'snoozes[0].until: expected a date like 2027-03-31 or an ISO-8601 time',
        'snoozes[0].reason: expected a reason: why the finding may stay quiet until then',
      ]),
    );
  });

  it('warns about a snooze that has lapsed', () => {
    const policy = validatePolicy({
      ...base,
      snoozes: [{ match: {}, until: '2026-01-01', reason: 'q4' }],
      rules: [rule({ to: ['a@example.com'] })],
    });
    expect(policyWarnings(policy, new Date('2026-02-01T00:00:00Z'))).toEqual([
      'snoozes[0]: lapsed on 2026-01-01T00:00:00.000Z ("q4"); remove it or set a later date',
    ]);
    expect(policyWarnings(policy, new Date('2025-12-01T00:00:00Z'))).toEqual([]);
  });

  it('orders escalation steps by how long open, and checks their recipients', () => {
    const policy = validatePolicy({
      ...base,
      rules: [
        rule({
          to: ['a@example.com'],
          escalate: [
            { after: '60d', to: ['cto@example.com'] },
            { after: '30d', to: ['ciso@example.com'] },
          ],
        }),
      ],
    });
    expect(policy.rules[0]?.notify.escalate.map((step) => step.after)).toEqual(['30d', '60d']);
    expect(issuesOf({ ...base, rules: [rule({ to: ['a@example.com'], escalate: [{ after: '30d', to: ['nobody'] }] })] })).toEqual([
      'rules[0].notify.escalate[0].to[0]: "nobody" is neither an email address, "owners", nor a destination of this policy (destinations: none)',
    ]);
  });
});
