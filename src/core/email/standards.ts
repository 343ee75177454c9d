import type { Control } from '../finding.js';

const TITLES = new Map([
  ['cis-aws-foundations-benchmark', 'CIS AWS Foundations Benchmark'],
  ['aws-foundational-security-best-practices', 'AWS Foundational Security Best Practices'],
  ['pci-dss', 'PCI DSS'],
  ['nist-800-53', 'NIST SP 800-53'],
  ['nist-800-171', 'NIST SP 800-171'],
  ['service-managed-aws-control-tower', 'AWS Control Tower'],
  ['aws-resource-tagging-standard', 'AWS Resource Tagging Standard'],
]);

const STANDARD_ID = /^(?:standards|ruleset)\/([a-z0-9-]+)\/v\/([0-9.]+)$/;
const MAX_LINES = 8;

/**
 * The standards a control belongs to, one line each with its versions:
 * "CIS AWS Foundations Benchmark v1.2.0, v1.4.0". Ids of unknown shape are
 * kept as they are (the caller cleans them).
 */
export function standardLines(control: Control): string[] {
  const versions = new Map<string, string[]>();
  const others: string[] = [];
  for (const id of control.standardIds) {
    const match = STANDARD_ID.exec(id);
    if (!match) {
      others.push(id);
      continue;
    }
    const title = TITLES.get(match[1]!) ?? match[1]!;
    versions.set(title, [...(versions.get(title) ?? []), `v${match[2]}`]);
  }
  const lines = [...[...versions].map(([title, list]) => `${title} ${list.join(', ')}`), ...others];
  if (lines.length === 0) lines.push(...control.standards);
  return lines.slice(0, MAX_LINES);
}
