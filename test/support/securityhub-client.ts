import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import type { RetryPolicy } from '../../src/adapters/aws/retry.js';
import type { RateLimit } from '../../src/adapters/aws/token-bucket.js';
import { createSecurityHubClient, type PacedSecurityHub } from '../../src/adapters/securityhub/securityhub-client.js';

/** Fake credentials for clients pointed at local fakes. */
export const FAKE_CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

/** Pacing fast enough for tests: the fakes' own limits are switched off or generous. */
export interface TestPacing {
  rate?: RateLimit;
  retry?: RetryPolicy;
}

/** The project's Security Hub client, pointed at the fake, with test pacing (by default a single attempt). */
export function pacedClientFor(url: string, pacing: TestPacing = {}): PacedSecurityHub {
  return createSecurityHubClient({
    region: 'us-east-1',
    endpoint: url,
    credentials: FAKE_CREDENTIALS,
    rates: pacing.rate ? { getFindings: pacing.rate, batchUpdateFindings: pacing.rate } : {},
    retry: pacing.retry ?? { maxAttempts: 1, baseMs: 1, capMs: 1 },
  });
}

/** A bare SDK client with no retries, for tests of the fake itself. */
export function rawClientFor(url: string): SecurityHubClient {
  return new SecurityHubClient({ region: 'us-east-1', endpoint: url, credentials: FAKE_CREDENTIALS, maxAttempts: 1 });
}
