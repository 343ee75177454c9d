/** Counters every run reports (the command line's `--json` summary). */
export interface Counts {
  read: number;
  invalid: number;
  ignored: number;
  notified: number;
  reminded: number;
  suppressed: number;
  /** Findings a snooze of the policy held back (each time one is seen or due while snoozed). */
  snoozed: number;
  resolved: number;
  /** Findings a baseline run recorded as notified without sending anything. */
  adopted: number;
  emails: number;
  /** Deliveries to destinations other than email (Slack, Teams, webhooks, SNS). */
  messages: number;
  /** Emails and messages that could not be delivered; each is delivered by a later run. */
  failed: number;
}

export function emptyCounts(): Counts {
  return {
    read: 0,
    invalid: 0,
    ignored: 0,
    notified: 0,
    reminded: 0,
    suppressed: 0,
    snoozed: 0,
    resolved: 0,
    adopted: 0,
    emails: 0,
    messages: 0,
    failed: 0,
  };
}
