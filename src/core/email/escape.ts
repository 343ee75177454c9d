// biome-ignore-all lint/suspicious/noControlCharactersInRegex: removing control characters is this file's job
/** Escaping for every context a finding value can reach in an email. */

const HTML_SPECIAL = /[&<>"'`]/;
const HTML_SPECIALS = /[&<>"'`]/g;
const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return HTML_SPECIAL.test(text) ? text.replace(HTML_SPECIALS, (ch) => HTML_ESCAPES[ch] ?? ch) : text;
}

/** White space and control characters: CR, LF, tabs, NUL, C1 controls, line separators, bidi overrides and isolates. */
const SPACE_OR_CONTROL = /[\s\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]+/g;

/** Turns every run of white space and control characters into one space, for one-line contexts. */
export function oneLine(text: string): string {
  return text.replace(SPACE_OR_CONTROL, ' ').trim();
}

/** Cuts text to at most `max` UTF-16 code units, ending with an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  // Never split a surrogate pair: an emoji is kept whole or left out.
  if (/[\ud800-\udbff]/.test(text.charAt(end - 1))) end--;
  return `${text.slice(0, end)}…`;
}

/** Hosts whose https links are shown as links; any other URL is shown as text. */
const LINKABLE_HOSTS = [
  /^docs\.aws\.amazon\.com$/,
  /^docs\.amazonaws\.cn$/,
  /^([a-z0-9-]+\.)*console\.aws\.amazon\.com$/,
  /^console\.amazonaws-us-gov\.com$/,
  /^console\.amazonaws\.cn$/,
];

/** The URL when it is an https link to an AWS documentation or console host, else undefined. */
export function safeLink(url: string | undefined): string | undefined {
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:' || parsed.username || parsed.password || parsed.port) return undefined;
  if (!LINKABLE_HOSTS.some((host) => host.test(parsed.hostname))) return undefined;
  return parsed.href;
}

const URL_IN_TEXT = /\b([a-z][a-z0-9+.-]{0,30}):\/\/([^\s/?#]*)/gi;
const WWW_IN_TEXT = /\bwww\./gi;

/**
 * Defangs URLs in free text ("https://evil.example/x" becomes
 * "hxxps://evil[.]example/x"), so that a mail client's automatic linking
 * cannot turn a URL from a finding into a link. Security teams read this
 * form daily.
 */
export function defang(text: string): string {
  if (!text.includes('://') && !/www\./i.test(text)) return text;
  return text
    .replace(URL_IN_TEXT, (_, scheme: string, host: string) => {
      const safeHost = host.replaceAll('.', '[.]');
      return /^https?$/i.test(scheme) ? `${scheme.replace(/t/gi, 'x')}://${safeHost}` : `${scheme}[:]//${safeHost}`;
    })
    .replace(WWW_IN_TEXT, (www) => `${www.slice(0, 3)}[.]`);
}
