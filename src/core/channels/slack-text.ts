/**
 * Text for Slack. Slack parses `&`, `<` and `>` in every text object:
 * `<!channel>`, `<!here>`, `<@U…>`, `<#C…>` and `<https://…|text>` are
 * mentions, broadcasts and links. Escaping the three characters makes any
 * finding text literal. mrkdwn also formats `*bold*`, `_italic_`,
 * `~strike~` and `` `code` ``; Slack has no escape for those, so in prose
 * they become look-alike characters that format nothing, and identifiers go
 * into code spans, where nothing formats.
 */

const SPECIAL = /[&<>]/g;
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
const FORMATTING = /[*_~`]/g;
const LOOK_ALIKES: Record<string, string> = { '*': '\u2217', _: '\u02cd', '~': '\u223c', '`': '\u02cb' };
/** A bare @here, @channel or @everyone, which some surfaces still turn into a broadcast. */
const BROADCAST_WORDS = /@(here|channel|everyone)\b/gi;

/** Escapes `&`, `<` and `>` as Slack asks, for plain_text and mrkdwn alike. */
export function escapeSlack(text: string): string {
  return text.replace(SPECIAL, (ch) => ENTITIES[ch] ?? ch).replace(BROADCAST_WORDS, '@\u2060$1');
}

/** Finding text for mrkdwn prose: escaped, formatting characters replaced by look-alikes, cut to `max` with "…". */
export function slackProse(text: string, max: number): string {
  return fitSlack(escapeSlack(text.replace(FORMATTING, (ch) => LOOK_ALIKES[ch] ?? ch)), max);
}

/** Finding text for plain_text objects: escaped and cut to `max` with "…". */
export function slackPlain(text: string, max: number): string {
  return fitSlack(escapeSlack(text), max);
}

/** An identifier in a code span, where mrkdwn formats nothing; backticks inside become look-alikes. */
export function slackCode(text: string, max: number): string {
  return `\`${fitSlack(escapeSlack(text.replaceAll('`', '\u02cb')), max - 2)}\``;
}

/**
 * Cuts escaped text to at most `max` characters, ending with "…" when cut,
 * never inside an entity (`&amp;`) or a surrogate pair.
 */
export function fitSlack(escaped: string, max: number): string {
  if (escaped.length <= max) return escaped;
  let end = max - 1;
  const amp = escaped.lastIndexOf('&', end - 1);
  if (amp >= 0 && amp > end - 5) {
    const semicolon = escaped.indexOf(';', amp);
    if (semicolon === -1 || semicolon >= end) end = amp;
  }
  if (/[\ud800-\udbff]/.test(escaped.charAt(end - 1))) end--;
  return `${escaped.slice(0, end)}…`;
}
