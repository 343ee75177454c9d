import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OutboxMailer } from '../../src/adapters/outbox/outbox-mailer.js';
import { SqliteFindingStore } from '../../src/adapters/sqlite/sqlite-finding-store.js';
import { directoryLookup } from '../../src/app/account-directory.js';
import { previewLocalDigest, sendLocalDigests } from '../../src/cli/digests.js';
import { main } from '../../src/cli/main.js';
import { DEFAULT_POLICY, type Policy, validatePolicy } from '../../src/core/policy.js';
import { collectedRecord } from '../builders/records.js';

const IN_PERIOD = '2026-01-11T20:00:00.000Z';
const NOW = new Date('2026-01-12T08:30:00Z');

let dir: string;
let stderr: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sechub-cli-digest-'));
  stderr = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
});
afterEach(() => vi.restoreAllMocks());

/** A policy with one daily digest rule at 08:00 UTC. */
function policyWithDigest(): Policy {
  return validatePolicy({
    sender: 'alerts@example.com',
    rules: [
      {
        name: 'daily',
        match: { severities: ['CRITICAL', 'HIGH'] },
        notify: { to: ['team@example.com'], digest: { every: '1d', at: '08:00' } },
      },
    ],
  });
}

const lookupAccount = directoryLookup({});

async function seededState(): Promise<string> {
  const statePath = join(dir, 'state.db');
  const store = new SqliteFindingStore(statePath);
  await store.put(collectedRecord({ id: 'a', title: 'Open and new', collected: { daily: { since: IN_PERIOD } } }), undefined);
  await store.close();
  return statePath;
}

describe('digests on the command line', () => {
  it('sends the due digests into the outbox once: a second run for the same moment writes no second file', async () => {
    // prepare
    const statePath = await seededState();
    const outbox = join(dir, 'outbox');
    const run = async (now: Date) => {
      const store = new SqliteFindingStore(statePath);
      const mailer = new OutboxMailer(outbox);
      try {
        return await sendLocalDigests({ store, mailer, policy: policyWithDigest(), lookupAccount }, now);
      } finally {
        await mailer.close();
        await store.close();
      }
    };
    // act
    const first = await run(NOW);
    const second = await run(new Date(NOW.getTime() + 3_600_000));
    // assess
    expect(first).toMatchObject({ sent: 1 });
    expect(second).toMatchObject({ sent: 0 });
    const files = readdirSync(outbox).filter((name) => name.endsWith('.eml'));
    expect(files).toEqual([expect.stringMatching(/^digest-[0-9a-f]{24}\.eml$/)]);
    const message = readFileSync(join(outbox, files[0]!), 'utf8');
    expect(message).toMatch(/^X-Sechub-Notification: digest$/m);
    expect(message).toMatch(/^X-Sechub-Digest-Period: 2026-01-11T08:00:00\.000Z$/m);
    expect(message).toMatch(/^X-Sechub-Digest-New: 1$/m);
  });

  it('sends no digest and reports none when the policy has no digest rules', async () => {
    const store = new SqliteFindingStore(await seededState());
    const mailer = new OutboxMailer(join(dir, 'outbox'));
    expect(await sendLocalDigests({ store, mailer, policy: DEFAULT_POLICY, lookupAccount }, NOW)).toBeUndefined();
    await store.close();
  });

  it('previews the digest of a recipient from the state file, sent or not', async () => {
    const statePath = await seededState();
    const email = await previewLocalDigest({ statePath, policy: policyWithDigest(), lookupAccount, now: NOW });
    expect(email.to).toEqual(['team@example.com']);
    expect(email.subject).toBe('Security Hub digest: 1 new, 0 fixed, 1 open (Mon 12 Jan)');
    await expect(
      previewLocalDigest({ statePath, policy: policyWithDigest(), lookupAccount, now: NOW, recipient: 'nobody@example.com' }),
    ).rejects.toThrow(/no digest to preview for nobody@example.com/);
  });

  it('says so when the policy has no digest rules to preview, and keeps INPUT for finding previews', async () => {
    expect(await main(['preview', '--digest', '--state', join(dir, 'state.db')])).toBe(2);
    expect(stderr).toContain('--digest: the policy has no digest rules');
    expect(await main(['preview'])).toBe(2);
    expect(stderr).toContain('preview takes exactly one INPUT (or --digest)');
    expect(await main(['preview', 'x.json', '--recipient', 'a@example.com'])).toBe(2);
    expect(stderr).toContain('--recipient and --state go with --digest');
  });
});
