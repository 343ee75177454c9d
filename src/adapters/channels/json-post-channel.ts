import type { Channel, ChannelMessage, SecretSource } from '../../core/ports.js';
import type { ThreadRef } from '../../core/record.js';
import { deliverHttp, type HttpDelivery } from './http-delivery.js';
import { secretUrl } from './secret-values.js';

export interface JsonPostOptions {
  /** The destination's name, for errors. */
  name: string;
  /** The secret that holds the URL to post to. */
  secret: string;
  secrets: SecretSource;
  http: HttpDelivery;
  /** The JSON document a message becomes. */
  render: (message: ChannelMessage) => unknown;
}

/**
 * A channel that posts one JSON document per message to a URL kept in a
 * secret and threads nothing: a Slack incoming webhook, a Teams Workflows
 * webhook. The URL is read (and checked) at each delivery, so a rotated
 * secret takes effect without a restart; pacing is per URL.
 */
export class JsonPostChannel implements Channel {
  constructor(private readonly options: JsonPostOptions) {}

  async deliver(message: ChannelMessage): Promise<{ thread?: ThreadRef }> {
    const { name, secret, secrets, http, render } = this.options;
    const url = await secretUrl(name, secret, secrets);
    const body = JSON.stringify(render(message));
    await deliverHttp(
      name,
      url,
      () => ({ url, body, headers: { 'content-type': 'application/json' } }),
      () => undefined,
      http,
    );
    return {};
  }
}
