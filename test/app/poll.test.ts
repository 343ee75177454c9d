import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { asff } from '../builders/asff.js';
import { ocsf } from '../builders/ocsf.js';
import { runCli } from '../support/cli.js';
import { FakeSecurityHub } from '../support/fake-securityhub.js';
import { repoRoot } from '../support/fixtures.js';
import { outboxLines } from '../support/outbox.js';

const POLICY = `sender: alerts@example.com
rules:
  - name: high-guardduty
    match: { severities: [HIGH, CRITICAL], products: [guardduty] }
    notify: { to: [security-team@example.com], every: 15d, resolved: true }
`;
const id = (name: string) => `arn:aws:guardduty:us-east-1:111122223333:detector/12abc34d/finding/${name}`;
const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

function workdir(): string {
  const cwd = mkdtempSync(join(tmpdir(), 'sechub-poll-'));
  writeFileSync(join(cwd, 'sechub-alerts.yaml'), POLICY);
  return cwd;
}

describe('sechub-alerts poll', () => {
  let fake: FakeSecurityHub | undefined;
  afterEach(() => fake?.stop());

  async function start() {
    fake = await FakeSecurityHub.start();
    const env = {
      AWS_ENDPOINT_URL_SECURITYHUB: fake.url,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    };
    return { fake, env };
  }

  it('--once handles new, updated and closed findings exactly as process does with the same findings', async () => {
    const { fake, env } = await start();
    const polling = workdir();
    const processing = workdir();
    const since = ago(120);
    const broken = { ...asff({ id: id('no-severity'), updatedAt: ago(50) }), Severity: undefined };
    const first = [
      asff({ id: id('a'), updatedAt: ago(50) }),
      asff({ id: id('b'), updatedAt: ago(50) }),
      asff({ id: id('low'), severity: 'LOW', updatedAt: ago(50) }),
      broken,
    ];
    const second = [
      asff({ id: id('a'), title: 'Still brute-forcing, from a new address', updatedAt: ago(10) }),
      asff({ id: id('b'), workflow: 'RESOLVED', updatedAt: ago(10) }),
      asff({ id: id('c'), severity: 'CRITICAL', updatedAt: ago(10) }),
    ];

    const rounds = [];
    for (const findings of [first, second]) {
      fake.putAsff(structuredClone(findings));
      const polled = await runCli(['poll', '--once', '--since', since, '--json'], { cwd: polling, env });
      writeFileSync(join(processing, 'findings.json'), JSON.stringify([...fake.asff.values()]));
      const processed = await runCli(['process', 'findings.json', '--json'], { cwd: processing });
      rounds.push({ polled, processed });
    }

    for (const { polled, processed } of rounds) {
      expect(polled.code).toBe(3);
      expect(processed.code).toBe(3);
      expect(polled.json).toEqual(processed.json);
    }
    expect(rounds[0]!.polled.json).toMatchObject({ read: 4, invalid: 1, ignored: 1, notified: 2, emails: 2 });
    expect(rounds[1]!.polled.json).toMatchObject({ read: 5, invalid: 1, ignored: 1, notified: 1, resolved: 1, suppressed: 1, emails: 2 });
    expect(outboxLines(polling)).toEqual(outboxLines(processing));
    expect(outboxLines(polling)).toEqual(['new a', 'new b', 'new c', 'resolved b']);
    expect(rounds[0]!.polled.stderr).toContain('Severity.Label is missing');
  });

  it('starts each pass at the saved cursor minus the overlap', async () => {
    const { fake, env } = await start();
    const cwd = workdir();
    fake.putAsff([asff({ id: id('a'), updatedAt: ago(200) }), asff({ id: id('b'), updatedAt: ago(90) })]);

    await runCli(['poll', '--once', '--since', ago(240), '--json'], { cwd, env });
    fake.putAsff([asff({ id: id('c'), updatedAt: ago(5) })]);
    const second = await runCli(['poll', '--once', '--overlap', '15m', '--json'], { cwd, env });

    const starts = fake.requests.map((r) => (r.body.Filters as { UpdatedAt: { Start: string }[] }).UpdatedAt[0]!.Start);
    const cursor = Date.parse(
      (fake.asff.get(`arn:aws:securityhub:us-east-1::product/aws/guardduty|${id('b')}`) as { UpdatedAt: string }).UpdatedAt,
    );
    expect(Date.parse(starts[1]!)).toBe(cursor - 15 * 60_000);
    expect(second.json).toMatchObject({ read: 2, notified: 1, suppressed: 1 });
  });

  it('--format ocsf reads GetFindingsV2', async () => {
    const { fake, env } = await start();
    const cwd = workdir();
    fake.putOcsf([ocsf({ uid: id('o'), modified: ago(30) })]);

    const result = await runCli(['poll', '--once', '--format', 'ocsf', '--json'], { cwd, env });

    expect(result.json).toMatchObject({ read: 1, notified: 1 });
    expect(fake.calls).toMatchObject({ GetFindings: 0, GetFindingsV2: 1 });
  });

  it('stops cleanly on SIGTERM between passes, keeping its cursor', async () => {
    const { fake, env } = await start();
    const cwd = workdir();
    fake.putAsff([asff({ id: id('a'), updatedAt: ago(30) })]);

    const child = spawn(process.execPath, [join(repoRoot, 'bin/sechub-alerts.js'), 'poll', '--interval', '60m', '--json'], {
      cwd,
      env: { ...process.env, ...env },
    });
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (stdout.includes('\n')) child.kill('SIGTERM');
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));

    expect(code).toBe(0);
    expect(JSON.parse(stdout.trim().split('\n')[0]!)).toMatchObject({ read: 1, notified: 1 });
    const db = new Database(join(cwd, '.sechub-alerts/state.db'), { readonly: true });
    expect(db.prepare("SELECT value FROM cursors WHERE name = 'poll#asff'").get()).toEqual({
      value: [...fake.asff.values()][0]!.UpdatedAt,
    });
    db.close();
  });

  it('rejects a bad interval and a bad format', async () => {
    const cwd = workdir();
    expect((await runCli(['poll', '--interval', 'soon'], { cwd })).code).toBe(2);
    expect((await runCli(['poll', '--format', 'csv'], { cwd })).code).toBe(2);
  });
});
