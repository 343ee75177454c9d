/** Counters every run reports (the command line's `--json` summary). */
export interface Counts {
  read: number;
  invalid: number;
  ignored: number;
  notified: number;
  reminded: number;
  suppressed: number;
  resolved: number;
  emails: number;
  /** Emails that could not be sent; each will be sent again by a later run. */
  failed: number;
}

export function emptyCounts(): Counts {
  return { read: 0, invalid: 0, ignored: 0, notified: 0, reminded: 0, suppressed: 0, resolved: 0, emails: 0, failed: 0 };
}
