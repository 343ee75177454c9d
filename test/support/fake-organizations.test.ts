import {
  DescribeAccountCommand,
  DescribeOrganizationalUnitCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListParentsCommand,
  ListRootsCommand,
  ListTagsForResourceCommand,
  type OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeOrganizations } from './fake-organizations.js';
import { rawOrganizationsFor } from './organizations-client.js';

/** Calls the SDK and returns what it threw, so a test can assert the error AWS would give. */
async function failure(promise: Promise<unknown>): Promise<{ name: string; status?: number; message: string; Reason?: string }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; message: string; Reason?: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message, Reason: e.Reason };
  }
  throw new Error('expected the call to fail');
}

describe('the fake AWS Organizations, driven by the real AWS SDK', () => {
  let fake: FakeOrganizations;
  let client: OrganizationsClient;
  let production: string;
  let payments: string;
  const members: string[] = [];

  beforeAll(async () => {
    fake = await FakeOrganizations.start({ rate: false, tagsPerPage: 3 });
    client = rawOrganizationsFor(fake.url);
    production = fake.addOu(fake.rootId, 'Production', { owner: 'prod@example.com' });
    payments = fake.addOu(production, 'Payments');
    for (let i = 0; i < 45; i++) members.push(fake.addAccount(payments, `payments-${i}`, { team: `t${i}` }));
  });
  afterAll(async () => {
    client.destroy();
    await fake.stop();
  });
  afterEach(() => {
    fake.refusal = undefined;
  });

  it('pages through ListAccountsForParent with NextToken, 20 accounts at most per page, with their names', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await client.send(new ListAccountsForParentCommand({ ParentId: payments, MaxResults: 20, NextToken: token }));
      expect(page.Accounts!.length).toBeLessThanOrEqual(20);
      seen.push(...page.Accounts!.map((account) => `${account.Id} ${account.Name}`));
      token = page.NextToken;
      pages++;
    } while (token);

    expect(pages).toBe(3);
    expect(seen).toEqual(members.map((id, i) => `${id} payments-${i}`));
  });

  it.each([
    ['ListAccountsForParent', () => new ListAccountsForParentCommand({ ParentId: payments, MaxResults: 21 })],
    ['ListOrganizationalUnitsForParent', () => new ListOrganizationalUnitsForParentCommand({ ParentId: fake.rootId, MaxResults: 21 })],
    ['ListParents', () => new ListParentsCommand({ ChildId: payments, MaxResults: 21 })],
    ['ListRoots', () => new ListRootsCommand({ MaxResults: 21 })],
  ])('refuses MaxResults 21 on %s with InvalidInputException (HTTP 400, MAX_VALUE_EXCEEDED), as AWS does', async (_name, command) => {
    expect(await failure(client.send(command() as never))).toMatchObject({
      name: 'InvalidInputException',
      status: 400,
      Reason: 'MAX_VALUE_EXCEEDED',
    });
  });

  it('refuses MaxResults 0 and a NextToken from another listing', async () => {
    expect(await failure(client.send(new ListAccountsForParentCommand({ ParentId: payments, MaxResults: 0 })))).toMatchObject({
      name: 'InvalidInputException',
      Reason: 'MIN_VALUE_EXCEEDED',
    });
    const first = await client.send(new ListAccountsForParentCommand({ ParentId: payments, MaxResults: 5 }));
    const elsewhere = new ListOrganizationalUnitsForParentCommand({ ParentId: fake.rootId, NextToken: first.NextToken });
    expect(await failure(client.send(elsewhere))).toMatchObject({ name: 'InvalidInputException', Reason: 'INVALID_NEXT_TOKEN' });
  });

  it('walks up the tree: ListParents names each parent and its type, DescribeOrganizationalUnit and ListRoots their names', async () => {
    const ofAccount = await client.send(new ListParentsCommand({ ChildId: members[0] }));
    const ofPayments = await client.send(new ListParentsCommand({ ChildId: payments }));
    const ofProduction = await client.send(new ListParentsCommand({ ChildId: production }));
    const unit = await client.send(new DescribeOrganizationalUnitCommand({ OrganizationalUnitId: payments }));
    const roots = await client.send(new ListRootsCommand({}));

    expect(ofAccount.Parents).toEqual([{ Id: payments, Type: 'ORGANIZATIONAL_UNIT' }]);
    expect(ofPayments.Parents).toEqual([{ Id: production, Type: 'ORGANIZATIONAL_UNIT' }]);
    expect(ofProduction.Parents).toEqual([{ Id: fake.rootId, Type: 'ROOT' }]);
    expect(unit.OrganizationalUnit).toMatchObject({ Id: payments, Name: 'Payments' });
    expect(roots.Roots).toMatchObject([{ Id: fake.rootId, Name: 'Root' }]);
    expect(fake.rootId).toMatch(/^r-[0-9a-z]{4,32}$/);
    expect(payments).toMatch(/^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/);
  });

  it('lists the OUs of a parent, and describes an account with its name and join date', async () => {
    const units = await client.send(new ListOrganizationalUnitsForParentCommand({ ParentId: fake.rootId }));
    const { Account } = await client.send(new DescribeAccountCommand({ AccountId: members[3] }));

    expect(units.OrganizationalUnits).toMatchObject([{ Id: production, Name: 'Production' }]);
    expect(Account).toMatchObject({ Id: members[3], Name: 'payments-3', Status: 'ACTIVE' });
    expect(Account?.JoinedTimestamp).toBeInstanceOf(Date);
  });

  it('pages through the tags of an account, an OU and the root', async () => {
    fake.setTags(members[1]!, { a: '1', b: '2', c: '3', d: '4', e: '5' });
    const tags: string[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(new ListTagsForResourceCommand({ ResourceId: members[1], NextToken: token }));
      expect(page.Tags!.length).toBeLessThanOrEqual(3);
      tags.push(...page.Tags!.map((tag) => `${tag.Key}=${tag.Value}`));
      token = page.NextToken;
    } while (token);
    const ou = await client.send(new ListTagsForResourceCommand({ ResourceId: production }));
    const root = await client.send(new ListTagsForResourceCommand({ ResourceId: fake.rootId }));

    expect(tags).toEqual(['a=1', 'b=2', 'c=3', 'd=4', 'e=5']);
    expect(ou.Tags).toEqual([{ Key: 'owner', Value: 'prod@example.com' }]);
    expect(root.Tags).toEqual([]);
  });

  it('answers unknown ids with the not-found error of each operation, and malformed ids with InvalidInputException', async () => {
    expect(await failure(client.send(new DescribeAccountCommand({ AccountId: '999999999999' })))).toMatchObject({
      name: 'AccountNotFoundException',
      status: 400,
    });
    expect(await failure(client.send(new DescribeAccountCommand({ AccountId: 'not-an-account' })))).toMatchObject({
      name: 'InvalidInputException',
      Reason: 'INVALID_PATTERN',
    });
    expect(await failure(client.send(new ListParentsCommand({ ChildId: '999999999999' })))).toMatchObject({
      name: 'ChildNotFoundException',
    });
    expect(await failure(client.send(new ListParentsCommand({ ChildId: fake.rootId })))).toMatchObject({ name: 'InvalidInputException' });
    expect(await failure(client.send(new ListTagsForResourceCommand({ ResourceId: '999999999999' })))).toMatchObject({
      name: 'TargetNotFoundException',
    });
    expect(await failure(client.send(new DescribeOrganizationalUnitCommand({ OrganizationalUnitId: 'ou-a1b2-zzzzzzzz' })))).toMatchObject({
      name: 'OrganizationalUnitNotFoundException',
    });
    expect(await failure(client.send(new ListAccountsForParentCommand({ ParentId: 'ou-a1b2-zzzzzzzz' })))).toMatchObject({
      name: 'ParentNotFoundException',
    });
  });

  it('moves an account to another OU: its parent and both listings change', async () => {
    const staging = fake.addOu(fake.rootId, 'Staging');
    const moved = fake.addAccount(payments, 'moving');

    fake.moveAccount(moved, staging);

    expect((await client.send(new ListParentsCommand({ ChildId: moved }))).Parents).toEqual([{ Id: staging, Type: 'ORGANIZATIONAL_UNIT' }]);
    expect((await client.send(new ListAccountsForParentCommand({ ParentId: staging }))).Accounts?.map((a) => a.Id)).toEqual([moved]);
    fake.removeAccount(moved);
  });

  it('refuses every request with AccessDeniedException or AWSOrganizationsNotInUseException while told to', async () => {
    fake.refusal = 'AccessDeniedException';
    const denied = await failure(client.send(new ListRootsCommand({})));
    fake.refusal = 'AWSOrganizationsNotInUseException';
    const notInUse = await failure(client.send(new DescribeAccountCommand({ AccountId: members[0] })));

    expect(denied).toMatchObject({ name: 'AccessDeniedException', status: 400 });
    expect(notInUse).toMatchObject({ name: 'AWSOrganizationsNotInUseException', status: 400 });
  });

  it('fails on demand: throttling (HTTP 400), a service error (HTTP 500) and a dropped connection', async () => {
    fake.inject('throttle', 1, 'ListRoots');
    fake.inject('internal', 1, 'ListRoots');
    fake.inject('reset', 1, 'ListRoots');

    expect(await failure(client.send(new ListRootsCommand({})))).toMatchObject({ name: 'TooManyRequestsException', status: 400 });
    expect(await failure(client.send(new ListRootsCommand({})))).toMatchObject({ name: 'ServiceException', status: 500 });
    expect((await failure(client.send(new ListRootsCommand({})))).message).toMatch(/socket hang up|ECONNRESET/);
    expect((await client.send(new ListRootsCommand({}))).Roots).toHaveLength(1);
  });

  it('refuses a request signed for another region than us-east-1, where Organizations lives', async () => {
    const elsewhere = rawOrganizationsFor(fake.url, 'eu-west-1');

    const error = await failure(elsewhere.send(new ListRootsCommand({})));

    expect(error).toMatchObject({ name: 'InvalidSignatureException', status: 400 });
    expect(fake.signedFor.at(-1)).toBe('eu-west-1');
    elsewhere.destroy();
  });

  it('answers an unknown X-Amz-Target with UnknownOperationException, and counts calls per operation', async () => {
    const before = fake.calls.DescribeAccount;
    const response = await fetch(fake.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSOrganizationsV20161128.CreateAccount' },
      body: '{}',
    });
    await client.send(new DescribeAccountCommand({ AccountId: members[0] }));

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ __type: 'UnknownOperationException' });
    expect(fake.calls.DescribeAccount).toBe(before + 1);
  });
});

describe('the fake AWS Organizations under load and with its quirks', () => {
  it('throttles requests beyond its rate with TooManyRequestsException (HTTP 400) and counts them', async () => {
    let now = 0;
    const fake = await FakeOrganizations.start({ rate: { perSecond: 2, burst: 3 }, now: () => now });
    const client = rawOrganizationsFor(fake.url);

    const outcomes: string[] = [];
    for (let i = 0; i < 5; i++)
      outcomes.push(
        await client.send(new ListRootsCommand({})).then(
          () => 'ok',
          (error) => `${error.name} ${error.$metadata.httpStatusCode}`,
        ),
      );
    now += 1000;
    const afterASecond = await client.send(new ListRootsCommand({}));

    expect(outcomes).toEqual(['ok', 'ok', 'ok', 'TooManyRequestsException 400', 'TooManyRequestsException 400']);
    expect(afterASecond.Roots).toHaveLength(1);
    expect(fake.throttledByRate).toBe(2);
    expect(fake.calls.ListRoots).toBe(6);
    client.destroy();
    await fake.stop();
  });

  it('returns an empty page with a NextToken now and then, as the API reference warns, and the listing still completes', async () => {
    const fake = await FakeOrganizations.start({ rate: false, emptyPageEvery: 2 });
    const client = rawOrganizationsFor(fake.url);
    const ids = Array.from({ length: 50 }, (_, i) => fake.addAccount(fake.rootId, `a${i}`));

    const sizes: number[] = [];
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(new ListAccountsForParentCommand({ ParentId: fake.rootId, NextToken: token }));
      sizes.push(page.Accounts!.length);
      seen.push(...page.Accounts!.map((account) => account.Id!));
      token = page.NextToken;
    } while (token);

    expect(sizes).toContain(0);
    expect(seen).toEqual(ids);
    client.destroy();
    await fake.stop();
  });
});
