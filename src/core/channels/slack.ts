import type { Fact, FactLine } from '../email/view.js';
import type { ChannelMessage } from '../ports.js';
import { fitSlack, slackCode, slackPlain, slackProse } from './slack-text.js';
import { CHAT_PREFIX, type ChannelView, channelView } from './view.js';

/** Slack's documented Block Kit limits that a message could reach. */
export const SLACK_LIMITS = {
  blocks: 50,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  headerText: 150,
  buttonText: 75,
  buttonUrl: 3000,
  contextElements: 10,
  /** Slack cuts `text` at 40,000 characters; a notification's fallback needs far less. */
  text: 3000,
} as const;

type PlainText = { type: 'plain_text'; text: string; emoji?: boolean };
/** `verbatim`: Slack links no URL, channel name or mention in it by itself. */
type Mrkdwn = { type: 'mrkdwn'; text: string; verbatim: true };
type TextObject = PlainText | Mrkdwn;

export type SlackBlock =
  | { type: 'header'; text: PlainText }
  | { type: 'section'; text?: TextObject; fields?: Mrkdwn[] }
  | { type: 'actions'; elements: { type: 'button'; text: PlainText; url: string; action_id: string; style?: 'primary' }[] }
  | { type: 'context'; elements: TextObject[] };

/** A Slack message: blocks, and the text Slack shows in notifications and to screen readers. */
export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

const KIND_WORDS = { new: '', reminder: 'Reminder · ', resolved: 'Resolved · ' } as const;

/**
 * Renders a notification as Block Kit: a header with the kind, severity and
 * title; why it was sent; severity, account and the email's other facts as
 * fields; the start of the description; a button to the finding in the
 * Security Hub console; the finding id. A reply in a thread (the message
 * has a `thread`) is only why it was sent and the button. Every finding
 * value is escaped (no mention, broadcast or link can come from a finding)
 * and cut to Slack's limits with a visible "…".
 */
export function renderSlack(message: ChannelMessage): SlackMessage {
  const view = channelView(message);
  const text = slackPlain(`${CHAT_PREFIX[view.kind]}${view.summary}`, SLACK_LIMITS.text);
  // A reply in a thread: the first message above it has the facts, so the reply says only what changed.
  if (message.thread) return { text, blocks: [reasonsOf(view), ...consoleButton(view)] };
  const blocks: SlackBlock[] = [
    { type: 'header', text: plain(`${KIND_WORDS[view.kind] ?? ''}${view.severity} · ${view.title}`, SLACK_LIMITS.headerText) },
    reasonsOf(view),
    { type: 'section', fields: fields([{ label: 'Severity', lines: [{ text: view.severity }] }, ...view.facts]) },
  ];
  if (view.description) blocks.push({ type: 'section', text: plain(view.description, SLACK_LIMITS.sectionText) });
  if (view.details)
    blocks.push({
      type: 'section',
      text: mrkdwn(`*${slackProse(view.details.heading, 200)}*`, SLACK_LIMITS.sectionText),
      fields: fields(view.details.facts),
    });
  blocks.push(...consoleButton(view));
  blocks.push({
    type: 'context',
    elements: [
      mrkdwn(`Finding ${slackCode(view.findingId, 1000)}`, SLACK_LIMITS.sectionText),
      plain(view.footer, SLACK_LIMITS.sectionText),
    ],
  });
  return { text, blocks: blocks.slice(0, SLACK_LIMITS.blocks) };
}

/** Why it was sent: new, reminder or resolved, and an escalation or an ended snooze. */
function reasonsOf(view: ChannelView): SlackBlock {
  const lines = view.reasons.map((reason) => `*${reason.lead}* ${slackProse(reason.text, SLACK_LIMITS.sectionText)}`);
  return { type: 'section', text: mrkdwn(lines.join('\n'), SLACK_LIMITS.sectionText) };
}

function consoleButton(view: ChannelView): SlackBlock[] {
  if (view.searchHint) return [{ type: 'context', elements: [plain(view.searchHint, 200)] }];
  if (!view.consoleUrl) return [];
  const button = {
    type: 'button' as const,
    text: plain('Open in Security Hub', SLACK_LIMITS.buttonText),
    url: view.consoleUrl,
    action_id: 'open-in-security-hub',
  };
  return [{ type: 'actions', elements: [view.kind === 'resolved' ? button : { ...button, style: 'primary' as const }] }];
}

/** Facts as mrkdwn fields, at most Slack's ten; a fact that would be an eleventh joins the tenth. */
function fields(facts: Fact[]): Mrkdwn[] {
  const texts = facts.map((fact) => {
    const label = fact.label ? `*${slackProse(fact.label, 100)}*\n` : '';
    // Each line gets its share of the field, so a long id cannot push "and N more" out.
    const share = Math.floor((SLACK_LIMITS.fieldText - label.length) / Math.max(1, fact.lines.length)) - 1;
    return `${label}${fact.lines.map((line) => lineText(line, share)).join('\n')}`;
  });
  const kept = texts.slice(0, SLACK_LIMITS.fields);
  if (texts.length > SLACK_LIMITS.fields) kept[SLACK_LIMITS.fields - 1] = texts.slice(SLACK_LIMITS.fields - 1).join('\n');
  return kept.map((text) => mrkdwn(text, SLACK_LIMITS.fieldText));
}

/** A fact line in at most `max` characters: muted prefix, the value (a code span for ids), suffix in brackets. */
function lineText(line: FactLine, max: number): string {
  const pre = line.pre ? `${slackProse(line.pre, Math.min(100, Math.floor(max / 4)))} ` : '';
  const post = line.post ? ` (${slackProse(line.post, Math.min(100, Math.floor(max / 4)))})` : '';
  const room = Math.min(600, max - pre.length - post.length);
  return `${pre}${line.code ? slackCode(line.text, room) : slackProse(line.text, room)}${post}`;
}

/** Finding text as a plain_text object, escaped and cut. */
function plain(text: string, max: number): PlainText {
  return { type: 'plain_text', text: slackPlain(text, max), emoji: false };
}

/** Already escaped mrkdwn, cut to `max` on a line boundary when it is longer. */
function mrkdwn(text: string, max: number): Mrkdwn {
  if (text.length <= max) return { type: 'mrkdwn', text, verbatim: true };
  const lines = text.split('\n');
  let kept = '';
  for (const line of lines) {
    const next = kept ? `${kept}\n${line}` : line;
    if (next.length > max - 2) break;
    kept = next;
  }
  return { type: 'mrkdwn', text: kept ? `${kept}\n…` : fitSlack(text, max), verbatim: true };
}
