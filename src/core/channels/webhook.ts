import { safeLink, truncate } from '../email/escape.js';
import { clean } from '../email/view.js';
import type { NotificationKind } from '../notification.js';
import type { ChannelMessage } from '../ports.js';
import type { FindingSnapshot } from '../record.js';
import { channelView } from './view.js';

/**
 * The document a webhook receives, and the Message of an SNS notification:
 * version 1 of a JSON shape described by docs/webhook-notification.schema.json.
 * It carries the notification and the finding's facts, never the raw
 * finding. Text is cleaned as for the email (no control characters, URLs
 * from the finding defanged, bounded); links are present only when they lead
 * to the AWS console or documentation.
 */

export const WEBHOOK_DOCUMENT_VERSION = 1;

/** The finding as the document gives it: a snapshot's fields, cleaned, with the remediation's text only (its URL, when on AWS, is under `links`). */
export type WebhookFinding = Omit<FindingSnapshot, 'remediation'> & { remediation?: { text: string } };

export interface WebhookDocument {
  version: typeof WEBHOOK_DOCUMENT_VERSION;
  /** The notification id as deliveryId spells it (also the X-Sechub-Notification-Id header): the same decision made twice has the same id, so a receiver can drop repeats. */
  id: string;
  kind: NotificationKind;
  rules: string[];
  /** When the notification was decided (ISO-8601). */
  at: string;
  /** One line, as an email subject. */
  summary: string;
  /** Why it was sent, in the email's words. */
  reason: string;
  escalations?: { rule: string; after: string }[];
  snoozeEnded?: { until: string; reason?: string };
  finding: WebhookFinding;
  links: { console?: string; remediation?: string };
}

/** Bounds of the document's values; a snapshot is already within them. */
const MAX = { id: 1000, short: 200, title: 500, text: 4000, list: 25, types: 10, vulnerabilities: 10, packages: 10 } as const;

/**
 * The notification id as a header can carry it, and as the document gives
 * it: printable ASCII stays as it is; anything else (a finding id can hold
 * line breaks and any character), `%`, and the colon of a `://` (so that
 * no client turns the id into a link) are percent-encoded from UTF-8.
 * Every `%` being encoded, distinct ids stay distinct.
 */
export function deliveryId(notificationId: string): string {
  return notificationId.replace(/[^\x21-\x24\x26-\x7e]|:(?=\/\/)/gu, (ch) => encodeURIComponent(ch));
}

/** Builds the version 1 document of a message. */
export function renderWebhookDocument(message: ChannelMessage): WebhookDocument {
  const { notification, finding } = message;
  const view = channelView(message);
  const accountName = notification.accountName ?? finding.accountName;
  const remediationText = finding.remediation?.text && paragraphs(finding.remediation.text, MAX.text);
  const remediationUrl = safeLink(finding.remediation?.url);
  return {
    version: WEBHOOK_DOCUMENT_VERSION,
    id: deliveryId(notification.id),
    kind: notification.kind,
    rules: notification.rules.slice(0, MAX.list).map((rule) => clean(rule, MAX.short)),
    at: notification.at,
    summary: view.summary,
    reason: view.reasons.map((reason) => `${reason.lead} ${reason.text}`).join(' '),
    ...(notification.escalations?.length
      ? {
          escalations: notification.escalations
            .slice(0, MAX.list)
            .map((step) => ({ rule: clean(step.rule, MAX.short), after: clean(step.after, MAX.short) })),
        }
      : {}),
    ...(notification.snoozeEnded
      ? {
          snoozeEnded: {
            until: clean(notification.snoozeEnded.until, MAX.short),
            ...(notification.snoozeEnded.reason ? { reason: clean(notification.snoozeEnded.reason, MAX.title) } : {}),
          },
        }
      : {}),
    finding: {
      key: clean(finding.key, MAX.id * 3),
      id: clean(finding.id, MAX.id),
      format: finding.format,
      account: clean(finding.account, MAX.short),
      ...(accountName ? { accountName: clean(accountName, MAX.short) } : {}),
      region: clean(finding.region, MAX.short),
      partition: clean(finding.partition, MAX.short),
      product: clean(finding.product, MAX.short),
      productKey: clean(finding.productKey, MAX.short),
      productName: clean(finding.productName, MAX.short),
      severity: finding.severity,
      open: finding.open,
      title: clean(finding.title, MAX.title),
      description: paragraphs(finding.description, MAX.text),
      types: finding.types.slice(0, MAX.types).map((type) => clean(type, MAX.short)),
      firstObservedAt: clean(finding.firstObservedAt, MAX.short),
      updatedAt: clean(finding.updatedAt, MAX.short),
      ...(finding.control
        ? {
            control: {
              id: clean(finding.control.id, MAX.short),
              standards: finding.control.standards.slice(0, MAX.list).map((s) => clean(s, MAX.short)),
              standardIds: finding.control.standardIds.slice(0, MAX.list).map((s) => clean(s, MAX.short)),
            },
          }
        : {}),
      ...(remediationText ? { remediation: { text: remediationText } } : {}),
      resources: finding.resources.slice(0, MAX.list).map((r) => ({
        type: clean(r.type, MAX.short),
        id: clean(r.id, MAX.id),
        ...(r.region === undefined ? {} : { region: clean(r.region, MAX.short) }),
      })),
      resourceCount: Math.max(Number.isFinite(finding.resourceCount) ? finding.resourceCount : 0, finding.resources.length),
      vulnerabilities: finding.vulnerabilities.slice(0, MAX.vulnerabilities).map((v) => ({
        id: clean(v.id, MAX.short),
        packages: v.packages.slice(0, MAX.packages).map((p) => ({
          name: clean(p.name, MAX.short),
          ...(p.version === undefined ? {} : { version: clean(p.version, MAX.short) }),
          ...(p.fixedIn === undefined ? {} : { fixedIn: clean(p.fixedIn, MAX.short) }),
        })),
      })),
      ...(typeof finding.count === 'number' && Number.isFinite(finding.count) ? { count: finding.count } : {}),
    },
    links: { ...(view.consoleUrl ? { console: view.consoleUrl } : {}), ...(remediationUrl ? { remediation: remediationUrl } : {}) },
  };
}

/** Free text with its paragraph breaks kept ("\n\n"), each paragraph cleaned, at most `max` characters in all. */
function paragraphs(text: string, max: number): string {
  const parts = text
    .replace(/\r\n?/g, '\n')
    .split(/\n[^\S\n]*\n/)
    .map((part) => clean(part, max))
    .filter((part) => part !== '');
  return truncate(parts.join('\n\n'), max);
}
