import { subjectFor } from '../email/render.js';
import { buildView, clean, type Fact } from '../email/view.js';
import type { NotificationKind } from '../notification.js';
import type { ChannelMessage } from '../ports.js';

/** How much of the description a chat message shows; the console has the rest. */
const DESCRIPTION_MAX = 600;
/**
 * The longest console link a message carries (Slack's limit for a button's
 * URL). A finding id long enough to make a longer link is shown for the
 * reader to search for instead: a link cannot be cut.
 */
export const CONSOLE_URL_MAX = 3000;

/** Chat has no subject threading to keep, so a chat message's one-line text says what kind of message it is. */
export const CHAT_PREFIX: Record<NotificationKind, string> = { new: '', reminder: '[Reminder] ', resolved: '[Resolved] ' };

/** One sentence of why the message was sent, led by a short bold-worthy phrase. */
export interface Reason {
  lead: string;
  text: string;
}

/**
 * What every chat channel shows of a notification, built from the email's
 * view so that the facts and their wording are the email's: cleaned (one
 * line, no control characters, URLs defanged) and cut to size, but not yet
 * escaped — each renderer escapes for its own markup.
 */
export interface ChannelView {
  kind: NotificationKind;
  /** The email's subject line: a one-line summary for previews and fallbacks. */
  summary: string;
  severity: string;
  productName: string;
  title: string;
  /** Why this was sent, as the email says it: new, reminder, resolved, escalated or snooze ended. */
  reasons: Reason[];
  /** Account (with its name), region, resources, times, product, control and standards. */
  facts: Fact[];
  /** The product's own details (Inspector's packages, GuardDuty's type and count). */
  details?: { heading: string; facts: Fact[] };
  description?: string;
  consoleUrl?: string;
  /** Said instead of the console link when the link would be too long. */
  searchHint?: string;
  findingId: string;
  /** Which rules sent it, and that only AWS links are links. */
  footer: string;
}

/** Builds the channel view of a message; the account name the directory knows wins over the finding's own. */
export function channelView({ notification, finding }: ChannelMessage): ChannelView {
  const summary = subjectFor(finding, notification);
  const view = buildView(finding, notification, summary, 'message');
  const linkFits = view.consoleUrl !== undefined && view.consoleUrl.length <= CONSOLE_URL_MAX;
  return {
    kind: notification.kind,
    summary,
    severity: view.severity,
    productName: view.productName,
    title: view.title,
    reasons: [{ lead: view.whyLead, text: view.why }],
    facts: view.facts,
    details: view.details,
    description: view.description && clean(view.description.paragraphs.join(' '), DESCRIPTION_MAX),
    consoleUrl: linkFits ? view.consoleUrl : undefined,
    searchHint: view.consoleUrl && !linkFits ? 'Search the Security Hub console for the finding id below.' : undefined,
    findingId: view.findingId,
    footer: view.footer,
  };
}
