import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { StoreError } from '../../core/errors.js';
import type { StateStore, StoredDocument } from '../../core/ports.js';
import { listedOpen, type TrackedRecord } from '../../core/record.js';

// A rowid table (the key in its own unique index) rather than WITHOUT ROWID: a record's body (~2 KB) is
// larger than what a WITHOUT ROWID row keeps in its b-tree page, so every read and write there went through
// overflow pages; here a lookup walks a small index and a record fits one page. A state file made with the
// older WITHOUT ROWID table keeps it and works as before.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS findings (
  key        TEXT PRIMARY KEY,
  open       INTEGER NOT NULL,
  version    INTEGER NOT NULL,
  expires_at TEXT NOT NULL,
  body       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS findings_open ON findings (open, key);
CREATE INDEX IF NOT EXISTS findings_expiry ON findings (expires_at);
CREATE TABLE IF NOT EXISTS cursors (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS documents (
  kind       TEXT NOT NULL,
  id         TEXT NOT NULL,
  version    INTEGER NOT NULL,
  expires_at TEXT,
  value      TEXT NOT NULL,
  PRIMARY KEY (kind, id)
);
`;

const PAGE = 500;

/**
 * The embedded store: one SQLite file in WAL mode. Conditional writes on a
 * version column make concurrent processes on one file safe: the loser of a
 * race sees `put` return false and decides again.
 */
export class SqliteFindingStore implements StateStore {
  private readonly db: Database.Database;
  private readonly statements;

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    try {
      this.db = new Database(path, { timeout: 30_000 });
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      // Reads through a memory map instead of a read() call per page: every finding costs one lookup.
      this.db.pragma('mmap_size = 268435456');
      // Copy the log back into the database every ~40 MB of changes rather than every 4 MB: each copy ends in an
      // fsync, and a run that changes thousands of records spent more time in those than in its writes.
      this.db.pragma('wal_autocheckpoint = 10000');
      this.db.exec(SCHEMA);
    } catch (error) {
      throw new StoreError(`cannot open the state database ${path}: ${(error as Error).message}`, { cause: error });
    }
    this.statements = {
      get: this.db.prepare<[string], { body: string }>('SELECT body FROM findings WHERE key = ?'),
      insert: this.db.prepare(
        'INSERT INTO findings (key, open, version, expires_at, body) VALUES (?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING',
      ),
      update: this.db.prepare('UPDATE findings SET open = ?, version = ?, expires_at = ?, body = ? WHERE key = ? AND version = ?'),
      page: this.db.prepare<[string, number], { key: string; body: string }>(
        'SELECT key, body FROM findings WHERE open = 1 AND key > ? ORDER BY key LIMIT ?',
      ),
      all: this.db.prepare<[string, number], { key: string; body: string }>(
        'SELECT key, body FROM findings WHERE key > ? ORDER BY key LIMIT ?',
      ),
      purge: this.db.prepare('DELETE FROM findings WHERE expires_at < ?'),
      purgeDocuments: this.db.prepare('DELETE FROM documents WHERE expires_at IS NOT NULL AND expires_at < ?'),
      getDocument: this.db.prepare<[string, string], { id: string; value: string; version: number; expires_at: string | null }>(
        'SELECT id, value, version, expires_at FROM documents WHERE kind = ? AND id = ?',
      ),
      insertDocument: this.db.prepare(
        'INSERT INTO documents (kind, id, version, expires_at, value) VALUES (?, ?, ?, ?, ?) ON CONFLICT (kind, id) DO NOTHING',
      ),
      updateDocument: this.db.prepare(
        'UPDATE documents SET version = ?, expires_at = ?, value = ? WHERE kind = ? AND id = ? AND version = ?',
      ),
      documents: this.db.prepare<[string, string, number], { id: string; value: string; version: number; expires_at: string | null }>(
        'SELECT id, value, version, expires_at FROM documents WHERE kind = ? AND id > ? ORDER BY id LIMIT ?',
      ),
      getCursor: this.db.prepare<[string], { value: string }>('SELECT value FROM cursors WHERE name = ?'),
      setCursor: this.db.prepare('INSERT INTO cursors (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value'),
    };
  }

  async get(key: string): Promise<TrackedRecord | undefined> {
    const row = this.run(() => this.statements.get.get(key));
    return row ? (JSON.parse(row.body) as TrackedRecord) : undefined;
  }

  async put(record: TrackedRecord, expectedVersion: number | undefined): Promise<boolean> {
    const body = JSON.stringify(record);
    const open = listedOpen(record) ? 1 : 0;
    const result = this.run(() =>
      expectedVersion === undefined
        ? this.statements.insert.run(record.key, open, record.version, record.expiresAt, body)
        : this.statements.update.run(open, record.version, record.expiresAt, body, record.key, expectedVersion),
    );
    return result.changes === 1;
  }

  async *listOpen(): AsyncIterable<TrackedRecord> {
    yield* this.pages(this.statements.page);
  }

  async *listAll(): AsyncIterable<TrackedRecord> {
    yield* this.pages(this.statements.all);
  }

  async purgeExpired(now: Date): Promise<number> {
    const cutoff = now.toISOString();
    this.run(() => this.statements.purgeDocuments.run(cutoff));
    return this.run(() => this.statements.purge.run(cutoff)).changes;
  }

  async getDocument(kind: string, id: string): Promise<StoredDocument | undefined> {
    const row = this.run(() => this.statements.getDocument.get(kind, id));
    return row && documentOf(row);
  }

  async putDocument(kind: string, document: StoredDocument, expectedVersion: number | undefined): Promise<boolean> {
    const { id, value, version } = document;
    const expiresAt = document.expiresAt ?? null;
    const result = this.run(() =>
      expectedVersion === undefined
        ? this.statements.insertDocument.run(kind, id, version, expiresAt, value)
        : this.statements.updateDocument.run(version, expiresAt, value, kind, id, expectedVersion),
    );
    return result.changes === 1;
  }

  async *listDocuments(kind: string): AsyncIterable<StoredDocument> {
    let after = '';
    for (;;) {
      const rows = this.run(() => this.statements.documents.all(kind, after, PAGE));
      for (const row of rows) yield documentOf(row);
      if (rows.length < PAGE) return;
      after = rows[rows.length - 1]!.id;
    }
  }

  /** A named position (poll cursor, sweep progress) kept beside the records. */
  async getCursor(name: string): Promise<string | undefined> {
    return this.run(() => this.statements.getCursor.get(name))?.value;
  }

  async setCursor(name: string, value: string): Promise<void> {
    this.run(() => this.statements.setCursor.run(name, value));
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  /** Records page by page in key order, so a long listing holds no transaction open. */
  private async *pages(statement: Database.Statement<[string, number], { key: string; body: string }>): AsyncIterable<TrackedRecord> {
    let after = '';
    for (;;) {
      const rows = this.run(() => statement.all(after, PAGE));
      for (const row of rows) yield JSON.parse(row.body) as TrackedRecord;
      if (rows.length < PAGE) return;
      after = rows[rows.length - 1]!.key;
    }
  }

  private run<T>(operation: () => T): T {
    try {
      return operation();
    } catch (error) {
      throw new StoreError(`state database: ${(error as Error).message}`, { cause: error });
    }
  }
}

function documentOf(row: { id: string; value: string; version: number; expires_at: string | null }): StoredDocument {
  return { id: row.id, value: row.value, version: row.version, ...(row.expires_at === null ? {} : { expiresAt: row.expires_at }) };
}
