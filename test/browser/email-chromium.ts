import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

/** Debian's Chromium; CI installs it with apt. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Whether the browser tests can run. In CI a missing Chromium is a failure, not a skip. */
export const chromiumAvailable = existsSync(CHROMIUM_PATH);
export const chromiumMissingMessage = `Chromium not found at ${CHROMIUM_PATH}: install Debian's "chromium" package (or set CHROMIUM_PATH) to run the browser tests`;

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** One headless Chromium with a fresh profile; every network request is refused and recorded. */
export async function launchChromium(): Promise<{ context: BrowserContext; requests: string[]; close(): Promise<void> }> {
  const profile = await mkdtemp(join(tmpdir(), 'sechub-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, args: FLAGS, headless: true });
  const requests: string[] = [];
  await context.route('**/*', (route) => {
    requests.push(route.request().url());
    return route.abort();
  });
  return {
    context,
    requests,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
