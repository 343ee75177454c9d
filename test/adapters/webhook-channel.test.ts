import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelsFor } from '../../src/adapters/channels/channels.js';
import { EnvironmentSecrets } from '../../src/adapters/secrets/env-secrets.js';
import { signatureHeader, verifySignature } from '../../src/adapters/webhook/signature.js';
import { destinationsSchema } from '../../src/core/destinations.js';
import { GUARDDUTY_SAMPLE, INSPECTOR_SAMPLE } from '../../src/core/email/samples.js';
import { DeliveryError } from '../../src/core/errors.js';
import { hostileFindings, messageOf } from '../builders/channel-messages.js';
import { rejectionOf } from '../support/rejection.js';
import { VirtualTime } from '../support/virtual-time.js';
import { WebhookConsumer } from '../support/webhook-consumer.js';

/** The signed webhook against a receiver that verifies signatures with a five-minute replay window and drops repeats by id. */

const SECRET = 'whsec-6f1d3c2b9a8e7f6d5c4b3a2918273645';
const START = '2026-01-10T10:00:00.000Z';

let consumer: WebhookConsumer;
/** The receiver's clock follows the sender's virtual clock, shifted by `skewSeconds`. */
let time = new VirtualTime(START);
let skewSeconds = 0;

beforeAll(async () => {
  consumer = await new WebhookConsumer(SECRET, () => Math.floor(time.clock.now().getTime() / 1000) + skewSeconds).start();
});
afterAll(() => consumer.stop());

function channel(url = consumer.url) {
  time = new VirtualTime(START);
  skewSeconds = 0;
  consumer.accepted.length = 0;
  consumer.server.requests.length = 0;
  consumer.repeats = 0;
  consumer.refused = 0;
  const destinations = destinationsSchema.parse({ siem: { type: 'webhook', url, signing_secret: { secret: 'SIEM_HMAC' } } });
  return channelsFor(destinations, new EnvironmentSecrets({ SIEM_HMAC: SECRET }, destinations), { runtime: time }).get('siem')!;
}

describe('a signed webhook', () => {
  it('posts the document with its id and a signature the receiver verifies', async () => {
    // prepare
    const siem = channel();
    const message = messageOf(INSPECTOR_SAMPLE, 'reminder');

    // act
    await siem.deliver(message);

    // assess
    expect(consumer.accepted).toHaveLength(1);
    const [{ id, document, request }] = consumer.accepted as [(typeof consumer.accepted)[number]];
    expect(id).toBe(message.notification.id);
    expect(document).toMatchObject({ version: 1, kind: 'reminder', finding: { severity: 'CRITICAL' } });
    expect(request.headers['content-type']).toBe('application/json');
    const unix = Date.parse(START) / 1000;
    expect(request.headers['x-sechub-signature']).toBe(signatureHeader(SECRET, request.body, unix));
    expect(request.headers['x-sechub-signature']).toMatch(new RegExp(`^t=${unix},v1=[0-9a-f]{64}$`));
  });

  it('gives a finding with line breaks and any character in its id a header-safe id, the same as the body’s', async () => {
    const siem = channel();
    const [hostile] = hostileFindings();

    await siem.deliver(messageOf(hostile!));

    expect(consumer.accepted).toHaveLength(1);
    expect(consumer.accepted[0]!.id).toMatch(/^[\x21-\x7e]+$/);
  });

  it('signs each attempt with its own time, so a retry after a long wait is not a replay', async () => {
    // prepare
    const siem = channel();
    consumer.server.failNext({ status: 503, headers: { 'retry-after': '8' } });

    // act
    await siem.deliver(messageOf(GUARDDUTY_SAMPLE));

    // assess
    const [first, second] = consumer.server.requests;
    expect(first!.headers['x-sechub-signature']).toMatch(/^t=1768039200,/);
    expect(second!.headers['x-sechub-signature']).toMatch(/^t=1768039208,/);
    expect(consumer.accepted).toHaveLength(1);
  });

  it('is refused by a receiver whose clock is more than five minutes away, and the refusal is final', async () => {
    const siem = channel();
    skewSeconds = 301;

    const error = await rejectionOf(siem.deliver(messageOf(GUARDDUTY_SAMPLE)), DeliveryError);

    expect(error).toMatchObject({ transient: false, message: 'siem: HTTP 401: refused' });
    expect(consumer.refused).toBe(1);
  });

  it.each([
    ['429', { status: 429, headers: { 'retry-after': '30' } }, true, 30_000],
    ['500', { status: 500 }, true, undefined],
    ['404', { status: 404 }, false, undefined],
    ['410', { status: 410 }, false, undefined],
    ['a redirect', { status: 307, headers: { location: 'https://elsewhere.example/' } }, false, undefined],
  ])('answers %s with a DeliveryError transient=%s once retries are spent', async (_what, fault, transient, retryAfterMs) => {
    const siem = channel();
    consumer.server.faultFor = () => fault;

    const error = await rejectionOf(siem.deliver(messageOf(GUARDDUTY_SAMPLE)), DeliveryError);
    consumer.server.faultFor = undefined;

    expect(error.transient).toBe(transient);
    expect(error.retryAfterMs).toBe(retryAfterMs);
  });

  it('counts as delivered once, however often a dropped answer makes it send again: the receiver keeps it by id', async () => {
    const siem = channel();
    consumer.server.failNext('drop-after', 'drop-after');

    await siem.deliver(messageOf(GUARDDUTY_SAMPLE));

    expect(consumer.server.requests).toHaveLength(3);
    expect(consumer.accepted).toHaveLength(1);
    expect(consumer.repeats).toBe(2);
  });
});

describe('signature verification', () => {
  const body = '{"version":1}';
  const t = 1_768_039_200;

  it('accepts a signature within the window and any of several v1 values (secret rotation)', () => {
    const header = signatureHeader(SECRET, body, t);
    expect(verifySignature(SECRET, body, header, t + 300)).toBe(true);
    expect(verifySignature(SECRET, body, `${signatureHeader('old-secret', body, t)},v1=${header.split('v1=')[1]}`, t)).toBe(true);
  });

  it.each([
    ['a changed body', (h: string) => [h, `${body} `, t] as const],
    ['another secret', () => [signatureHeader('another', body, t), body, t] as const],
    ['a stale time', (h: string) => [h, body, t + 301] as const],
    ['a time from the future', (h: string) => [h, body, t - 301] as const],
    ['a forged time', (h: string) => [h.replace(`t=${t}`, `t=${t + 60}`), body, t] as const],
    ['no v1', () => [`t=${t}`, body, t] as const],
    ['garbage', () => ['nonsense', body, t] as const],
  ])('refuses %s', (_what, make) => {
    const [header, signedBody, now] = make(signatureHeader(SECRET, body, t));
    expect(verifySignature(SECRET, signedBody, header, now)).toBe(false);
  });
});
