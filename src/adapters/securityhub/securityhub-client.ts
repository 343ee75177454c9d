import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { type PacedClientSettings, sdkClientConfig } from '../aws/client-settings.js';
import { addPacing, type CallStats, emptyCallStats } from '../aws/pacing.js';
import { SECURITY_HUB_RETRY } from '../aws/retry.js';
import { type RateLimit, realClock, TokenBucket } from '../aws/token-bucket.js';

/**
 * Documented Security Hub quotas (API reference, "throttling limits"):
 * GetFindings 3 requests per second with bursts of 6; BatchUpdateFindings 10
 * per second with bursts of 30. GetFindingsV2 shares the GetFindings
 * permission and gets the same, conservative pace.
 */
export const SECURITY_HUB_RATES = {
  getFindings: { perSecond: 3, burst: 6 },
  batchUpdateFindings: { perSecond: 10, burst: 30 },
} as const satisfies Record<string, RateLimit>;

export interface SecurityHubSettings extends PacedClientSettings {
  /** Defaults to the documented quotas. */
  rates?: { getFindings?: RateLimit; batchUpdateFindings?: RateLimit };
}

/** A Security Hub client with its pacing and the count of its calls. */
export interface PacedSecurityHub {
  client: SecurityHubClient;
  stats: CallStats;
}

/**
 * The one Security Hub client of a process: the SDK's standard retry
 * strategy (eight attempts, full-jitter backoff), and in its middleware a
 * token bucket per quota (GetFindings and GetFindingsV2 share one,
 * BatchUpdateFindings and BatchUpdateFindingsV2 the other) and the count of
 * every attempt. Credentials come from the standard AWS chain.
 */
export function createSecurityHubClient(settings: SecurityHubSettings = {}): PacedSecurityHub {
  const { rates = {}, clock = realClock } = settings;
  const client = new SecurityHubClient({
    ...(settings.region ? { region: settings.region } : {}),
    ...sdkClientConfig(settings, SECURITY_HUB_RETRY),
  });
  const reads = new TokenBucket(rates.getFindings ?? SECURITY_HUB_RATES.getFindings, clock);
  const updates = new TokenBucket(rates.batchUpdateFindings ?? SECURITY_HUB_RATES.batchUpdateFindings, clock);
  const stats = emptyCallStats();
  addPacing(client.middlewareStack, {
    stats,
    bucketFor: (operation) =>
      operation.startsWith('GetFindings') ? reads : operation.startsWith('BatchUpdateFindings') ? updates : undefined,
    onFailedAttempt: settings.onFailedAttempt,
  });
  return { client, stats };
}
