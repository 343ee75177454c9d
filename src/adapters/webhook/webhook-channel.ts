import { renderWebhookDocument } from '../../core/channels/webhook.js';
import type { SecretRef } from '../../core/destinations.js';
import type { Channel, ChannelMessage, SecretSource } from '../../core/ports.js';
import type { ThreadRef } from '../../core/record.js';
import { deliverHttp, type HttpDelivery } from '../channels/http-delivery.js';
import { secretUrl, secretValue } from '../channels/secret-values.js';
import { NOTIFICATION_ID_HEADER, SIGNATURE_HEADER, signatureHeader } from './signature.js';

export interface WebhookOptions {
  name: string;
  /** The URL (checked when the policy was validated), or the secret that holds it. */
  url: string | SecretRef;
  /** The secret that holds the signing key. */
  signingSecret: string;
  secrets: SecretSource;
  http: HttpDelivery;
}

/**
 * Posts the version 1 notification document to a webhook, signed: the
 * notification id in X-Sechub-Notification-Id (the receiver's idempotency
 * key) and X-Sechub-Signature with the attempt's own time. 2xx is delivered;
 * 429 and 5xx are retried (after Retry-After), then left to a later run;
 * any other answer is refused for good.
 */
export class WebhookChannel implements Channel {
  constructor(private readonly options: WebhookOptions) {}

  async deliver(message: ChannelMessage): Promise<{ thread?: ThreadRef }> {
    const { name, url: configured, signingSecret, secrets, http } = this.options;
    const url = typeof configured === 'string' ? configured : await secretUrl(name, configured.secret, secrets);
    const key = await secretValue(name, signingSecret, secrets);
    const document = renderWebhookDocument(message);
    const body = JSON.stringify(document);
    const id = document.id;
    const build = () => ({
      url,
      body,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'sechub-alerts',
        [NOTIFICATION_ID_HEADER]: id,
        [SIGNATURE_HEADER]: signatureHeader(key, body, Math.floor(http.runtime.clock.now().getTime() / 1000)),
      },
    });
    await deliverHttp(name, url, build, () => undefined, http);
    return {};
  }
}
