import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deliveryHeaders, HEADER_VALUE_MAX, headerText, senderDomain } from '../../src/core/email/headers.js';
import { CONTROL_SAMPLE, GUARDDUTY_SAMPLE } from '../../src/core/email/samples.js';
import type { Email } from '../../src/core/ports.js';
import { decodeWords } from '../security/support/mime.js';
import { findingThread } from '../support/finding-thread.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const PRINTABLE_ASCII_LINE = /^[\x20-\x7e]*$/;

/** The bytes of a Thread-Index. */
const indexBytes = (email: Email) => Buffer.from(deliveryHeaders(email, sha256).headers['Thread-Index']!, 'base64');

/** 100-ns units since 1601 of an ISO time. */
const filetime = (iso: string) => (BigInt(Date.parse(iso)) + 11_644_473_600_000n) * 10_000n;

describe('the Message-ID', () => {
  it('is 24 hex digits of the notification id on the sender domain, and the same for the same notification', () => {
    const [first, reminder] = findingThread();

    const headers = deliveryHeaders(first!, sha256);

    expect(headers.messageId).toBe(`<${sha256(first!.id).slice(0, 24)}@example.com>`);
    expect(headers.headers['X-Sechub-Notification-Id']).toBe(sha256(first!.id).slice(0, 24));
    expect(deliveryHeaders({ ...first! }, sha256)).toEqual(headers);
    expect(deliveryHeaders(reminder!, sha256).messageId).not.toBe(headers.messageId);
  });

  it('takes the domain from any form of sender, and a reserved one when there is none usable', () => {
    expect(senderDomain('alerts@Security.Example.COM')).toBe('security.example.com');
    expect(senderDomain('"Alerts, Security" <alerts@example.org>')).toBe('example.org');
    expect(senderDomain('no-domain')).toBe('sechub-alerts.invalid');
    expect(senderDomain('a@b@evil>\r\nBcc: x')).toBe('sechub-alerts.invalid');
    expect(senderDomain('alerts@[192.0.2.1]')).toBe('sechub-alerts.invalid');
  });
});

describe('the thread', () => {
  it('is one root per finding in In-Reply-To and References, which no email of it uses as its own Message-ID', () => {
    const emails = findingThread();
    const other = deliveryHeaders(findingThread(CONTROL_SAMPLE)[0]!, sha256);

    const headers = emails.map((email) => deliveryHeaders(email, sha256));

    const root = `<${sha256(GUARDDUTY_SAMPLE.key).slice(0, 24)}@example.com>`;
    for (const { headers: each } of headers) expect([each['In-Reply-To'], each.References]).toEqual([root, root]);
    expect(headers.map((each) => each.messageId)).not.toContain(root);
    expect(other.headers.References).not.toBe(root);
  });

  it('gives Outlook one conversation index header block, and each follow-up a child block with the time since it', () => {
    const [first, reminder, resolved, resend] = findingThread();

    const [opening, reminded, closed, again] = [first, reminder, resolved, resend].map((email) => indexBytes(email!));

    expect(opening).toHaveLength(22);
    expect(opening![0]).toBe(1);
    expect(opening!.subarray(6, 22).toString('hex')).toBe(sha256(GUARDDUTY_SAMPLE.key).slice(0, 32));
    expect(BigInt(`0x${opening!.subarray(1, 6).toString('hex')}`)).toBe(filetime(GUARDDUTY_SAMPLE.firstObservedAt) >> 24n);
    expect(reminded).toHaveLength(27);
    expect(closed).toHaveLength(27);
    for (const child of [reminded!, closed!]) expect(child.subarray(0, 22)).toEqual(opening);
    // 15 days after the header's time, in units of 2^18 × 100 ns (time flag 0).
    const delta = filetime(reminder!.thread!.at) - ((filetime(GUARDDUTY_SAMPLE.firstObservedAt) >> 24n) << 24n);
    expect(reminded!.readUInt32BE(22)).toBe(Number(delta >> 18n));
    expect(again).toEqual(opening);
  });

  it('names its topic with the subject, the same for every email about the finding', () => {
    const topics = findingThread().map((email) => deliveryHeaders(email, sha256).headers['Thread-Topic']);

    expect(new Set(topics)).toEqual(new Set([findingThread()[0]!.subject]));
  });

  it('is left out for an email that belongs to no finding', () => {
    const [first] = findingThread();

    const { headers } = deliveryHeaders({ ...first!, thread: undefined }, sha256);

    expect(Object.keys(headers)).toEqual(['X-Sechub-Notification-Id']);
  });
});

describe('header text', () => {
  it('keeps printable ASCII as it is, on one line', () => {
    expect(headerText('arn:aws:guardduty:eu-west-1:111122223333:detector/d/finding/f')).toBe(
      'arn:aws:guardduty:eu-west-1:111122223333:detector/d/finding/f',
    );
    expect(headerText('a\r\nBcc: victim@evil.example\u0000\tb')).toBe('a Bcc: victim@evil.example b');
  });

  it('writes anything else as encoded-words of at most 75 characters that decode to the text', () => {
    const text = 'Zugriff verweigert für Gerät — تنبيه أمني 🚨 \u202Egnp.exe';

    const value = headerText(text);

    expect(value).toMatch(PRINTABLE_ASCII_LINE);
    expect(value.split(' ').every((word) => word.length <= 75)).toBe(true);
    expect(decodeWords(value)).toBe('Zugriff verweigert für Gerät — تنبيه أمني 🚨 gnp.exe');
  });

  it('stays within what SES accepts for any text, ending with an ellipsis when cut', () => {
    for (const text of ['x'.repeat(5_000), '🚨'.repeat(2_000), `ü${'x'.repeat(2_000)}`]) {
      const value = headerText(text);
      expect(value.length).toBeLessThanOrEqual(HEADER_VALUE_MAX);
      expect(value).toMatch(PRINTABLE_ASCII_LINE);
      expect(decodeWords(value)).toMatch(/(\.\.\.|…)$/);
    }
  });
});
