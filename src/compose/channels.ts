import type { ChannelsOptions } from '../adapters/channels/channels.js';
import type { Policy } from '../core/policy.js';
import type { Channel, SecretSource } from '../core/ports.js';

/**
 * The channels of a policy's destinations (none when it names none), with
 * their secrets from `secrets`. The channel adapters are loaded only when
 * the policy has destinations.
 */
export async function channelsOf(
  policy: Policy,
  secrets: (policy: Policy) => SecretSource | Promise<SecretSource>,
  options: ChannelsOptions = {},
): Promise<Map<string, Channel>> {
  if (Object.keys(policy.destinations).length === 0) return new Map();
  const { channelsFor } = await import('../adapters/channels/channels.js');
  return channelsFor(policy.destinations, await secrets(policy), options);
}
