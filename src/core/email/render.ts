import type { Notification } from '../notification.js';
import type { Email } from '../ports.js';
import type { FindingSnapshot } from '../record.js';
import { oneLine, truncate } from './escape.js';
import { headerText } from './headers.js';
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
/** Security Hub ids are at most 512 characters; encoded-words of a hostile one stay under SES's 870. */
const FINDING_ID_HEADER_MAX = 800;

/**
 * The one-line subject: severity, product, short title, account (its name
 * too, when known) and region;
 * at most 150 characters, no control characters. It is the same for the new,
 * reminder and resolved emails of a finding, because Gmail threads only
 * emails whose subjects match; the kind of email leads the body and the
 * preview text instead (docs/decisions.md).
 */
export function subjectFor(finding: FindingSnapshot, notification?: Notification): string {
  const head = `${clean(finding.severity, 16)} ${clean(finding.productName, LIMITS.short)}: `;
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
      'X-Sechub-Finding-Id': headerText(finding.id, FINDING_ID_HEADER_MAX),
      'X-Sechub-Notification': notification.kind,
      'X-Sechub-Account': clean(finding.account, 20),
    },
    thread: { key: finding.key, since: finding.firstObservedAt, at: notification.at, followUp: notification.kind !== 'new' },
  };
}
