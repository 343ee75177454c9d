import { describe, expect, it } from 'vitest';
import { consoleLink } from '../../src/core/email/links.js';
import { renderEmail, subjectFor } from '../../src/core/email/render.js';
import { CONTROL_SAMPLE, GUARDDUTY_SAMPLE, INSPECTOR_SAMPLE, resolvedSample } from '../../src/core/email/samples.js';
import type { Notification, NotificationKind } from '../../src/core/notification.js';
import type { FindingSnapshot } from '../../src/core/record.js';
import { asff, normalized } from '../builders/asff.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for control characters
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

function notify(
  finding: FindingSnapshot,
  kind: NotificationKind = 'new',
  at = '2026-01-22T10:00:00.000Z',
  rules = ['team-a'],
): Notification {
  return { kind, id: `${finding.key}|${kind}|${at}`, rules, to: ['team@example.com'], at };
}

function render(finding: FindingSnapshot, kind: NotificationKind = 'new', at?: string) {
  return renderEmail({ finding, notification: notify(finding, kind, at), sender: 'alerts@example.com' });
}

/** The visible text of the HTML, in order, with tags removed and entities decoded. */
function visibleText(html: string): string {
  return html
    .replace(/<head>[\s\S]*?<\/head>/, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<div style="display:none[^>]*>[\s\S]*?<\/div>/, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

function expectInOrder(text: string, parts: string[]): void {
  let from = 0;
  for (const part of parts) {
    const at = text.indexOf(part, from);
    expect(at, `"${part}" after position ${from}`).toBeGreaterThanOrEqual(0);
    from = at + part.length;
  }
}

describe('the subject', () => {
  it('names severity, product, short title, account name and id, and region on one line', () => {
    const subject = subjectFor(GUARDDUTY_SAMPLE, notify(GUARDDUTY_SAMPLE));
    expect(subject).toBe(
      'HIGH GuardDuty: The EC2 instance i-0abc123def4567890 queried a DGA domain name. (payments-production 111122223333, eu-west-1)',
    );
  });

  it('names the account by the directory when it knows it, and by id alone when nobody does', () => {
    const named = subjectFor(GUARDDUTY_SAMPLE, { ...notify(GUARDDUTY_SAMPLE), accountName: 'payments-prod' });
    const unnamed = subjectFor({ ...GUARDDUTY_SAMPLE, accountName: undefined }, notify(GUARDDUTY_SAMPLE));
    expect(named.endsWith('(payments-prod 111122223333, eu-west-1)')).toBe(true);
    expect(unnamed.endsWith('(111122223333, eu-west-1)')).toBe(true);
  });

  it('is the same for the new, reminder and resolved emails of a finding, so that Gmail threads them', () => {
    const subjects = (['new', 'reminder', 'resolved'] as const).map((kind) => render(CONTROL_SAMPLE, kind).subject);
    expect(new Set(subjects)).toEqual(new Set([subjectFor(CONTROL_SAMPLE)]));
    expect(subjects[0]).toMatch(/^MEDIUM Security Hub: /);
  });

  it('leaves the kind of email to the first words of the preview text and the body', () => {
    expect(render(CONTROL_SAMPLE, 'reminder').html).toMatch(/<div style="display:none[^>]*>Reminder: still open/);
    expect(render(CONTROL_SAMPLE, 'resolved').text).toMatch(/^MEDIUM · RESOLVED · /);
  });

  it('stays within 150 characters with no control characters, keeping account and region, for a long hostile title', () => {
    const title = `Evil\r\nBcc: victim@example.com\t\u202Egnp.exe ${'x'.repeat(600)}`;
    const subject = subjectFor({ ...GUARDDUTY_SAMPLE, title });
    expect(subject.length).toBeLessThanOrEqual(150);
    expect(subject).not.toMatch(CONTROL_CHARACTERS);
    expect(subject).not.toContain('\u202E');
    expect(subject).toContain('…');
    expect(subject.endsWith('(payments-production 111122223333, eu-west-1)')).toBe(true);
  });
});

describe('the body', () => {
  it('shows the facts in the order a reader needs them', () => {
    const text = visibleText(render(CONTROL_SAMPLE).html);
    expectInOrder(text, [
      'MEDIUM',
      'NEW',
      'CloudTrail should have encryption at-rest enabled',
      'New finding: it matches rule “team-a”.',
      'Account 111122223333 (audit)',
      'Region us-east-1',
      'Resource AwsCloudTrailTrail arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events',
      'First observed 2026-01-11 02:57 UTC',
      'Last updated 2026-01-11 03:30 UTC',
      'Open for 11 days',
      'Product Security Hub',
      'Control CloudTrail.2',
      'Standards AWS Foundational Security Best Practices v1.0.0 CIS AWS Foundations Benchmark v1.4.0, v3.0.0',
      'What happened This control checks whether CloudTrail',
      'What to do For information on how to correct this issue',
      'Remediation guide',
      'Open in Security Hub',
    ]);
  });

  it('says why a reminder came: how long the finding has been open', () => {
    const text = visibleText(render(CONTROL_SAMPLE, 'reminder', '2026-01-27T15:00:00.000Z').html);
    expect(text).toContain('Reminder: still open after 16 days (rule “team-a”).');
  });

  it('says clearly that the problem went away in a resolved email', () => {
    const email = render(resolvedSample(GUARDDUTY_SAMPLE), 'resolved', '2026-01-13T10:05:30.000Z');
    const text = visibleText(email.html);
    expect(text).toContain('RESOLVED');
    expect(text).toContain('Resolved: the problem went away.');
    expect(text).toContain('Was open for 3 days');
    expect(email.text).toContain('Resolved: the problem went away.');
  });

  it('shows the first resources and how many more a finding with 1,000 resources names, and stays small', () => {
    const resources = Array.from({ length: 25 }, (_, i) => ({ type: 'AwsS3Bucket', id: `arn:aws:s3:::bucket-${i}-${'x'.repeat(200)}` }));
    const email = render({ ...CONTROL_SAMPLE, resources, resourceCount: 1000 });
    const text = visibleText(email.html);
    expect(text).toContain('arn:aws:s3:::bucket-4-');
    expect(text).not.toContain('arn:aws:s3:::bucket-5-');
    expect(text).toContain('and 995 more');
    expect(email.text).toContain('and 995 more');
    expect(Buffer.byteLength(email.html) + Buffer.byteLength(email.text)).toBeLessThan(40_000);
  });

  it('shows an Inspector finding’s CVE, package, installed and fixed-in versions', () => {
    const email = render(INSPECTOR_SAMPLE);
    const text = visibleText(email.html);
    expectInOrder(text, [
      'Vulnerable packages',
      'CVE-2021-44228',
      'org.apache.logging.log4j:log4j-core',
      'fixed in 2.15.0 (installed 2.14.1)',
    ]);
    expect(email.text).toContain('CVE-2021-44228: org.apache.logging.log4j:log4j-core');
    expect(email.text).toContain('fixed in 2.15.0 (installed 2.14.1)');
  });

  it('says "no fix yet" for a package without a fixed-in version', () => {
    const finding = { ...INSPECTOR_SAMPLE, vulnerabilities: [{ id: 'CVE-2026-0001', packages: [{ name: 'openssl', version: '3.0.1' }] }] };
    expect(visibleText(render(finding).html)).toContain('fixed in no fix yet (installed 3.0.1)');
  });

  it('shows a GuardDuty finding’s type and count', () => {
    const email = render(GUARDDUTY_SAMPLE);
    expectInOrder(visibleText(email.html), ['GuardDuty', 'Finding type Trojan:EC2-DGADomainRequest.B', 'Count 5']);
    expect(email.text).toMatch(/Finding type: +Trojan:EC2-DGADomainRequest\.B/);
    expect(email.text).toMatch(/Count: +5/);
  });

  it('cuts a 10 kB description with an ellipsis', () => {
    const description = `${'A long description. '.repeat(500)}END`;
    const email = render({ ...GUARDDUTY_SAMPLE, description });
    expect(email.html).not.toContain('END');
    expect(email.html).toContain('…');
    expect(Buffer.byteLength(email.html)).toBeLessThan(30_000);
  });

  it('keeps the paragraphs of a description', () => {
    expect(render(INSPECTOR_SAMPLE).text).toMatch(/related endpoints\.\n\nAn attacker who can control/);
  });
});

describe('links', () => {
  it('deep-links an ASFF finding to the Security Hub CSPM console of its region, filtered on its id', () => {
    const finding = normalized(asff({ region: 'eu-central-1' }));
    const link = consoleLink(finding)!;
    expect(link).toBe(
      'https://eu-central-1.console.aws.amazon.com/securityhub/home?region=eu-central-1#/findings?search=Id%3D%255Coperator%255C%253AEQUALS%255C%253Aarn%253Aaws%253Aguardduty%253Aeu-central-1%253A111122223333%253Adetector%252F12abc34d567e8fa901bc2d34e56789f0%252Ffinding%252F7ab1c2d3e4f5a6b7c8d9e0f1a2b3c4d5',
    );
    const search = new URL(link).hash.split('search=')[1]!;
    expect(decodeURIComponent(decodeURIComponent(search))).toBe(`Id=\\operator\\:EQUALS\\:${finding.id}`);
    expect(render(finding).html).toContain(`href="${link}"`);
  });

  it('deep-links an OCSF finding to the Security Hub console, filtered on finding_info.uid', () => {
    const link = consoleLink(INSPECTOR_SAMPLE)!;
    expect(
      link.startsWith('https://us-east-2.console.aws.amazon.com/securityhub/v2/home?region=us-east-2#/findings?search=finding_info.uid%3D'),
    ).toBe(true);
    const search = new URL(link).hash.split('search=')[1]!;
    expect(decodeURIComponent(decodeURIComponent(search))).toBe(`finding_info.uid=\\operator\\:EQUALS\\:${INSPECTOR_SAMPLE.id}`);
  });

  it('encodes every character of a hostile id, so the link cannot be bent', () => {
    const id = 'x"><script>alert(1)</script>&region=evil#/other?a=b c/é';
    const link = consoleLink({ ...GUARDDUTY_SAMPLE, id })!;
    const afterFragment = link.slice(link.indexOf('#') + 1);
    expect(afterFragment).toMatch(/^\/findings\?search=[A-Za-z0-9%._~-]+$/);
    expect(decodeURIComponent(decodeURIComponent(afterFragment.split('search=')[1]!))).toBe(`Id=\\operator\\:EQUALS\\:${id}`);
  });

  it('uses the console host of the finding’s partition, and makes no link for a region that is not one', () => {
    expect(consoleLink({ ...GUARDDUTY_SAMPLE, partition: 'aws-cn', region: 'cn-north-1' })).toMatch(
      /^https:\/\/console\.amazonaws\.cn\/securityhub\/home\?region=cn-north-1#/,
    );
    expect(consoleLink({ ...GUARDDUTY_SAMPLE, partition: 'aws-us-gov', region: 'us-gov-west-1' })).toMatch(
      /^https:\/\/console\.amazonaws-us-gov\.com\//,
    );
    expect(consoleLink({ ...GUARDDUTY_SAMPLE, region: 'evil.example/x' })).toBeUndefined();
    expect(consoleLink({ ...GUARDDUTY_SAMPLE, partition: 'constructor' })).toBeUndefined();
    expect(render({ ...GUARDDUTY_SAMPLE, region: 'evil.example/x' }).html).not.toContain('Open in Security Hub');
  });

  it('links a remediation page on docs.aws.amazon.com, and shows any other address defanged as text', () => {
    expect(render(CONTROL_SAMPLE).html).toContain('href="https://docs.aws.amazon.com/console/securityhub/CloudTrail.2/remediation"');
    for (const url of [
      'https://evil.example/fix',
      'http://docs.aws.amazon.com/x',
      'javascript:alert(1)',
      'https://docs.aws.amazon.com:8443/x',
    ]) {
      const email = render({ ...CONTROL_SAMPLE, remediation: { text: 'Fix it.', url } });
      const hrefs = [...email.html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]);
      expect(hrefs.every((href) => href?.startsWith('https://us-east-1.console.aws.amazon.com/'))).toBe(true);
      expect(visibleText(email.html)).toContain('Link given by the finding (not opened by this email):');
    }
    expect(render({ ...CONTROL_SAMPLE, remediation: { url: 'https://evil.example/fix' } }).text).toContain('hxxps://evil[.]example/fix');
  });
});

describe('the plain-text part', () => {
  it('carries the same facts as the HTML', () => {
    for (const finding of [GUARDDUTY_SAMPLE, INSPECTOR_SAMPLE, CONTROL_SAMPLE]) {
      const email = render(finding);
      const html = visibleText(email.html);
      const facts = [
        finding.severity,
        finding.title,
        finding.account,
        finding.region,
        finding.resources[0]!.id,
        finding.productName,
        consoleLink(finding)!,
      ];
      for (const fact of facts) {
        expect(email.text).toContain(fact);
        if (!fact.startsWith('https://')) expect(html).toContain(fact);
      }
      expect(email.text).toMatch(/First observed: +\d{4}-\d\d-\d\d \d\d:\d\d UTC/);
      expect(email.text).toMatch(/Last updated: +\d{4}-\d\d-\d\d \d\d:\d\d UTC/);
      expect(email.text).toMatch(/Open for: +\d+ (day|hour|minute)s?/);
    }
  });
});

describe('headers', () => {
  it('carry the finding id and the notification kind, with no line breaks possible', () => {
    const email = render({ ...GUARDDUTY_SAMPLE, id: 'arn:x\r\nBcc: victim@example.com' }, 'reminder');
    expect(email.headers['X-Sechub-Notification']).toBe('reminder');
    expect(email.headers['X-Sechub-Finding-Id']).toBe('arn:x Bcc: victim@example.com');
  });
});
