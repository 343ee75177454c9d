import { describe, expect, it } from 'vitest';
import { composeMessage } from '../../src/adapters/outbox/outbox-mailer.js';
import { renderEmail } from '../../src/core/email/render.js';
import { GUARDDUTY_SAMPLE, INSPECTOR_SAMPLE } from '../../src/core/email/samples.js';
import type { Notification } from '../../src/core/notification.js';
import type { FindingSnapshot } from '../../src/core/record.js';

const SES_MESSAGE_LIMIT = 40 * 1024 * 1024;

const notification: Notification = { kind: 'new', id: 'n-1', rules: ['team'], to: ['team@example.com'], at: '2026-01-20T00:00:00.000Z' };

async function compose(finding: FindingSnapshot) {
  const email = renderEmail({ finding, notification, sender: 'alerts@example.com' });
  const raw = (await composeMessage(email)).toString('latin1');
  const head = raw.slice(0, raw.indexOf('\r\n\r\n'));
  return { email, raw, head, headers: unfold(head) };
}

/** Header lines with folded continuations joined. */
function unfold(head: string): string[] {
  return head.split(/\r\n(?![ \t])/).map((line) => line.replace(/\r\n[ \t]+/g, ' '));
}

/** Decodes RFC 2047 encoded-words (B and Q) in an unfolded header value; white space between adjacent words is dropped. */
function decodeWords(value: string): string {
  return value.replace(/\?=\s+=\?/g, '?==?').replace(/=\?utf-8\?([bq])\?([^?]*)\?=/gi, (_, encoding: string, text: string) =>
    encoding.toLowerCase() === 'b'
      ? Buffer.from(text, 'base64').toString('utf8')
      : Buffer.from(
          text.replace(/_/g, ' ').replace(/=([0-9a-f]{2})/gi, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
          'latin1',
        ).toString('utf8'),
  );
}

function header(headers: string[], name: string): string[] {
  return headers
    .filter((line) => line.toLowerCase().startsWith(`${name.toLowerCase()}:`))
    .map((line) => line.slice(name.length + 1).trim());
}

describe('the composed message', () => {
  it('encodes a non-ASCII subject (accents, right-to-left text, emoji) as encoded-words that decode to the subject', async () => {
    const { email, head, headers } = await compose({
      ...GUARDDUTY_SAMPLE,
      title: 'Zugriff verweigert für Gerät — تنبيه أمني 🚨 on i-0abc',
    });
    expect(head).toMatch(/^[\x20-\x7e\r\n\t]*$/);
    const [subject] = header(headers, 'Subject');
    expect(subject).toMatch(/=\?UTF-8\?[BQ]\?/i);
    expect(decodeWords(subject!)).toBe(email.subject);
  });

  it('keeps X-Sechub-Finding-Id and X-Sechub-Notification, and a CR/LF in a finding id cannot add a header', async () => {
    const { headers } = await compose({ ...GUARDDUTY_SAMPLE, id: 'arn:x\r\nBcc: victim@evil.example\r\nX-Sechub-Notification: resolved' });
    expect(header(headers, 'X-Sechub-Notification')).toEqual(['new']);
    expect(header(headers, 'X-Sechub-Finding-Id')).toHaveLength(1);
    expect(decodeWords(header(headers, 'X-Sechub-Finding-Id')[0]!)).toBe('arn:x Bcc: victim@evil.example X-Sechub-Notification: resolved');
    expect(header(headers, 'Bcc')).toEqual([]);
  });

  it('has an HTML part and a plain-text part', async () => {
    const { raw } = await compose(GUARDDUTY_SAMPLE);
    expect(raw).toMatch(/Content-Type: multipart\/alternative/);
    expect(raw).toMatch(/Content-Type: text\/plain; charset=utf-8/);
    expect(raw).toMatch(/Content-Type: text\/html; charset=utf-8/);
  });

  it('stays far below the SES size limit for a finding with 1,000 resources and a 10 kB description', async () => {
    const resources = Array.from({ length: 25 }, (_, i) => ({
      type: 'AwsEc2Instance',
      id: `arn:aws:ec2:us-east-2:111122223333:instance/i-${String(i).padStart(17, '0')}`,
    }));
    const { raw } = await compose({ ...INSPECTOR_SAMPLE, resources, resourceCount: 1000, description: 'd'.repeat(10_000) });
    // About 26 kB: three orders of magnitude below the limit.
    expect(raw.length).toBeLessThan(SES_MESSAGE_LIMIT / 1000);
  });
});
