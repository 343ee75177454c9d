import { oneLine, truncate } from '../email/escape.js';
import type { ChannelMessage } from '../ports.js';
import { renderWebhookDocument } from './webhook.js';

/**
 * Amazon SNS: the webhook document as the Message, a subject for email
 * subscriptions, and message attributes that subscription filter policies
 * select on (`{"severity": ["CRITICAL", "HIGH"], "kind": ["new"]}`).
 */

/** SNS takes a Subject of fewer than 100 printable ASCII characters. */
export const SNS_SUBJECT_MAX = 99;
const ATTRIBUTE_MAX = 256;

export interface SnsNotification {
  subject: string;
  /** The webhook document, as JSON. */
  message: string;
  /** String attributes, for subscription filter policies. */
  attributes: { severity: string; kind: string; product: string; account: string };
}

/** Renders the SNS notification of a message. */
export function renderSns(message: ChannelMessage): SnsNotification {
  const document = renderWebhookDocument(message);
  return {
    subject: asciiSubject(document.summary),
    message: JSON.stringify(document),
    attributes: {
      severity: attribute(document.finding.severity),
      kind: attribute(document.kind),
      product: attribute(document.finding.product),
      account: attribute(document.finding.account),
    },
  };
}

/**
 * A subject SNS accepts: printable ASCII only (accents dropped, other
 * characters become "?"), starting with a letter, digit or punctuation,
 * fewer than 100 characters, cut with "...".
 */
export function asciiSubject(text: string): string {
  const ascii = oneLine(text.normalize('NFKD').replace(/\p{M}/gu, ''))
    .replace(/[“”]/g, '"')
    .replace(/…/g, '...')
    .replace(/[^\x20-\x7e]/g, '?')
    .trim();
  const subject = ascii.length <= SNS_SUBJECT_MAX ? ascii : `${ascii.slice(0, SNS_SUBJECT_MAX - 3).trimEnd()}...`;
  return subject || 'sechub-alerts notification';
}

/** An attribute value: one line, bounded, never empty (SNS refuses empty values). */
function attribute(value: string): string {
  return truncate(oneLine(value), ATTRIBUTE_MAX) || 'unknown';
}
