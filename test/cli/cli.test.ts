import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asff, asffEvent } from '../builders/asff.js';
import { decodeWords, type ParsedMessage, parseMessage } from '../security/support/mime.js';
import { runCli } from '../support/cli.js';
import { fixturesRoot, repoRoot } from '../support/fixtures.js';
import { startSmtpSink } from '../support/smtp-sink.js';

const examples = join(repoRoot, 'examples');
const workdir = () => mkdtempSync(join(tmpdir(), 'sechub-cli-'));
const write = (dir: string, name: string, value: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
};

describe('the examples with their policy (npm start)', () => {
  it('route each finding to its account owners by name, escalate what stays open, keep the snoozed one quiet, and send one digest', async () => {
    const cwd = workdir();
    const config = join(examples, 'sechub-alerts.yaml');

    const processed = await runCli(['process', examples, '--clock', 'event', '--config', config, '--json'], { cwd });
    const ticked = await runCli(['tick', '--now', '2026-11-29T08:00:00Z', '--config', config, '--json'], { cwd });
    const again = await runCli(['tick', '--now', '2026-11-29T08:00:00Z', '--config', config, '--json'], { cwd });

    expect(processed.json).toMatchObject({ notified: 8, reminded: 1, snoozed: 1, resolved: 1, emails: 10, failed: 0 });
    expect(ticked.json).toMatchObject({ reminded: 6, snoozed: 1, emails: 6, digests: { sent: 1 } });
    expect(again.json).toMatchObject({ reminded: 0, emails: 0, digests: { sent: 0 } });
    const summary = await runCli(['tick', '--now', '2026-11-29T08:00:00Z', '--config', config], { cwd });
    expect(summary.stdout).toMatch(/^ {2}snoozed\s+1$/m);
    const outbox = join(cwd, '.sechub-alerts/outbox');
    const messages = readdirSync(outbox)
      .filter((name) => name.endsWith('.eml'))
      .map((name) => parseMessage(readFileSync(join(outbox, name), 'utf8')));
    const header = (message: ParsedMessage, name: string) => decodeWords(message.headers.find(([key]) => key === name)?.[1] ?? '');
    const of = (kind: string) => messages.filter((message) => header(message, 'x-sechub-notification') === kind);
    expect(of('new')).toHaveLength(8);
    expect(of('new').every((message) => /\((payments-prod|sandbox-ana) \d{12}, [a-z0-9-]+\)$/.test(header(message, 'subject')))).toBe(true);
    expect(new Set(of('new').map((message) => header(message, 'to')))).toEqual(new Set(['payments-sec@example.com', 'ana@example.com']));
    expect(of('reminder')).toHaveLength(7);
    expect(
      of('reminder').every((message) => header(message, 'to').includes('ciso@example.com') && message.text.includes('Escalated:')),
    ).toBe(true);
    expect(messages.some((message) => header(message, 'x-sechub-finding-id').includes('S3.8'))).toBe(false);
    expect(of('digest').map((message) => header(message, 'to'))).toEqual(['security-team@example.com']);
    expect(of('digest')[0]?.text).toContain('payments-prod');
  });
});

describe('sechub-alerts process', () => {
  it('processes the bundled examples: new findings, one reminder, one resolved, the rest ignored or repeats', async () => {
    const cwd = workdir();
    const result = await runCli(['process', examples, '--clock', 'event', '--json'], { cwd });
    expect(result.code).toBe(0);
    expect(result.json).toEqual({
      read: 83,
      invalid: 0,
      ignored: 5,
      notified: 9,
      reminded: 1,
      suppressed: 67,
      snoozed: 0,
      resolved: 1,
      adopted: 0,
      emails: 10,
      messages: 0,
      failed: 0,
    });
    expect(readdirSync(join(cwd, '.sechub-alerts/outbox')).filter((f) => f.endsWith('.eml'))).toHaveLength(10);
    const again = await runCli(['process', examples, '--clock', 'event', '--json'], { cwd });
    expect(again.json).toMatchObject({ notified: 0, reminded: 0, emails: 0 });
  });

  it('prints a human summary with where the emails are', async () => {
    const result = await runCli(['process', join(examples, 'guardduty')], { cwd: workdir() });
    expect(result.stdout).toMatch(/notified \(new\)\s+2/);
    expect(result.stdout).toMatch(/emails: outbox \.sechub-alerts\/outbox/);
  });

  it('exits 3 and names file, line and reason for each invalid input, and still processes every valid item', async () => {
    const cwd = workdir();
    const lines = [
      JSON.stringify(asffEvent([asff({ id: 'first' })])),
      '{"truncated": ',
      JSON.stringify({ hello: 'world' }),
      JSON.stringify(asff({ id: 'last' })),
    ];
    const file = write(cwd, 'mixed.jsonl', lines.join('\n'));
    const result = await runCli(['process', file, '--json'], { cwd });
    expect(result.code).toBe(3);
    expect(result.json).toMatchObject({ read: 4, invalid: 2, notified: 2, emails: 2 });
    expect(result.stderr).toContain(`${file}:2: not valid JSON`);
    expect(result.stderr).toContain(`${file}:3#: not a Security Hub finding or event`);
  });

  it('reads JSON Lines from standard input', async () => {
    const input = [asff({ id: 'a' }), asff({ id: 'b' }), asff({ id: 'a' })].map((f) => JSON.stringify(f)).join('\n');
    const result = await runCli(['process', '--json'], { cwd: workdir(), input });
    expect(result.code).toBe(0);
    expect(result.json).toMatchObject({ read: 3, notified: 2, suppressed: 1 });
  });

  it('changes nothing with --dry-run', async () => {
    const cwd = workdir();
    const file = write(cwd, 'one.json', asff());
    const dry = await runCli(['process', file, '--dry-run', '--json'], { cwd });
    expect(dry.json).toMatchObject({ notified: 1, emails: 0 });
    expect(existsSync(join(cwd, '.sechub-alerts/outbox'))).toBe(false);
    const real = await runCli(['process', file, '--json'], { cwd });
    expect(real.json).toMatchObject({ notified: 1, emails: 1 });
  });

  it('exits 2 with the path of the problem when the policy is invalid', async () => {
    const cwd = workdir();
    const config = write(
      cwd,
      'policy.yaml',
      'sender: alerts@example.com\nrules:\n  - name: a\n    notify: { to: [a@example.com] }\n  - name: b\n    notify: { to: [b@example.com], every: soon }\n',
    );
    const result = await runCli(['process', '--config', config, join(examples, 'guardduty')], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('rules[1].notify.every: expected a duration like "15d" or "never"');
  });

  it('uses ./sechub-alerts.yaml when present', async () => {
    const cwd = workdir();
    write(cwd, 'sechub-alerts.yaml', 'sender: alerts@example.com\nrules:\n  - name: everything\n    notify: { to: [all@example.com] }\n');
    const result = await runCli(['process', join(examples, 'inspector'), '--json'], { cwd });
    expect(result.json).toMatchObject({ notified: 3, ignored: 0 });
  });

  it('exits 2 on bad usage', async () => {
    const cwd = workdir();
    expect((await runCli(['process', '--bogus'], { cwd })).code).toBe(2);
    expect((await runCli(['process', '--outbox', 'x', '--smtp', 'smtp://127.0.0.1:1'], { cwd })).code).toBe(2);
    expect((await runCli(['process', '--clock', 'sundial'], { cwd })).code).toBe(2);
    expect((await runCli(['frobnicate'], { cwd })).code).toBe(2);
  });

  it('reads every public sample in the shared fixtures without a crash', async () => {
    const result = await runCli(['process', fixturesRoot, '--json', '--dry-run'], { cwd: workdir() });
    expect([0, 3]).toContain(result.code);
    expect(result.json?.read).toBeGreaterThanOrEqual(50);
    // Only the API model file (not a finding) is invalid.
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringContaining('botocore-securityhub-2018-10-26-service-2.json#: not a Security Hub finding'),
    ]);
  });
});

describe('sending through SMTP', () => {
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(() => sink.close());

  it('sends multipart emails with the finding id and notification kind headers', async () => {
    const cwd = workdir();
    const before = sink.received.length;
    const result = await runCli(['process', join(examples, 'guardduty/ssh-brute-force.json'), '--smtp', sink.url, '--json'], { cwd });
    expect(result.code).toBe(0);
    const mail = sink.received[before]!;
    expect(mail.to).toEqual(['security-team@example.com']);
    expect(sink.header(mail, 'X-Sechub-Notification')).toBe('new');
    expect(sink.header(mail, 'X-Sechub-Finding-Id')).toMatch(/^arn:aws:guardduty:us-east-1:111122223333:detector\/.+\/finding\//);
    expect(sink.header(mail, 'Content-Type')).toMatch(/multipart\/alternative/);
  });

  it('exits 1 when SMTP refuses, records nothing, and the next run sends the email', async () => {
    const cwd = workdir();
    const input = join(examples, 'inspector/log4shell-ecr-image.json');
    sink.rejectNext(1, 451);
    const failed = await runCli(['process', input, '--smtp', sink.url, '--json'], { cwd });
    expect(failed.code).toBe(1);
    expect(failed.json).toMatchObject({ failed: 1, emails: 0 });
    const before = sink.received.length;
    const retried = await runCli(['process', input, '--smtp', sink.url, '--json'], { cwd });
    expect(retried.code).toBe(0);
    expect(retried.json).toMatchObject({ notified: 1, emails: 1 });
    expect(sink.received.length).toBe(before + 1);
  });

  it('exits 1 when the SMTP server is unreachable', async () => {
    const cwd = workdir();
    const result = await runCli(['process', join(examples, 'inspector'), '--smtp', 'smtp://127.0.0.1:9', '--json'], { cwd });
    expect(result.code).toBe(1);
    expect(result.json).toMatchObject({ emails: 0, failed: 2 });
  });

  it('20 concurrent runs on one state file with the same input send one email per finding', async () => {
    const cwd = workdir();
    const before = sink.received.length;
    const runs = Array.from({ length: 20 }, () =>
      runCli(['process', join(examples, 'security-hub'), '--smtp', sink.url, '--json'], { cwd }),
    );
    const results = await Promise.all(runs);
    expect(results.map((r) => r.code)).toEqual(Array(20).fill(0));
    const ids = sink.received
      .slice(before)
      .map((mail) => `${sink.header(mail, 'X-Sechub-Finding-Id')} ${sink.header(mail, 'X-Sechub-Notification')}`);
    // S3.8, IAM.4 and EC2.8 are in scope (the PCI-only control is not): three emails, whoever sent them.
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(3);
    expect(results.reduce((sum, r) => sum + (r.json?.emails ?? 0), 0)).toBe(3);
  });
});

describe('sechub-alerts tick', () => {
  it('sends the reminders that are due at --now, with no new events', async () => {
    const cwd = workdir();
    await runCli(['process', join(examples, 'guardduty/ssh-brute-force.json'), '--clock', 'event'], { cwd });
    const early = await runCli(['tick', '--now', '2026-11-17T03:00:00Z', '--json'], { cwd });
    expect(early.json).toMatchObject({ read: 1, reminded: 0, suppressed: 1 });
    const due = await runCli(['tick', '--now', '2026-11-17T03:42:00Z', '--json'], { cwd });
    expect(due.json).toMatchObject({ read: 1, reminded: 1, emails: 1 });
    const eml = readdirSync(join(cwd, '.sechub-alerts/outbox')).filter((f) => f.startsWith('reminder-'));
    expect(eml).toHaveLength(1);
    expect(readFileSync(join(cwd, '.sechub-alerts/outbox', eml[0]!), 'utf8')).toContain('X-Sechub-Notification: reminder');
  });

  it('rejects a --now that is not a time', async () => {
    expect((await runCli(['tick', '--now', 'tomorrow'], { cwd: workdir() })).code).toBe(2);
  });
});

describe('the other commands', () => {
  it('validate-config prints the rules of a valid policy and exits 2 for an invalid one', async () => {
    const cwd = workdir();
    const good = write(
      cwd,
      'good.yaml',
      'sender: a@example.com\nrules:\n  - name: r\n    match: { severities: [HIGH] }\n    notify: { to: [t@example.com], every: 2w }\n',
    );
    const ok = await runCli(['validate-config', good], { cwd });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('r: severities=HIGH -> t@example.com (after 0 minutes, every 14 days)');
    const bad = await runCli(['validate-config', write(cwd, 'bad.yaml', 'sender: a@example.com\n')], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('rules: expected a list of rules');
  });

  it.each(['process', 'tick', 'validate-config'])('%s --help explains the command', async (command) => {
    const result = await runCli([command, '--help'], { cwd: workdir() });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Usage: sechub-alerts ${command}`);
  });

  it('--version prints the version', async () => {
    const result = await runCli(['--version'], { cwd: workdir() });
    expect(result.stdout.trim()).toBe(JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).version);
  });
});
