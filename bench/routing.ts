import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ORGANIZATIONS_RATE } from '../src/adapters/organizations/organizations-client.js';
import { OrganizationsDirectory } from '../src/adapters/organizations/organizations-directory.js';
import { SqliteFindingStore } from '../src/adapters/sqlite/sqlite-finding-store.js';
import { systemRuntime } from '../src/adapters/system/runtime.js';
import { CachedAccountDirectory } from '../src/app/account-directory.js';
import { eachConcurrently } from '../src/app/concurrently.js';
import { FakeOrganizations } from '../test/support/fake-organizations.js';
import { fakeLimiterClock } from '../test/support/limiter-clock.js';
import { pacedOrganizationsFor } from '../test/support/organizations-client.js';
import { writeResultField } from './results.js';

/**
 * Routing: resolving every account of an organization of 1,000 accounts in
 * 50 OUs through the account directory and its cache, against the fake
 * Organizations (which answers at once). The client is paced at the
 * Organizations rate on a clock that moves only when the pacing waits: that
 * clock shows the least time the requests take at the rate, which a real run
 * spends waiting rather than working (network time comes on top where a
 * request takes longer than its turn).
 */

/** What bench/results.json keeps (its fields are fixed). */
export interface RoutingResult {
  accounts: number;
  /** Organizations requests of a cold resolution (a refresh of the whole organization into an empty cache). */
  coldCalls: number;
  /** Seconds the cold resolution takes at the Organizations rate. */
  coldSeconds: number;
  /** Organizations requests of a resolution of every account with a warm cache. */
  warmCalls: number;
}

export interface RoutingMeasurement extends RoutingResult {
  units: number;
  /** The same cold resolution account by account (lazy lookups) instead of a refresh. */
  lazyColdCalls: number;
  lazyColdSeconds: number;
  /** Wall time of the cold refresh and of the warm resolution here (store, SDK, fake), not paced. */
  coldWorkSeconds: number;
  warmWorkSeconds: number;
  /** Accounts that got at least one owner. */
  routed: number;
}

const TOP_LEVEL = 5;
const CHILDREN = 9;
const PER_OU = 20;
const CACHE_MS = 24 * 3_600_000;
const NOW = new Date('2099-06-01T08:00:00.000Z');

/** 5 OUs under the root and 9 under each (50 in all), 20 accounts in each; owners on the top-level OUs and on one account in four. */
function seed(fake: FakeOrganizations): string[] {
  const accounts: string[] = [];
  const fill = (unit: string, division: number) => {
    for (let a = 0; a < PER_OU; a++) {
      const n = accounts.length;
      const tags: Record<string, string> = { env: n % 3 ? 'dev' : 'prod', app: `app-${n % 40}` };
      if (n % 4 === 0) tags.owner = `owner-${n}@example.com, oncall-${division}@example.com`;
      accounts.push(fake.addAccount(unit, `account-${n}`, tags));
    }
  };
  for (let t = 0; t < TOP_LEVEL; t++) {
    const top = fake.addOu(fake.rootId, `Division-${t}`, { owner: `division-${t}@example.com`, 'cost-center': `cc-${t}` });
    fill(top, t);
    for (let c = 0; c < CHILDREN; c++) fill(fake.addOu(top, `Team-${t}-${c}`, { team: `team-${t}-${c}` }), t);
  }
  return accounts;
}

/** Resolves the organization cold (refresh, and account by account), then warm, and reports calls and paced seconds. */
export async function measureRouting(): Promise<RoutingMeasurement> {
  const dir = mkdtempSync(join(tmpdir(), 'sechub-routing-'));
  const clock = fakeLimiterClock();
  const fake = await FakeOrganizations.start({ rate: false });
  const stores: SqliteFindingStore[] = [];
  try {
    const accounts = seed(fake);
    const directory = (name: string) => {
      const documents = new SqliteFindingStore(join(dir, `${name}.db`));
      stores.push(documents);
      const organizations = pacedOrganizationsFor(fake.url, {
        rate: ORGANIZATIONS_RATE,
        clock,
        retry: { maxAttempts: 4, baseMs: 200, capMs: 1_000 },
      });
      const live = new OrganizationsDirectory({ organizations, ownerTag: 'owner' });
      return new CachedAccountDirectory({ live, documents, ownerTag: 'owner', cacheMs: CACHE_MS, runtime: systemRuntime });
    };
    const paced = async (run: () => Promise<unknown>) => {
      const [calls, time, started] = [fake.totalCalls(), clock.time, performance.now()];
      await run();
      return { calls: fake.totalCalls() - calls, seconds: (clock.time - time) / 1000, work: (performance.now() - started) / 1000 };
    };
    // A quiet minute between the phases refills the buckets, as between two runs.
    const rest = () => {
      clock.time += 60_000;
    };

    const cold = await paced(() => directory('refresh').refreshAll(NOW));
    rest();
    const warmDirectory = directory('refresh');
    const infos: { owners: string[] }[] = [];
    const warm = await paced(() =>
      eachConcurrently(accounts, 8, async (id) => {
        const info = await warmDirectory.lookup(id, NOW);
        if (info) infos.push(info);
      }),
    );
    rest();
    const lazyDirectory = directory('lazy');
    const lazy = await paced(() => eachConcurrently(accounts, 8, async (id) => void (await lazyDirectory.lookup(id, NOW))));
    return {
      accounts: accounts.length,
      units: TOP_LEVEL * (1 + CHILDREN),
      coldCalls: cold.calls,
      coldSeconds: cold.seconds,
      warmCalls: warm.calls,
      lazyColdCalls: lazy.calls,
      lazyColdSeconds: lazy.seconds,
      coldWorkSeconds: cold.work,
      warmWorkSeconds: warm.work,
      routed: infos.filter((info) => info.owners.length > 0).length,
    };
  } finally {
    for (const store of stores) await store.close();
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

// `node --import tsx bench/routing.ts [--write]`: prints the measurement; --write also sets `routing` in bench/results.json.
if (import.meta.url === `file://${process.argv[1]}`) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const m = await measureRouting();
  process.stdout.write(`${JSON.stringify(m, null, 2)}\n`);
  if (process.argv.includes('--write')) {
    writeResultField('routing', { accounts: m.accounts, coldCalls: m.coldCalls, coldSeconds: m.coldSeconds, warmCalls: m.warmCalls });
  }
}
