import { DeliveryError } from '../../core/errors.js';

/** A destination's answer to a POST: status, headers and the start of the body. */
export interface HttpAnswer {
  status: number;
  headers: Headers;
  body: string;
}

/** One request, as each attempt sends it (a webhook signs every attempt afresh). */
export interface HttpRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
}

/** How much of an answer's body is read: enough for an error code. */
const BODY_MAX = 4096;
/** The longest Retry-After honoured as given; a longer one is capped (a later run retries anyway). */
const RETRY_AFTER_CAP_MS = 15 * 60_000;

/**
 * POSTs a request. A connection that fails, drops or times out becomes a
 * transient DeliveryError that says what failed but never the URL (webhook
 * URLs carry their credentials). Redirects are not followed: a signed body
 * goes only where it was configured to go.
 */
export async function post(destination: string, request: HttpRequest, timeoutMs: number): Promise<HttpAnswer> {
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new DeliveryError(destination, connectionProblem(error, timeoutMs), true);
  }
  let body: string;
  try {
    body = (await response.text()).slice(0, BODY_MAX);
  } catch (error) {
    throw new DeliveryError(destination, connectionProblem(error, timeoutMs), true);
  }
  return { status: response.status, headers: response.headers, body };
}

/** What went wrong with a connection, in words that hold no address. */
function connectionProblem(error: unknown, timeoutMs: number): string {
  const name = (error as { name?: string } | undefined)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  const code = typeof cause?.code === 'string' && /^[A-Z_]{2,40}$/.test(cause.code) ? cause.code : 'the connection failed';
  return `connection failed (${code})`;
}

/**
 * The DeliveryError for an answer that is not a success: 429 and 5xx are
 * transient (with the destination's Retry-After), a redirect or any other
 * 4xx is permanent. `detail` is the destination's own error code, if any.
 */
export function failureOf(destination: string, answer: HttpAnswer, now: Date, detail?: string): DeliveryError {
  const what = `HTTP ${answer.status}${detail ? ` ${detail}` : ''}`;
  if (answer.status === 429 || answer.status >= 500) {
    return new DeliveryError(destination, `${what}: try again later`, true, { retryAfterMs: retryAfterMs(answer.headers, now) });
  }
  if (answer.status >= 300 && answer.status < 400) return new DeliveryError(destination, `${what}: redirects are not followed`, false);
  return new DeliveryError(destination, `${what}: refused`, false);
}

/** Retry-After in milliseconds (delay-seconds or an HTTP date), capped; undefined when absent or unreadable. */
export function retryAfterMs(headers: Headers, now: Date): number | undefined {
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  const ms = /^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value) - now.getTime();
  if (Number.isNaN(ms)) return undefined;
  return Math.min(Math.max(0, ms), RETRY_AFTER_CAP_MS);
}

/** A destination's error code when the body is one (Slack's `invalid_blocks`), else nothing: bodies are never echoed. */
export function errorCode(text: string | undefined): string | undefined {
  const code = text?.trim();
  return code && /^[a-z][a-z0-9_]{0,63}$/.test(code) ? code : undefined;
}
