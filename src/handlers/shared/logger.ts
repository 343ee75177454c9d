import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The one structured logger of a function (Powertools: JSON lines, level from
 * LOG_LEVEL, service from POWERTOOLS_SERVICE_NAME). Log keys, outcomes and
 * reasons; never a finding or an email body.
 */
export const logger = new Logger();
