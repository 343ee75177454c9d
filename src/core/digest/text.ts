import type { DigestView, SectionView } from './view.js';

/** The plain-text part of a digest: the same facts as the HTML, in the same order. */
export function renderDigestText(view: DigestView): string {
  const lines = [
    'Security Hub digest',
    view.period,
    '',
    view.totals.map((total) => `${total.count} ${total.label.toLowerCase()}`).join(' · '),
  ];
  if (view.breakdown) {
    const { severities, accounts, accountsMore } = view.breakdown;
    lines.push('', 'By severity', ...countRows(severities));
    lines.push(
      '',
      'By account',
      ...countRows(accounts.map((row) => ({ ...row, label: row.name ? `${row.account} (${row.name})` : row.account }))),
    );
    if (accountsMore) lines.push(`  ${accountsMore}`);
  }
  for (const section of view.sections) lines.push('', ...sectionLines(section));
  lines.push('', '-- ', view.footer);
  return `${lines.join('\n')}\n`;
}

function countRows(rows: { label: string; new: string; fixed: string; open: string }[]): string[] {
  const width = Math.max(...rows.map((row) => row.label.length), 'Severity'.length);
  const cell = (value: string) => value.padStart(7);
  return [
    `  ${''.padEnd(width)}${cell('new')}${cell('fixed')}${cell('open')}`,
    ...rows.map((row) => `  ${row.label.padEnd(width)}${cell(row.new)}${cell(row.fixed)}${cell(row.open)}`),
  ];
}

function sectionLines(section: SectionView): string[] {
  const lines = [section.heading];
  if (section.none) lines.push(section.none);
  for (const item of section.items) {
    lines.push(`- [${item.severity}] ${item.title}`, `  ${item.where} · ${item.when}`);
    if (item.resource) lines.push(`  ${item.resource}`);
    if (item.link) lines.push(`  ${item.link}`);
  }
  if (section.more) lines.push(section.more.link ? `${section.more.text}: ${section.more.link}` : section.more.text);
  return lines;
}
