import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteFindingStore } from '../../src/adapters/sqlite/sqlite-finding-store.js';
import { describeFindingStoreContract, recordFor } from './finding-store.contract.js';

/** The table as state files were first made: a WITHOUT ROWID table keyed by the finding key. */
const FIRST_SCHEMA = `
CREATE TABLE findings (
  key        TEXT PRIMARY KEY,
  open       INTEGER NOT NULL,
  version    INTEGER NOT NULL,
  expires_at TEXT NOT NULL,
  body       TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX findings_open ON findings (open, key);
CREATE INDEX findings_expiry ON findings (expires_at);
CREATE TABLE cursors (name TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

const dir = mkdtempSync(join(tmpdir(), 'sechub-store-legacy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

function firstSchemaFile(): string {
  const path = join(dir, `state-${n++}.db`);
  const db = new Database(path);
  db.exec(FIRST_SCHEMA);
  db.close();
  return path;
}

describeFindingStoreContract('SqliteFindingStore on a state file made with the first schema', () => {
  let open: SqliteFindingStore | undefined;
  return {
    async fresh() {
      await open?.close();
      open = new SqliteFindingStore(firstSchemaFile());
      return open;
    },
    async dispose() {
      await open?.close();
    },
  };
});

describe('a state file made with the first schema', () => {
  it('keeps its table as it is and the records already in it', async () => {
    // prepare
    const path = firstSchemaFile();
    const before = new SqliteFindingStore(path);
    await before.put(recordFor(1), undefined);
    await before.close();

    // act
    const store = new SqliteFindingStore(path);
    const kept = await store.get(recordFor(1).key);
    await store.close();

    // assess
    expect(kept).toEqual(recordFor(1));
    const db = new Database(path, { readonly: true });
    const { sql } = db.prepare("SELECT sql FROM sqlite_master WHERE name = 'findings'").get() as { sql: string };
    db.close();
    expect(sql).toMatch(/WITHOUT ROWID/);
  });
});
