import type { Runtime } from '../../core/ports.js';
import { type DeliveryRetry, withRetries } from './attempts.js';
import { errorCode, failureOf, type HttpAnswer, type HttpRequest, post } from './http.js';
import type { Pacer } from './pacer.js';

/** What every HTTP channel shares: time and chance, the pace per URL or channel, retries and a timeout. */
export interface HttpDelivery {
  runtime: Runtime;
  pacer: Pacer;
  retry: DeliveryRetry;
  /** How long one attempt may take. */
  timeoutMs: number;
}

/**
 * Delivers one message over HTTP: each attempt waits for its turn at
 * `paceKey`, builds its request (so a signature carries the attempt's own
 * time), posts it, and hands a 2xx answer to `accept`, which may still
 * throw (Slack's `ok: false`). Other answers and dropped connections are
 * retried or thrown as DeliveryError.
 */
export function deliverHttp<T>(
  destination: string,
  paceKey: string,
  build: () => HttpRequest,
  accept: (answer: HttpAnswer) => T,
  http: HttpDelivery,
): Promise<T> {
  return withRetries(
    async () => {
      await http.pacer.acquire(paceKey);
      const answer = await post(destination, build(), http.timeoutMs);
      if (answer.status < 200 || answer.status >= 300)
        throw failureOf(destination, answer, http.runtime.clock.now(), errorCode(answer.body));
      return accept(answer);
    },
    http.runtime,
    http.retry,
  );
}
