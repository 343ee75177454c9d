import type { Notification } from '../decide.js';
import { formatDuration } from '../duration.js';
import type { Email } from '../ports.js';
import type { FindingSnapshot } from '../record.js';
import { escapeHtml, oneLine, safeLink, truncate } from './escape.js';

/** What the renderer needs to build one email. */
export interface RenderInput {
  finding: FindingSnapshot;
  notification: Notification;
  sender: string;
}

const SUBJECT_MAX = 150;

/** The one-line subject: severity, product, short title, account and region. */
export function subjectFor(finding: FindingSnapshot, notification: Notification): string {
  const prefix = notification.kind === 'resolved' ? '[RESOLVED] ' : notification.kind === 'reminder' ? '[Reminder] ' : '';
  const tail = ` (${oneLine(finding.accountName ?? finding.account)}, ${oneLine(finding.region)})`;
  const head = `${prefix}${finding.severity} ${oneLine(finding.productName)}: `;
  const room = Math.max(20, SUBJECT_MAX - head.length - tail.length);
  return oneLine(`${head}${truncate(oneLine(finding.title), room)}${tail}`);
}

/** Renders the email for a notification. Every finding value is escaped for its context. */
export function renderEmail({ finding, notification, sender }: RenderInput): Email {
  const facts = factsOf(finding, notification);
  const html = `<!doctype html><html><body><table role="presentation" width="600">${facts
    .map(([label, value]) => `<tr><th align="left">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`)
    .join('')}${remediationRow(finding)}</table></body></html>`;
  const text = facts.map(([label, value]) => `${label}: ${value}`).join('\n');
  return {
    id: notification.id,
    from: sender,
    to: notification.to,
    subject: subjectFor(finding, notification),
    html,
    text,
    headers: { 'X-Sechub-Finding-Id': oneLine(finding.id), 'X-Sechub-Notification': notification.kind },
  };
}

function remediationRow(finding: FindingSnapshot): string {
  const link = safeLink(finding.remediation?.url);
  return link ? `<tr><th align="left">Remediation</th><td><a href="${escapeHtml(link)}">${escapeHtml(link)}</a></td></tr>` : '';
}

function factsOf(finding: FindingSnapshot, notification: Notification): [string, string][] {
  const openFor = formatDuration(Date.parse(notification.at) - Date.parse(finding.firstObservedAt));
  return [
    ['Severity', finding.severity],
    ['Title', truncate(oneLine(finding.title), 300)],
    ['Why', `${notification.kind} (rules: ${notification.rules.join(', ')})`],
    ['Account', finding.account],
    ['Region', finding.region],
    ['Resources', finding.resources.map((r) => `${r.type} ${r.id}`).join(', ')],
    ['First observed', finding.firstObservedAt],
    ['Open for', openFor],
    ['Description', truncate(finding.description, 2000)],
  ];
}
