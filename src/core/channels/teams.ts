import { lineText } from '../email/text.js';
import type { Severity } from '../finding.js';
import type { ChannelMessage } from '../ports.js';
import { type ChannelView, channelView } from './view.js';

/**
 * Microsoft Teams: an Adaptive Card 1.4 in the envelope a Teams Workflows
 * webhook ("When a Teams webhook request is received") expects. Teams reads
 * a subset of Markdown in TextBlock text and in facts (bold, italic, lists,
 * links) plus `{{DATE()}}` functions; HTML is not rendered.
 */

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

type TextBlock = {
  type: 'TextBlock';
  text: string;
  wrap: true;
  size?: 'Small' | 'Default' | 'Medium' | 'Large';
  weight?: 'Bolder';
  color?: 'Attention' | 'Warning' | 'Good' | 'Accent' | 'Default';
  isSubtle?: boolean;
  spacing?: 'None' | 'Small' | 'Medium';
};
type FactSet = { type: 'FactSet'; facts: { title: string; value: string }[] };
type Container = { type: 'Container'; style: 'emphasis' | 'good' | 'attention' | 'warning'; bleed: true; items: TextBlock[] };
type CardElement = TextBlock | FactSet | Container;

export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json';
  version: '1.4';
  /** The card as plain text, for clients that cannot show it. */
  fallbackText: string;
  body: CardElement[];
  actions: { type: 'Action.OpenUrl'; title: string; url: string }[];
  msteams: { width: 'Full' };
}

/** What a Teams Workflows webhook receives: a message with the card as its one attachment. */
export interface TeamsMessage {
  type: 'message';
  summary: string;
  attachments: { contentType: typeof ADAPTIVE_CARD_CONTENT_TYPE; contentUrl: null; content: AdaptiveCard }[];
}

/** Everything Teams' Markdown subset (CommonMark) gives a meaning to, and `{`, which starts a `{{DATE()}}` function. */
const MARKDOWN_SPECIAL = /[\\*_~`[\]()<>#{}|!&]/g;
/** A list marker at the start of a text turns it into a list. */
const LIST_MARKER = /^(\s*)([-+]|\d+\.)(?=\s|$)/;

/** Escapes finding text for a TextBlock or a fact: every character the Markdown subset would act on gets a backslash. */
export function teamsMarkdown(text: string): string {
  return text
    .replace(MARKDOWN_SPECIAL, '\\$&')
    .replace(LIST_MARKER, (_, space: string, marker: string) => `${space}${marker.replace(/([-+.])$/, '\\$1')}`);
}

const SEVERITY_COLOURS: Record<Severity, TextBlock['color']> = {
  CRITICAL: 'Attention',
  HIGH: 'Attention',
  MEDIUM: 'Warning',
  LOW: 'Accent',
  INFORMATIONAL: 'Default',
};

/**
 * Renders a notification as an Adaptive Card for Teams: kind, severity and
 * product; the title; why it was sent; severity, account and the email's
 * other facts; the start of the description; a button to the finding in
 * the Security Hub console. Finding text is escaped for the Markdown subset,
 * and the card's fallback text is the same message as plain text.
 */
export function renderTeams(message: ChannelMessage): TeamsMessage {
  const view = channelView(message);
  const severity = message.finding.severity;
  const resolved = view.kind === 'resolved';
  const body: CardElement[] = [
    {
      type: 'Container',
      style: resolved
        ? 'good'
        : view.kind === 'reminder'
          ? 'warning'
          : severity === 'CRITICAL' || severity === 'HIGH'
            ? 'attention'
            : 'emphasis',
      bleed: true,
      items: [
        text(`${KIND_LABELS[view.kind]} · ${teamsMarkdown(view.severity)} · ${teamsMarkdown(view.productName)}`, {
          size: 'Small',
          weight: 'Bolder',
          color: resolved ? 'Good' : SEVERITY_COLOURS[severity],
        }),
        text(teamsMarkdown(view.title), { size: 'Large', weight: 'Bolder', spacing: 'Small' }),
        ...view.reasons.map((reason) => text(`**${reason.lead}** ${teamsMarkdown(reason.text)}`, { spacing: 'Small' })),
      ],
    },
    factSet([{ label: 'Severity', lines: [{ text: view.severity }] }, ...view.facts]),
  ];
  if (view.description) body.push(text(teamsMarkdown(view.description), { isSubtle: true, spacing: 'Medium' }));
  if (view.details) body.push(text(`**${teamsMarkdown(view.details.heading)}**`, { spacing: 'Medium' }), factSet(view.details.facts));
  if (view.searchHint) body.push(text(teamsMarkdown(view.searchHint), { spacing: 'Medium' }));
  body.push(text(`Finding ${teamsMarkdown(view.findingId)}`, { size: 'Small', isSubtle: true, spacing: 'Medium' }));
  body.push(text(teamsMarkdown(view.footer), { size: 'Small', isSubtle: true, spacing: 'None' }));
  const card: AdaptiveCard = {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.4',
    fallbackText: plainTextOf(view),
    body,
    actions: view.consoleUrl ? [{ type: 'Action.OpenUrl', title: 'Open in Security Hub', url: view.consoleUrl }] : [],
    msteams: { width: 'Full' },
  };
  return {
    type: 'message',
    summary: view.summary,
    attachments: [{ contentType: ADAPTIVE_CARD_CONTENT_TYPE, contentUrl: null, content: card }],
  };
}

const KIND_LABELS = { new: 'NEW', reminder: 'REMINDER', resolved: 'RESOLVED' } as const;

function text(markdown: string, style: Omit<TextBlock, 'type' | 'text' | 'wrap'> = {}): TextBlock {
  return { type: 'TextBlock', text: markdown, wrap: true, ...style };
}

/** One fact per line: a fact's further lines (more resources, more standards) follow under an empty title. */
function factSet(facts: ChannelView['facts']): FactSet {
  return {
    type: 'FactSet',
    facts: facts.flatMap((fact) =>
      fact.lines.map((line, i) => ({ title: i === 0 ? teamsMarkdown(fact.label) : '', value: teamsMarkdown(lineText(line)) })),
    ),
  };
}

/** The card in brief as plain text, for clients that cannot show cards: what, why, and where to look. */
function plainTextOf(view: ChannelView): string {
  const lines = [view.summary, ...view.reasons.map((reason) => `${reason.lead} ${reason.text}`)];
  if (view.consoleUrl) lines.push(`Open in Security Hub: ${view.consoleUrl}`);
  return lines.join('\n');
}
