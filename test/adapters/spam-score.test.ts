import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxMailer } from '../../src/adapters/outbox/outbox-mailer.js';
import { renderDigest } from '../../src/core/digest/render.js';
import { sampleDigest, sampleDigestRecord, sampleDigestRecords } from '../../src/core/digest/samples.js';
import { renderEmail } from '../../src/core/email/render.js';
import { resolvedSample, SAMPLES, sampleNotification } from '../../src/core/email/samples.js';
import type { NotificationKind } from '../../src/core/notification.js';
import type { Email } from '../../src/core/ports.js';
import type { FindingSnapshot } from '../../src/core/record.js';

/**
 * Every email the project sends, written by the OutboxMailer as the real
 * message, scored by SpamAssassin's local rules (`spamassassin -t -L`): each
 * must score 0 points: the finding emails of every kind and the digest. To
 * score another kind of email, add it to MESSAGES.
 */

interface Message {
  /** Names the test. */
  name: string;
  email: Email;
}

const KINDS: readonly NotificationKind[] = ['new', 'reminder', 'resolved'];
const SENDER = 'sechub-alerts@example.com';

/**
 * A finding made of what attackers put into findings (GuardDuty copies user
 * agents, domain names and tags): markup, header injection, bidirectional
 * overrides, mixed scripts and emoji, links, very long values. What it must
 * not contain is spam's own vocabulary ("100% GUARANTEED", "ACT NOW"): the
 * email quotes a finding's text as it is, and SpamAssassin's content rules
 * score that text wherever it appears (docs/email.md, "Spam filters").
 */
const HOSTILE: FindingSnapshot = {
  ...SAMPLES.guardduty,
  key: '111122223333|aws/guardduty|hostile',
  id: 'arn:aws:guardduty:eu-west-1:111122223333:detector/d/finding/\r\nBcc: victim@evil.example\r\nX-Spam-Status: No ünïcödé',
  title: '<script>alert(1)</script>"><img src=x onerror=alert(1)>\r\nBcc: victim@evil.example — مرحبا 🚨 \u202Egnp.exe',
  description: [
    '<script>window.__pwned = "description"</script> "><img src=x onerror="alert(1)">',
    '<svg onload=alert(1)><iframe srcdoc="<script>parent.__pwned=1</script>"></iframe>',
    'javascript:alert(document.domain) https://evil.example/x?u=1 www.evil.example',
    'مرحبا بالعالم — שלום עולם — 🚨🔥🧨 \u202Egnp.exe\u202C',
    'x'.repeat(3_000),
  ].join('\r\n\r\n'),
  accountName: '<iframe srcdoc="<script>parent.__pwned=1</script>">',
  remediation: { text: '<a href="javascript:alert(1)">fix</a>', url: 'javascript:alert(document.cookie)' },
  resources: [{ type: '<style>*{display:none}</style>', id: `'"><img src=x onerror=alert(1)>${'A'.repeat(300)}` }],
  types: ['TTPs/<script>alert("type")</script>'],
};

function notificationEmail(finding: FindingSnapshot, kind: NotificationKind): Email {
  const subject = kind === 'resolved' ? resolvedSample(finding) : finding;
  return renderEmail({ finding: subject, notification: sampleNotification(subject, kind, 12), sender: SENDER });
}

const MESSAGES: Message[] = [
  ...Object.entries(SAMPLES).flatMap(([product, finding]) =>
    KINDS.map((kind) => ({ name: `${product} ${kind}`, email: notificationEmail(finding, kind) })),
  ),
  ...KINDS.map((kind) => ({ name: `hostile-text finding ${kind}`, email: notificationEmail(HOSTILE, kind) })),
  { name: 'digest', email: renderDigest({ digest: sampleDigest(), sender: SENDER, consoleRegion: 'eu-west-1' }) },
  {
    name: 'digest with a hostile-text finding',
    email: renderDigest({
      // Another recipient's, so that it is another email with its own Message-ID.
      digest: {
        ...sampleDigest([...sampleDigestRecords(), sampleDigestRecord(HOSTILE, 99, { since: 1 })]),
        recipient: 'cloud-team@example.com',
      },
      sender: SENDER,
      consoleRegion: 'eu-west-1',
    }),
  },
];

const INSTALLED = spawnSync('spamassassin', ['--version']).status === 0;

interface Score {
  points: number;
  /** Every rule that fired, as SpamAssassin prints it: "0.7 HTML_FONT_LOW_CONTRAST". */
  rules: string[];
}

const work = mkdtempSync(join(tmpdir(), 'sechub-spam-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The messages as one mailbox (mboxrd: a "From " line before each, body lines starting with "From " quoted). */
function mailbox(messages: Buffer[]): string {
  return messages
    .map(
      (raw) =>
        `From sechub-alerts@example.com Thu Jan  1 00:00:00 2026\n${raw
          .toString('latin1')
          .replace(/\r\n/g, '\n')
          .replace(/^(>*From )/gm, '>$1')}\n`,
    )
    .join('');
}

/** The Message-ID header of a raw message, or of the last message in a stretch of SpamAssassin's output. */
function messageIdOf(text: string): string {
  const ids = [...text.matchAll(/^Message-ID:\s*(<[^>\r\n]+>)/gim)];
  const id = ids.at(-1)?.[1];
  if (!id) throw new Error('no Message-ID');
  return id;
}

/**
 * Runs SpamAssassin's local tests (no network, no Bayes, no user state) on
 * every message in one process, one start-up being most of the cost, and
 * reads each message's report by its Message-ID: SpamAssassin does not
 * report in the mailbox's order.
 */
function score(messages: Buffer[]): Promise<Map<string, Score>> {
  const prefs = join(work, 'user_prefs');
  writeFileSync(prefs, '');
  const args = ['-t', '-L', '--mbox', '-x', '-p', prefs, '--cf=use_bayes 0', '--cf=use_auto_whitelist 0'];
  return new Promise((resolve, reject) => {
    const child = execFile('spamassassin', args, { maxBuffer: 64 * 1024 * 1024 }, (error, stdout) => {
      const parts = stdout.split('Content analysis details:');
      if (parts.length - 1 !== messages.length)
        return reject(error ?? new Error(`${parts.length - 1} SpamAssassin reports for ${messages.length} messages`));
      // Each report follows the headers of the message it is about.
      const reports = new Map(parts.slice(1).map((report, i) => [messageIdOf(parts[i]!), parseReport(report)]));
      if (reports.size !== messages.length) return reject(new Error('two of the messages share a Message-ID'));
      resolve(reports);
    });
    child.stdin?.end(mailbox(messages), 'latin1');
  });
}

/** "(-0.0 points, 5.0 required)", then the table of rules up to the first blank line. */
function parseReport(report: string): Score {
  const points = Number(/^\s*\((-?\d+(?:\.\d+)?) points/.exec(report)?.[1]);
  const table = report.slice(report.indexOf('\n---- ') + 1).split('\n\n')[0]!;
  const rules = [...table.matchAll(/^\s*(-?\d+(?:\.\d+)?) ([A-Z0-9_]+)\s/gm)].map(([, value, rule]) => `${value} ${rule}`);
  // `|| 0`: a total of "-0.0" (informational rules only) is zero points.
  return { points: points || 0, rules };
}

describe.skipIf(!INSTALLED)(
  INSTALLED
    ? 'SpamAssassin (local rules)'
    : 'SpamAssassin (skipped: the spamassassin command is not installed, e.g. apt-get install spamassassin)',
  () => {
    const scores = new Map<string, Score>();

    beforeAll(async () => {
      const files = await Promise.all(
        MESSAGES.map(async ({ email }, i) => {
          const dir = join(work, String(i));
          const mailer = new OutboxMailer(dir);
          await mailer.send(email);
          await mailer.close();
          return readFileSync(join(dir, readdirSync(dir).find((name) => name.endsWith('.eml'))!));
        }),
      );
      const results = await score(files);
      for (const [i, { name }] of MESSAGES.entries()) scores.set(name, results.get(messageIdOf(files[i]!.toString('latin1')))!);
    }, 120_000);

    it.each(MESSAGES.map(({ name }) => name))('the %s email scores 0 points', (name) => {
      const result = scores.get(name)!;
      const scoring = result.rules.filter((rule) => !/^-?0\.0 /.test(rule));
      expect(scoring, `rules that fired: ${result.rules.join(', ')}`).toEqual([]);
      expect(result.points).toBe(0);
    });
  },
);
