import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The signature of a webhook delivery: `X-Sechub-Signature:
 * t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`. The
 * time is signed with the body, so a receiver that also checks it against
 * its own clock (a window of five minutes) refuses a replayed delivery.
 */

export const SIGNATURE_HEADER = 'X-Sechub-Signature';
export const NOTIFICATION_ID_HEADER = 'X-Sechub-Notification-Id';
/** How far a receiver should let a signature's time be from its own clock. */
export const REPLAY_WINDOW_SECONDS = 300;

/** The header value for `body` signed with `secret` at `unixSeconds`. */
export function signatureHeader(secret: string, body: string, unixSeconds: number): string {
  return `t=${unixSeconds},v1=${hmacHex(secret, `${unixSeconds}.${body}`)}`;
}

/**
 * Whether `header` is a valid signature of `body` made within
 * `windowSeconds` of `nowSeconds`. Any `v1` may match (several appear
 * while a secret is rotated); the comparison takes constant time.
 */
export function verifySignature(
  secret: string,
  body: string,
  header: string,
  nowSeconds: number,
  windowSeconds: number = REPLAY_WINDOW_SECONDS,
): boolean {
  const parts = header.split(',').map((part) => part.trim().split('='));
  const t = parts.find(([key]) => key === 't')?.[1];
  if (!t || !/^\d{1,12}$/.test(t) || Math.abs(nowSeconds - Number(t)) > windowSeconds) return false;
  const expected = Buffer.from(hmacHex(secret, `${t}.${body}`), 'hex');
  return parts.some(([key, value]) => {
    if (key !== 'v1' || !value || !/^[0-9a-f]{64}$/.test(value)) return false;
    return timingSafeEqual(Buffer.from(value, 'hex'), expected);
  });
}

function hmacHex(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text, 'utf8').digest('hex');
}
