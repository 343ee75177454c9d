import { describe, expect, it } from 'vitest';
import { defang, escapeHtml, oneLine, safeLink, truncate } from '../../src/core/email/escape.js';
import { renderEmail } from '../../src/core/email/render.js';
import { CONTROL_SAMPLE, GUARDDUTY_SAMPLE, INSPECTOR_SAMPLE } from '../../src/core/email/samples.js';
import type { Severity } from '../../src/core/finding.js';
import type { Notification } from '../../src/core/notification.js';
import type { FindingSnapshot } from '../../src/core/record.js';
import { asff, normalized } from '../builders/asff.js';

/** Markup that would run or inject an element if it reached the HTML unescaped; CR/LF to forge lines and headers. */
const PAYLOAD = `<script>x()"><img src=x onerror=y()>'\`\r\nBcc: v@e.x`;
const ESCAPED = '&lt;script&gt;x()&quot;&gt;&lt;img src=x onerror=y()&gt;&#39;&#96; Bcc: v@e.x';

const notification = (rules = ['team']): Notification => ({
  kind: 'new',
  id: 'n',
  rules,
  to: ['team@example.com'],
  at: '2026-01-20T00:00:00.000Z',
});

/** Every finding value that reaches the email, and a finding with the payload in it. */
const FIELDS: [string, FindingSnapshot][] = [
  ['severity (should the model ever let one through)', { ...GUARDDUTY_SAMPLE, severity: PAYLOAD as Severity }],
  ['title', { ...GUARDDUTY_SAMPLE, title: PAYLOAD }],
  ['description', { ...GUARDDUTY_SAMPLE, description: PAYLOAD }],
  ['account', { ...GUARDDUTY_SAMPLE, account: PAYLOAD }],
  ['accountName', { ...GUARDDUTY_SAMPLE, accountName: PAYLOAD }],
  ['region', { ...GUARDDUTY_SAMPLE, region: PAYLOAD }],
  ['productName', { ...GUARDDUTY_SAMPLE, productName: PAYLOAD }],
  ['productKey (a third-party product)', { ...CONTROL_SAMPLE, product: 'other', productKey: PAYLOAD, control: undefined }],
  ['id', { ...GUARDDUTY_SAMPLE, id: PAYLOAD }],
  ['types (GuardDuty finding type)', { ...GUARDDUTY_SAMPLE, types: [`TTPs/${PAYLOAD}`] }],
  ['firstObservedAt (not a time)', { ...GUARDDUTY_SAMPLE, firstObservedAt: PAYLOAD }],
  ['updatedAt (not a time)', { ...GUARDDUTY_SAMPLE, updatedAt: PAYLOAD }],
  ['resources[].type', { ...GUARDDUTY_SAMPLE, resources: [{ type: PAYLOAD, id: 'i-1' }] }],
  ['resources[].id', { ...GUARDDUTY_SAMPLE, resources: [{ type: 'AwsEc2Instance', id: PAYLOAD }] }],
  ['control.id', { ...CONTROL_SAMPLE, control: { ...CONTROL_SAMPLE.control!, id: PAYLOAD } }],
  ['control.standardIds', { ...CONTROL_SAMPLE, control: { id: 'X.1', standards: [], standardIds: [PAYLOAD] } }],
  ['control.standards', { ...CONTROL_SAMPLE, control: { id: 'X.1', standards: [PAYLOAD], standardIds: [] } }],
  ['remediation.text', { ...CONTROL_SAMPLE, remediation: { text: PAYLOAD } }],
  ['remediation.url', { ...CONTROL_SAMPLE, remediation: { url: PAYLOAD } }],
  ['vulnerabilities[].id', { ...INSPECTOR_SAMPLE, vulnerabilities: [{ id: PAYLOAD, packages: [{ name: 'p' }] }] }],
  ['vulnerabilities[].packages[].name', { ...INSPECTOR_SAMPLE, vulnerabilities: [{ id: 'CVE-1', packages: [{ name: PAYLOAD }] }] }],
  [
    'vulnerabilities[].packages[].version',
    { ...INSPECTOR_SAMPLE, vulnerabilities: [{ id: 'CVE-1', packages: [{ name: 'p', version: PAYLOAD }] }] },
  ],
  [
    'vulnerabilities[].packages[].fixedIn',
    { ...INSPECTOR_SAMPLE, vulnerabilities: [{ id: 'CVE-1', packages: [{ name: 'p', fixedIn: PAYLOAD }] }] },
  ],
];

function expectSafe(email: ReturnType<typeof renderEmail>): void {
  expect(email.html).not.toMatch(/<script|<img|onerror=y\(\)>/i);
  for (const [, href] of email.html.matchAll(/href="([^"]*)"/g))
    expect(href).toMatch(/^https:\/\/[a-z0-9-.]+\.(aws\.amazon\.com|amazonaws\.cn|amazonaws-us-gov\.com)\//);
  expect(email.subject).not.toMatch(/[\r\n\t]/);
  expect(email.text).not.toMatch(/^Bcc:/m);
  expect(email.text).not.toContain('\r');
  for (const value of Object.values(email.headers)) expect(value).not.toMatch(/[\r\n]/);
}

describe('every finding field that reaches the email is escaped for its context', () => {
  it.each(FIELDS)('%s', (_, finding) => {
    // act
    const email = renderEmail({ finding, notification: notification(), sender: 'alerts@example.com' });
    // assess: the value is shown, escaped, on one line
    expect(email.html).toContain(ESCAPED);
    expect(email.text).toContain(oneLine(PAYLOAD));
    expectSafe(email);
  });

  it('rule names from the policy', () => {
    const email = renderEmail({ finding: GUARDDUTY_SAMPLE, notification: notification([PAYLOAD]), sender: 'alerts@example.com' });
    expect(email.html).toContain(ESCAPED);
    expectSafe(email);
  });

  it('a hostile ASFF finding, end to end through the normaliser', () => {
    const raw = {
      ...asff({ title: PAYLOAD, description: `${PAYLOAD}\n\njavascript:alert(1) https://evil.example/x` }),
      Resources: [{ Type: PAYLOAD, Id: PAYLOAD, Partition: 'aws', Region: 'us-east-1' }],
      Remediation: { Recommendation: { Text: PAYLOAD, Url: 'javascript:alert(document.domain)' } },
    };
    const email = renderEmail({ finding: normalized(raw), notification: notification(), sender: 'alerts@example.com' });
    expect(email.html).toContain(ESCAPED);
    expect(email.html).toContain('hxxps://evil[.]example/x');
    expectSafe(email);
  });
});

describe('escape helpers', () => {
  it('escapeHtml escapes the characters that end text or a quoted attribute', () => {
    expect(escapeHtml(`<a href="x" title='y'>&\`</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&#96;&lt;/a&gt;');
  });

  it('oneLine removes line breaks, tabs, NUL and bidi overrides', () => {
    expect(oneLine('a\r\nb\tc\u0000d\u2028e\u202Ef\u2066g  ')).toBe('a b c d e f g');
  });

  it('truncate never splits a character and ends with an ellipsis', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 4)).toBe('abc');
    expect(truncate('😀😀😀😀😀', 4)).toBe('😀…');
    expect(truncate('a😀b', 3)).toBe('a…');
    const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
    for (let max = 2; max < 12; max++) expect(truncate('x😀😀😀😀😀', max)).not.toMatch(loneSurrogate);
  });

  it.each([
    ['https://docs.aws.amazon.com/guardduty/latest/ug/x.html', true],
    ['https://us-east-1.console.aws.amazon.com/securityhub/home', true],
    ['https://console.amazonaws.cn/securityhub/', true],
    ['http://docs.aws.amazon.com/x', false],
    ['javascript:alert(1)', false],
    ['https://docs.aws.amazon.com.evil.example/', false],
    ['https://evil.example/?https://docs.aws.amazon.com/', false],
    ['https://user:pass@docs.aws.amazon.com/', false],
    ['https://docs.aws.amazon.com:8443/', false],
    ['//docs.aws.amazon.com/x', false],
    ['not a url', false],
  ])('safeLink(%s) links: %s', (url, linked) => {
    expect(safeLink(url) !== undefined).toBe(linked);
  });

  it('defang keeps URLs readable but not clickable', () => {
    expect(defang('see https://evil.example/a?b and http://x.y, ftp://f.example, www.evil.example')).toBe(
      'see hxxps://evil[.]example/a?b and hxxp://x[.]y, ftp[:]//f[.]example, www[.]evil.example',
    );
  });
});
