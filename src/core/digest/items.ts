import { type FindingFormat, SEVERITIES, type Severity } from '../finding.js';
import type { TrackedRecord } from '../record.js';

/**
 * One finding as a digest lists it: the few fields a line of the email
 * shows, cut to size, so that thousands of them kept for a thousand
 * recipients stay small. Not cleaned or escaped yet (the renderer does).
 */
export interface DigestItem {
  key: string;
  id: string;
  format: FindingFormat;
  partition: string;
  severity: Severity;
  title: string;
  account: string;
  region: string;
  productName: string;
  /** The first resource's id, when the finding names one. */
  resource?: string;
  firstObservedAt: string;
  /** When it was resolved (Fixed). */
  resolvedAt?: string;
}

/** Counts of one slice of a digest (a severity, an account, the whole). */
export interface SectionCounts {
  new: number;
  fixed: number;
  open: number;
}

const MAX_TITLE = 300;
const MAX_VALUE = 100;
const MAX_ID = 1000;

/** The item for a record, cut to what an email can show. */
export function itemOf(record: TrackedRecord): DigestItem {
  const { snapshot } = record;
  const resource = snapshot.resources[0]?.id;
  return {
    key: record.key,
    id: snapshot.id.slice(0, MAX_ID),
    format: snapshot.format,
    partition: snapshot.partition.slice(0, MAX_VALUE),
    severity: snapshot.severity,
    title: snapshot.title.slice(0, MAX_TITLE),
    account: snapshot.account.slice(0, MAX_VALUE),
    region: snapshot.region.slice(0, MAX_VALUE),
    productName: snapshot.productName.slice(0, MAX_VALUE),
    ...(resource === undefined ? {} : { resource: resource.slice(0, MAX_VALUE * 3) }),
    firstObservedAt: snapshot.firstObservedAt,
    ...(record.resolvedAt === undefined ? {} : { resolvedAt: record.resolvedAt }),
  };
}

/** How severe, as a number: CRITICAL highest; an unknown label lowest. */
export function severityRank(severity: string): number {
  return (SEVERITIES as readonly string[]).indexOf(severity);
}

/** The order of every section: most severe first, then open longest (oldest first observed), then by key. */
export function itemOrder(a: DigestItem, b: DigestItem): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) || compareText(a.firstObservedAt, b.firstObservedAt) || compareText(a.key, b.key)
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function emptyCounts(): SectionCounts {
  return { new: 0, fixed: 0, open: 0 };
}
