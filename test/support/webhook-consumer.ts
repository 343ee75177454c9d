import { NOTIFICATION_ID_HEADER, REPLAY_WINDOW_SECONDS, SIGNATURE_HEADER, verifySignature } from '../../src/adapters/webhook/signature.js';
import { type Answer, json, LocalReceiver, type Received } from './fake-http.js';

/** A delivery the consumer accepted. */
export interface Accepted {
  id: string;
  document: Record<string, unknown>;
  request: Received;
}

/**
 * A webhook receiver that does what docs/channels.md tells receivers to:
 * it verifies X-Sechub-Signature over the raw body with the shared secret
 * and refuses a signature more than five minutes from its own clock (401),
 * and it keeps each notification once, by X-Sechub-Notification-Id,
 * answering a repeat with 200 as well.
 */
export class WebhookConsumer extends LocalReceiver {
  readonly accepted: Accepted[] = [];
  /** Repeats of a notification already accepted. */
  repeats = 0;
  /** Deliveries refused for their signature. */
  refused = 0;

  constructor(
    private readonly secret: string,
    /** The receiver's own clock, in Unix seconds. */
    private readonly nowSeconds: () => number = () => Math.floor(Date.now() / 1000),
  ) {
    super();
  }

  override start(path = '/sechub/in'): Promise<this> {
    return super.start(path);
  }

  get url(): string {
    return this.base;
  }

  protected handle(request: Received): Answer {
    const signature = header(request, SIGNATURE_HEADER);
    if (!signature || !verifySignature(this.secret, request.body, signature, this.nowSeconds(), REPLAY_WINDOW_SECONDS)) {
      this.refused++;
      return json(401, { error: 'bad signature' });
    }
    const document = JSON.parse(request.body) as Record<string, unknown>;
    const id = header(request, NOTIFICATION_ID_HEADER);
    if (!id || id !== document.id) return json(400, { error: 'the id header and the body disagree' });
    if (this.accepted.some((accepted) => accepted.id === id)) {
      this.repeats++;
      return json(200, { status: 'already had it' });
    }
    this.accepted.push({ id, document, request });
    return { status: 204 };
  }
}

function header(request: Received, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
