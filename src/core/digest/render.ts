import { DIGEST_TEMPLATE } from '../email/digest-template.generated.js';
import { fillTemplate } from '../email/template.js';
import type { Email, EmailThread } from '../ports.js';
import type { Digest } from './content.js';
import { digestEmailId } from './state.js';
import { renderDigestText } from './text.js';
import { buildDigestView, digestSubject } from './view.js';

/** What the renderer needs to build one digest email. */
export interface DigestRenderInput {
  digest: Digest;
  sender: string;
  /** The region whose Security Hub console "N more" links open (the aggregation Region); default: the first listed finding's. */
  consoleRegion?: string;
}

/**
 * Renders one recipient's digest: HTML from the compiled MJML layout and a
 * plain-text part with the same facts, with the same escaping and link rules
 * as the notification email. The id is deterministic per (schedule,
 * recipient, moment), so a repeat is recognisably the same email.
 */
export function renderDigest({ digest, sender, consoleRegion }: DigestRenderInput): Email {
  const subject = digestSubject(digest);
  const view = buildDigestView(digest, subject, consoleRegion);
  return {
    id: digestEmailId(digest.scheduleId, digest.recipient, digest.moment),
    from: sender,
    to: [digest.recipient],
    subject,
    html: fillTemplate(DIGEST_TEMPLATE, view),
    text: renderDigestText(view),
    headers: {
      'X-Sechub-Notification': 'digest',
      'X-Sechub-Digest-Schedule': digest.scheduleId,
      'X-Sechub-Digest-Period': digest.periodStart.toISOString(),
      'X-Sechub-Digest-New': String(digest.new.total),
      'X-Sechub-Digest-Fixed': String(digest.fixed.total),
      'X-Sechub-Digest-Open': String(digest.open.total),
    },
    thread: digestThread(digest),
  };
}

/**
 * Every digest of one schedule to one recipient is a reply in one series
 * whose root is never sent: mail clients that thread by References (Apple
 * Mail, Thunderbird) or by the conversation index (Outlook) put yesterday's
 * digest beside today's, Gmail keeps them apart (their subjects differ). The
 * References header also keeps SpamAssassin's HEXHASH_WORD, which instance
 * ids in finding titles meet, from scoring (docs/email.md, "Spam filters").
 */
function digestThread(digest: Digest): EmailThread {
  return {
    key: `digest|${digest.scheduleId}|${digest.recipient}`,
    since: digest.periodStart.toISOString(),
    at: digest.moment.toISOString(),
    followUp: true,
  };
}
