import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { launchChromium } from './email-chromium.js';

/** Elements no email of ours holds: anything a finding's text would add if it escaped its escaping. */
const FORBIDDEN_ELEMENTS =
  'body script, img, iframe, svg, math, object, embed, form, input, button, marquee, video, audio, base, b, meta[http-equiv="refresh" i]';

/** A page that records dialogs, page errors and a script's `window.__pwned` flag, for showing one email after another. */
export interface WatchedPage {
  page: Page;
  /** Shows `html` at the given size, forgetting what was recorded before. */
  show(html: string, screen: { width: number; height: number }): Promise<void>;
  /** Fails when anything ran or was injected: a dialog, an error, a script's flag, a foreign element, style sheet or handler, a non-AWS link, a request. */
  expectNothingInjected(templateStyles: number): Promise<void>;
}

export async function watchedPage(browser: Awaited<ReturnType<typeof launchChromium>>): Promise<WatchedPage> {
  const page = await browser.context.newPage();
  const dialogs: string[] = [];
  const errors: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('pageerror', (error) => errors.push(error.message));
  await page.addInitScript(() => {
    (window as unknown as { __pwned?: unknown }).__pwned = undefined;
  });
  return {
    page,
    async show(html, screen) {
      await page.setViewportSize({ width: screen.width, height: screen.height });
      browser.requests.length = 0;
      dialogs.length = 0;
      errors.length = 0;
      await page.setContent(html, { waitUntil: 'load' });
    },
    async expectNothingInjected(templateStyles) {
      expect(dialogs).toEqual([]);
      expect(errors).toEqual([]);
      expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
      expect(await page.locator(FORBIDDEN_ELEMENTS).count()).toBe(0);
      expect(await page.locator('style').count()).toBe(templateStyles);
      const handlers = await page.evaluate(() =>
        [...document.querySelectorAll('*')].flatMap((el) => el.getAttributeNames().filter((name) => name.startsWith('on'))),
      );
      expect(handlers).toEqual([]);
      const hrefs = await page.evaluate(() => [...document.querySelectorAll('[href]')].map((el) => el.getAttribute('href')));
      for (const href of hrefs) expect(href).toMatch(/^https:\/\/([a-z0-9-]+\.)*(aws\.amazon\.com|amazonaws\.cn|amazonaws-us-gov\.com)\//);
      expect(browser.requests).toEqual([]);
    },
  };
}
