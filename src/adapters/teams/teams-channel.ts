import { renderTeams } from '../../core/channels/teams.js';
import type { Channel, SecretSource } from '../../core/ports.js';
import type { HttpDelivery } from '../channels/http-delivery.js';
import { JsonPostChannel } from '../channels/json-post-channel.js';

/**
 * A Microsoft Teams channel through a Workflows webhook ("Send webhook
 * alerts to a channel"; its URL, whose `sig` parameter is the credential,
 * in the secret `secret`). Workflows answers 202 Accepted and posts each
 * card as a message of its own, so nothing threads.
 */
export function teamsChannel(options: { name: string; secret: string; secrets: SecretSource; http: HttpDelivery }): Channel {
  return new JsonPostChannel({ ...options, render: renderTeams });
}
