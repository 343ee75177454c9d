/**
 * A notification: one message about one finding, at one moment, to the
 * union of the due rules' recipients — by email, and at each named
 * destination (Slack, Teams, a webhook, an SNS topic).
 */

export type NotificationKind = 'new' | 'reminder' | 'resolved';

/** Recipients added to a reminder because the finding has been open long enough. */
export interface Escalation {
  rule: string;
  /** How long open the step waits for, as written in the policy ("30d"). */
  after: string;
  to: string[];
}

export interface Notification {
  kind: NotificationKind;
  /** Deterministic id: the same decision made twice yields the same id (used for idempotent delivery). */
  id: string;
  /** Names of the rules that caused it. */
  rules: string[];
  /** Email addresses: one email goes to all of them. */
  to: string[];
  /** Names of the policy's destinations that get it too. */
  destinations?: string[];
  /** Decision time, ISO-8601. */
  at: string;
  /** The account's name as the directory knows it, when it does. */
  accountName?: string;
  /** Escalation steps that added recipients, and why. */
  escalations?: Escalation[];
  /** A snooze that ended: this notification is the first since it. */
  snoozeEnded?: { until: string; reason?: string };
}

/** Where a notification goes: `email` (one email to every address), or a destination's name. */
export type DeliveryTarget = string;

export const EMAIL_TARGET: DeliveryTarget = 'email';

/** Every target of a notification, email first. */
export function targetsOf(notification: Notification): DeliveryTarget[] {
  return [...(notification.to.length > 0 ? [EMAIL_TARGET] : []), ...(notification.destinations ?? [])];
}
