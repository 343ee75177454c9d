import { systemClock } from '../adapters/system/runtime.js';
import { deployment, stepHandler } from './shared/deployment.js';
import { logger } from './shared/logger.js';
import { checkRecordStep } from './shared/workflow-steps.js';

/**
 * Task "CheckRecord" of the findings workflow. Input: one element of the
 * event's detail.findings with the event's time and detail-type. Output:
 * `skip` (the execution ends for this finding: one invocation, one read) or
 * `write`/`send` with the finding's snapshot for check-age.
 */
const step = deployment(async ({ store, policy, lookupAccount }) =>
  checkRecordStep({ store, policy, clock: systemClock, lookupAccount, logger }),
);

export const handler = stepHandler(step);
