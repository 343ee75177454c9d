import { DescribeAccountCommand, ListRootsCommand, ListTagsForResourceCommand } from '@aws-sdk/client-organizations';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createOrganizationsClient, ORGANIZATIONS_RATE } from '../../src/adapters/organizations/organizations-client.js';
import { FakeOrganizations } from '../support/fake-organizations.js';
import { fakeLimiterClock } from '../support/limiter-clock.js';
import { pacedOrganizationsFor } from '../support/organizations-client.js';
import { FAKE_CREDENTIALS } from '../support/securityhub-client.js';

/** No region from the environment or a profile, and the fake's credentials in the environment. */
function withoutConfiguredRegion(): void {
  vi.stubEnv('AWS_REGION', undefined);
  vi.stubEnv('AWS_DEFAULT_REGION', undefined);
  vi.stubEnv('AWS_PROFILE', undefined);
  vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/aws-config');
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/aws-credentials');
  vi.stubEnv('AWS_ACCESS_KEY_ID', FAKE_CREDENTIALS.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', FAKE_CREDENTIALS.secretAccessKey);
}

describe('the Organizations client', () => {
  let fake: FakeOrganizations | undefined;
  afterEach(async () => {
    vi.unstubAllEnvs();
    await fake?.stop();
    fake = undefined;
  });

  it('signs for us-east-1 when no region is configured, and finds the fake through AWS_ENDPOINT_URL_ORGANIZATIONS', async () => {
    fake = await FakeOrganizations.start({ rate: false });
    withoutConfiguredRegion();
    vi.stubEnv('AWS_ENDPOINT_URL_ORGANIZATIONS', fake.url);
    const { client } = createOrganizationsClient();

    const roots = await client.send(new ListRootsCommand({}));

    expect(roots.Roots?.[0]?.Id).toBe(fake.rootId);
    expect(fake.signedFor).toEqual(['us-east-1']);
    client.destroy();
  });

  it('keeps a configured region, which the SDK sends to the one endpoint of the partition', async () => {
    withoutConfiguredRegion();
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    const { client } = createOrganizationsClient();

    const region = await client.config.region();
    const endpoint = await client.config.endpointProvider({ Region: region, UseFIPS: false, UseDualStack: false });

    expect(region).toBe('eu-west-1');
    expect(endpoint.url.href).toBe('https://organizations.us-east-1.amazonaws.com/');
    expect(endpoint.properties?.authSchemes).toMatchObject([{ signingRegion: 'us-east-1' }]);
    client.destroy();
  });

  it('retries TooManyRequestsException, which Organizations sends as HTTP 400, with growing backoff, and counts each attempt', async () => {
    fake = await FakeOrganizations.start({ rate: false });
    const { client, stats } = pacedOrganizationsFor(fake.url, { retry: { maxAttempts: 4, baseMs: 40, capMs: 1_000 }, random: () => 0.999 });
    fake.inject('throttle', 3, 'ListRoots');

    const started = performance.now();
    const roots = await client.send(new ListRootsCommand({}));
    const elapsed = performance.now() - started;

    expect(roots.Roots).toHaveLength(1);
    expect(stats).toMatchObject({ calls: 4, throttled: 3, byOperation: { ListRootsCommand: 4 } });
    // Backoff before retries 1, 2 and 3: just under 40, 80 and 160 ms.
    expect(elapsed).toBeGreaterThanOrEqual(270);
    client.destroy();
  });

  it('gives up after its last attempt with the throttling error, and does not retry what retrying cannot fix', async () => {
    fake = await FakeOrganizations.start({ rate: false });
    const { client, stats } = pacedOrganizationsFor(fake.url, { retry: { maxAttempts: 3, baseMs: 1, capMs: 2 } });
    fake.inject('throttle', 3);

    await expect(client.send(new ListRootsCommand({}))).rejects.toMatchObject({ name: 'TooManyRequestsException' });
    await expect(client.send(new DescribeAccountCommand({ AccountId: '999999999999' }))).rejects.toMatchObject({
      name: 'AccountNotFoundException',
    });

    expect(stats.calls).toBe(4);
    client.destroy();
  });

  it('retries a service error and a dropped connection', async () => {
    fake = await FakeOrganizations.start({ rate: false });
    const { client, stats } = pacedOrganizationsFor(fake.url, { retry: { maxAttempts: 3, baseMs: 1, capMs: 2 } });
    fake.inject('internal', 1);
    fake.inject('reset', 1);

    const roots = await client.send(new ListRootsCommand({}));

    expect(roots.Roots).toHaveLength(1);
    expect(stats.calls).toBe(3);
    client.destroy();
  });

  it('paces every operation through one bucket at the Organizations rate: never more than burst + rate × t in t seconds', async () => {
    const clock = fakeLimiterClock();
    fake = await FakeOrganizations.start({ rate: false, now: clock.now });
    const account = fake.addAccount(fake.rootId, 'paced');
    const { client, stats } = pacedOrganizationsFor(fake.url, { rate: ORGANIZATIONS_RATE, clock });
    const arrivals: number[] = [];

    for (let i = 0; i < 40; i++) {
      const command = i % 2 ? new ListTagsForResourceCommand({ ResourceId: account }) : new DescribeAccountCommand({ AccountId: account });
      await client.send(command as never);
      arrivals.push(clock.time);
    }

    const { perSecond, burst } = ORGANIZATIONS_RATE;
    for (let i = 0; i < arrivals.length; i++)
      for (let j = i; j < arrivals.length; j++)
        expect(j - i + 1).toBeLessThanOrEqual(burst + (perSecond * (arrivals[j]! - arrivals[i]!)) / 1000 + 1e-6);
    expect(clock.time).toBeCloseTo(((40 - burst) / perSecond) * 1000, 3);
    expect(stats.byOperation).toEqual({ DescribeAccountCommand: 20, ListTagsForResourceCommand: 20 });
    client.destroy();
  });
});
