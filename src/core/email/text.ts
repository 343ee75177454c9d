import type { EmailView, Fact, FactLine } from './view.js';

/** The plain-text part: the same facts as the HTML, in the same order. */
export function renderText(view: EmailView): string {
  const lines = [`${view.severity} · ${view.kindLabel} · ${view.productName}`, view.title, '', `${view.whyLead} ${view.why}`, ''];
  lines.push(...factLines(view.facts));
  if (view.description) lines.push('', 'What happened', ...spaced(view.description.paragraphs));
  if (view.remediation) {
    const { paragraphs, link, shownUrl } = view.remediation;
    lines.push('', 'What to do', ...spaced(paragraphs));
    if (link) lines.push(`Remediation guide: ${link}`);
    if (shownUrl) lines.push(`Link given by the finding (not opened by this email): ${shownUrl}`);
  }
  if (view.consoleUrl) lines.push('', `Open in Security Hub: ${view.consoleUrl}`);
  if (view.details) lines.push('', view.details.heading, ...factLines(view.details.facts));
  lines.push('', '-- ', view.footer, `Finding id: ${view.findingId}`);
  return `${lines.join('\n')}\n`;
}

/** Label and value in two columns; a fact's further lines indented under its first. */
function factLines(facts: Fact[]): string[] {
  const width = Math.max(...facts.map((fact) => fact.label.length)) + 2;
  return facts.flatMap((fact) =>
    fact.lines.map((line, i) => `${(i === 0 && fact.label ? `${fact.label}:` : '').padEnd(width)}${lineText(line)}`),
  );
}

/** Paragraphs with a blank line between them. */
function spaced(paragraphs: string[]): string[] {
  return paragraphs.flatMap((paragraph, i) => (i === 0 ? [paragraph] : ['', paragraph]));
}

/** A fact line as plain text: prefix, value and suffix in brackets. */
export function lineText(line: FactLine): string {
  return [line.pre, line.text, line.post && `(${line.post})`].filter((part) => part).join(' ');
}
