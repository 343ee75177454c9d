import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderEmail } from '../../src/core/email/render.js';
import { CONTROL_SAMPLE, GUARDDUTY_SAMPLE, INSPECTOR_SAMPLE, sampleNotification } from '../../src/core/email/samples.js';
import type { NotificationKind } from '../../src/core/notification.js';
import type { FindingSnapshot } from '../../src/core/record.js';
import { hostileText } from '../builders/arbitraries.js';
import { htmlTags } from './support/mime.js';
import { propertyRuns } from './support/property-runs.js';

/**
 * Rendering: whatever text a finding carries, the email's HTML holds none
 * of it unescaped, its links go only to AWS, and its subject and headers
 * stay on one line.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this test looks for
const CONTROL = /[\u0000-\u001f\u007f\u0085\u2028\u2029]/;
/** The renderer's own paragraph and line breaks, which a multi-paragraph value legitimately spans. */
const BREAKS = /<\/p>|<p(?:\s[^<>]*)?>|<br\s*\/?>/g;
const LINK_HOSTS = /(^|\.)(aws\.amazon\.com|amazonaws\.cn|amazonaws-us-gov\.com)$/;
const BASES = [GUARDDUTY_SAMPLE, INSPECTOR_SAMPLE, CONTROL_SAMPLE];
const KINDS: NotificationKind[] = ['new', 'reminder', 'resolved'];

/** Every text field of a snapshot, filled from `texts` (recycled). */
function withTexts(base: FindingSnapshot, texts: string[]): FindingSnapshot {
  let i = 0;
  const next = () => texts[i++ % texts.length]!;
  return {
    ...base,
    id: next(),
    account: next(),
    accountName: next(),
    region: next(),
    productName: next(),
    productKey: next(),
    title: next(),
    description: next(),
    types: [next(), next()],
    remediation: { text: next(), url: next() },
    resources: [
      { type: next(), id: next(), region: next() },
      { type: next(), id: next() },
    ],
    vulnerabilities: [{ id: next(), packages: [{ name: next(), version: next(), fixedIn: next() }] }],
    control: base.control && { id: next(), standards: [next()], standardIds: [next()] },
  };
}

function render(finding: FindingSnapshot, kind: NotificationKind) {
  return renderEmail({ finding, notification: sampleNotification(finding, kind), sender: 'alerts@example.com' });
}

function decodeEntities(text: string): string {
  return text.replace(
    /&(amp|quot|#39|lt|gt|#96);/g,
    (_all, name: string) => ({ amp: '&', quot: '"', '#39': "'", lt: '<', gt: '>', '#96': '`' })[name] ?? '',
  );
}

describe('rendering any finding text', () => {
  it('keeps the subject and every header on one line without control characters', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...BASES),
        fc.constantFrom(...KINDS),
        fc.array(hostileText(), { minLength: 1, maxLength: 30 }),
        (base, kind, texts) => {
          const email = render(withTexts(base, texts), kind);
          expect(email.subject).not.toMatch(CONTROL);
          expect(email.subject.length).toBeLessThanOrEqual(150);
          for (const value of Object.values(email.headers)) expect(value).not.toMatch(CONTROL);
        },
      ),
      { numRuns: propertyRuns(200) },
    );
  });

  it('lets no finding text out of its escaping in the HTML', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...BASES),
        fc.constantFrom(...KINDS),
        fc.array(hostileText(24), { minLength: 1, maxLength: 30 }),
        (base, kind, payloads) => {
          // Each value is wrapped in markers; between two markers of one value nothing may be raw markup.
          const texts = payloads.map((payload, i) => `qz${i}x${payload}xq${i}z`);
          const { html } = render(withTexts(base, texts), kind);
          texts.forEach((_text, i) => {
            for (let at = html.indexOf(`qz${i}x`); at !== -1; at = html.indexOf(`qz${i}x`, at + 1)) {
              const end = html.indexOf(`xq${i}z`, at);
              const next = html.indexOf('qz', at + 2);
              if (end === -1 || (next !== -1 && next < end)) continue;
              expect(html.slice(at, end).replace(BREAKS, '')).not.toMatch(/[<"]/);
            }
          });
        },
      ),
      { numRuns: propertyRuns(200) },
    );
  });

  it('produces no script, no event handler and no link that leaves AWS', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...BASES),
        fc.constantFrom(...KINDS),
        fc.array(hostileText(), { minLength: 1, maxLength: 30 }),
        (base, kind, texts) => {
          const { html } = render(withTexts(base, texts), kind);
          for (const { name, attributes } of htmlTags(html)) {
            expect(name).not.toBe('script');
            for (const [attribute, value] of attributes) {
              expect(attribute).not.toMatch(/^on/);
              if (attribute !== 'href' && attribute !== 'src') continue;
              const url = new URL(decodeEntities(value));
              expect(url.protocol).toBe('https:');
              expect(url.hostname).toMatch(LINK_HOSTS);
            }
          }
        },
      ),
      { numRuns: propertyRuns(200) },
    );
  });
});
