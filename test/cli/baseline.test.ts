import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { asff } from '../builders/asff.js';
import { runCli } from '../support/cli.js';
import { FakeSecurityHub } from '../support/fake-securityhub.js';
import { outboxLines } from '../support/outbox.js';

/**
 * `sechub-alerts baseline` and `tick --security-hub --baseline` as a team
 * turning the notifier on over a backlog runs them: nothing is sent, the
 * summary says how many findings were adopted, reminders follow `every` from
 * the baseline, and findings that appear later are new.
 */

const POLICY = `sender: alerts@example.com
rules:
  - name: high-guardduty
    match: { severities: [HIGH, CRITICAL], products: [guardduty] }
    notify: { to: [security-team@example.com], every: 15d }
`;
const BASELINE = '2026-03-02T09:00:00.000Z';
const id = (name: string) => `arn:aws:guardduty:us-east-1:111122223333:detector/12abc34d/finding/${name}`;
const BACKLOG = [
  asff({ id: id('open-1'), updatedAt: BASELINE }),
  asff({ id: id('open-2'), severity: 'CRITICAL', updatedAt: BASELINE }),
  asff({ id: id('low'), severity: 'LOW', updatedAt: '2026-02-25T08:00:00.000Z' }),
  asff({ id: id('closed'), workflow: 'RESOLVED', updatedAt: '2026-02-25T08:00:00.000Z' }),
];

function workdir(): string {
  const cwd = mkdtempSync(join(tmpdir(), 'sechub-baseline-'));
  writeFileSync(join(cwd, 'sechub-alerts.yaml'), POLICY);
  writeFileSync(join(cwd, 'backlog.json'), JSON.stringify(BACKLOG));
  return cwd;
}

describe('sechub-alerts baseline', () => {
  it('adopts the open findings in scope without sending anything, and says how many', async () => {
    const cwd = workdir();

    const result = await runCli(['baseline', 'backlog.json', '--json'], { cwd });
    const human = await runCli(['baseline', 'backlog.json'], { cwd: workdir() });

    expect(result.code).toBe(0);
    expect(result.json).toMatchObject({ read: 4, adopted: 2, notified: 0, emails: 0 });
    expect(human.stdout).toMatch(/^ {2}adopted \(baseline\)\s+2$/m);
    expect(outboxLines(cwd)).toEqual([]);
  });

  it('then stays quiet about the adopted findings until `every` has passed, and tells of a new one', async () => {
    const cwd = workdir();
    await runCli(['baseline', 'backlog.json', '--clock', 'event'], { cwd });
    writeFileSync(join(cwd, 'later.json'), JSON.stringify([asff({ id: id('new'), updatedAt: '2026-03-04T08:00:00.000Z' })]));

    const again = await runCli(['process', 'backlog.json', '--clock', 'event', '--json'], { cwd });
    const quiet = await runCli(['tick', '--now', '2026-03-17T08:00:00Z', '--json'], { cwd });
    const later = await runCli(['process', 'later.json', '--clock', 'event', '--json'], { cwd });
    const due = await runCli(['tick', '--now', '2026-03-17T09:00:00Z', '--json'], { cwd });

    expect(again.json).toMatchObject({ notified: 0, emails: 0 });
    expect(quiet.json).toMatchObject({ reminded: 0, emails: 0 });
    expect(later.json).toMatchObject({ notified: 1, emails: 1 });
    expect(due.json).toMatchObject({ reminded: 2, emails: 2 });
    expect(outboxLines(cwd)).toEqual(['new new', 'reminder open-1', 'reminder open-2']);
  });

  it('with --dry-run records nothing: a later run still tells of every finding', async () => {
    const cwd = workdir();

    const dry = await runCli(['baseline', 'backlog.json', '--dry-run', '--json'], { cwd });
    const processed = await runCli(['process', 'backlog.json', '--json'], { cwd });

    expect(dry.json).toMatchObject({ adopted: 2, emails: 0 });
    expect(processed.json).toMatchObject({ notified: 2, emails: 2 });
  });
});

describe('sechub-alerts tick --security-hub --baseline', () => {
  let fake: FakeSecurityHub | undefined;
  afterEach(() => fake?.stop());

  it('adopts what Security Hub holds open in scope, sends nothing, and reminds from the baseline on', async () => {
    fake = await FakeSecurityHub.start();
    fake.putAsff(structuredClone(BACKLOG));
    const env = {
      AWS_ENDPOINT_URL_SECURITYHUB: fake.url,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    };
    const cwd = workdir();

    const adopted = await runCli(['tick', '--security-hub', '--baseline', '--now', BASELINE, '--json'], { cwd, env });
    const due = await runCli(['tick', '--security-hub', '--now', '2026-03-17T09:00:00Z', '--json'], { cwd, env });

    expect(adopted.code).toBe(0);
    expect(adopted.json).toMatchObject({ adopted: 2, notified: 0, reminded: 0, emails: 0 });
    expect(fake.calls.BatchUpdateFindings).toBe(0);
    expect(due.json).toMatchObject({ reminded: 2, notified: 0, emails: 2 });
    expect(outboxLines(cwd)).toEqual(['reminder open-1', 'reminder open-2']);
  });
});
