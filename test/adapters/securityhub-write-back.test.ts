import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SecurityHubWriteBack } from '../../src/adapters/securityhub/securityhub-write-back.js';
import { SqliteFindingStore } from '../../src/adapters/sqlite/sqlite-finding-store.js';
import { systemRuntime } from '../../src/adapters/system/runtime.js';
import { emptyCounts } from '../../src/app/counts.js';
import { type AfterSend, Notifier } from '../../src/app/notifier.js';
import { tick } from '../../src/app/tick.js';
import { asff, normalized } from '../builders/asff.js';
import { ocsf } from '../builders/ocsf.js';
import { FakeSecurityHub } from '../support/fake-securityhub.js';
import { RecordingMailer } from '../support/recording-mailer.js';
import { pacedClientFor } from '../support/securityhub-client.js';
import { sweepPolicy } from '../support/sweep-harness.js';

const fast = { rate: { perSecond: 100_000, burst: 1000 }, retry: { maxAttempts: 3, baseMs: 1, capMs: 2 } };
const NOTE = 'Emailed by sechub-alerts to security-team@example.com (rule critical-and-high)';

function setup(afterSend?: AfterSend['run'], policy = sweepPolicy()) {
  const store = new SqliteFindingStore(join(mkdtempSync(join(tmpdir(), 'sechub-wb-')), 'state.db'));
  const mailer = new RecordingMailer();
  const errors: unknown[] = [];
  const engine = new Notifier({
    store,
    mailer,
    policy,
    runtime: systemRuntime,
    ...(afterSend ? { afterSend: { run: afterSend, onError: (error: unknown) => errors.push(error) } } : {}),
  });
  return { store, mailer, engine, errors, tick: (now: Date) => tick({ store, notifier: engine }, now) };
}

describe('the after-send hook', () => {
  it('never undoes a notification when the hook fails: the email counts, the record is kept, the error is reported', async () => {
    const { engine, mailer, store, errors } = setup(async () => {
      throw new Error('Security Hub unreachable');
    });
    const finding = normalized(asff());

    const result = await engine.handle(finding, new Date('2026-01-10T10:00:00Z'));

    expect(result.outcome).toBe('notified');
    expect(mailer.sent).toHaveLength(1);
    expect((await store.get(finding.key))?.rules['critical-and-high']).toBeDefined();
    expect(errors).toEqual([new Error('Security Hub unreachable')]);
  });

  it('is not called when the email could not be sent', async () => {
    const calls: string[] = [];
    const { engine, mailer } = setup(async (finding) => void calls.push(finding.key));
    mailer.failNext(1);

    await expect(engine.handle(normalized(asff()), new Date('2026-01-10T10:00:00Z'))).rejects.toMatchObject({ name: 'MailDeliveryError' });
    expect(calls).toEqual([]);
  });
});

describe('Security Hub write-back', () => {
  let fake: FakeSecurityHub | undefined;
  afterEach(() => fake?.stop());

  async function start() {
    fake = await FakeSecurityHub.start({ rates: { getFindings: false, batchUpdateFindings: false } });
    const log: string[] = [];
    const writeBack = new SecurityHubWriteBack(pacedClientFor(fake.url, fast), (line) => log.push(line));
    return { fake, log, writeBack };
  }

  it('marks 250 emailed findings NOTIFIED with a note naming rule and recipients, in batches of at most 100', async () => {
    const { fake, writeBack } = await start();
    const raws = Array.from({ length: 250 }, (_, i) => asff({ id: `finding-${i}` }));
    fake.putAsff(raws.map((raw) => structuredClone(raw)));
    const { engine } = setup(writeBack.afterSend);

    for (const raw of raws) await engine.handleCounted(normalized(raw), new Date('2026-01-10T10:00:00Z'), emptyCounts());
    await writeBack.flush();

    expect(fake.calls.BatchUpdateFindings).toBe(3);
    expect(fake.requests.map((r) => (r.body.FindingIdentifiers as unknown[]).length)).toEqual([100, 100, 50]);
    for (const finding of fake.asff.values())
      expect(finding).toMatchObject({ Workflow: { Status: 'NOTIFIED' }, Note: { Text: NOTE, UpdatedBy: 'sechub-alerts' } });
    expect(writeBack).toMatchObject({ updated: 250, unprocessed: 0 });
  });

  it('writes back a reminder sent from a stored snapshot, rebuilding the product ARN', async () => {
    const { fake, writeBack } = await start();
    const raw = asff({ id: 'reminded' });
    fake.putAsff([structuredClone(raw)]);
    const { engine, tick } = setup(writeBack.afterSend);
    await engine.handle(normalized(raw), new Date('2026-01-10T10:00:00Z'));
    await writeBack.flush();
    for (const finding of fake.asff.values()) Object.assign(finding, { Workflow: { Status: 'NEW' }, Note: undefined });

    await tick(new Date('2026-01-26T10:00:00Z'));
    await writeBack.flush();

    expect([...fake.asff.values()][0]).toMatchObject({
      Workflow: { Status: 'NOTIFIED' },
      Note: { Text: NOTE.replace('Emailed', 'Reminder emailed') },
    });
    expect(writeBack.unprocessed).toBe(0);
  });

  it('leaves resolved findings alone: NOTIFIED would reopen their workflow', async () => {
    const { fake, writeBack } = await start();
    const { engine } = setup(writeBack.afterSend, sweepPolicy(true));
    await engine.handle(normalized(asff()), new Date('2026-01-10T10:00:00Z'));
    await writeBack.flush();
    const before = fake.calls.BatchUpdateFindings;

    await engine.handle(
      normalized(asff({ workflow: 'RESOLVED', updatedAt: '2026-01-11T10:00:00.000Z' })),
      new Date('2026-01-11T10:00:00Z'),
    );
    await writeBack.flush();

    expect(fake.calls.BatchUpdateFindings).toBe(before);
  });

  it('sets OCSF findings In Progress with a comment through BatchUpdateFindingsV2', async () => {
    const { fake, writeBack } = await start();
    const raw = ocsf({ uid: 'ocsf-finding' });
    fake.putOcsf([structuredClone(raw)]);
    const { engine } = setup(writeBack.afterSend);

    await engine.handle(normalized(raw), new Date('2026-01-10T10:00:00Z'));
    await writeBack.flush();

    expect(fake.calls.BatchUpdateFindingsV2).toBe(1);
    expect([...fake.ocsf.values()][0]).toMatchObject({ status: 'In Progress', status_id: 2, comment: NOTE });
  });

  it('logs a write-back that keeps failing and carries on', async () => {
    const { fake, log, writeBack } = await start();
    fake.inject('internal', 10);
    const { engine, mailer } = setup(writeBack.afterSend);

    await engine.handle(normalized(asff()), new Date('2026-01-10T10:00:00Z'));
    await writeBack.flush();

    expect(mailer.sent).toHaveLength(1);
    expect(log).toEqual([expect.stringMatching(/write-back of 1 finding\(s\) failed: .*InternalException/)]);
    expect(writeBack.unprocessed).toBe(1);
  });
});
