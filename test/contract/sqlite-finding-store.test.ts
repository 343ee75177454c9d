import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteFindingStore } from '../../src/adapters/sqlite/sqlite-finding-store.js';
import { describeFindingStoreContract } from './finding-store.contract.js';

describeFindingStoreContract('SqliteFindingStore', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sechub-store-contract-'));
  let n = 0;
  let open: SqliteFindingStore | undefined;
  return {
    async fresh() {
      await open?.close();
      open = new SqliteFindingStore(join(dir, `state-${n++}.db`));
      return open;
    },
    async dispose() {
      await open?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
