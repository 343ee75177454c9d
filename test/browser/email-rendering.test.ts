import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderEmail } from '../../src/core/email/render.js';
import { CONTROL_SAMPLE, GUARDDUTY_SAMPLE, INSPECTOR_SAMPLE, sampleNotification } from '../../src/core/email/samples.js';
import { clean, LIMITS } from '../../src/core/email/view.js';
import { SEVERITIES } from '../../src/core/finding.js';
import type { NotificationKind } from '../../src/core/notification.js';
import type { FindingSnapshot } from '../../src/core/record.js';
import { asff, normalized } from '../builders/asff.js';
import { fixture } from '../support/fixtures.js';
import { chromiumAvailable, chromiumMissingMessage, launchChromium } from './email-chromium.js';
import { type WatchedPage, watchedPage } from './watched-page.js';

const KINDS: NotificationKind[] = ['new', 'reminder', 'resolved'];
/** A desktop reading pane and a small phone. */
const SCREENS = [
  { name: '600 px', width: 600, height: 800 },
  { name: 'phone (375 px)', width: 375, height: 667 },
] as const;

const fromFile = (relative: string) => normalized(JSON.parse(readFileSync(fixture(relative), 'utf8')));

/** One finding per product: the samples, public fixtures (ASFF and OCSF), Macie and a third-party product. */
const PRODUCTS: [string, FindingSnapshot][] = [
  ['GuardDuty (ASFF sample)', GUARDDUTY_SAMPLE],
  ['GuardDuty (OCSF fixture)', fromFile('ocsf/findings/security-lake-ocsf-1.1/detection-guardduty-CloudTrailLoggingDisabled.json')],
  ['Inspector (OCSF fixture)', fromFile('ocsf/findings/elastic-aws_securityhub/06-vulnerability-inspector-CVE-2025-8194-new.json')],
  ['Inspector (ASFF fixture)', fromFile('asff/findings/custodian-inspector2-ecr-cve-2021-44228-critical.json')],
  ['Security Hub CIS/FSBP control (ASFF fixture)', fromFile('asff/findings/awsdocs-consolidated-cloudtrail.2-multi-standard-failed.json')],
  ['Macie', normalized(asff({ product: 'macie', title: 'The S3 bucket contains personal information.' }))],
  [
    'a third-party product',
    normalized(
      asff({ productArn: 'arn:aws:securityhub:us-east-1:111122223333:product/111122223333/default', title: 'Custom check failed' }),
    ),
  ],
];

/** Every product with every kind, the severities taking turns, so each severity appears with several kinds. */
const CASES = PRODUCTS.flatMap(([product, finding], p) =>
  KINDS.map((kind, k) => {
    const severity = SEVERITIES[(p * KINDS.length + k) % SEVERITIES.length]!;
    return { label: `${product}, ${severity}, ${kind}`, finding: { ...finding, severity, open: kind !== 'resolved' }, kind };
  }),
);

const HOSTILE_DESCRIPTION = [
  '<script>window.__pwned = "description"</script>',
  '"><img src=x onerror="window.__pwned = \'img\'">',
  '<svg onload=alert(1)><iframe srcdoc="<script>parent.__pwned=1</script>"></iframe>',
  'javascript:alert(document.domain) https://evil.example/phish',
  'مرحبا بالعالم — שלום עולם — 🚨🔥🧨 \u202Egnp.exe\u202C',
  'x'.repeat(9_500),
].join('\r\n\r\n');

/** A finding full of strings that would run, inject or bend the layout if anything were left unescaped. */
const HOSTILE: FindingSnapshot = {
  ...INSPECTOR_SAMPLE,
  id: `"><script>window.__pwned="id"</script>`,
  title: `<script>window.__pwned="title"</script>"><img src=x onerror=alert(1)>\r\nBcc: victim@evil.example مرحبا 🚨`,
  description: HOSTILE_DESCRIPTION,
  account: `"><script>alert("account")</script>`,
  accountName: `<iframe srcdoc="<script>parent.__pwned='name'</script>">`,
  region: `us-east-1"><b onmouseover=alert(1)>x</b>`,
  productName: '<marquee>Inspector</marquee>',
  resources: Array.from({ length: 25 }, (_, i) => ({
    type: '<style>*{display:none}</style>',
    id: `'"><img src=x onerror=alert(${i})>${'A'.repeat(300)}`,
  })),
  resourceCount: 1000,
  remediation: { text: '<a href="javascript:alert(1)">Click here to fix</a>', url: 'javascript:alert(document.cookie)' },
  control: { id: '<script>alert("control")</script>', standards: ['cis'], standardIds: ['"><svg/onload=alert(1)>'] },
  vulnerabilities: [
    { id: '<script>alert("cve")</script>', packages: [{ name: '<img src=x onerror=alert(1)>', version: '"', fixedIn: "'><b>1</b>" }] },
  ],
  types: ['TTPs/<script>alert("type")</script>'],
};

if (!chromiumAvailable) {
  if (process.env.CI === 'true') {
    it('runs the browser tests in CI', () => {
      throw new Error(chromiumMissingMessage);
    });
  } else {
    process.stderr.write(`\nemail browser tests SKIPPED: ${chromiumMissingMessage}\n`);
    it.skip(`SKIPPED: ${chromiumMissingMessage}`, () => {});
  }
}

describe.runIf(chromiumAvailable)('the email in headless Chromium', () => {
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let watched: WatchedPage;
  let page: Page;
  let templateStyles: number;

  beforeAll(async () => {
    browser = await launchChromium();
    watched = await watchedPage(browser);
    page = watched.page;
    await show(
      renderEmail({ finding: GUARDDUTY_SAMPLE, notification: sampleNotification(GUARDDUTY_SAMPLE, 'new'), sender: 's@example.com' }).html,
      SCREENS[0],
    );
    templateStyles = await page.locator('style').count();
  });

  afterAll(async () => {
    await browser?.close();
  });

  const show = (html: string, screen: (typeof SCREENS)[number]) => watched.show(html, screen);

  /** What a reader sees on the first screen, and whether anything overflows sideways. */
  function firstScreen() {
    return page.evaluate(() => {
      /** Wholly on the first screen; with `firstLine`, at least its first line (a 256-character id may run on). */
      const onScreen = (el: Element | null | undefined, firstLine = false) => {
        if (!el) return false;
        const r = el.getBoundingClientRect();
        const bottom = firstLine ? r.top + Math.min(r.height, Number.parseFloat(getComputedStyle(el).lineHeight) || 20) : r.bottom;
        return (
          el.checkVisibility() && r.width > 0 && r.height > 0 && r.top >= 0 && r.left >= 0 && bottom <= innerHeight && r.right <= innerWidth
        );
      };
      const value = (label: RegExp) =>
        [...document.querySelectorAll('th')].find((th) => label.test(th.textContent ?? ''))?.nextElementSibling;
      const severity = document.querySelector('.severity');
      const title = document.querySelector('h1');
      const account = value(/^Account$/);
      const resource = value(/^Resources?$/)?.querySelector('div');
      return {
        severity: { text: severity?.textContent, visible: onScreen(severity) },
        title: { text: title?.textContent, visible: onScreen(title) },
        account: { text: account?.textContent, visible: onScreen(account) },
        resource: { text: resource?.textContent, visible: onScreen(resource, true) },
        overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        widest: Math.max(...[...document.body.querySelectorAll('*')].map((el) => el.getBoundingClientRect().right)) - innerWidth,
      };
    });
  }

  const expectNothingInjected = () => watched.expectNothingInjected(templateStyles);

  async function expectReadableAtAGlance(finding: FindingSnapshot): Promise<void> {
    const seen = await firstScreen();
    expect(seen.severity).toEqual({ text: finding.severity, visible: true });
    expect(seen.title).toEqual({ text: clean(finding.title, LIMITS.title), visible: true });
    expect(seen.account.visible).toBe(true);
    expect(seen.account.text?.startsWith(clean(finding.account, LIMITS.short))).toBe(true);
    expect(seen.resource.visible).toBe(true);
    expect(seen.resource.text).toContain(clean(finding.resources[0]!.id, LIMITS.id));
    expect(seen.overflow).toBe(0);
    expect(seen.widest).toBeLessThanOrEqual(0);
  }

  describe.each(SCREENS)('at $name', (screen) => {
    it.each(CASES)('$label: severity, title, account and resource on the first screen, nothing overflowing', async ({ finding, kind }) => {
      // prepare
      const email = renderEmail({ finding, notification: sampleNotification(finding, kind, 12), sender: 's@example.com' });
      // act
      await show(email.html, screen);
      // assess
      await expectReadableAtAGlance(finding);
      await expectNothingInjected();
    });

    it.each(KINDS)('a hostile finding (%s email) runs no script, injects no element and keeps the layout', async (kind) => {
      const email = renderEmail({
        finding: HOSTILE,
        notification: sampleNotification(HOSTILE, kind, 3, ['<script>alert("rule")</script>']),
        sender: 's@example.com',
      });
      await show(email.html, screen);
      await expectNothingInjected();
      await expectReadableAtAGlance(HOSTILE);
      // biome-ignore lint/performance/useDomNodeTextContent: what the reader sees is the rendered text
      const body = (await page.locator('body').innerText()).replace(/\s+/g, ' ');
      expect(body).toContain('<script>window.__pwned="title"</script>"><img src=x onerror=alert(1)> Bcc: victim@evil.example مرحبا 🚨');
      expect(body).toContain('hxxps://evil[.]example/phish');
      expect(body).toContain('and 995 more');
    });
  });

  it('stays readable in dark mode: text contrasts with its background', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    try {
      await show(
        renderEmail({ finding: CONTROL_SAMPLE, notification: sampleNotification(CONTROL_SAMPLE, 'new'), sender: 's@example.com' }).html,
        SCREENS[0],
      );
      const ratios = await page.evaluate(() => {
        const rgb = (css: string) => (css.match(/[\d.]+/g) ?? []).map(Number);
        const luminance = ([r, g, b]: number[]) =>
          [r!, g!, b!]
            .map((v) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4))
            .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i]!, 0);
        const background = (el: Element | null): number[] => {
          for (let node = el; node; node = node.parentElement) {
            const colour = rgb(getComputedStyle(node).backgroundColor);
            if (colour.length === 3 || (colour.length === 4 && colour[3]! > 0)) return colour;
          }
          return [255, 255, 255];
        };
        const contrast = (el: Element | null) => {
          const [a, b] = [luminance(rgb(getComputedStyle(el!).color)), luminance(background(el))];
          return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
        };
        return {
          title: contrast(document.querySelector('h1')),
          fact: contrast(document.querySelector('td div')),
          label: contrast(document.querySelector('th')),
          why: contrast(document.querySelector('.why')),
          body: getComputedStyle(document.body).backgroundColor,
        };
      });
      expect(ratios.title).toBeGreaterThanOrEqual(4.5);
      expect(ratios.fact).toBeGreaterThanOrEqual(4.5);
      expect(ratios.label).toBeGreaterThanOrEqual(4.5);
      expect(ratios.why).toBeGreaterThanOrEqual(4.5);
      expect(ratios.body).not.toBe('rgb(238, 241, 245)');
    } finally {
      await page.emulateMedia({ colorScheme: 'light' });
    }
  });
});
