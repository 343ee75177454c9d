import { formatDuration } from '../duration.js';
import { oneLine, truncate } from '../email/escape.js';
import { consoleLink, findingsPageLink } from '../email/links.js';
import { paletteFor } from '../email/palette.js';
import { clean, LIMITS, ruleList } from '../email/view.js';
import { SEVERITIES } from '../finding.js';
import type { Digest, Section } from './content.js';
import type { DigestItem, SectionCounts } from './items.js';
import { wallClockMs } from './zoned-time.js';

/**
 * Everything a digest email shows, in order: cleaned (one line, no control
 * characters, URLs defanged) and cut to size, not escaped — the template
 * escapes for HTML, the plain-text part needs no escaping. The HTML and the
 * text part are both made from this, so they carry the same facts.
 */
export type DigestView = {
  subject: string;
  preheader: string;
  period: string;
  totals: { label: string; count: string; colour: string }[];
  /** Counts by severity and by account; none for an empty digest. */
  breakdown?: {
    severities: { label: string; background: string; foreground: string; new: string; fixed: string; open: string }[];
    accounts: { account: string; name?: string; new: string; fixed: string; open: string }[];
    accountsMore?: string;
  };
  sections: SectionView[];
  footer: string;
};

export type SectionView = {
  heading: string;
  /** Said when the section lists nothing. */
  none?: string;
  items: ItemView[];
  more?: { text: string; link?: string };
};

export type ItemView = {
  severity: string;
  background: string;
  foreground: string;
  title: string;
  link?: string;
  where: string;
  resource?: string;
  when: string;
};

const SUBJECT_MAX = 150;
/** Accounts listed by name in the counts table; the rest are counted. */
const ACCOUNTS_SHOWN = 10;
const COLOURS = { new: '#c2410c', fixed: '#15803d', open: '#1f2937' } as const;
const numbers = new Intl.NumberFormat('en-US');

/** "Security Hub digest: 3 new, 1 fixed, 42 open (Mon 5 Jan)": one line, at most 150 characters. */
export function digestSubject(digest: Digest): string {
  const day = localTime(digest.moment, digest.schedule.timeZone, { year: false, time: false });
  return truncate(
    oneLine(
      `Security Hub digest: ${count(digest.new.total)} new, ${count(digest.fixed.total)} fixed, ${count(digest.open.total)} open (${day})`,
    ),
    SUBJECT_MAX,
  );
}

/** Builds what the digest email shows; `consoleRegion` is where "N more" links lead (default: the first listed finding's region). */
export function buildDigestView(digest: Digest, subject: string, consoleRegion?: string): DigestView {
  const zone = digest.schedule.timeZone;
  const period = `${localTime(digest.periodStart, zone)} – ${localTime(digest.moment, zone)} (${zone})`;
  const shown = digest.byAccount.slice(0, ACCOUNTS_SHOWN);
  const names = new Map(digest.byAccount.flatMap((account) => (account.name ? [[account.account, account.name] as const] : [])));
  const item = (when: (item: DigestItem) => string) => (found: DigestItem) => itemView(found, when(found), names.get(found.account));
  const hidden = digest.byAccount.length - shown.length;
  return {
    subject,
    preheader: truncate(`${subject.replace(/^Security Hub digest: /, '')}. ${period}`, 150),
    period,
    totals: [
      { label: 'New', count: count(digest.new.total), colour: COLOURS.new },
      { label: 'Fixed', count: count(digest.fixed.total), colour: COLOURS.fixed },
      { label: 'Still open', count: count(digest.open.total), colour: COLOURS.open },
    ],
    ...(shown.length > 0
      ? {
          breakdown: {
            severities: [...SEVERITIES]
              .reverse()
              .filter((severity) => total(digest.bySeverity[severity]) > 0)
              .map((severity) => {
                const palette = paletteFor(severity, 'new');
                return {
                  label: severity,
                  background: palette.badge,
                  foreground: palette.badgeText,
                  ...counted(digest.bySeverity[severity]),
                };
              }),
            accounts: shown.map((account) => ({
              account: clean(account.account, LIMITS.short),
              ...(account.name ? { name: clean(account.name, LIMITS.short) } : {}),
              ...counted(account),
            })),
            ...(hidden > 0 ? { accountsMore: `and ${count(hidden)} more ${hidden === 1 ? 'account' : 'accounts'}` } : {}),
          },
        }
      : {}),
    sections: [
      sectionView(
        'New',
        digest.new,
        'Nothing new in this period.',
        item((found) => `open for ${openFor(found, digest.moment)}`),
        consoleRegion,
      ),
      sectionView(
        'Fixed',
        digest.fixed,
        'Nothing fixed in this period.',
        item((found) => `fixed ${localTime(new Date(found.resolvedAt ?? Number.NaN), zone)}, after ${openFor(found, found.resolvedAt)}`),
        consoleRegion,
      ),
      sectionView(
        'Still open',
        digest.open,
        'Nothing open.',
        item((found) => `open for ${openFor(found, digest.moment)}`),
        consoleRegion,
      ),
    ],
    footer: `Sent by sechub-alerts: the digest of ${ruleList(digest.rules)}, ${scheduleText(digest)}, to ${clean(digest.recipient, LIMITS.short)}. Links in this email lead only to the AWS console.`,
  };
}

function sectionView(
  heading: string,
  section: Section,
  none: string,
  view: (item: DigestItem) => ItemView,
  consoleRegion: string | undefined,
): SectionView {
  const more = section.total - section.items.length;
  const first = section.items[0];
  const link = first && findingsPageLink({ ...first, region: consoleRegion ?? first.region });
  return {
    heading: `${heading} (${count(section.total)})`,
    ...(section.total === 0 ? { none } : {}),
    items: section.items.map(view),
    ...(more > 0 ? { more: { text: `and ${count(more)} more in Security Hub`, ...(link ? { link } : {}) } } : {}),
  };
}

function itemView(item: DigestItem, when: string, accountName: string | undefined): ItemView {
  const palette = paletteFor(item.severity, 'new');
  const link = consoleLink(item);
  return {
    severity: clean(item.severity, 16),
    background: palette.badge,
    foreground: palette.badgeText,
    title: clean(item.title, LIMITS.title) || '(untitled finding)',
    ...(link ? { link } : {}),
    where: [
      `${clean(item.account, LIMITS.short)}${accountName ? ` (${clean(accountName, LIMITS.short)})` : ''}`,
      clean(item.region, LIMITS.short),
      clean(item.productName, LIMITS.short),
    ].join(' · '),
    ...(item.resource ? { resource: clean(item.resource, LIMITS.id) } : {}),
    when,
  };
}

function openFor(item: DigestItem, until: Date | string | undefined): string {
  const ms = new Date(until ?? Number.NaN).getTime() - Date.parse(item.firstObservedAt);
  return Number.isNaN(ms) ? 'an unknown time' : formatDuration(ms);
}

function counted(counts: SectionCounts): { new: string; fixed: string; open: string } {
  return { new: count(counts.new), fixed: count(counts.fixed), open: count(counts.open) };
}

function total(counts: SectionCounts): number {
  return counts.new + counts.fixed + counts.open;
}

function count(value: number): string {
  return numbers.format(value);
}

function scheduleText(digest: Digest): string {
  const { every, at, weekday, timeZone } = digest.schedule;
  return every === '1w' ? `every ${weekday ?? 'monday'} at ${at} ${timeZone}` : `every day at ${at} ${timeZone}`;
}

const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "Mon 5 Jan 2026 08:00" on the zone's clock; without year or time on request. */
export function localTime(instant: Date, timeZone: string, show: { year?: boolean; time?: boolean } = {}): string {
  if (Number.isNaN(instant.getTime())) return 'an unknown time';
  const wall = new Date(wallClockMs(instant.getTime(), timeZone));
  const date = `${DAY_NAMES[wall.getUTCDay()]} ${wall.getUTCDate()} ${MONTH_NAMES[wall.getUTCMonth()]}${show.year === false ? '' : ` ${wall.getUTCFullYear()}`}`;
  const time = `${String(wall.getUTCHours()).padStart(2, '0')}:${String(wall.getUTCMinutes()).padStart(2, '0')}`;
  return show.time === false ? date : `${date} ${time}`;
}
