import { SEVERITIES, type Severity } from '../finding.js';
import { ASFF_NORMALIZED_FLOORS, OCSF_SEVERITY_BY_ID } from '../security-hub/vocabulary.js';

/** ASFF label, case-insensitive; OCSF names ("High", "Fatal") too. */
export function severityFromLabel(label: string | undefined): Severity | undefined {
  if (label === undefined) return undefined;
  const upper = label.toUpperCase();
  if (upper === 'FATAL') return 'CRITICAL';
  if (upper === 'INFO') return 'INFORMATIONAL';
  return (SEVERITIES as readonly string[]).includes(upper) ? (upper as Severity) : undefined;
}

/** ASFF Severity.Normalized (0–100) ranges, as Security Hub documents them. */
export function severityFromNormalized(score: number | undefined): Severity | undefined {
  if (score === undefined || score < 0 || score > 100) return undefined;
  return ASFF_NORMALIZED_FLOORS.find(([floor]) => score >= floor)?.[1];
}

/** OCSF severity_id: 1 Informational … 5 Critical, 6 Fatal. 0 Unknown and 99 Other have no label. */
export function severityFromOcsfId(id: number | undefined): Severity | undefined {
  return id === undefined || !Object.hasOwn(OCSF_SEVERITY_BY_ID, id) ? undefined : OCSF_SEVERITY_BY_ID[id];
}
