import { OrganizationsClient } from '@aws-sdk/client-organizations';
import {
  createOrganizationsClient,
  type OrganizationsSettings,
  type PacedOrganizations,
} from '../../src/adapters/organizations/organizations-client.js';
import { FAKE_CREDENTIALS } from './securityhub-client.js';

/** The project's Organizations client, pointed at the fake: unpaced and a single attempt unless a test says otherwise. */
export function pacedOrganizationsFor(url: string, settings: OrganizationsSettings = {}): PacedOrganizations {
  return createOrganizationsClient({
    endpoint: url,
    credentials: FAKE_CREDENTIALS,
    rate: { perSecond: 10_000, burst: 10_000 },
    retry: { maxAttempts: 1, baseMs: 1, capMs: 1 },
    ...settings,
  });
}

/** A bare SDK client with no retries, for tests of the fake itself. */
export function rawOrganizationsFor(url: string, region = 'us-east-1'): OrganizationsClient {
  return new OrganizationsClient({ region, endpoint: url, credentials: FAKE_CREDENTIALS, maxAttempts: 1 });
}
