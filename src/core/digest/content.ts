import { SEVERITIES, type Severity } from '../finding.js';
import type { Collected, TrackedRecord } from '../record.js';
import { type DigestItem, emptyCounts, itemOf, itemOrder, type SectionCounts } from './items.js';
import type { AccountNameOf, DigestRule, RecipientsOf } from './rules.js';
import { type DigestSchedule, previousMoment, scheduleId } from './schedule.js';
import { TopItems } from './top-items.js';

/**
 * What each recipient's digest holds, built for every due recipient in one
 * pass over the records: **New** (collected by a due rule during the period,
 * not adopted by a baseline), **Fixed** (a finding a due rule collected,
 * resolved during the period) and **Still open** (every open finding a due
 * rule collects). Snoozed findings are left out; a finding several rules
 * cover is listed once. Memory stays bounded: per recipient only the counts
 * and the first `maxItems` findings of each section are kept.
 */

/** A schedule whose moment has come, and what is known of its recipients before reading any finding. */
export interface DueSchedule {
  schedule: DigestSchedule;
  /** The scheduled moment the digests are for; a period ends here. */
  moment: Date;
  /** Recipients who had a digest of this schedule before: the moment of the last one, and the rules it was for. */
  known: ReadonlyMap<string, { lastSent: Date; rules: readonly string[] }>;
  /**
   * The last moment for which every recipient of the schedule was covered
   * (sent, or skipped as empty): a recipient with nothing sent since then
   * had nothing to be told, so their period starts there.
   */
  coveredAt?: Date;
}

export interface Section {
  /** How many findings the section holds. */
  total: number;
  /** The first `maxItems` of them, in order. */
  items: DigestItem[];
}

export interface AccountCounts extends SectionCounts {
  account: string;
  name?: string;
}

/** One recipient's digest of one schedule at one moment. */
export interface Digest {
  scheduleId: string;
  schedule: DigestSchedule;
  recipient: string;
  /** The period: from the last digest sent (or one period back), up to the moment. */
  periodStart: Date;
  moment: Date;
  /** The due rules that cover this recipient, by name. */
  rules: string[];
  maxItems: number;
  sendEmpty: boolean;
  new: Section;
  fixed: Section;
  open: Section;
  bySeverity: Record<Severity, SectionCounts>;
  /** Accounts with anything in the digest, most open first. */
  byAccount: AccountCounts[];
}

/** Whether a digest has nothing new, fixed or open. */
export function isEmptyDigest(digest: Pick<Digest, 'new' | 'fixed' | 'open'>): boolean {
  return digest.new.total === 0 && digest.fixed.total === 0 && digest.open.total === 0;
}

/** What the rules of one schedule say about one finding for one recipient. */
interface Coverage {
  /** The earliest time any of the recipient's rules started collecting it, and whether that hold was adopted. */
  since: string;
  adopted: boolean;
  rules: string[];
  maxItems: number;
  sendEmpty: boolean;
}

/** One recipient's digest while the records go by. */
class Accumulator {
  readonly rules = new Set<string>();
  sendEmpty = false;
  /** The smallest `maxItems` of the rules that cover the recipient; set by the first `cover`. */
  private maxItems = Number.POSITIVE_INFINITY;
  private readonly totals = emptyCounts();
  private readonly bySeverity = new Map<Severity, SectionCounts>();
  private readonly byAccount = new Map<string, AccountCounts>();
  private readonly lists: Record<keyof SectionCounts, TopItems<DigestItem>>;

  constructor(
    readonly recipient: string,
    readonly periodStart: Date,
  ) {
    const list = () => new TopItems(Number.POSITIVE_INFINITY, itemOrder);
    this.lists = { new: list(), fixed: list(), open: list() };
  }

  cover(coverage: Pick<Coverage, 'rules' | 'maxItems' | 'sendEmpty'>): void {
    for (const rule of coverage.rules) this.rules.add(rule);
    this.sendEmpty ||= coverage.sendEmpty;
    if (coverage.maxItems < this.maxItems) {
      this.maxItems = coverage.maxItems;
      for (const list of Object.values(this.lists)) list.shrinkTo(coverage.maxItems);
    }
  }

  count(section: keyof SectionCounts, item: DigestItem): void {
    this.totals[section]++;
    const severity = this.bySeverity.get(item.severity) ?? emptyCounts();
    this.bySeverity.set(item.severity, severity);
    severity[section]++;
    const account = this.byAccount.get(item.account) ?? { account: item.account, ...emptyCounts() };
    this.byAccount.set(item.account, account);
    account[section]++;
    this.lists[section].add(item);
  }

  finish(due: DueSchedule, id: string, accountNameOf: AccountNameOf): Digest {
    const section = (name: keyof SectionCounts): Section => ({ total: this.totals[name], items: this.lists[name].sorted() });
    const byAccount = [...this.byAccount.values()]
      .map((counts) => {
        const name = accountNameOf(counts.account);
        return name === undefined ? counts : { ...counts, name };
      })
      .sort((a, b) => b.open - a.open || b.new - a.new || b.fixed - a.fixed || (a.account < b.account ? -1 : 1));
    return {
      scheduleId: id,
      schedule: due.schedule,
      recipient: this.recipient,
      periodStart: this.periodStart,
      moment: due.moment,
      rules: [...this.rules].sort(),
      maxItems: this.maxItems,
      sendEmpty: this.sendEmpty,
      new: section('new'),
      fixed: section('fixed'),
      open: section('open'),
      bySeverity: Object.fromEntries(SEVERITIES.map((s) => [s, this.bySeverity.get(s) ?? emptyCounts()])) as Record<
        Severity,
        SectionCounts
      >,
      byAccount,
    };
  }
}

/** The rules of one due schedule and the digests being built for it. */
interface Group {
  id: string;
  due: DueSchedule;
  rules: DigestRule[];
  /** Where a period starts when nothing says otherwise: one period back. */
  firstStart: Date;
  digests: Map<string, Accumulator>;
}

/** Builds the digests of every due (schedule, recipient) from records given one at a time. */
export class DigestCollector {
  private readonly groups: Group[];

  constructor(
    rules: readonly DigestRule[],
    due: readonly DueSchedule[],
    private readonly recipientsOf: RecipientsOf,
    private readonly accountNameOf: AccountNameOf,
  ) {
    this.groups = due.map((schedule) => {
      const id = scheduleId(schedule.schedule);
      return {
        id,
        due: schedule,
        rules: rules.filter((rule) => scheduleId(rule.schedule) === id),
        firstStart: previousMoment(schedule.schedule, schedule.moment),
        digests: new Map(),
      };
    });
  }

  add(record: TrackedRecord): void {
    const collected = record.collected;
    if (!collected) return;
    let item: DigestItem | undefined;
    for (const group of this.groups) {
      const moment = group.due.moment.getTime();
      if (record.open && record.snoozed && Date.parse(record.snoozed.until) > moment) continue;
      for (const [recipient, coverage] of this.coverageOf(group, record, collected)) {
        const digest = this.digestOf(group, recipient);
        if (!digest) continue;
        digest.cover(coverage);
        item ??= itemOf(record);
        const since = Date.parse(coverage.since);
        if (record.open) {
          if (since >= moment) continue;
          digest.count('open', item);
          if (!coverage.adopted && since >= digest.periodStart.getTime()) digest.count('new', item);
        } else if (record.resolvedAt !== undefined) {
          const resolved = Date.parse(record.resolvedAt);
          if (resolved >= digest.periodStart.getTime() && resolved < moment) digest.count('fixed', item);
        }
      }
    }
  }

  /** Every due digest: those with findings, and the empty ones that `sendEmpty` rules owe their own addresses and past recipients. */
  finish(): Digest[] {
    const digests: Digest[] = [];
    for (const group of this.groups) {
      const standing = group.rules.filter((rule) => rule.sendEmpty);
      for (const rule of standing) {
        const owed = [
          ...rule.to,
          ...[...group.due.known].filter(([, state]) => state.rules.includes(rule.name)).map(([address]) => address),
        ];
        for (const address of owed) {
          const recipient = recipientKey(address);
          if (recipient) this.digestOf(group, recipient)?.cover({ rules: [rule.name], maxItems: rule.maxItems, sendEmpty: true });
        }
      }
      for (const digest of group.digests.values()) digests.push(digest.finish(group.due, group.id, this.accountNameOf));
    }
    return digests;
  }

  /** Per recipient, what the group's rules that collect the record say about it. */
  private coverageOf(group: Group, record: TrackedRecord, collected: Record<string, Collected>): Map<string, Coverage> {
    const coverage = new Map<string, Coverage>();
    for (const rule of group.rules) {
      const hold = Object.hasOwn(collected, rule.name) ? collected[rule.name] : undefined;
      if (!hold) continue;
      for (const address of this.recipientsOf(rule, record)) {
        const recipient = recipientKey(address);
        if (!recipient) continue;
        const seen = coverage.get(recipient);
        if (!seen) {
          coverage.set(recipient, {
            since: hold.since,
            adopted: hold.adopted === true,
            rules: [rule.name],
            maxItems: rule.maxItems,
            sendEmpty: rule.sendEmpty,
          });
          continue;
        }
        if (!seen.rules.includes(rule.name)) seen.rules.push(rule.name);
        seen.maxItems = Math.min(seen.maxItems, rule.maxItems);
        seen.sendEmpty ||= rule.sendEmpty;
        const earlier = Date.parse(hold.since) - Date.parse(seen.since);
        if (earlier < 0) Object.assign(seen, { since: hold.since, adopted: hold.adopted === true });
        else if (earlier === 0) seen.adopted ||= hold.adopted === true;
      }
    }
    return coverage;
  }

  /** The digest of a recipient (by `recipientKey`) in this group; undefined when it was already sent for this moment. */
  private digestOf(group: Group, recipient: string): Accumulator | undefined {
    let digest = group.digests.get(recipient);
    if (digest) return digest;
    const last = group.due.known.get(recipient)?.lastSent;
    if (last && last.getTime() >= group.due.moment.getTime()) return undefined;
    digest = new Accumulator(recipient, periodStart(group, last));
    group.digests.set(recipient, digest);
    return digest;
  }
}

/** The later of the recipient's last digest and the schedule's last covered moment; one period back when neither is known. */
function periodStart(group: Group, lastSent: Date | undefined): Date {
  const covered = group.due.coveredAt && group.due.coveredAt < group.due.moment ? group.due.coveredAt : undefined;
  const start = Math.max(lastSent?.getTime() ?? Number.NEGATIVE_INFINITY, covered?.getTime() ?? Number.NEGATIVE_INFINITY);
  return Number.isFinite(start) ? new Date(start) : group.firstStart;
}

/** One address and nothing else: no white space, control character, second "@", list separator or angle bracket (and no "|", which separates a document id's parts). */
const ONE_ADDRESS = /^[^\s\p{Cc}@|<>",;]+@[^\s\p{Cc}@|<>",;]+$/u;

/** An address as digests key it: trimmed and lower-cased; undefined when it cannot be one address. */
export function recipientKey(address: string): string | undefined {
  const key = address.trim().toLowerCase();
  return ONE_ADDRESS.test(key) ? key : undefined;
}
