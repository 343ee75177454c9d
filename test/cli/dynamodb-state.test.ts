import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { DynamoDbFindingStore } from '../../src/adapters/dynamodb/dynamodb-finding-store.js';
import { readPolicyFile } from '../../src/adapters/files/policy-file.js';
import { sha256Hex } from '../../src/adapters/system/sha256.js';
import { validatePolicy } from '../../src/core/policy.js';
import { POLICY_DOCUMENT, policyDocumentValue, policyFingerprint } from '../../src/core/policy-fingerprint.js';
import { asff } from '../builders/asff.js';
import { collectedRecord } from '../builders/records.js';
import { runCli } from '../support/cli.js';
import { createFindingTable, type DynamoDbLocal, LOCAL_CREDENTIALS, LOCAL_REGION, startDynamoDbLocal } from '../support/dynamodb-local.js';
import { FakeSecurityHub } from '../support/fake-securityhub.js';

const POLICY = `sender: alerts@example.com
rules:
  - name: high-guardduty
    match: { severities: [HIGH, CRITICAL], products: [guardduty] }
    notify: { to: [security-team@example.com], every: 15d }
`;

const id = (name: string) => `arn:aws:guardduty:us-east-1:111122223333:detector/12abc34d/finding/${name}`;
/** Times near the wall clock: DynamoDB Local deletes expired items for real. */
const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

let db: DynamoDbLocal;
let tables = 0;
beforeAll(async () => {
  db = await startDynamoDbLocal();
}, 60_000);
afterAll(async () => {
  await db?.stop();
});

/** A working folder with the policy and `count` open HIGH findings, and a fresh table shaped like the deployed one. */
async function prepare(count = 6) {
  const cwd = mkdtempSync(join(tmpdir(), 'sechub-dynamodb-state-'));
  writeFileSync(join(cwd, 'sechub-alerts.yaml'), POLICY);
  const findings = Array.from({ length: count }, (_, i) => asff({ id: id(`f${i}`), updatedAt: ago(60) }));
  writeFileSync(join(cwd, 'findings.json'), JSON.stringify(findings));
  const table = `findings-${++tables}`;
  await createFindingTable(db.client, table);
  const env = {
    AWS_ENDPOINT_URL_DYNAMODB: db.endpoint,
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
  };
  const store = new DynamoDbFindingStore({ client: db.client, tableName: table });
  return { cwd, env, state: `dynamodb://${table}`, store, findings };
}

async function recordsIn(store: DynamoDbFindingStore) {
  const records = [];
  for await (const record of store.listAll()) records.push(record);
  return records;
}

const emailsIn = (dir: string) => readdirSync(dir).filter((name) => name.endsWith('.eml'));

describe('--state dynamodb://TABLE', () => {
  it('process keeps its records in the table, so a second run sends nothing again', async () => {
    const { cwd, env, state, store } = await prepare();

    const first = await runCli(['process', 'findings.json', '--state', state, '--clock', 'event', '--json'], { cwd, env });
    const second = await runCli(['process', 'findings.json', '--state', state, '--clock', 'event', '--json'], { cwd, env });

    expect(first.stderr).toBe('');
    expect(first.json).toMatchObject({ read: 6, notified: 6, emails: 6 });
    expect(second.json).toMatchObject({ read: 6, notified: 0, emails: 0 });
    const records = await recordsIn(store);
    expect(records).toHaveLength(6);
    expect(records.every((record) => record.rules['high-guardduty'] && !record.claim)).toBe(true);
  });

  it('two process runs at once on one table send each email once: the claims are conditional writes', async () => {
    const { cwd, env, state } = await prepare(30);

    const runs = await Promise.all(
      ['a', 'b'].map((outbox) =>
        runCli(['process', 'findings.json', '--state', state, '--outbox', outbox, '--clock', 'event', '--json'], { cwd, env }),
      ),
    );

    expect(runs.map((run) => run.code)).toEqual([0, 0]);
    expect(runs[0]!.json!.emails! + runs[1]!.json!.emails!).toBe(30);
    expect(emailsIn(join(cwd, 'a')).length + emailsIn(join(cwd, 'b')).length).toBe(30);
  });

  it('tick sends the reminders that fell due from the table', async () => {
    const { cwd, env, state } = await prepare();
    await runCli(['process', 'findings.json', '--state', state, '--clock', 'event'], { cwd, env });
    const later = new Date(Date.now() + 16 * 86_400_000).toISOString();

    const result = await runCli(['tick', '--state', state, '--now', later, '--json'], { cwd, env });

    expect(result.code).toBe(0);
    expect(result.json).toMatchObject({ reminded: 6, emails: 6 });
    expect(emailsIn(join(cwd, '.sechub-alerts/outbox')).filter((name) => name.startsWith('reminder-'))).toHaveLength(6);
  });

  describe('poll', () => {
    let fake: FakeSecurityHub | undefined;
    afterEach(() => fake?.stop());

    it('keeps its cursor in the table and announces each finding once', async () => {
      const { cwd, env, state, store, findings } = await prepare();
      fake = await FakeSecurityHub.start();
      fake.putAsff(findings);
      const hubEnv = { ...env, AWS_ENDPOINT_URL_SECURITYHUB: fake.url };

      const first = await runCli(['poll', '--once', '--state', state, '--since', ago(120), '--json'], { cwd, env: hubEnv });
      const second = await runCli(['poll', '--once', '--state', state, '--json'], { cwd, env: hubEnv });

      expect(first.json).toMatchObject({ read: 6, notified: 6, emails: 6 });
      expect(second.json).toMatchObject({ read: 6, notified: 0, emails: 0 });
      expect(await store.getCursor('poll#asff')).toBe(findings[0]!.UpdatedAt);
    });
  });

  it('status and explain read the table as they read a state file', async () => {
    const { cwd, env, state } = await prepare(3);
    await runCli(['process', 'findings.json', '--state', state, '--clock', 'event'], { cwd, env });

    const status = await runCli(['status', '--state', state, '--json'], { cwd, env });
    const explained = await runCli(['explain', '--id', id('f1'), '--state', state, '--json'], { cwd, env });

    expect(JSON.parse(status.stdout)).toMatchObject({ tracked: { open: 3, byRule: { 'high-guardduty': 3 } }, claimsInFlight: [] });
    expect(JSON.parse(status.stdout).nextDue).toHaveLength(3);
    expect(JSON.parse(explained.stdout)).toMatchObject({
      finding: { id: id('f1') },
      rules: [{ name: 'high-guardduty', matches: true }],
      record: { open: true },
      decision: { action: 'skip', reason: 'already notified; reminder not due' },
    });
  });

  describe('when the deployment runs another policy', () => {
    it('says so in one line naming both fingerprints', async () => {
      const { cwd, env, state, store } = await prepare();
      const document = { sender: 'alerts@example.com', rules: [{ name: 'other', notify: { to: ['someone@example.com'] } }] };
      await store.putDocument(
        POLICY_DOCUMENT.kind,
        { id: POLICY_DOCUMENT.id, value: policyDocumentValue(document), version: 1 },
        undefined,
      );
      const deployed = policyFingerprint(validatePolicy(document), sha256Hex);
      const ours = policyFingerprint(await readPolicyFile(join(cwd, 'sechub-alerts.yaml')), sha256Hex);

      const result = await runCli(['process', 'findings.json', '--state', state, '--json'], { cwd, env });

      expect(result.code).toBe(0);
      expect(result.stderr.split('\n').filter(Boolean)).toEqual([
        `warning: the policy given (${ours.slice(0, 12)}) differs from the one the deployment runs (${deployed.slice(0, 12)}); this run follows the policy given`,
      ]);
    });

    it('says nothing when it runs the same policy, however it was written', async () => {
      const { cwd, env, state, store } = await prepare();
      await store.putDocument(
        POLICY_DOCUMENT.kind,
        { id: POLICY_DOCUMENT.id, value: policyDocumentValue(parseYaml(POLICY)), version: 1 },
        undefined,
      );
      const reordered = `rules:
  - notify: { every: 360h, to: [security-team@example.com] }
    match: { products: [guardduty], severities: [high, critical] }
    name: high-guardduty
sender: alerts@example.com
`;
      writeFileSync(join(cwd, 'sechub-alerts.yaml'), reordered);

      const result = await runCli(['tick', '--state', state, '--json'], { cwd, env });

      expect(result.code).toBe(0);
      expect(result.stderr).toBe('');
    });
  });

  it('preview --digest renders the digest from the table and leaves no local folder behind', async () => {
    const { cwd, env, state, store } = await prepare(0);
    writeFileSync(
      join(cwd, 'sechub-alerts.yaml'),
      `sender: alerts@example.com
rules:
  - name: daily
    match: { severities: [HIGH, CRITICAL] }
    notify: { to: [team@example.com], digest: { every: 1d, at: "08:00" } }
`,
    );
    await store.put(collectedRecord({ id: id('d1'), title: 'Kept in the table', collected: { daily: { since: ago(60) } } }), undefined);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString();

    const result = await runCli(['preview', '--digest', '--text', '--state', state, '--now', tomorrow], { cwd, env });

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Subject: Security Hub digest: 1 new, /);
    expect(result.stdout).toContain('Kept in the table');
    expect(existsSync(join(cwd, 'dynamodb:'))).toBe(false);
  });

  it('refuses a table name DynamoDB would refuse, as bad usage', async () => {
    const { cwd, env } = await prepare(1);

    const result = await runCli(['process', 'findings.json', '--state', 'dynamodb://a/b'], { cwd, env });

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--state: expected dynamodb://TABLE');
  });
});
