import { SechubAlertsError } from '../core/errors.js';

/** Bad command-line usage: exit code 2. */
export class UsageError extends SechubAlertsError {}
