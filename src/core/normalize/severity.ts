import { SEVERITIES, type Severity } from '../finding.js';

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
  if (score >= 90) return 'CRITICAL';
  if (score >= 70) return 'HIGH';
  if (score >= 40) return 'MEDIUM';
  if (score >= 1) return 'LOW';
  return 'INFORMATIONAL';
}

/** OCSF severity_id: 1 Informational … 5 Critical, 6 Fatal. 0 Unknown and 99 Other have no label. */
export function severityFromOcsfId(id: number | undefined): Severity | undefined {
  const byId: Record<number, Severity> = { 1: 'INFORMATIONAL', 2: 'LOW', 3: 'MEDIUM', 4: 'HIGH', 5: 'CRITICAL', 6: 'CRITICAL' };
  return id === undefined ? undefined : byId[id];
}
