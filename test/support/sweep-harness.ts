import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecurityHubReader } from '../../src/adapters/securityhub/securityhub-reader.js';
import { SqliteFindingStore } from '../../src/adapters/sqlite/sqlite-finding-store.js';
import { systemRuntime } from '../../src/adapters/system/runtime.js';
import { Notifier } from '../../src/app/notifier.js';
import { Sweep, type SweepOptions } from '../../src/app/sweep/sweep.js';
import { type Finding, findingKey } from '../../src/core/finding.js';
import { type Policy, validatePolicy } from '../../src/core/policy.js';
import type { CursorStore, FindingStore } from '../../src/core/ports.js';
import type { TrackedRecord } from '../../src/core/record.js';
import { asff, normalized } from '../builders/asff.js';
import { ocsf } from '../builders/ocsf.js';
import { seedRecords, trackedRecord } from '../builders/records.js';
import { type FakeOptions, FakeSecurityHub } from './fake-securityhub.js';
import { RecordingMailer } from './recording-mailer.js';
import { pacedClientFor } from './securityhub-client.js';

export const DAY = 86_400_000;

/** The policy of the sweep tests: HIGH and CRITICAL from GuardDuty and Security Hub controls, reminders every 15 days. */
export function sweepPolicy(resolvedEmails = false): Policy {
  return validatePolicy({
    sender: 'alerts@example.com',
    rules: [
      {
        name: 'critical-and-high',
        match: { severities: ['HIGH', 'CRITICAL'], products: ['guardduty', 'securityhub'] },
        notify: { to: ['security-team@example.com'], every: '15d', resolved: resolvedEmails },
      },
    ],
  });
}

/** What became of a tracked finding in Security Hub since it was recorded. */
export type Fate = 'active' | 'updated' | 'archived' | 'resolved' | 'suppressed' | 'passed' | 'deleted';

/** The four ways a finding closes in Security Hub. */
export const CLOSED_FATES: readonly Fate[] = ['archived', 'resolved', 'suppressed', 'passed'];

/** Finding i of the sweep at scale (the acceptance test and the benchmark): 65% still active, 30% closed in Security Hub (four ways), 5% deleted from it. */
export function fateAtScale(i: number): Fate {
  const slot = i % 20;
  if (slot < 13) return 'active';
  if (slot < 19) return CLOSED_FATES[i % 4]!;
  return 'deleted';
}

export interface Population {
  records: TrackedRecord[];
  keysBy: Record<Fate, string[]>;
}

const ACCOUNTS = ['111122223333', '222233334444', '333344445555', '444455556666', '555566667777'];

/**
 * Tracked findings and what Security Hub now holds for each: `fates[i]`
 * decides finding i. Records were last updated 10 days before `now` and
 * notified then; Security Hub's closed versions are a day newer.
 */
export function population(
  fates: Fate[],
  now: Date,
  format: 'asff' | 'ocsf' = 'asff',
  /** Added to each finding's number, so that two populations can live side by side. */
  offset = 0,
): Population & { asff: Record<string, unknown>[]; ocsf: Record<string, unknown>[] } {
  const seen = new Date(now.getTime() - 10 * DAY).toISOString();
  const later = new Date(now.getTime() - 9 * DAY).toISOString();
  const keysBy = Object.fromEntries(
    ['active', 'updated', 'archived', 'resolved', 'suppressed', 'passed', 'deleted'].map((f) => [f, []]),
  ) as unknown as Record<Fate, string[]>;
  const records: TrackedRecord[] = [];
  const asffFindings: Record<string, unknown>[] = [];
  const ocsfFindings: Record<string, unknown>[] = [];
  const templates = new Map<string, Finding>();
  fates.forEach((fate, i) => {
    const account = ACCOUNTS[i % ACCOUNTS.length]!;
    const control = fate === 'passed';
    const id = control
      ? `arn:aws:securityhub:us-east-1:${account}:security-control/EC2.8/finding/${String(i + offset).padStart(8, '0')}`
      : `arn:aws:guardduty:us-east-1:${account}:detector/12abc34d/finding/${String(i + offset).padStart(8, '0')}`;
    const product = control ? 'securityhub' : 'guardduty';
    const productName = control ? 'Security Hub' : 'GuardDuty';
    // Normalising one finding per account and product is enough: the rest differ only in id.
    const templateKey = `${account}|${product}|${format}`;
    let template = templates.get(templateKey);
    if (!template) {
      const raw =
        format === 'asff'
          ? named(asff({ id, account, product, updatedAt: seen }), productName)
          : ocsf({ uid: id, account, product, productName, modified: seen });
      template = normalized(raw);
      templates.set(templateKey, template);
    }
    const finding: Finding = { ...template, id, key: findingKey(account, template.productKey, id) };
    records.push(trackedRecord(finding, seen));
    keysBy[fate].push(finding.key);
    if (fate === 'deleted') return;
    const now_ = fate === 'active' ? seen : later;
    if (format === 'asff') {
      const spec = { id, account, product, updatedAt: now_ };
      const by: Record<Exclude<Fate, 'deleted'>, Parameters<typeof asff>[0]> = {
        active: spec,
        updated: { ...spec, title: 'The same finding, seen again' },
        archived: { ...spec, recordState: 'ARCHIVED' },
        resolved: { ...spec, workflow: 'RESOLVED' },
        suppressed: { ...spec, workflow: 'SUPPRESSED' },
        passed: { ...spec, compliance: 'PASSED', severity: 'INFORMATIONAL' },
      };
      asffFindings.push(named(asff(by[fate]), productName));
    } else {
      const spec = { uid: id, account, product, modified: now_ };
      const status = { archived: 'Archived', resolved: 'Resolved', suppressed: 'Suppressed' } as const;
      ocsfFindings.push(
        ocsf(fate in status ? { ...spec, productName, status: status[fate as keyof typeof status] } : { ...spec, productName }),
      );
    }
  });
  return { records, keysBy, asff: asffFindings, ocsf: ocsfFindings };
}

/** Security Hub fills in ProductName on every ASFF finding it returns. */
function named(finding: Record<string, unknown>, productName: string): Record<string, unknown> {
  return { ...finding, ProductName: productName };
}

/** A store whose cursor writes fail after `saves` successful ones: a process that dies mid-run. */
export class CrashingStore implements FindingStore, CursorStore {
  constructor(
    private readonly inner: SqliteFindingStore,
    private saves: number,
  ) {}
  get = (key: string) => this.inner.get(key);
  put = (record: TrackedRecord, expected: number | undefined) => this.inner.put(record, expected);
  listOpen = () => this.inner.listOpen();
  listAll = () => this.inner.listAll();
  purgeExpired = (now: Date) => this.inner.purgeExpired(now);
  close = () => this.inner.close();
  getCursor = (name: string) => this.inner.getCursor(name);
  async setCursor(name: string, value: string): Promise<void> {
    if (this.saves-- <= 0) throw new Error('the process died');
    await this.inner.setCursor(name, value);
  }
}

/** A fake Security Hub, a real SQLite store and the notifier over them, with a fast reader. */
export async function sweepHarness(options: { policy?: Policy; fake?: FakeOptions; records?: TrackedRecord[] } = {}) {
  const policy = options.policy ?? sweepPolicy();
  const fake = await FakeSecurityHub.start(options.fake ?? { rates: { getFindings: false, batchUpdateFindings: false } });
  const statePath = join(mkdtempSync(join(tmpdir(), 'sechub-sweep-')), 'state.db');
  const store = new SqliteFindingStore(statePath);
  if (options.records) seedRecords(statePath, options.records);
  const mailer = new RecordingMailer();
  const notifier = new Notifier({ store, mailer, policy, runtime: systemRuntime });
  const hub = pacedClientFor(fake.url, { rate: { perSecond: 100_000, burst: 1000 }, retry: { maxAttempts: 8, baseMs: 1, capMs: 4 } });
  const source = new SecurityHubReader(hub);
  return {
    fake,
    store,
    mailer,
    notifier,
    source,
    policy,
    statePath,
    sweep: (extra: Partial<SweepOptions> = {}) => new Sweep({ store, notifier, source, policy, ...extra }),
    /** Keys of the records still open. */
    async openKeys(): Promise<Set<string>> {
      const keys = new Set<string>();
      for await (const record of store.listOpen()) keys.add(record.key);
      return keys;
    },
    async close() {
      hub.client.destroy();
      await store.close();
      await fake.stop();
    },
  };
}
