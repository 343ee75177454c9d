// Renders the Slack and Teams messages of the example findings and screenshots them in headless Chromium for
// docs/channels.md:  npx tsx scripts/screenshot-channels.ts
// Slack's Block Kit is drawn by the small HTML renderer below (Slack has none to borrow); the Teams card is
// drawn by Microsoft's Adaptive Cards library, loaded into the page. Needs the Chromium the browser tests use: Debian's
// chromium package (or CHROMIUM_PATH). Nothing is fetched: every request the page makes is refused.
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { renderSlack, type SlackBlock, type SlackMessage } from '../src/core/channels/slack.js';
import { renderTeams } from '../src/core/channels/teams.js';
import { CONTROL_SAMPLE, GUARDDUTY_SAMPLE, INSPECTOR_SAMPLE, resolvedSample, sampleNotification } from '../src/core/email/samples.js';
import type { Notification, NotificationKind } from '../src/core/notification.js';
import type { ChannelMessage } from '../src/core/ports.js';
import type { FindingSnapshot } from '../src/core/record.js';
import { launchChromium } from '../test/browser/email-chromium.js';

const OUT = new URL('../docs/channels/', import.meta.url);
const ADAPTIVE_CARDS = createRequire(import.meta.url).resolve('adaptivecards/dist/adaptivecards.js');

function message(finding: FindingSnapshot, kind: NotificationKind, days: number, extra: Partial<Notification> = {}): ChannelMessage {
  return { notification: { ...sampleNotification(finding, kind, days), ...extra }, finding };
}

/** A finding whose every field tries to mention, broadcast, link and format. */
const HOSTILE: FindingSnapshot = {
  ...GUARDDUTY_SAMPLE,
  title: '<!channel> urgent: <https://evil.example/login|re-enter your AWS password> [click](https://evil.example) *now* @here',
  description: 'Call <@U012ABCDEF> or visit www.evil.example — {{DATE(2017-02-14T06:08:00Z, SHORT)}} <at>Alice</at> _italic_ ~gone~',
  accountName: '<#C0123456789|general> **prod**',
  remediation: { text: 'Open https://evil.example/fix', url: 'https://evil.example/fix' },
};

// ---- Slack: Block Kit drawn as Slack draws it, from the escaped payload ----

const SLACK_STYLE = `
  body { margin: 0; background: #fff; color: #1d1c1d; font: 15px/1.47 -apple-system, "Segoe UI", "Helvetica Neue", Arial, sans-serif; }
  .frame { width: 720px; padding: 12px 0; }
  .channel { padding: 6px 20px 10px; border-bottom: 1px solid #e8e8e8; font-weight: 900; font-size: 17px; }
  .msg { display: flex; gap: 8px; padding: 8px 20px; }
  .avatar { flex: none; width: 36px; height: 36px; border-radius: 6px; background: #7a1f1f; color: #fff; font: 700 12px/36px sans-serif; text-align: center; }
  .body { min-width: 0; flex: 1; }
  .who { font-weight: 900; } .app { background: #e8e8e8; color: #616061; font-size: 10px; font-weight: 700; padding: 1px 3px; border-radius: 2px; margin: 0 4px; }
  .time, .edited { color: #616061; font-size: 12px; font-weight: 400; }
  .header { font-size: 18px; font-weight: 900; margin: 4px 0; overflow-wrap: anywhere; }
  .section { margin: 6px 0; overflow-wrap: anywhere; }
  .fields { display: grid; grid-template-columns: 1fr 1fr; gap: 8px 16px; margin: 8px 0; }
  code { font: 12px Monaco, Menlo, Consolas, monospace; color: #c01343; background: #f6f6f6; border: 1px solid #e2e2e2; border-radius: 3px; padding: 1px 3px; overflow-wrap: anywhere; }
  .context { display: flex; flex-wrap: wrap; gap: 4px 10px; color: #616061; font-size: 12px; margin: 6px 0; overflow-wrap: anywhere; }
  .button { display: inline-block; border: 1px solid #cfcfcf; border-radius: 4px; padding: 3px 12px; font-weight: 700; font-size: 13px; margin: 6px 0; }
  .button.primary { background: #007a5a; border-color: #007a5a; color: #fff; }
  .replies { color: #1264a3; font-size: 13px; font-weight: 700; margin-top: 4px; }
  .thread { margin: 4px 20px 0 64px; border-left: 3px solid #e8e8e8; }
  .thread h2 { font-size: 14px; margin: 4px 12px; color: #616061; }
`;

/** mrkdwn as Slack shows it: *bold* and `code`; the text is already Slack-escaped, so it holds no markup of its own. */
function mrkdwn(text: string): string {
  return text
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/(^|[\s(])\*([^*\n]+)\*(?=$|[\s.,:;)])/g, '$1<b>$2</b>')
    .replaceAll('\n', '<br>');
}

function textObject(object: { type: string; text: string }): string {
  return object.type === 'mrkdwn' ? mrkdwn(object.text) : object.text.replaceAll('\n', '<br>');
}

function block(b: SlackBlock): string {
  switch (b.type) {
    case 'header':
      return `<div class="header">${b.text.text}</div>`;
    case 'section':
      return [
        b.text ? `<div class="section">${textObject(b.text)}</div>` : '',
        b.fields ? `<div class="fields">${b.fields.map((f) => `<div>${textObject(f)}</div>`).join('')}</div>` : '',
      ].join('');
    case 'actions':
      return b.elements.map((e) => `<span class="button ${e.style ?? ''}">${e.text.text}</span>`).join(' ');
    case 'context':
      return `<div class="context">${b.elements.map((e) => `<span>${textObject(e)}</span>`).join('')}</div>`;
  }
}

function slackMessage(payload: SlackMessage, time: string, note = ''): string {
  return `<div class="msg"><div class="avatar">SH</div><div class="body">
    <div><span class="who">sechub-alerts</span><span class="app">APP</span><span class="time">${time}</span> ${note}</div>
    ${payload.blocks.map(block).join('\n')}</div></div>`;
}

function slackPage(content: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><style>${SLACK_STYLE}</style></head><body><div class="frame">
    <div class="channel"># secops-alerts</div>${content}</div></body></html>`;
}

// ---- Teams: the card drawn by Microsoft's own renderer ----

const TEAMS_STYLE = `
  body { margin: 0; background: #f5f5f5; font-family: "Segoe UI", -apple-system, "Helvetica Neue", Arial, sans-serif; }
  .frame { width: 640px; padding: 16px; }
  .post { background: #fff; border-radius: 6px; box-shadow: 0 1px 3px rgba(0,0,0,.15); padding: 12px 16px; }
  .who { font-size: 13px; color: #424242; margin-bottom: 8px; } .who b { color: #242424; }
  .ac-pushButton { border: 1px solid #c7c7c7; border-radius: 4px; background: #fff; font: 600 14px "Segoe UI", sans-serif; padding: 5px 12px; }
`;

const TEAMS_HOST_CONFIG = {
  fontFamily: '"Segoe UI", -apple-system, "Helvetica Neue", Arial, sans-serif',
  spacing: { small: 4, default: 8, medium: 16, large: 20, extraLarge: 24, padding: 12 },
  containerStyles: {
    default: {
      backgroundColor: '#ffffff',
      foregroundColors: {
        default: { default: '#242424', subtle: '#616161' },
        attention: { default: '#c4314b' },
        warning: { default: '#835c00' },
        good: { default: '#237b4b' },
        accent: { default: '#5b5fc7' },
      },
    },
    emphasis: { backgroundColor: '#f5f5f5' },
    attention: { backgroundColor: '#fdf3f4' },
    warning: { backgroundColor: '#fbf6d9' },
    good: { backgroundColor: '#e7f2da' },
  },
  factSet: { title: { weight: 'Bolder', wrap: true, maxWidth: 150 }, value: { wrap: true }, spacing: 10 },
};

/**
 * Runs in the page (as text, so that no build step rewrites it): renders the card with the library's global
 * AdaptiveCards, and with the Markdown Teams reads in cards, as far as these cards use it: **bold** and
 * backslash escapes; everything else is text.
 */
const RENDER_IN_PAGE = `function (card, hostConfig) {
  const AC = window.AdaptiveCards;
  const html = (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch] || ch;
  AC.AdaptiveCard.onProcessMarkdown = (text, result) => {
    let out = '';
    let bold = false;
    for (let i = 0; i < text.length; i++) {
      if (text[i] === '\\\\' && i + 1 < text.length) out += html(text[++i]);
      else if (text.startsWith('**', i)) { out += bold ? '</strong>' : '<strong>'; bold = !bold; i++; }
      else out += html(text[i]);
    }
    result.outputHtml = '<p>' + out + (bold ? '</strong>' : '') + '</p>';
    result.didProcess = true;
  };
  const adaptive = new AC.AdaptiveCard();
  adaptive.hostConfig = new AC.HostConfig(hostConfig);
  adaptive.parse(card);
  document.getElementById('card').appendChild(adaptive.render());
}`;

async function teamsShot(page: Page, card: unknown, file: string): Promise<void> {
  await page.setContent(
    `<!doctype html><html><head><meta charset="utf-8"><style>${TEAMS_STYLE}</style></head><body><div class="frame"><div class="post"><div class="who"><b>Workflows</b> on behalf of sechub-alerts</div><div id="card"></div></div></div></body></html>`,
  );
  await page.addScriptTag({ path: ADAPTIVE_CARDS });
  await page.evaluate(`(${RENDER_IN_PAGE})(${JSON.stringify(card)}, ${JSON.stringify(TEAMS_HOST_CONFIG)})`);
  await writeShot(page, file);
}

async function writeShot(page: Page, file: string): Promise<void> {
  await writeFile(new URL(file, OUT), await page.locator('.frame').screenshot());
  process.stdout.write(`docs/channels/${file}\n`);
}

// The tests' Chromium: a fresh profile, every network request refused.
const browser = await launchChromium();
try {
  const page = await browser.context.newPage();

  const named = { accountName: 'payments-production' };
  await page.setContent(slackPage(slackMessage(renderSlack(message(GUARDDUTY_SAMPLE, 'new', 0.05, named)), '10:42 AM')));
  await writeShot(page, 'slack-new.png');

  // A bot's thread: the first message, edited when the finding was resolved, and the replies under it.
  const thread = { channel: 'C0123456789', ts: '1767369785.000100' };
  const resolved = message(resolvedSample(INSPECTOR_SAMPLE, 20), 'resolved', 21);
  const reminder = message(INSPECTOR_SAMPLE, 'reminder', 15, { escalations: [{ rule: 'security-team', after: '14d', to: [] }] });
  await page.setContent(
    slackPage(
      `${slackMessage(renderSlack(resolved), '4:03 PM', '<span class="edited">(edited)</span>')}<div class="msg"><div class="body" style="margin-left:44px"><div class="replies">2 replies</div></div></div>
       <div class="thread"><h2>Thread</h2>${slackMessage(renderSlack({ ...reminder, thread }), 'Jan 17')}${slackMessage(renderSlack({ ...resolved, thread }), 'Jan 23')}</div>`,
    ),
  );
  await writeShot(page, 'slack-thread.png');

  await page.setContent(slackPage(slackMessage(renderSlack(message(HOSTILE, 'new', 0.05)), '10:42 AM')));
  await writeShot(page, 'slack-hostile.png');

  const card = (m: ChannelMessage) => renderTeams(m).attachments[0]!.content;
  await teamsShot(page, card(message(CONTROL_SAMPLE, 'new', 0.05, { accountName: 'audit' })), 'teams-new.png');
  await teamsShot(page, card(message(resolvedSample(GUARDDUTY_SAMPLE, 3), 'resolved', 3.1, named)), 'teams-resolved.png');
  await teamsShot(page, card(message(HOSTILE, 'new', 0.05)), 'teams-hostile.png');
} finally {
  await browser.close();
}
