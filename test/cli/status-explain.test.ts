import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { asff, asffEvent } from '../builders/asff.js';
import { runCli } from '../support/cli.js';

const POLICY = {
  sender: 'alerts@example.com',
  accounts: { '111122223333': { name: 'payments-prod', owners: ['payments-sec@example.com'], ou: 'Root/Production/Payments' } },
  snoozes: [{ match: { controls: ['S3.8'] }, until: '2026-03-31', reason: 'public website bucket, replaced in Q1' }],
  rules: [
    { name: 'owners', match: { severities: ['HIGH', 'CRITICAL'], ous: ['Root/Production'] }, notify: { to: ['owners'], every: '7d' } },
    { name: 'lab', match: { accounts: ['999999999999'] }, notify: { to: ['lab@example.com'] } },
  ],
};

function workspace() {
  const cwd = mkdtempSync(join(tmpdir(), 'sechub-status-'));
  writeFileSync(join(cwd, 'sechub-alerts.yaml'), stringify(POLICY));
  const events = [
    asffEvent([asff({ id: 'brute-force', severity: 'HIGH', updatedAt: '2026-01-10T10:00:00.000Z' })], '2026-01-10T10:00:05Z'),
    asffEvent(
      [asff({ id: 'public-bucket', product: 'securityhub', controlId: 'S3.8', severity: 'HIGH', updatedAt: '2026-01-10T11:00:00.000Z' })],
      '2026-01-10T11:00:05Z',
    ),
    asffEvent([asff({ id: 'low', severity: 'LOW', updatedAt: '2026-01-10T12:00:00.000Z' })], '2026-01-10T12:00:05Z'),
  ];
  writeFileSync(join(cwd, 'events.jsonl'), events.map((event) => JSON.stringify(event)).join('\n'));
  return cwd;
}

describe('sechub-alerts status', () => {
  it('shows tracked findings by severity and rule, what falls due next and to whom, and the snoozes', async () => {
    const cwd = workspace();
    await runCli(['process', 'events.jsonl', '--clock', 'event'], { cwd });

    const result = await runCli(['status', '--json', '--now', '2026-01-12T00:00:00Z'], { cwd });

    expect(result.code).toBe(0);
    const status = JSON.parse(result.stdout);
    expect(status.tracked).toEqual({
      open: 2,
      bySeverity: { CRITICAL: 0, HIGH: 2, MEDIUM: 0, LOW: 0, INFORMATIONAL: 0 },
      byRule: { owners: 2, lab: 0 },
    });
    expect(status.snoozedFindings).toBe(1);
    expect(status.nextDue).toEqual([
      expect.objectContaining({
        at: '2026-01-17T10:00:05.000Z',
        rules: ['owners'],
        to: ['payments-sec@example.com'],
        account: 'payments-prod (111122223333)',
      }),
      expect.objectContaining({ at: '2026-03-31T00:00:00.000Z', rules: ['owners'] }),
    ]);
    expect(status.snoozes).toEqual([expect.objectContaining({ reason: 'public website bucket, replaced in Q1', active: true })]);
    expect(status.claimsInFlight).toEqual([]);
  });

  it('prints a readable table on a terminal, with finding text made safe for it', async () => {
    const cwd = workspace();
    writeFileSync(
      join(cwd, 'hostile.json'),
      JSON.stringify(asff({ id: 'hostile', severity: 'CRITICAL', title: 'evil\u001b[2J\u001b]0;pwned\u0007\r\ntitle' })),
    );
    await runCli(['process', 'hostile.json'], { cwd });

    const result = await runCli(['status'], { cwd });

    expect(result.stdout).toMatch(/tracked open findings\s+1/);
    expect(result.stdout).toContain('evil [2J ]0;pwned title');
    expect(result.stdout).not.toContain('\u001b');
  });
});

describe('sechub-alerts explain', () => {
  it('says which field kept a rule from matching, when the matching rule is due next, and what process would do now', async () => {
    const cwd = workspace();
    await runCli(['process', 'events.jsonl', '--clock', 'event'], { cwd });

    const result = await runCli(['explain', '--id', 'brute-force', '--json', '--now', '2026-01-20T00:00:00Z'], { cwd });

    const x = JSON.parse(result.stdout);
    expect(x.finding).toMatchObject({
      id: 'brute-force',
      product: 'guardduty',
      severity: 'HIGH',
      open: true,
      accountName: 'payments-prod',
    });
    expect(x.rules).toEqual([
      expect.objectContaining({
        name: 'owners',
        matches: true,
        lastNotifiedAt: '2026-01-10T10:00:05.000Z',
        nextDueAt: '2026-01-17T10:00:05.000Z',
      }),
      expect.objectContaining({ name: 'lab', matches: false, failed: ['accounts'] }),
    ]);
    expect(x.decision).toMatchObject({
      action: 'send',
      outcome: 'reminded',
      notification: { kind: 'reminder', to: ['payments-sec@example.com'] },
    });
  });

  it('explains a finding from a file that is closed, and why it counts as closed', async () => {
    const cwd = workspace();
    writeFileSync(join(cwd, 'closed.json'), JSON.stringify(asff({ id: 'fixed', workflow: 'RESOLVED' })));

    const result = await runCli(['explain', 'closed.json'], { cwd });

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/state\s+closed \(Workflow\.Status RESOLVED\)/);
    expect(result.stdout).toMatch(/stored\s+not tracked/);
    expect(result.stdout).toMatch(/now\s+would do nothing: closed and not tracked/);
  });

  it('names a snooze and exits 1 for a finding it does not know', async () => {
    const cwd = workspace();
    await runCli(['process', 'events.jsonl', '--clock', 'event'], { cwd });

    const snoozed = await runCli(['explain', '--id', 'public-bucket', '--now', '2026-01-12T00:00:00Z'], { cwd });
    const unknown = await runCli(['explain', '--id', 'nope'], { cwd });

    expect(snoozed.stdout).toMatch(/snoozed\s+until 2026-03-31T00:00:00.000Z: public website bucket, replaced in Q1/);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('--id nope: no finding with this id or key is stored');
  });
});
