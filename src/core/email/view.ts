import { formatDuration } from '../duration.js';
import type { Notification } from '../notification.js';
import type { FindingSnapshot } from '../record.js';
import { defang, oneLine, safeLink, truncate } from './escape.js';
import { consoleLink } from './links.js';
import { paletteFor } from './palette.js';
import { standardLines } from './standards.js';

/** How much of each finding field an email shows; longer values end with an ellipsis. */
export const LIMITS = {
  title: 200,
  short: 64,
  id: 256,
  description: 1500,
  remediation: 800,
  url: 200,
  paragraphs: 6,
  resources: 5,
  vulnerabilityRows: 8,
  types: 3,
  rules: 5,
} as const;

/** One line of a fact: an optional muted prefix, the value (monospace when `code`), an optional muted suffix. */
export type FactLine = { pre?: string; text: string; post?: string; code?: boolean };
export type Fact = { label: string; lines: FactLine[] };

/**
 * Everything one email shows, in the order it shows it: cleaned (one line,
 * no control characters, URLs defanged) and cut to size, but not escaped —
 * the template escapes for HTML, and the plain-text part needs no escaping.
 * The HTML and the text part are both made from this, so they carry the same
 * facts.
 */
export type EmailView = {
  subject: string;
  preheader: string;
  severity: string;
  severityBackground: string;
  severityForeground: string;
  accent: string;
  kindLabel: string;
  kindColour: string;
  whyBackground: string;
  whyLead: string;
  why: string;
  productName: string;
  title: string;
  facts: Fact[];
  description?: { paragraphs: string[] };
  remediation?: { paragraphs: string[]; link?: string; shownUrl?: string };
  consoleUrl?: string;
  /** The product's own details: Inspector's vulnerable packages, GuardDuty's finding type and count. */
  details?: { heading: string; facts: Fact[] };
  footer: string;
  findingId: string;
};

/** A finding value fit for one line of an email. */
export function clean(text: string | undefined, max: number): string {
  return truncate(defang(oneLine(text ?? '')), max);
}

/** Where a view is shown: an email, or a message on another channel (its footer says so). */
type Medium = 'email' | 'message';

/** Builds what the email for `notification` about `finding` shows; a channel's message shows the same with its own footer. */
export function buildView(finding: FindingSnapshot, notification: Notification, subject: string, medium: Medium = 'email'): EmailView {
  const palette = paletteFor(finding.severity, notification.kind);
  const openMs = Date.parse(notification.at) - Date.parse(finding.firstObservedAt);
  const openFor = Number.isNaN(openMs) ? 'an unknown time' : formatDuration(openMs);
  const why = whyLine(notification, openFor);
  const title = clean(finding.title, LIMITS.title) || '(untitled finding)';
  const account = clean(finding.account, LIMITS.short);
  const region = clean(finding.region, LIMITS.short);
  const rules = ruleList(notification.rules);
  const linkable = safeLink(finding.remediation?.url);
  const remediationText = paragraphs(finding.remediation?.text, LIMITS.remediation);
  const shownUrl = finding.remediation?.url && !linkable ? clean(finding.remediation.url, LIMITS.url) : undefined;
  return {
    subject,
    preheader: truncate(`${why.lead} ${why.text} ${account} ${region}`, 150),
    severity: clean(finding.severity, LIMITS.short),
    severityBackground: palette.badge,
    severityForeground: palette.badgeText,
    accent: palette.accent,
    kindLabel: notification.kind.toUpperCase(),
    kindColour: palette.ink,
    whyBackground: palette.tint,
    whyLead: why.lead,
    why: why.text,
    productName: clean(finding.productName, LIMITS.short),
    title,
    facts: factsOf(finding, notification, openFor),
    description: optional({ paragraphs: paragraphs(finding.description, LIMITS.description) }, (d) => d.paragraphs.length > 0),
    remediation: optional(
      { paragraphs: remediationText, link: linkable, shownUrl },
      (r) => r.paragraphs.length > 0 || !!r.link || !!r.shownUrl,
    ),
    consoleUrl: consoleLink(finding),
    details: vulnerabilitiesOf(finding) ?? threatOf(finding),
    footer: footerText(rules, medium),
    findingId: clean(finding.id, LIMITS.id),
  };
}

/** Which rules sent it, and that only AWS links are links. */
function footerText(rules: string, medium: Medium): string {
  return `Sent by sechub-alerts because this finding matches ${rules}. Links in this ${medium} lead only to the AWS console and AWS documentation; any other address from the finding is shown as text.`;
}

function whyLine(notification: Notification, openFor: string): { lead: string; text: string } {
  const rules = ruleList(notification.rules);
  const { snoozeEnded, escalations } = notification;
  if (snoozeEnded && notification.kind !== 'resolved') {
    const reason = snoozeEnded.reason ? ` (“${clean(snoozeEnded.reason, LIMITS.description)}”)` : '';
    return {
      lead: 'Snooze ended:',
      text: `the snooze until ${instant(snoozeEnded.until)}${reason} is over and the finding is still open after ${openFor} (${rules}).`,
    };
  }
  if (escalations && escalations.length > 0 && notification.kind === 'reminder') {
    const steps = escalations
      .slice(0, LIMITS.rules)
      .map((step) => `open longer than ${clean(step.after, LIMITS.short)} (rule “${clean(step.rule, LIMITS.short)}”)`);
    return { lead: 'Escalated:', text: `still open after ${openFor} (${rules}); ${steps.join('; ')}.` };
  }
  switch (notification.kind) {
    case 'resolved':
      return {
        lead: 'Resolved:',
        text: `the problem went away. Security Hub no longer reports this finding as active; it was open for ${openFor} (${rules}).`,
      };
    case 'reminder':
      return { lead: 'Reminder:', text: `still open after ${openFor} (${rules}).` };
    default:
      return { lead: 'New finding:', text: `it matches ${rules}.` };
  }
}

/** The account's name: the directory's when it knows one, else what the finding says; undefined when neither. */
export function accountNameOf(finding: FindingSnapshot, notification?: Notification): string | undefined {
  const name = notification?.accountName ?? finding.accountName;
  return name ? clean(name, LIMITS.short) : undefined;
}

/** “rule-a”, “rule-b” and 3 more: the rule names an email names, cleaned. */
export function ruleList(rules: string[]): string {
  const names = rules.slice(0, LIMITS.rules).map((rule) => `“${clean(rule, LIMITS.short)}”`);
  const more = rules.length > LIMITS.rules ? ` and ${rules.length - LIMITS.rules} more` : '';
  return `${rules.length === 1 ? 'rule' : 'rules'} ${names.join(', ')}${more}`;
}

function factsOf(finding: FindingSnapshot, notification: Notification, openFor: string): Fact[] {
  const shown = finding.resources.slice(0, LIMITS.resources);
  const more = Math.max(finding.resourceCount, finding.resources.length) - shown.length;
  const resources: FactLine[] = shown.map((r) => ({ pre: clean(r.type, LIMITS.short), text: clean(r.id, LIMITS.id), code: true }));
  if (more > 0) resources.push({ text: `and ${more} more` });
  const facts: Fact[] = [
    { label: 'Account', lines: [{ text: clean(finding.account, LIMITS.short), post: accountNameOf(finding, notification) }] },
    { label: 'Region', lines: [{ text: clean(finding.region, LIMITS.short) }] },
    { label: resources.length === 1 ? 'Resource' : 'Resources', lines: resources.length > 0 ? resources : [{ text: 'none named' }] },
    { label: 'First observed', lines: [{ text: instant(finding.firstObservedAt) }] },
    { label: 'Last updated', lines: [{ text: instant(finding.updatedAt) }] },
    { label: notification.kind === 'resolved' ? 'Was open for' : 'Open for', lines: [{ text: openFor }] },
    {
      label: 'Product',
      lines: [
        {
          text: clean(finding.productName, LIMITS.short),
          post: finding.product === 'other' ? clean(finding.productKey, LIMITS.short) : undefined,
        },
      ],
    },
  ];
  if (finding.control) {
    facts.push({ label: 'Control', lines: [{ text: clean(finding.control.id, LIMITS.short) }] });
    const standards = standardLines(finding.control).map((line) => ({ text: clean(line, LIMITS.url) }));
    if (standards.length > 0) facts.push({ label: 'Standards', lines: standards });
  }
  return facts;
}

function vulnerabilitiesOf(finding: FindingSnapshot): EmailView['details'] {
  const rows: Fact[] = finding.vulnerabilities.flatMap((v) => {
    const cve = clean(v.id, LIMITS.short);
    if (v.packages.length === 0) return [{ label: cve, lines: [{ text: 'no package named' }] }];
    return v.packages.map((p, i) => ({
      label: i === 0 ? cve : '',
      lines: [
        { text: clean(p.name, LIMITS.short), code: true },
        {
          pre: 'fixed in',
          text: clean(p.fixedIn, LIMITS.short) || 'no fix yet',
          post: p.version ? `installed ${clean(p.version, LIMITS.short)}` : undefined,
        },
      ],
    }));
  });
  if (rows.length === 0) return undefined;
  const facts = rows.slice(0, LIMITS.vulnerabilityRows);
  if (rows.length > facts.length) facts.push({ label: '', lines: [{ text: `and ${rows.length - facts.length} more` }] });
  return { heading: 'Vulnerable packages', facts };
}

function threatOf(finding: FindingSnapshot): EmailView['details'] {
  if (finding.product !== 'guardduty') return undefined;
  // ASFF spells a GuardDuty type "TTPs/Defense Evasion/Stealth:IAMUser-CloudTrailLoggingDisabled"; the last part is GuardDuty's own name.
  const types = finding.types.slice(0, LIMITS.types).map((type) => ({ text: clean(type.split('/').pop(), LIMITS.short), code: true }));
  const facts: Fact[] = [];
  if (types.length > 0) facts.push({ label: types.length === 1 ? 'Finding type' : 'Finding types', lines: types });
  if (typeof finding.count === 'number' && Number.isFinite(finding.count))
    facts.push({ label: 'Count', lines: [{ text: String(finding.count) }] });
  return facts.length > 0 ? { heading: 'GuardDuty', facts } : undefined;
}

/** Splits free text into at most LIMITS.paragraphs cleaned paragraphs of at most `max` characters in all. */
function paragraphs(text: string | undefined, max: number): string[] {
  const parts = truncate(text ?? '', max)
    .replace(/\r\n?/g, '\n')
    .split(/\n[^\S\n]*\n/)
    .map((part) => defang(oneLine(part)))
    .filter((part) => part !== '');
  if (parts.length <= LIMITS.paragraphs) return parts;
  return [...parts.slice(0, LIMITS.paragraphs - 1), parts.slice(LIMITS.paragraphs - 1).join(' ')];
}

const UTC_INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?Z$/;

/** "2026-01-10 09:00 UTC", or the cleaned text when it is not a time. */
function instant(iso: string): string {
  if (UTC_INSTANT.test(iso)) return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return clean(iso, LIMITS.short);
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function optional<T>(value: T, keep: (value: T) => boolean): T | undefined {
  return keep(value) ? value : undefined;
}
