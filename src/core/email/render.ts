import type { Notification } from '../notification.js';
import type { Email } from '../ports.js';
import type { FindingSnapshot } from '../record.js';
import { oneLine, truncate } from './escape.js';
import { EMAIL_TEMPLATE } from './template.generated.js';
import { fillTemplate } from './template.js';
import { renderText } from './text.js';
import { accountNameOf, buildView, clean, LIMITS } from './view.js';

/** What the renderer needs to build one email. */
export interface RenderInput {
  finding: FindingSnapshot;
  notification: Notification;
  sender: string;
}

const SUBJECT_MAX = 150;
const PREFIXES = { new: '', reminder: '[Reminder] ', resolved: '[Resolved] ' } as const;

/** The one-line subject: severity, product, short title, account and region; at most 150 characters, no control characters. */
export function subjectFor(finding: FindingSnapshot, notification: Notification): string {
  const head = `${PREFIXES[notification.kind] ?? ''}${clean(finding.severity, 16)} ${clean(finding.productName, LIMITS.short)}: `;
  const name = accountNameOf(finding, notification);
  const tail = ` (${name ? `${truncate(name, 40)} ` : ''}${clean(finding.account, 20)}, ${clean(finding.region, 20)})`;
  const room = Math.max(20, SUBJECT_MAX - head.length - tail.length);
  return truncate(oneLine(`${head}${clean(finding.title, room) || '(untitled finding)'}${tail}`), SUBJECT_MAX);
}

/**
 * Renders the email for a notification: HTML from the compiled MJML layout
 * and a plain-text part with the same facts. Every finding value is cleaned,
 * cut to size and escaped for its context.
 */
export function renderEmail({ finding, notification, sender }: RenderInput): Email {
  const subject = subjectFor(finding, notification);
  const view = buildView(finding, notification, subject);
  return {
    id: notification.id,
    from: sender,
    to: notification.to,
    subject,
    html: fillTemplate(EMAIL_TEMPLATE, view),
    text: renderText(view),
    headers: {
      'X-Sechub-Finding-Id': truncate(oneLine(finding.id), 900),
      'X-Sechub-Notification': notification.kind,
      'X-Sechub-Account': clean(finding.account, 20),
    },
  };
}
