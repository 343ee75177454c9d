import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSecurityHubClient } from '../../src/adapters/securityhub/securityhub-client.js';
import { SecurityHubReader } from '../../src/adapters/securityhub/securityhub-reader.js';
import { type FindingQuery, lookupQuery, scanQuery } from '../../src/core/security-hub/queries.js';
import { asff } from '../builders/asff.js';
import { FakeSecurityHub } from '../support/fake-securityhub.js';
import { pacedClientFor } from '../support/securityhub-client.js';

const fast = { rate: { perSecond: 10_000, burst: 100 }, retry: { maxAttempts: 5, baseMs: 1, capMs: 5 } };
const ids = (n: number) => Array.from({ length: n }, (_, i) => `finding-${String(i).padStart(3, '0')}`);

describe('SecurityHubReader against the fake Security Hub', () => {
  let fake: FakeSecurityHub;

  beforeAll(async () => {
    fake = await FakeSecurityHub.start({ rates: { getFindings: false } });
    fake.putAsff(ids(150).map((id) => asff({ id })));
  });
  afterAll(() => fake.stop());

  it('reads a page of findings by id and counts the call', async () => {
    const reader = new SecurityHubReader(pacedClientFor(fake.url, fast));

    const page = await reader.page(lookupQuery('asff', ids(20)));

    expect(page.findings).toHaveLength(20);
    expect(page.nextToken).toBeUndefined();
    expect(reader.calls).toBe(1);
  });

  it('retries throttled and failed calls with backoff, then returns the page', async () => {
    const reader = new SecurityHubReader(pacedClientFor(fake.url, fast));
    fake.inject('throttle', 2);
    fake.inject('internal', 1);
    fake.inject('reset', 1);

    const page = await reader.page(scanQuery('asff', {}));

    expect(page.findings).toHaveLength(100);
    expect(reader.calls).toBe(5);
    expect(reader.throttled).toBe(2);
  });

  it('gives up with a TransientError once throttling outlasts the retries', async () => {
    const reader = new SecurityHubReader(pacedClientFor(fake.url, fast));
    fake.inject('throttle', 5);

    await expect(reader.page(lookupQuery('asff', ['finding-000']))).rejects.toMatchObject({ name: 'TransientError' });
    expect(reader.calls).toBe(5);
  });

  it('turns a refused request into SecurityHubError with the API code, without retrying', async () => {
    const reader = new SecurityHubReader(pacedClientFor(fake.url, fast));

    const refused = reader.page(lookupQuery('asff', ['finding-000']), 'not-a-token');

    await expect(refused).rejects.toMatchObject({ name: 'SecurityHubError', code: 'InvalidInputException' });
    expect(reader.calls).toBe(1);
  });

  it('refuses to send a query beyond the documented limits', async () => {
    const reader = new SecurityHubReader(pacedClientFor(fake.url, fast));
    const before = fake.calls.GetFindings;
    const query: FindingQuery = {
      api: 'asff',
      request: { Filters: { Id: ids(21).map((Value) => ({ Value, Comparison: 'EQUALS' as const })) }, MaxResults: 100 },
    };

    await expect(reader.page(query)).rejects.toMatchObject({
      name: 'SecurityHubError',
      message: expect.stringMatching(/21 values for Id/),
    });
    expect(fake.calls.GetFindings).toBe(before);
  });
});

describe('the Security Hub client', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('honours AWS_ENDPOINT_URL_SECURITYHUB and the standard credential and region settings', async () => {
    const fake = await FakeSecurityHub.start({ rates: { getFindings: false } });
    try {
      fake.putAsff([asff({ id: 'via-endpoint-variable' })]);
      Object.assign(process.env, {
        AWS_ENDPOINT_URL_SECURITYHUB: fake.url,
        AWS_REGION: 'eu-west-1',
        AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      });
      const reader = new SecurityHubReader(createSecurityHubClient({ retry: fast.retry }));

      const page = await reader.page(lookupQuery('asff', ['via-endpoint-variable']));

      expect(page.findings).toHaveLength(1);
      expect(fake.calls.GetFindings).toBe(1);
    } finally {
      await fake.stop();
    }
  });
});
