// Renders the example emails and screenshots them in headless Chromium for
// docs/email.md and docs/digest.md:  npx tsx scripts/screenshot-emails.ts
// Needs Chromium at /usr/bin/chromium (or CHROMIUM_PATH).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { renderDigest } from '../src/core/digest/render.js';
import { sampleDigest } from '../src/core/digest/samples.js';
import { renderEmail } from '../src/core/email/render.js';
import { resolvedSample, SAMPLES, sampleNotification } from '../src/core/email/samples.js';
import type { NotificationKind } from '../src/core/notification.js';
import type { FindingSnapshot } from '../src/core/record.js';

const OUT = new URL('../docs/emails/', import.meta.url);
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

interface Shot {
  file: string;
  finding: FindingSnapshot;
  kind: NotificationKind;
  days: number;
  width: number;
  dark?: boolean;
}

const shots: Shot[] = [
  { file: 'guardduty-new.png', finding: SAMPLES.guardduty, kind: 'new', days: 0.05, width: 600 },
  { file: 'guardduty-resolved.png', finding: resolvedSample(SAMPLES.guardduty, 3), kind: 'resolved', days: 3.1, width: 600 },
  { file: 'inspector-new.png', finding: SAMPLES.inspector, kind: 'new', days: 0.05, width: 600 },
  { file: 'inspector-resolved.png', finding: resolvedSample(SAMPLES.inspector, 5), kind: 'resolved', days: 5.1, width: 600 },
  { file: 'control-new.png', finding: SAMPLES.control, kind: 'new', days: 0.05, width: 600 },
  { file: 'control-reminder.png', finding: SAMPLES.control, kind: 'reminder', days: 15, width: 600 },
  { file: 'control-resolved.png', finding: resolvedSample(SAMPLES.control, 3), kind: 'resolved', days: 3.1, width: 600 },
  { file: 'guardduty-new-phone.png', finding: SAMPLES.guardduty, kind: 'new', days: 0.05, width: 375 },
  { file: 'inspector-new-dark.png', finding: SAMPLES.inspector, kind: 'new', days: 0.05, width: 600, dark: true },
];

/** The sample digest: on a desktop, on a phone, and in dark mode. */
const digestShots: Omit<Shot, 'finding' | 'kind' | 'days'>[] = [
  { file: 'digest.png', width: 600 },
  { file: 'digest-phone.png', width: 375 },
  { file: 'digest-dark.png', width: 600, dark: true },
];

const pages = [
  ...shots.map((shot) => ({
    ...shot,
    html: () =>
      renderEmail({ finding: shot.finding, notification: sampleNotification(shot.finding, shot.kind, shot.days), sender: 'x@example.com' })
        .html,
  })),
  ...digestShots.map((shot) => ({ ...shot, html: () => renderDigest({ digest: sampleDigest(), sender: 'x@example.com' }).html })),
];

const userDataDir = await mkdtemp(join(tmpdir(), 'sechub-email-shots-'));
const browser = await chromium.launchPersistentContext(userDataDir, {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: FLAGS,
  headless: true,
  javaScriptEnabled: false,
  offline: true,
});
try {
  for (const shot of pages) {
    const page = await browser.newPage();
    await page.emulateMedia({ colorScheme: shot.dark ? 'dark' : 'light' });
    await page.setViewportSize({ width: shot.width, height: 800 });
    await page.setContent(shot.html());
    await writeFile(new URL(shot.file, OUT), await page.screenshot({ fullPage: true }));
    await page.close();
    process.stdout.write(`docs/emails/${shot.file}\n`);
  }
} finally {
  await browser.close();
  await rm(userDataDir, { recursive: true, force: true });
}
