import { readFileSync } from 'node:fs';
import { extractFindings } from '../src/core/normalize/extract.js';
import { filesBelow, fixturesRoot } from '../test/support/fixtures.js';

/**
 * Templates for generated findings, cut from the real public samples: each
 * keeps its sample's whole shape and size, with placeholders where the
 * identity, times, severity and state go. Filling one in is string joins,
 * so generating a few hundred megabytes stays quick.
 */

export type Category = 'guardduty' | 'inspector' | 'control' | 'other';

/** Values a template's placeholders take. */
export interface Fill {
  id: string;
  eventId: string;
  /** ISO-8601 instants. */
  updated: string;
  first: string;
  eventTime: string;
  severity: Severity;
}

export type Severity = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'INFORMATIONAL';

export interface Template {
  name: string;
  /** The sample finding's own id; generated ids extend it. */
  baseId: string;
  format: 'asff' | 'ocsf';
  category: Category;
  /** Fills in an EventBridge event carrying the finding, open or being closed. */
  event(fill: Fill, open: boolean): string;
}

const NORMALIZED: Record<Severity, number> = { CRITICAL: 90, HIGH: 70, MEDIUM: 40, LOW: 1, INFORMATIONAL: 0 };
const OCSF_ID: Record<Severity, number> = { CRITICAL: 5, HIGH: 4, MEDIUM: 3, LOW: 2, INFORMATIONAL: 1 };
const OCSF_NAME: Record<Severity, string> = {
  CRITICAL: 'Critical',
  HIGH: 'High',
  MEDIUM: 'Medium',
  LOW: 'Low',
  INFORMATIONAL: 'Informational',
};

/** One template per finding in the shared samples (ASFF and OCSF, events and bare findings). */
export function loadTemplates(): Template[] {
  const templates: Template[] = [];
  for (const file of filesBelow(fixturesRoot)) {
    if (!file.endsWith('.json') || file.includes('/schema/')) continue;
    for (const item of extractFindings(JSON.parse(readFileSync(file, 'utf8')), file)) {
      if (item.kind !== 'finding') continue;
      const { finding } = item;
      const category: Category =
        finding.product === 'guardduty' || finding.product === 'inspector'
          ? finding.product
          : finding.product === 'securityhub' && finding.control
            ? 'control'
            : 'other';
      const name = file.slice(fixturesRoot.length + 1);
      templates.push({ name, baseId: finding.id, format: finding.format, category, event: compile(finding.format, finding.raw) });
    }
  }
  return templates;
}

function compile(format: 'asff' | 'ocsf', raw: unknown): Template['event'] {
  const variants = [true, false].map((open) => split(JSON.stringify(wrap(format, format === 'asff' ? asff(raw, open) : ocsf(raw, open)))));
  const [open, closed] = variants as [Part[], Part[]];
  return (fill, isOpen) => render(isOpen ? open : closed, fill);
}

type Raw = Record<string, unknown>;

function asff(raw: unknown, open: boolean): Raw {
  const f = structuredClone(raw) as Raw;
  Object.assign(f, {
    Id: '@@id@@',
    UpdatedAt: '@@updated@@',
    LastObservedAt: '@@updated@@',
    FirstObservedAt: '@@first@@',
    CreatedAt: '@@first@@',
    Severity: { ...(f.Severity as Raw), Label: '@@severity@@', Original: '@@severity@@', Normalized: '@@normalized@@' },
    RecordState: 'ACTIVE',
    Workflow: { Status: open ? 'NEW' : 'RESOLVED' },
  });
  delete f.WorkflowState;
  if (f.Compliance) (f.Compliance as Raw).Status = open ? 'FAILED' : 'PASSED';
  return f;
}

function ocsf(raw: unknown, open: boolean): Raw {
  const f = structuredClone(raw) as Raw;
  Object.assign(f.finding_info as Raw, {
    uid: '@@id@@',
    modified_time: '@@updatedMs@@',
    modified_time_dt: '@@updated@@',
    first_seen_time: '@@firstMs@@',
    first_seen_time_dt: '@@first@@',
    created_time: '@@firstMs@@',
    created_time_dt: '@@first@@',
  });
  Object.assign(f, { time: '@@updatedMs@@', severity_id: '@@ocsfId@@', severity: '@@ocsfName@@' });
  if ('time_dt' in f) f.time_dt = '@@updated@@';
  if (f.vendor_attributes) delete (f.vendor_attributes as Raw).severity;
  Object.assign(f, open ? { status_id: 1, status: 'New' } : { status_id: 4, status: 'Resolved' });
  if (f.compliance) Object.assign(f.compliance as Raw, open ? { status_id: 3, status: 'Fail' } : { status_id: 1, status: 'Pass' });
  return f;
}

function wrap(format: 'asff' | 'ocsf', finding: Raw): Raw {
  return {
    version: '0',
    id: '@@eventId@@',
    'detail-type': format === 'asff' ? 'Security Hub Findings - Imported' : 'Findings Imported V2',
    source: 'aws.securityhub',
    account: '111122223333',
    time: '@@eventTime@@',
    region: 'us-east-1',
    resources: [],
    detail: { findings: [finding] },
  };
}

/** Literal text and placeholder names, alternating (a placeholder is a whole JSON string value). */
type Part = string;

function split(json: string): Part[] {
  return json.split(/"@@(\w+)@@"/);
}

function render(parts: Part[], fill: Fill): string {
  const values: Record<string, string> = {
    id: JSON.stringify(fill.id),
    eventId: JSON.stringify(fill.eventId),
    updated: JSON.stringify(fill.updated),
    updatedMs: String(Date.parse(fill.updated)),
    first: JSON.stringify(fill.first),
    firstMs: String(Date.parse(fill.first)),
    eventTime: JSON.stringify(fill.eventTime),
    severity: JSON.stringify(fill.severity),
    normalized: String(NORMALIZED[fill.severity]),
    ocsfId: String(OCSF_ID[fill.severity]),
    ocsfName: JSON.stringify(OCSF_NAME[fill.severity]),
  };
  let out = '';
  for (let i = 0; i < parts.length; i++) out += i % 2 === 0 ? parts[i] : values[parts[i]!]!;
  return out;
}
