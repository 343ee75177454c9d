import { renderSlack } from '../../core/channels/slack.js';
import type { Channel, SecretSource } from '../../core/ports.js';
import type { HttpDelivery } from '../channels/http-delivery.js';
import { JsonPostChannel } from '../channels/json-post-channel.js';

/**
 * A Slack incoming webhook (its URL in the secret `secret`). Slack answers
 * 200 `ok`, or an error code as the body (`invalid_blocks`, `no_service`,
 * `channel_is_archived`, …) with a 4xx, which no retry fixes; 429 and 5xx
 * are retried. An incoming webhook cannot reply in a thread, so every
 * notification is a message of its own and no thread is returned.
 */
export function slackWebhookChannel(options: { name: string; secret: string; secrets: SecretSource; http: HttpDelivery }): Channel {
  return new JsonPostChannel({
    ...options,
    render: (message) => ({ ...renderSlack(message), unfurl_links: false, unfurl_media: false }),
  });
}
