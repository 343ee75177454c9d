import { describe, expect, it } from 'vitest';
import {
  accountFromOrganization,
  isAccountId,
  mergeAccount,
  type OrganizationAccount,
  type OrganizationNode,
  ownersFromTag,
} from '../../src/core/account.js';

const root: OrganizationNode = { id: 'r-a1b2', name: 'Root', tags: { owner: 'cloud@example.com' } };
const production: OrganizationNode = { id: 'ou-a1b2-00000001', name: 'Production', parentId: 'r-a1b2', tags: {} };
const payments: OrganizationNode = {
  id: 'ou-a1b2-00000002',
  name: 'Payments',
  parentId: production.id,
  tags: { owner: 'payments@example.com', team: 'pay' },
};
const account = (tags: Record<string, string> = {}): OrganizationAccount => ({
  id: '123456789012',
  name: 'payments-prod',
  parentId: payments.id,
  tags,
});

describe('an account as the directory reports it', () => {
  it('has its name, and its path of ids and names from the root down to its parent', () => {
    const info = accountFromOrganization(account(), [payments, production, root], 'owner');

    expect(info).toMatchObject({
      id: '123456789012',
      name: 'payments-prod',
      ouIds: ['r-a1b2', 'ou-a1b2-00000001', 'ou-a1b2-00000002'],
      ouPath: 'Root/Production/Payments',
    });
  });

  it.each([
    [
      'its own owner tag wins over every ancestor',
      account({ owner: 'alice@example.com, bob@example.com' }),
      ['alice@example.com', 'bob@example.com'],
    ],
    ['without one, the nearest ancestor with the tag gives the owners', account(), ['payments@example.com']],
    ['a tag without a single address does not hide the ancestors', account({ owner: 'nobody yet' }), ['payments@example.com']],
  ])('owners: %s', (_what, accountWithTags, owners) => {
    expect(accountFromOrganization(accountWithTags, [payments, production, root], 'owner').owners).toEqual(owners);
  });

  it('skips ancestors without the tag up to the root, and has no owners when none has it', () => {
    const inProduction = { ...account(), parentId: production.id };

    expect(accountFromOrganization(inProduction, [production, root], 'owner').owners).toEqual(['cloud@example.com']);
    expect(accountFromOrganization(inProduction, [production, { ...root, tags: {} }], 'owner').owners).toEqual([]);
  });

  it('reads the tag named by the policy, and only tags the account or OU really has', () => {
    const tagged = account({ 'security-contact': 'sec@example.com' });

    expect(accountFromOrganization(tagged, [payments, root], 'security-contact').owners).toEqual(['sec@example.com']);
    expect(accountFromOrganization(account(), [payments, root], 'constructor').owners).toEqual([]);
    expect(accountFromOrganization(account(), [payments, root], '__proto__').owners).toEqual([]);
  });

  it('keeps the account tags only (not its ancestors), and no path for an account with no known ancestors', () => {
    const info = accountFromOrganization(account({ env: 'prod' }), [], 'owner');

    expect(info.tags).toEqual({ env: 'prod' });
    expect(info.ouIds).toEqual([]);
    expect(info).not.toHaveProperty('ouPath');
  });
});

describe('owner addresses in a tag value', () => {
  it('splits on commas, semicolons and white space, drops what is not an address and repeats', () => {
    expect(ownersFromTag(' a@example.com,b@example.com; c@example.com  a@example.com team-x <d@example.com>')).toEqual([
      'a@example.com',
      'b@example.com',
      'c@example.com',
    ]);
    expect(ownersFromTag(undefined)).toEqual([]);
    expect(ownersFromTag('')).toEqual([]);
  });
});

describe('an account id', () => {
  it('is twelve digits, nothing else', () => {
    expect(['123456789012', '000000000000'].map(isAccountId)).toEqual([true, true]);
    expect(['12345678901', '1234567890123', '12345678901a', '', ' 123456789012'].map(isAccountId)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});

describe('policy entries over what Organizations says', () => {
  const live = accountFromOrganization(account({ env: 'prod', owner: 'alice@example.com' }), [payments, production, root], 'owner');

  it('override field by field: name, owners, path; tags merged with the policy winning', () => {
    const merged = mergeAccount('123456789012', { name: 'Payments (prod)', tags: { env: 'production', tier: '1' } }, live);

    expect(merged).toEqual({
      id: '123456789012',
      name: 'Payments (prod)',
      ouIds: live.ouIds,
      ouPath: 'Root/Production/Payments',
      tags: { env: 'production', owner: 'alice@example.com', tier: '1' },
      owners: ['alice@example.com'],
    });
    expect(mergeAccount('123456789012', { owners: ['oncall@example.com'], ou: 'Root/Legacy' }, live)).toMatchObject({
      owners: ['oncall@example.com'],
      ouPath: 'Root/Legacy',
    });
  });

  it('without Organizations only the entry counts, and an account neither knows is unknown', () => {
    expect(mergeAccount('123456789012', { name: 'Payments', owners: ['a@example.com'] }, undefined)).toEqual({
      id: '123456789012',
      name: 'Payments',
      ouIds: [],
      tags: {},
      owners: ['a@example.com'],
    });
    expect(mergeAccount('123456789012', undefined, undefined)).toBeUndefined();
  });
});
