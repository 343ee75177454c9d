import { slackButtonUrls, slackTexts } from './slack-payload.js';

/**
 * Whether a rendered message can mention, broadcast or link anything that
 * did not come from us, checked on the payload as each destination parses
 * it. Each function returns the problems found, empty when there are none.
 */

type Json = Record<string, unknown>;

/** A link to the AWS console or AWS documentation, the only links a message may hold. */
export const AWS_LINK = /^https:\/\/([a-z0-9-]+\.)*(aws\.amazon\.com|amazonaws\.cn|amazonaws-us-gov\.com)\//;
/** A URL a chat client would turn into a link by itself. */
const BARE_URL = /\b(?:https?|ftp|javascript):\/\/|\bwww\.[a-z]/i;
/** @here, @channel or @everyone as a word: a broadcast on surfaces that parse plain text. */
const BROADCAST = /@(here|channel|everyone)\b/i;

/** Slack: no `<` or `>` left unescaped (so no `<!channel>`, `<@U…>`, `<#C…>`, `<url|text>`), no bare broadcast, no URL in text, buttons to AWS only. */
export function slackHostility(payload: Json): string[] {
  const problems: string[] = [];
  for (const { text, type } of slackTexts(payload)) {
    if (/[<>]/.test(text)) problems.push(`unescaped < or > in ${type}: ${text.slice(0, 80)}`);
    if (/&(?!amp;|lt;|gt;)/.test(text)) problems.push(`a bare & in ${type}: ${text.slice(0, 80)}`);
    if (BROADCAST.test(text)) problems.push(`a broadcast word in ${type}: ${text.slice(0, 80)}`);
    if (BARE_URL.test(text)) problems.push(`a URL in ${type}: ${text.slice(0, 80)}`);
  }
  const unverbatim = JSON.stringify(payload.blocks ?? []).match(/"type":"mrkdwn","text":"(?:[^"\\]|\\.)*"(?!,"verbatim":true)/);
  if (unverbatim) problems.push(`mrkdwn without verbatim: ${unverbatim[0].slice(0, 80)}`);
  for (const url of slackButtonUrls(payload)) if (!AWS_LINK.test(url)) problems.push(`a button to ${url}`);
  return problems;
}

/** Characters Teams' Markdown subset (or its `{{DATE()}}` functions) acts on. */
const TEAMS_SPECIAL = /[\\*_~`[\]()<>#{}|!&]/;

/** Teams: every Markdown character in text and facts escaped (our own `**` aside), no list or heading, no URL in text, actions to AWS only. */
export function teamsHostility(envelope: Json): string[] {
  const problems: string[] = [];
  const card = ((envelope.attachments as Json[])[0]?.content ?? {}) as Json;
  for (const text of cardTexts(card.body)) {
    const bare = text.replace(/\\./g, '').replace(/\*\*/g, '');
    if (TEAMS_SPECIAL.test(bare)) problems.push(`unescaped Markdown: ${text.slice(0, 80)}`);
    if (/^\s*([-+]|\d+\.)(\s|$)/.test(text)) problems.push(`a list marker: ${text.slice(0, 80)}`);
    if (BARE_URL.test(text)) problems.push(`a URL in text: ${text.slice(0, 80)}`);
  }
  for (const action of (card.actions ?? []) as Json[])
    if (!AWS_LINK.test(String(action.url))) problems.push(`an action to ${String(action.url)}`);
  if (
    typeof card.fallbackText === 'string' &&
    BARE_URL.test(card.fallbackText.replace(/https:\/\/[a-z0-9.-]+\.console\.aws\.amazon\.com\/\S*/g, ''))
  )
    problems.push('a foreign URL in the fallback text');
  return problems;
}

/** Every text a card's body shows: TextBlock text and fact titles and values, in containers too. */
export function cardTexts(body: unknown): string[] {
  const texts: string[] = [];
  for (const element of (body ?? []) as Json[]) {
    if (element.type === 'TextBlock') texts.push(String(element.text));
    if (element.type === 'FactSet') for (const fact of element.facts as Json[]) texts.push(String(fact.title), String(fact.value));
    if (element.type === 'Container') texts.push(...cardTexts(element.items));
  }
  return texts;
}

/** A JSON document (webhook, SNS): no URL anywhere but the AWS links under `links`. */
export function documentHostility(document: Json): string[] {
  const { links, ...rest } = document;
  const problems: string[] = [];
  for (const url of Object.values((links ?? {}) as Record<string, string>)) if (!AWS_LINK.test(url)) problems.push(`a link to ${url}`);
  const walk = (value: unknown, path: string): void => {
    if (typeof value === 'string' && BARE_URL.test(value)) problems.push(`a URL at ${path}: ${value.slice(0, 80)}`);
    if (Array.isArray(value)) for (const [i, item] of value.entries()) walk(item, `${path}[${i}]`);
    else if (value && typeof value === 'object') for (const [key, child] of Object.entries(value)) walk(child, `${path}.${key}`);
  };
  walk(rest, '$');
  return problems;
}
