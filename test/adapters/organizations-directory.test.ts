import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { OrganizationsSettings } from '../../src/adapters/organizations/organizations-client.js';
import { OrganizationsDirectory } from '../../src/adapters/organizations/organizations-directory.js';
import { DIRECTORY_ACTIONS } from '../../src/adapters/organizations/translate-error.js';
import { ConfigurationError } from '../../src/core/errors.js';
import { FakeOrganizations, type FakeOrganizationsOptions } from '../support/fake-organizations.js';
import { repoRoot } from '../support/fixtures.js';
import { pacedOrganizationsFor } from '../support/organizations-client.js';

/**
 * Root (owner: cloud@) ── Production (owner: prod-a@, prod-b@) ── Payments ── payments-prod (owner: pay@)
 *                      │                                       └─ ledger
 *                      └─ Sandbox ── sandbox-1;  and shared-services right under the root.
 */
async function organization(options: FakeOrganizationsOptions = {}) {
  const fake = await FakeOrganizations.start({ rate: false, ...options });
  fake.setTags(fake.rootId, { owner: 'cloud@example.com' });
  const production = fake.addOu(fake.rootId, 'Production', { owner: 'prod-a@example.com prod-b@example.com' });
  const payments = fake.addOu(production, 'Payments', { 'cost-center': 'cc-7' });
  const sandbox = fake.addOu(fake.rootId, 'Sandbox');
  const ids = {
    paymentsProd: fake.addAccount(payments, 'payments-prod', { owner: 'pay@example.com', env: 'prod' }, '111122223333'),
    ledger: fake.addAccount(payments, 'ledger', {}, '111122224444'),
    sandbox: fake.addAccount(sandbox, 'sandbox-1', { owner: 'not an address' }, '111122225555'),
    shared: fake.addAccount(fake.rootId, 'shared-services', {}, '111122226666'),
  };
  return { fake, ou: { production, payments, sandbox }, ids };
}

describe('the live account directory (AWS Organizations through the real SDK)', () => {
  let fake: FakeOrganizations | undefined;
  afterEach(async () => {
    await fake?.stop();
    fake = undefined;
  });

  function directoryFor(url: string, settings: OrganizationsSettings = {}, ownerTag = 'owner') {
    return new OrganizationsDirectory({ organizations: pacedOrganizationsFor(url, settings), ownerTag });
  }

  it('resolves an account in nested OUs: its name, its path of ids and names from the root, its tags and its own owners', async () => {
    const org = await organization();
    fake = org.fake;

    const info = await directoryFor(fake.url).lookup(org.ids.paymentsProd);

    expect(info).toEqual({
      id: org.ids.paymentsProd,
      name: 'payments-prod',
      ouIds: [fake.rootId, org.ou.production, org.ou.payments],
      ouPath: 'Root/Production/Payments',
      tags: { owner: 'pay@example.com', env: 'prod' },
      owners: ['pay@example.com'],
    });
  });

  it('inherits owners from the nearest ancestor that names some: the OU above, else the root', async () => {
    const org = await organization();
    fake = org.fake;
    const directory = directoryFor(fake.url);

    const ledger = await directory.lookup(org.ids.ledger);
    const sandbox = await directory.lookup(org.ids.sandbox);
    const shared = await directory.lookup(org.ids.shared);
    fake.setTags(fake.rootId, {});
    const orphan = await directory.lookup(org.ids.shared);

    expect(ledger?.owners).toEqual(['prod-a@example.com', 'prod-b@example.com']);
    expect(sandbox?.owners).toEqual(['cloud@example.com']);
    expect(shared).toMatchObject({ ouIds: [fake.rootId], ouPath: 'Root', owners: ['cloud@example.com'] });
    expect(orphan?.owners).toEqual([]);
  });

  it('reads the owner tag the policy names', async () => {
    const org = await organization();
    fake = org.fake;
    fake.setTags(org.ou.payments, { 'security-contact': 'sec-pay@example.com' });

    const info = await directoryFor(fake.url, {}, 'security-contact').lookup(org.ids.paymentsProd);

    expect(info?.owners).toEqual(['sec-pay@example.com']);
  });

  it('makes one call per question: DescribeAccount, then ListParents, DescribeOrganizationalUnit and ListTagsForResource up to the root', async () => {
    const org = await organization();
    fake = org.fake;

    await directoryFor(fake.url).lookup(org.ids.paymentsProd);

    expect(fake.calls).toEqual({
      DescribeAccount: 1,
      ListParents: 3,
      DescribeOrganizationalUnit: 2,
      ListRoots: 1,
      ListTagsForResource: 4,
      ListOrganizationalUnitsForParent: 0,
      ListAccountsForParent: 0,
    });
  });

  it('knows nothing of an account outside the organization, and does not ask about what is not an account id', async () => {
    const org = await organization();
    fake = org.fake;
    const directory = directoryFor(fake.url);

    const unknown = await directory.lookup('999988887777');
    const before = fake.totalCalls();
    const malformed = await directory.lookup('not-an-account');

    expect(unknown).toBeUndefined();
    expect(malformed).toBeUndefined();
    expect(fake.totalCalls()).toBe(before);
  });

  it.each([
    ['AccessDeniedException', /AccessDeniedException/],
    ['AWSOrganizationsNotInUseException', /AWSOrganizationsNotInUseException/],
  ] as const)('turns %s into a ConfigurationError naming where it must run and the IAM actions it needs', async (refusal, code) => {
    const org = await organization();
    fake = org.fake;
    fake.refusal = refusal;

    const error = await directoryFor(fake.url)
      .lookup(org.ids.ledger)
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(code);
    expect((error as Error).message).toMatch(/management account or from a delegated administrator account/);
    for (const action of DIRECTORY_ACTIONS) expect((error as Error).message).toContain(action);
  });

  it('rides out throttling (TooManyRequestsException, retried with backoff) and still resolves every account correctly', async () => {
    const org = await organization({ rate: { perSecond: 50, burst: 5 } });
    fake = org.fake;
    const organizations = pacedOrganizationsFor(fake.url, { retry: { maxAttempts: 10, baseMs: 50, capMs: 500 } });
    const directory = new OrganizationsDirectory({ organizations, ownerTag: 'owner' });

    const infos = [];
    for (const id of Object.values(org.ids)) infos.push(await directory.lookup(id));

    expect(fake.throttledByRate).toBeGreaterThan(0);
    expect(organizations.stats.throttled).toBe(fake.throttledByRate);
    expect(infos.map((info) => `${info?.name} ${info?.ouPath} ${info?.owners.join(',')}`)).toEqual([
      'payments-prod Root/Production/Payments pay@example.com',
      'ledger Root/Production/Payments prod-a@example.com,prod-b@example.com',
      'sandbox-1 Root/Sandbox cloud@example.com',
      'shared-services Root cloud@example.com',
    ]);
  });

  it('reads the whole tree over many pages (empty ones too) into the same accounts the lazy lookups give', async () => {
    const org = await organization({ emptyPageEvery: 3, tagsPerPage: 1 });
    fake = org.fake;
    const wide = fake.addOu(fake.rootId, 'Wide', { owner: 'wide@example.com' });
    for (let i = 0; i < 25; i++) fake.addOu(wide, `team-${i}`);
    for (let i = 0; i < 45; i++) fake.addAccount(wide, `wide-${i}`, { n: String(i), env: 'dev' });
    const directory = directoryFor(fake.url);

    const tree = await directory.tree();

    expect(tree.nodes).toHaveLength(1 + 3 + 1 + 25);
    expect(tree.accounts).toHaveLength(4 + 45);
    expect(tree.accounts.find((account) => account.id === org.ids.paymentsProd)).toEqual(await directory.account(org.ids.paymentsProd));
    expect(tree.nodes.find((node) => node.id === org.ou.production)).toEqual(await directory.node(org.ou.production));
    expect(tree.nodes[0]).toEqual({ id: fake.rootId, name: 'Root', tags: { owner: 'cloud@example.com' } });
    expect(fake.rejected).toEqual([]);
  });

  it('calls only the IAM actions docs/routing.md lists, and the documentation lists them all', async () => {
    const org = await organization();
    fake = org.fake;
    const directory = directoryFor(fake.url);

    await directory.lookup(org.ids.ledger);
    await directory.tree();
    const called = Object.entries(fake.calls)
      .filter(([, count]) => count > 0)
      .map(([operation]) => `organizations:${operation}`);
    const documented = readFileSync(join(repoRoot, 'docs/routing.md'), 'utf8');

    expect(called.sort()).toEqual([...DIRECTORY_ACTIONS].sort());
    for (const action of DIRECTORY_ACTIONS) expect(documented).toContain(action);
  });
});
