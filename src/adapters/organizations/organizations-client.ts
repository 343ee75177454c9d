import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { loadConfig, NODE_REGION_CONFIG_FILE_OPTIONS, NODE_REGION_CONFIG_OPTIONS } from '@smithy/core/config';
import { type PacedClientSettings, sdkClientConfig } from '../aws/client-settings.js';
import { addPacing, type CallStats, emptyCallStats } from '../aws/pacing.js';
import { ORGANIZATIONS_RETRY } from '../aws/retry.js';
import { type RateLimit, realClock, TokenBucket } from '../aws/token-bucket.js';

/**
 * The pace of every Organizations request of a process, all operations
 * together: 5 per second, bursts of 10. Organizations answers a faster
 * caller with TooManyRequestsException (HTTP 400), and its budget belongs
 * to the management account, shared with every other tool there; the SDK's
 * retry strategy retries what is throttled anyway. docs/routing.md says
 * what these figures rest on.
 */
export const ORGANIZATIONS_RATE: RateLimit = { perSecond: 5, burst: 10 };

/**
 * Organizations is a global service: in the aws partition its one endpoint
 * is in us-east-1, whatever region the caller is configured for.
 */
export const ORGANIZATIONS_HOME_REGION = 'us-east-1';

/** The region defaults to the standard AWS region chain, else us-east-1. */
export interface OrganizationsSettings extends PacedClientSettings {
  /** Defaults to ORGANIZATIONS_RATE. */
  rate?: RateLimit;
}

/** An Organizations client with its pacing and the count of its calls. */
export interface PacedOrganizations {
  client: OrganizationsClient;
  stats: CallStats;
}

/**
 * The one Organizations client of a process: the SDK's standard retry
 * strategy (which classifies TooManyRequestsException as throttling and
 * backs off), and in its middleware one token bucket for every operation
 * and the count of every attempt. Without a configured region it signs for
 * us-east-1, where the service lives; a region from AWS_REGION or a profile
 * is kept, since the SDK maps any region of a partition to its one endpoint.
 */
export function createOrganizationsClient(settings: OrganizationsSettings = {}): PacedOrganizations {
  const client = new OrganizationsClient({
    region: settings.region ?? configuredRegionOrHome(),
    ...sdkClientConfig(settings, ORGANIZATIONS_RETRY),
  });
  const bucket = new TokenBucket(settings.rate ?? ORGANIZATIONS_RATE, settings.clock ?? realClock);
  const stats = emptyCallStats();
  addPacing(client.middlewareStack, { stats, bucketFor: () => bucket, onFailedAttempt: settings.onFailedAttempt });
  return { client, stats };
}

/** The region the standard chain names (AWS_REGION, or the profile's `region`), or us-east-1 when it names none. */
function configuredRegionOrHome(): () => Promise<string> {
  const configured = loadConfig(NODE_REGION_CONFIG_OPTIONS, NODE_REGION_CONFIG_FILE_OPTIONS);
  return async () => {
    try {
      return (await configured()) || ORGANIZATIONS_HOME_REGION;
    } catch {
      return ORGANIZATIONS_HOME_REGION;
    }
  };
}
