import { systemRuntime } from '../adapters/system/runtime.js';
import { FindingHandler } from '../app/notifier.js';
import { deployment, stepHandler } from './shared/deployment.js';
import { logger } from './shared/logger.js';
import { checkAgeStep } from './shared/workflow-steps.js';

/**
 * Task "CheckAge". Input: check-record's `write`/`send` result. Re-reads the
 * record and decides again (how long open against `after`, how long since
 * the last email against `every`): carries out a write that needs no email
 * and ends (`done`), or hands a due notification on to notify (`send`).
 */
const step = deployment(async ({ store, policy, lookupAccount }) =>
  checkAgeStep({ handler: new FindingHandler({ store, policy, runtime: systemRuntime, lookupAccount }), logger }),
);

export const handler = stepHandler(step);
