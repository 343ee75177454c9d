import type { FindingSnapshot } from '../record.js';

const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;

const CONSOLE_HOSTS = new Map<string, (region: string) => string>([
  ['aws', (region) => `${region}.console.aws.amazon.com`],
  ['aws-cn', () => 'console.amazonaws.cn'],
  ['aws-us-gov', () => 'console.amazonaws-us-gov.com'],
]);

/**
 * The deep link to a finding in the Security Hub console of its own region:
 * the findings page filtered on the finding's id. ASFF findings open in the
 * Security Hub CSPM console (filter on `Id`), OCSF findings in the Security
 * Hub console (filter on `finding_info.uid`). The console reads the filter
 * from the fragment, URL-encoded twice; the id is untrusted, so it is only
 * ever encoded, and a region or partition that is not a real one yields no
 * link at all.
 */
export function consoleLink(finding: Pick<FindingSnapshot, 'id' | 'region' | 'partition' | 'format'>): string | undefined {
  const host = CONSOLE_HOSTS.get(finding.partition);
  if (!host || !REGION.test(finding.region) || finding.id === '') return undefined;
  const ocsf = finding.format === 'ocsf';
  const path = ocsf ? '/securityhub/v2/home' : '/securityhub/home';
  const filter = `${ocsf ? 'finding_info.uid' : 'Id'}=${encode(`\\operator\\:EQUALS\\:${finding.id}`)}`;
  return `https://${host(finding.region)}${path}?region=${finding.region}#/findings?search=${encode(filter)}`;
}

/** encodeURIComponent that also encodes !'()*, so that the link ends where it should in plain text too. */
function encode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * The findings page of the Security Hub console in a region: where a digest
 * sends its reader for the findings it had no room to list. ASFF findings
 * live in the Security Hub CSPM console, OCSF findings in the Security Hub
 * console; a region or partition that is not a real one yields no link.
 */
export function findingsPageLink(where: Pick<FindingSnapshot, 'region' | 'partition' | 'format'>): string | undefined {
  const host = CONSOLE_HOSTS.get(where.partition);
  if (!host || !REGION.test(where.region)) return undefined;
  const path = where.format === 'ocsf' ? '/securityhub/v2/home' : '/securityhub/home';
  return `https://${host(where.region)}${path}?region=${where.region}#/findings`;
}
