import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { renderDigest } from '../../../src/core/digest/render.js';
import { SAMPLE_DIGEST_RULE, sampleDigest, sampleDigestRecords } from '../../../src/core/digest/samples.js';
import { deliveryHeaders } from '../../../src/core/email/headers.js';
import { HOSTILE_TEXT, hostileDigest } from '../../builders/digests.js';

const SENDER = 'alerts@example.com';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const hrefs = (html: string) => [...html.matchAll(/href="([^"]*)"/g)].map((match) => match[1]!);
const AWS_LINK = /^https:\/\/([a-z0-9-]+\.)*(aws\.amazon\.com|amazonaws\.cn|amazonaws-us-gov\.com)\//;

describe('the digest email', () => {
  it('says the counts and the day in its subject', () => {
    // act
    const email = renderDigest({ digest: sampleDigest(), sender: SENDER });
    // assess
    expect(email.subject).toBe('Security Hub digest: 3 new, 2 fixed, 12 open (Mon 12 Jan)');
    expect(email.from).toBe(SENDER);
    expect(email.to).toEqual(['platform-team@example.com']);
  });

  it('carries the digest headers: kind, schedule, period start in UTC and the three counts', () => {
    const email = renderDigest({ digest: sampleDigest(), sender: SENDER });
    expect(email.headers).toEqual({
      'X-Sechub-Notification': 'digest',
      'X-Sechub-Digest-Schedule': '1d@08:00@Europe/Madrid',
      'X-Sechub-Digest-Period': '2026-01-11T07:00:00.000Z',
      'X-Sechub-Digest-New': '3',
      'X-Sechub-Digest-Fixed': '2',
      'X-Sechub-Digest-Open': '12',
    });
  });

  it('has an id that depends on schedule, recipient and moment only', () => {
    // prepare
    const digest = sampleDigest();
    const fewer = sampleDigest(sampleDigestRecords().slice(0, 4));
    // act
    const ids = [digest, fewer, { ...digest, recipient: 'other@example.com' }, { ...digest, moment: new Date('2026-01-13T07:00:00Z') }].map(
      (d) => renderDigest({ digest: d, sender: SENDER }).id,
    );
    // assess
    expect(ids[0]).toBe('digest|1d@08:00@Europe/Madrid|platform-team@example.com|2026-01-12T07:00:00.000Z');
    expect(ids[1]).toBe(ids[0]);
    expect(new Set(ids).size).toBe(3);
  });

  it('threads every digest of one schedule to one recipient under one root, and another recipient under another', () => {
    // prepare
    const digest = sampleDigest();
    const nextDay = { ...digest, periodStart: digest.moment, moment: new Date('2026-01-13T07:00:00Z') };
    const other = { ...digest, recipient: 'other@example.com' };
    // act
    const [today, tomorrow, theirs] = [digest, nextDay, other].map((d) => {
      const email = renderDigest({ digest: d, sender: SENDER });
      return { email, headers: deliveryHeaders(email, sha256).headers };
    });
    // assess
    expect(today!.headers.References).toMatch(/^<[0-9a-f]{24}@example\.com>$/);
    expect(today!.headers['In-Reply-To']).toBe(today!.headers.References);
    expect(tomorrow!.headers.References).toBe(today!.headers.References);
    expect(theirs!.headers.References).not.toBe(today!.headers.References);
    expect(deliveryHeaders(tomorrow!.email, sha256).messageId).not.toBe(deliveryHeaders(today!.email, sha256).messageId);
  });

  it('shows the same facts in the plain-text part: period, counts, every listed finding and what is left out', () => {
    const digest = sampleDigest();
    const { text, html } = renderDigest({ digest, sender: SENDER });
    expect(text).toContain('Sun 11 Jan 2026 08:00 – Mon 12 Jan 2026 08:00 (Europe/Madrid)');
    expect(text).toContain('3 new · 2 fixed · 12 still open');
    for (const item of [...digest.new.items, ...digest.fixed.items, ...digest.open.items]) {
      expect(text).toContain(item.title);
      expect(html).toContain(item.title);
    }
    expect(digest.open.items).toHaveLength(SAMPLE_DIGEST_RULE.maxItems);
    expect(text).toContain(
      'and 7 more in Security Hub: https://us-east-1.console.aws.amazon.com/securityhub/home?region=us-east-1#/findings',
    );
    expect(html).toContain('and 7 more in Security Hub');
    expect(text).toContain('111122223333 (payments-production)');
  });

  it('sends "N more" to the console of the Region it is given', () => {
    const { html } = renderDigest({ digest: sampleDigest(), sender: SENDER, consoleRegion: 'eu-central-1' });
    expect(hrefs(html)).toContain('https://eu-central-1.console.aws.amazon.com/securityhub/home?region=eu-central-1#/findings');
  });

  it('says so when a section is empty', () => {
    const records = sampleDigestRecords().filter((record) => record.open);
    const { text } = renderDigest({ digest: sampleDigest(records), sender: SENDER });
    expect(text).toContain('Fixed (0)\nNothing fixed in this period.');
  });
});

describe('a digest of hostile findings', () => {
  const email = renderDigest({ digest: hostileDigest(), sender: SENDER });

  it('escapes every finding value: no markup, handler or script of theirs in the HTML', () => {
    expect(email.html).not.toMatch(/<(script|img|iframe|svg)\b/i);
    expect(email.html).not.toMatch(/<[^>]*\son\w+=/i);
    expect(email.html).toContain('&lt;script&gt;window.__pwned=&quot;digest&quot;&lt;/script&gt;');
  });

  it('links only to the AWS console', () => {
    const links = hrefs(email.html);
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) expect(link).toMatch(AWS_LINK);
  });

  it('keeps the subject and every header on one line', () => {
    for (const value of [email.subject, ...Object.values(email.headers)]) expect(value).not.toMatch(/[\r\n]/);
    expect(email.text).not.toContain('\r');
  });

  it('shows the hostile rule and account names as text', () => {
    expect(email.text).toContain('"><script>window.__pwned="digest"</script>');
    expect(email.text).not.toContain(HOSTILE_TEXT);
  });
});
