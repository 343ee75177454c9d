import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OutboxMailer } from '../../src/adapters/outbox/outbox-mailer.js';
import { renderEmail } from '../../src/core/email/render.js';
import { SAMPLES } from '../../src/core/email/samples.js';
import type { Notification } from '../../src/core/notification.js';
import type { Email } from '../../src/core/ports.js';
import { parseMessage } from '../security/support/mime.js';
import { expectOneThread, findingThread, threadHeadersOf } from '../support/finding-thread.js';

const work = mkdtempSync(join(tmpdir(), 'sechub-outbox-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function emails(count: number): Email[] {
  const findings = Object.values(SAMPLES);
  return Array.from({ length: count }, (_, i) => {
    const finding = findings[i % findings.length]!;
    const notification: Notification = {
      kind: 'new',
      id: `${finding.key}-${i}|new|2026-01-20T00:00:00.000Z`,
      rules: ['team'],
      to: ['team@example.com'],
      at: '2026-01-20T00:00:00.000Z',
    };
    return renderEmail({ finding: { ...finding, title: `${finding.title} №${i} — ünïcödé` }, notification, sender: 'alerts@example.com' });
  });
}

describe('the outbox', () => {
  it('writes one whole .eml file per email whose HTML and text parts decode to the email, and nothing else', async () => {
    // prepare
    const dir = join(work, 'whole');
    const mailer = new OutboxMailer(dir);
    const sent = emails(12);

    // act
    for (const email of sent) await mailer.send(email);
    await mailer.close();

    // assess
    const files = readdirSync(dir);
    expect(files).toHaveLength(12);
    expect(files.every((name) => /^new-[0-9a-f]{24}\.eml$/.test(name))).toBe(true);
    const parsed = files.map((name) => parseMessage(readFileSync(join(dir, name), 'latin1')));
    expect(new Set(parsed.map((message) => message.html))).toEqual(new Set(sent.map((email) => email.html)));
    expect(new Set(parsed.map((message) => message.text))).toEqual(new Set(sent.map((email) => email.text)));
  });

  it('writes the same notification once', async () => {
    const dir = join(work, 'once');
    const mailer = new OutboxMailer(dir);
    const [email] = emails(1);
    await mailer.send(email!);
    await mailer.send(email!);
    await mailer.close();
    expect(readdirSync(dir)).toHaveLength(1);
  });

  it('gives each notification its own Message-ID and one thread per finding, and a retried notification the same file and Message-ID', async () => {
    // prepare
    const dir = join(work, 'thread');
    const mailer = new OutboxMailer(dir);
    const emails = findingThread();

    // act
    const sent = [];
    for (const email of emails) sent.push(await mailer.send(email));
    await mailer.close();

    // assess
    const files = emails
      .slice(0, 3)
      .map((email) => readdirSync(dir).find((name) => name.startsWith(`${email.headers['X-Sechub-Notification']}-`))!);
    const delivered = [...files, files[0]!].map((name) => {
      const { headers } = parseMessage(readFileSync(join(dir, name), 'latin1'));
      return threadHeadersOf((wanted) => headers.find(([header]) => header === wanted.toLowerCase())?.[1]);
    });
    expect(readdirSync(dir).filter((name) => name.endsWith('.eml'))).toHaveLength(3);
    expectOneThread(delivered);
    expect(sent.map(({ messageId }) => messageId)).toEqual(delivered.map(({ messageId }) => messageId));
    const { headers } = parseMessage(readFileSync(join(dir, files[0]!), 'latin1'));
    expect(headers.map(([name]) => name)).toEqual(expect.arrayContaining(['date', 'mime-version', 'message-id', 'thread-index']));
  });

  it('still writes an email when its folder was removed during the run', async () => {
    // prepare
    const dir = join(work, 'removed');
    const mailer = new OutboxMailer(dir);
    const [first, second] = emails(2);
    await mailer.send(first!);

    // act
    rmSync(dir, { recursive: true });
    await mailer.send(second!);
    await mailer.close();

    // assess
    expect(readdirSync(dir).filter((name) => name.endsWith('.eml'))).toHaveLength(1);
  });

  it('removes the empty files a crashed run left behind, and only those', async () => {
    // prepare
    const dir = join(work, 'crashed');
    mkdirSync(dir);
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(join(dir, `.${gone}-1.tmp`), '');
    writeFileSync(join(dir, `.${gone}-2.tmp`), '');
    writeFileSync(join(dir, `.${process.pid}-0.tmp`), '');
    writeFileSync(join(dir, 'notes.txt'), 'not ours');
    const mailer = new OutboxMailer(dir);

    // act
    await mailer.send(emails(1)[0]!);
    await mailer.close();

    // assess
    expect(readdirSync(dir).filter((name) => !name.endsWith('.eml'))).toEqual([`.${process.pid}-0.tmp`, 'notes.txt']);
  });
});
