// One process sending the digests that are due, like one run of the daily job or `tick`, on a shared
// SQLite state file: digest-worker STATE LOG NOW [CLAIM_MS] (the test bundles it, so it starts fast).
// Each accepted email becomes one line of LOG (appended whole), so duplicates are visible; with
// DIGEST_WORKER_HANG=1 the mailer logs the start of its send and never returns, like a process killed
// while sending; with DIGEST_WORKER_GO=FILE it waits for FILE before it starts, so that many workers
// start at once. Prints the counts as JSON.
import { appendFileSync, existsSync } from 'node:fs';
import { SqliteFindingStore } from '../../../src/adapters/sqlite/sqlite-finding-store.js';
import { systemRuntime } from '../../../src/adapters/system/runtime.js';
import { sendDueDigests } from '../../../src/app/digest.js';
import type { Email, Mailer } from '../../../src/core/ports.js';
import { DIGEST_WORKER_RULES, workerRecipientsOf } from './digest-scenario.js';

const [statePath, logPath, now, claimMs] = process.argv.slice(2);
const hang = process.env.DIGEST_WORKER_HANG === '1';

const mailer: Mailer = {
  async send(email: Email) {
    const line = (event: string) => `${JSON.stringify({ event, id: email.id, to: email.to, pid: process.pid })}\n`;
    if (hang) {
      appendFileSync(logPath!, line('started'));
      return new Promise<never>(() => {});
    }
    appendFileSync(logPath!, line('sent'));
    return { messageId: `<${process.pid}@worker>` };
  },
  async close() {},
};

const go = process.env.DIGEST_WORKER_GO;
while (go && !existsSync(go)) await new Promise((resolve) => setTimeout(resolve, 5));

const store = new SqliteFindingStore(statePath!);
try {
  const counts = await sendDueDigests(
    {
      store,
      mailer,
      runtime: systemRuntime,
      sender: 'alerts@example.com',
      rules: DIGEST_WORKER_RULES,
      recipientsOf: workerRecipientsOf,
      accountNameOf: () => undefined,
      ...(claimMs ? { claimMs: Number(claimMs) } : {}),
    },
    new Date(now!),
  );
  process.stdout.write(`${JSON.stringify(counts)}\n`);
} finally {
  await store.close();
}
