import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { asff } from '../builders/asff.js';
import { runCli } from '../support/cli.js';
import { FakeSecurityHub } from '../support/fake-securityhub.js';
import { outboxLines } from '../support/outbox.js';

const POLICY = `sender: alerts@example.com
rules:
  - name: high-guardduty
    match: { severities: [HIGH, CRITICAL], products: [guardduty] }
    notify: { to: [security-team@example.com], every: 15d }
  - name: late-medium
    match: { severities: [MEDIUM], products: [guardduty] }
    notify: { to: [security-team@example.com], after: 2d, every: never }
`;

const T0 = '2026-01-10T10:00:00.000Z';
const id = (name: string) => `arn:aws:guardduty:us-east-1:111122223333:detector/12abc34d/finding/${name}`;

describe('sechub-alerts tick --security-hub', () => {
  let fake: FakeSecurityHub | undefined;
  afterEach(() => fake?.stop());

  async function prepare() {
    fake = await FakeSecurityHub.start();
    const cwd = mkdtempSync(join(tmpdir(), 'sechub-tick-'));
    writeFileSync(join(cwd, 'sechub-alerts.yaml'), POLICY);
    const env = {
      AWS_ENDPOINT_URL_SECURITYHUB: fake.url,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    };
    const findings = ['stays-open', 'gets-resolved', 'gets-deleted'].map((name) => asff({ id: id(name), updatedAt: T0 }));
    findings.push(asff({ id: id('medium'), severity: 'MEDIUM', updatedAt: T0 }));
    writeFileSync(join(cwd, 'findings.json'), JSON.stringify(findings));
    const processed = await runCli(['process', 'findings.json', '--clock', 'event'], { cwd });
    expect(processed.code).toBe(0);
    return { fake, cwd, env, findings };
  }

  it('sends reminders on time with no new events, and none for findings that closed meanwhile', async () => {
    const { fake, cwd, env, findings } = await prepare();
    fake.putAsff([
      findings[0]!,
      asff({ id: id('gets-resolved'), workflow: 'RESOLVED', updatedAt: '2026-01-12T10:00:00.000Z' }),
      findings[3]!,
    ]);

    const early = await runCli(['tick', '--security-hub', '--now', '2026-01-25T09:00:00Z', '--json'], { cwd, env });
    const due = await runCli(['tick', '--security-hub', '--now', '2026-01-25T11:00:00Z', '--json'], { cwd, env });

    expect(early.code).toBe(0);
    expect(early.json).toMatchObject({ resolved: 2, reminded: 0, sweep: { done: true, checked: 4, active: 2, closed: 1, missing: 1 } });
    expect(due.json).toMatchObject({ reminded: 1, emails: 1, sweep: { done: true, checked: 2, active: 2 } });
    expect(outboxLines(cwd)).toEqual(
      ['new medium', 'new gets-deleted', 'new gets-resolved', 'new stays-open', 'reminder stays-open'].sort(),
    );
  });

  it('sends a delayed first notification once it is due, for a finding still open', async () => {
    const { fake, cwd, env, findings } = await prepare();
    fake.putAsff(findings);

    const result = await runCli(['tick', '--security-hub', '--now', '2026-01-12T10:00:00Z', '--json'], { cwd, env });

    expect(result.json).toMatchObject({ notified: 1, emails: 1 });
    expect(outboxLines(cwd).filter((line) => line.endsWith('medium'))).toEqual(['new medium']);
  });

  it('without --security-hub, reminds from the state alone, closed findings included: it cannot know', async () => {
    const { cwd } = await prepare();

    const result = await runCli(['tick', '--now', '2026-01-25T11:00:00Z', '--json'], { cwd });

    expect(result.json).toMatchObject({ reminded: 3, notified: 1, emails: 4 });
  });

  it('fails with exit code 1 and a clear message when Security Hub refuses the request, sending nothing', async () => {
    const { cwd, env } = await prepare();

    const result = await runCli(['tick', '--security-hub', '--now', '2026-01-25T11:00:00Z'], {
      cwd,
      env: { ...env, AWS_ENDPOINT_URL_SECURITYHUB: `${fake!.url}/nowhere` },
    });

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Security Hub GetFindings: UnknownOperationException/);
    expect(outboxLines(cwd).filter((line) => line.startsWith('reminder'))).toEqual([]);
  });

  it('--write-back marks each emailed finding NOTIFIED in Security Hub, with a note naming rule and recipients', async () => {
    const { fake, cwd, env, findings } = await prepare();
    fake.putAsff(findings);

    const result = await runCli(['tick', '--security-hub', '--write-back', '--now', '2026-01-25T11:00:00Z', '--json'], { cwd, env });

    expect(result.json).toMatchObject({ reminded: 3, notified: 1 });
    const notes = [...fake.asff.values()].map((f) => `${(f.Workflow as { Status: string }).Status}: ${(f.Note as { Text: string }).Text}`);
    expect(notes.sort()).toEqual([
      'NOTIFIED: Emailed by sechub-alerts to security-team@example.com (rule late-medium)',
      ...Array(3).fill('NOTIFIED: Reminder emailed by sechub-alerts to security-team@example.com (rule high-guardduty)'),
    ]);
  });

  it('rejects --format without --security-hub', async () => {
    const { cwd } = await prepare();
    expect((await runCli(['tick', '--format', 'ocsf'], { cwd })).code).toBe(2);
  });
});
