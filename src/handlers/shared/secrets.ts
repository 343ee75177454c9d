import type { ChannelsOptions } from '../../adapters/channels/channels.js';
import type { Policy } from '../../core/policy.js';
import type { SecretSource } from '../../core/ports.js';

/**
 * The destinations' secrets in AWS: `locations` (the SECRETS variable,
 * which Terraform sets) says where each secret the policy names is kept — a
 * Secrets Manager ARN or an SSM SecureString parameter — and the values are
 * read at delivery, never held in the environment. The Secrets Manager and
 * SSM clients are loaded only for a policy with destinations.
 */
export function awsSecrets(locations: Readonly<Record<string, string>>): (policy: Policy) => Promise<SecretSource> {
  return async (policy) => {
    const { AwsSecrets } = await import('../../adapters/secrets/aws-secrets.js');
    return new AwsSecrets({ locations, destinations: policy.destinations });
  };
}

/**
 * Deliveries inside the notify task: one attempt of at most 4 s per
 * destination. A destination that fails is kept as pending and the task
 * fails, so the workflow's retry (or the daily job) delivers it; the task's
 * 20 s are not spent waiting.
 */
export const NOTIFY_DELIVERY: ChannelsOptions = { retry: { attempts: 1, budgetMs: 0, baseMs: 0, capMs: 0 }, timeoutMs: 4_000 };
