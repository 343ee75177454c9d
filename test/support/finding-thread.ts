import { expect } from 'vitest';
import { renderEmail } from '../../src/core/email/render.js';
import { GUARDDUTY_SAMPLE, resolvedSample, sampleNotification } from '../../src/core/email/samples.js';
import type { Email } from '../../src/core/ports.js';
import type { FindingSnapshot } from '../../src/core/record.js';

/** The emails of one finding's life, in order: new, a reminder, resolved, and the new one once more (a retried send). */
export function findingThread(finding: FindingSnapshot = GUARDDUTY_SAMPLE, sender = 'alerts@example.com'): Email[] {
  const render = (snapshot: FindingSnapshot, kind: 'new' | 'reminder' | 'resolved', days: number) =>
    renderEmail({ finding: snapshot, notification: sampleNotification(snapshot, kind, days), sender });
  const first = render(finding, 'new', 0);
  return [first, render(finding, 'reminder', 15), render(resolvedSample(finding, 20), 'resolved', 21), { ...first }];
}

/** The identification and thread headers of a delivered message. */
export interface ThreadHeaders {
  messageId?: string;
  notificationId?: string;
  inReplyTo?: string;
  references?: string;
  threadTopic?: string;
  threadIndex?: string;
}

/** Reads the headers through `header`, a lookup by case-insensitive name (each mail sink has its own). */
export function threadHeadersOf(header: (name: string) => string | undefined): ThreadHeaders {
  return {
    messageId: header('Message-ID'),
    notificationId: header('X-Sechub-Notification-Id'),
    inReplyTo: header('In-Reply-To'),
    references: header('References'),
    threadTopic: header('Thread-Topic'),
    threadIndex: header('Thread-Index'),
  };
}

/**
 * What findingThread's four emails must show once delivered: one thread root
 * in In-Reply-To and References on the sender's domain, one Thread-Topic and
 * one conversation index header block; a Message-ID of its own for each
 * notification (unless the sender replaces it, `ownMessageIds` false) that the
 * retried send repeats, and the same id in X-Sechub-Notification-Id.
 */
export function expectOneThread(delivered: ThreadHeaders[], options: { domain?: string; ownMessageIds?: boolean } = {}): void {
  const { domain = 'example.com', ownMessageIds = true } = options;
  const [first, reminder, resolved, resend] = delivered as [ThreadHeaders, ThreadHeaders, ThreadHeaders, ThreadHeaders];
  const root = first.references!;
  expect(root).toMatch(new RegExp(`^<[0-9a-f]{24}@${domain.replaceAll('.', '\\.')}>$`));
  for (const email of delivered) {
    expect(email.references).toBe(root);
    expect(email.inReplyTo).toBe(root);
    expect(email.threadTopic).toBe(first.threadTopic);
    expect(conversationHeader(email.threadIndex!)).toEqual(conversationHeader(first.threadIndex!));
  }
  const ids = [first, reminder, resolved].map((email) => email.notificationId);
  expect(new Set(ids).size).toBe(3);
  expect(resend.notificationId).toBe(first.notificationId);
  if (!ownMessageIds) return;
  expect([first, reminder, resolved].map((email) => email.messageId)).toEqual(ids.map((id) => `<${id}@${domain}>`));
  expect(resend.messageId).toBe(first.messageId);
  expect(root).not.toBe(first.messageId);
}

/** The 22-byte header block of a Thread-Index: what Outlook groups a conversation by. */
function conversationHeader(threadIndex: string): string {
  return Buffer.from(threadIndex, 'base64').subarray(0, 22).toString('hex');
}
