import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OutboxMailer } from '../../src/adapters/outbox/outbox-mailer.js';
import { SmtpMailer } from '../../src/adapters/smtp/smtp-mailer.js';
import { SqliteFindingStore } from '../../src/adapters/sqlite/sqlite-finding-store.js';
import { systemRuntime } from '../../src/adapters/system/runtime.js';
import { emptyCounts } from '../../src/app/counts.js';
import { Notifier } from '../../src/app/notifier.js';
import { MailDeliveryError, StoreError } from '../../src/core/errors.js';
import type { Finding } from '../../src/core/finding.js';
import { DEFAULT_POLICY } from '../../src/core/policy.js';
import type { Email, FindingStore, Mailer } from '../../src/core/ports.js';
import { normalized } from '../builders/asff.js';
import { dueFinding } from '../builders/inputs.js';
import { startFaultySmtp } from './support/faulty-smtp.js';
import { FaultyStore, ManualClock } from './support/faulty-store.js';

/**
 * The claim protocol step by step, each crash point forced exactly: claim
 * (a leased write before the send), send, confirm (after the send), release
 * (after a failed send). Real SQLite, real outbox, real SMTP.
 */

const LEASE_MS = 120_000;
const EVENT_TIME = new Date('2026-01-10T10:00:05Z');
const finding: Finding = normalized(dueFinding(1));

let dir: string;
let smtp: Awaited<ReturnType<typeof startFaultySmtp>>;
const stores: FindingStore[] = [];

beforeAll(async () => {
  smtp = await startFaultySmtp({ share: 0, faults: [], seed: 1 });
});
afterAll(() => smtp.close());
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function setup() {
  dir = mkdtempSync(join(tmpdir(), 'sechub-window-'));
  const clock = new ManualClock(Date.parse('2026-01-10T10:00:06Z'));
  const outbox = join(dir, 'outbox');
  /** One worker: its own connection to the shared state file, like one process. */
  const worker = (options: { mailer?: Mailer; store?: (store: FindingStore) => FindingStore } = {}) => {
    const sqlite = new SqliteFindingStore(join(dir, 'state.db'));
    stores.push(sqlite);
    const store = options.store ? options.store(sqlite) : sqlite;
    return new Notifier({
      store,
      mailer: options.mailer ?? new OutboxMailer(outbox),
      policy: DEFAULT_POLICY,
      runtime: { ...systemRuntime, clock },
      claimMs: LEASE_MS,
    });
  };
  const record = async () => {
    const store = new SqliteFindingStore(join(dir, 'state.db'));
    stores.push(store);
    return store.get(finding.key);
  };
  const outboxFiles = () => {
    try {
      return readdirSync(outbox).filter((name) => name.endsWith('.eml'));
    } catch {
      return [];
    }
  };
  return { clock, worker, record, outboxFiles };
}

/** A mailer that counts what it is given, and can hang or be slow on command. */
class ControlledMailer implements Mailer {
  calls = 0;
  private gate: Promise<void> | undefined;
  private open: (() => void) | undefined;
  constructor(private readonly inner?: Mailer) {}
  hold(): void {
    this.gate = new Promise((resolve) => {
      this.open = resolve;
    });
  }
  release(): void {
    this.open?.();
  }
  async send(email: Email): Promise<{ messageId: string }> {
    this.calls++;
    if (this.gate) await this.gate;
    return this.inner ? this.inner.send(email) : { messageId: `<${email.id}>` };
  }
  async close(): Promise<void> {}
}

describe('duplicate delivery', () => {
  it('sends one email when the same event reaches 10 workers 5 times each, all at once', async () => {
    // prepare
    const { worker, outboxFiles, record } = setup();
    const workers = Array.from({ length: 10 }, () => worker());

    // act
    const results = await Promise.all(workers.flatMap((engine) => Array.from({ length: 5 }, () => engine.handle(finding, EVENT_TIME))));

    // assess
    expect(results.filter((result) => result.email)).toHaveLength(1);
    expect(outboxFiles()).toHaveLength(1);
    expect((await record())?.rules['critical-and-high']).toEqual({ lastNotifiedAt: EVENT_TIME.toISOString() });
  });
});

describe('a claim whose reply was lost', () => {
  it('is recognised as the worker’s own, and the email goes out at once instead of after the lease', async () => {
    // prepare
    const { worker, outboxFiles, record } = setup();
    const engine = worker({ store: (store) => Object.assign(new FaultyStore(store), { loseNextClaimReply: true }) });

    // act
    const result = await engine.handle(finding, EVENT_TIME);

    // assess
    expect(result.email).toBeDefined();
    expect(outboxFiles()).toHaveLength(1);
    expect((await record())?.claim).toBeUndefined();
  });

  it('is recognised too when the write timed out after reaching the store (a transient error)', async () => {
    // prepare
    const { worker, outboxFiles, record } = setup();
    const engine = worker({ store: (store) => Object.assign(new FaultyStore(store), { ambiguousNextClaim: true }) });

    // act
    const result = await engine.handle(finding, EVENT_TIME);

    // assess
    expect(result.email).toBeDefined();
    expect(outboxFiles()).toHaveLength(1);
    expect((await record())?.claim).toBeUndefined();
  });
});

describe('a crash between claim and send', () => {
  it('holds other workers off for the lease, then exactly one of them sends', async () => {
    // prepare: the first worker claims, then hangs in its send as if the process had died there
    const { clock, worker, outboxFiles, record } = setup();
    const dying = new ControlledMailer();
    dying.hold();
    void worker({ mailer: dying })
      .handle(finding, EVENT_TIME)
      .catch(() => undefined);
    await until(async () => (await record())?.claim !== undefined);

    // act
    const during = await worker().handle(finding, EVENT_TIME);
    clock.advance(LEASE_MS - 1000);
    const justBefore = await worker().handle(finding, EVENT_TIME);
    clock.advance(2000);
    const after = await Promise.all([worker().handle(finding, EVENT_TIME), worker().handle(finding, EVENT_TIME)]);

    // assess
    expect(during.reason).toMatch(/in flight/);
    expect(justBefore.reason).toMatch(/in flight/);
    expect(after.filter((result) => result.email)).toHaveLength(1);
    expect(outboxFiles()).toHaveLength(1);
    expect((await record())?.claim).toBeUndefined();
    dying.release();
  });
});

describe('a crash between send and record update (the duplicate window)', () => {
  it('resends after the lease with the same notification id: SMTP gets the same Message-ID twice', async () => {
    // prepare
    const { clock, worker, outboxFiles } = setup();
    const before = smtp.delivered.length;
    const viaSmtp = new SmtpMailer(smtp.url, { timeoutMs: 5000 });
    let faulty: FaultyStore | undefined;
    const crashing = (inner: Mailer) =>
      worker({
        mailer: inner,
        store: (store) => {
          faulty = new FaultyStore(store);
          faulty.failNextConfirm = true;
          return faulty;
        },
      });

    // act: SMTP, then the outbox, each first sent by a worker that dies before its record update
    await expect(crashing(viaSmtp).handle(finding, EVENT_TIME)).rejects.toBeInstanceOf(StoreError);
    clock.advance(LEASE_MS + 1000);
    const resent = await worker({ mailer: viaSmtp }).handle(finding, EVENT_TIME);
    await viaSmtp.close();

    // assess
    expect(faulty!.confirmsFailed).toBe(1);
    expect(resent.email).toBeDefined();
    const copies = smtp.delivered.slice(before);
    expect(copies).toHaveLength(2);
    expect(copies[1]!.messageId).toBe(copies[0]!.messageId);
    expect(outboxFiles()).toHaveLength(0);
  });

  it('with the outbox, the resend after the lease writes no second file', async () => {
    // prepare
    const { clock, worker, outboxFiles, record } = setup();
    const counting = new ControlledMailer(new OutboxMailer(join(dir, 'outbox')));
    const dies = worker({
      mailer: counting,
      store: (store) => Object.assign(new FaultyStore(store), { failNextConfirm: true }),
    });

    // act
    await expect(dies.handle(finding, EVENT_TIME)).rejects.toBeInstanceOf(StoreError);
    const withinLease = await worker({ mailer: counting }).handle(finding, EVENT_TIME);
    clock.advance(LEASE_MS + 1000);
    const afterLease = await worker({ mailer: counting }).handle(finding, EVENT_TIME);

    // assess
    expect(withinLease.reason).toMatch(/in flight/);
    expect(afterLease.email).toBeDefined();
    expect(counting.calls).toBe(2);
    expect(outboxFiles()).toHaveLength(1);
    expect((await record())?.claim).toBeUndefined();
  });

  it('is a visible duplicate when each run decides at its own time (system clock): a new id, a second email', async () => {
    // prepare
    const { clock, worker, outboxFiles } = setup();
    const dies = worker({ store: (store) => Object.assign(new FaultyStore(store), { failNextConfirm: true }) });

    // act
    await expect(dies.handle(finding, clock.now())).rejects.toBeInstanceOf(StoreError);
    clock.advance(LEASE_MS + 1000);
    await worker().handle(finding, clock.now());

    // assess
    expect(outboxFiles()).toHaveLength(2);
  });
});

describe('a record update that the store throttles', () => {
  it('is retried at once, within the lease, so the email that went out is recorded and never sent again', async () => {
    // prepare
    const { clock, worker, outboxFiles, record } = setup();
    let faulty: FaultyStore | undefined;
    const engine = worker({
      store: (store) => {
        faulty = Object.assign(new FaultyStore(store), { transientConfirmFailures: 2 });
        return faulty;
      },
    });

    // act
    const result = await engine.handle(finding, clock.now());
    clock.advance(LEASE_MS + 1000);
    const later = await worker().handle(finding, clock.now());

    // assess
    expect(faulty!.confirmsFailed).toBe(2);
    expect(result.email).toBeDefined();
    expect(later.email).toBeUndefined();
    expect(outboxFiles()).toHaveLength(1);
    expect((await record())?.claim).toBeUndefined();
  });
});

describe('a failed send', () => {
  it('puts the record back unclaimed, records nothing as sent, and the next run sends at once', async () => {
    // prepare
    const { worker, outboxFiles, record } = setup();
    const failing: Mailer = {
      send: async () => {
        throw new MailDeliveryError('451 try again later', true);
      },
      close: async () => {},
    };
    const counts = emptyCounts();

    // act
    await worker({ mailer: failing }).handleCounted(finding, EVENT_TIME, counts);
    const afterFailure = await record();
    const retry = await worker().handle(finding, EVENT_TIME);

    // assess
    expect(counts.failed).toBe(1);
    expect(afterFailure?.claim).toBeUndefined();
    expect(afterFailure?.rules).toEqual({});
    expect(retry.email).toBeDefined();
    expect(outboxFiles()).toHaveLength(1);
  });
});

describe('a send slower than the lease', () => {
  it('lets one more worker send (the window is the lease), and the late record update changes nothing', async () => {
    // prepare
    const { clock, worker, outboxFiles, record } = setup();
    const slow = new ControlledMailer(new OutboxMailer(join(dir, 'outbox')));
    slow.hold();
    const first = worker({ mailer: slow }).handle(finding, clock.now());
    await until(async () => (await record())?.claim !== undefined);

    // act
    clock.advance(LEASE_MS + 1000);
    const second = await worker().handle(finding, clock.now());
    slow.release();
    const late = await first;

    // assess
    expect(second.email).toBeDefined();
    expect(late.email).toBeDefined();
    expect(outboxFiles()).toHaveLength(2);
    const stored = await record();
    expect(stored?.claim).toBeUndefined();
    // claim 1 (first worker), claim 2 over the expired one and its confirmation 3; the late confirmation of claim 1 lost its race.
    expect(stored?.version).toBe(3);
    expect(stored?.rules['critical-and-high']).toBeDefined();
  });
});

describe('a store that fails', () => {
  it('sends nothing it could not claim, and a later run sends it once', async () => {
    // prepare
    const { worker, outboxFiles } = setup();
    const broken = worker({ store: (store) => Object.assign(new FaultyStore(store), { failWrites: true }) });

    // act
    await expect(broken.handle(finding, EVENT_TIME)).rejects.toBeInstanceOf(StoreError);
    const filesAfterFailure = outboxFiles().length;
    await worker().handle(finding, EVENT_TIME);

    // assess
    expect(filesAfterFailure).toBe(0);
    expect(outboxFiles()).toHaveLength(1);
  });
});

async function until(condition: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
