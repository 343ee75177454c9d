import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Digest } from '../../src/core/digest/content.js';
import { renderDigest } from '../../src/core/digest/render.js';
import { SAMPLE_DIGEST_RULE, sampleDigest } from '../../src/core/digest/samples.js';
import { hostileDigest } from '../builders/digests.js';
import { chromiumAvailable, launchChromium } from './email-chromium.js';
import { type WatchedPage, watchedPage } from './watched-page.js';

/** A desktop reading pane and a small phone. */
const SCREENS = [
  { name: '600 px', width: 600, height: 800 },
  { name: 'phone (375 px)', width: 375, height: 667 },
] as const;

const render = (digest: Digest) => renderDigest({ digest, sender: 's@example.com' }).html;

// Without Chromium, test/browser/email-rendering.test.ts reports the skip (or, in CI, the failure).
describe.runIf(chromiumAvailable)('the digest in headless Chromium', () => {
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let watched: WatchedPage;
  let templateStyles: number;

  beforeAll(async () => {
    browser = await launchChromium();
    watched = await watchedPage(browser);
    await watched.show(render(sampleDigest()), SCREENS[0]);
    templateStyles = await watched.page.locator('style').count();
  });

  afterAll(async () => {
    await browser?.close();
  });

  /** The three totals as a reader sees them, whether they are on the first screen, and whether anything overflows sideways. */
  function firstScreen() {
    return watched.page.evaluate(() => {
      const totals = [...document.querySelectorAll('.totals td')].map((cell) => {
        const r = cell.getBoundingClientRect();
        return {
          // biome-ignore lint/performance/useDomNodeTextContent: what the reader sees is the rendered text
          text: (cell as HTMLElement).innerText.replace(/\s+/g, ' ').trim(),
          visible: r.top >= 0 && r.bottom <= innerHeight && r.right <= innerWidth,
        };
      });
      return {
        totals,
        overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        widest: Math.max(...[...document.body.querySelectorAll('*')].map((el) => el.getBoundingClientRect().right)) - innerWidth,
      };
    });
  }

  describe.each(SCREENS)('at $name', (screen) => {
    it('renders the sample digest: the three totals on the first screen, every section, nothing overflowing', async () => {
      // prepare
      const html = render(sampleDigest());
      // act
      await watched.show(html, screen);
      // assess
      const seen = await firstScreen();
      expect(seen.totals).toEqual([
        { text: '3 New', visible: true },
        { text: '2 Fixed', visible: true },
        { text: '12 Still open', visible: true },
      ]);
      expect(seen.overflow).toBe(0);
      expect(seen.widest).toBeLessThanOrEqual(0);
      // biome-ignore lint/performance/useDomNodeTextContent: what the reader sees is the rendered text
      const body = await watched.page.locator('body').innerText();
      expect(body).toMatch(/NEW \(3\)[\s\S]*FIXED \(2\)[\s\S]*STILL OPEN \(12\)[\s\S]*and 7 more in Security Hub/);
      await watched.expectNothingInjected(templateStyles);
    });

    it('renders an empty digest without a breakdown, saying each section is empty', async () => {
      await watched.show(render(sampleDigest([], { ...SAMPLE_DIGEST_RULE, sendEmpty: true })), screen);
      // biome-ignore lint/performance/useDomNodeTextContent: what the reader sees is the rendered text
      const body = await watched.page.locator('body').innerText();
      expect(body).toContain('Nothing new in this period.');
      expect(body).toContain('Nothing open.');
      expect(body).not.toContain('BY SEVERITY');
      await watched.expectNothingInjected(templateStyles);
    });

    it('shows a hostile finding’s text as text: no script runs, no element or handler is injected, links go only to AWS', async () => {
      // prepare
      const html = render(hostileDigest());
      // act
      await watched.show(html, screen);
      // assess
      await watched.expectNothingInjected(templateStyles);
      // biome-ignore lint/performance/useDomNodeTextContent: what the reader sees is the rendered text
      const body = (await watched.page.locator('body').innerText()).replace(/\s+/g, ' ');
      expect(body).toContain('"><script>window.__pwned="digest"</script><img src=x onerror=alert(1)> Bcc: victim@evil.example');
      expect(body).toContain('<a href="javascript:alert(3)">click</a>');
      expect(await watched.page.locator('a[href]').count()).toBeGreaterThan(0);
      const seen = await firstScreen();
      expect(seen.overflow).toBe(0);
    });
  });
});
