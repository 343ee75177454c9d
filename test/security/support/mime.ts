/**
 * Just enough MIME to inspect what the mailers produce: the header block
 * (unfolded, names lower-cased) and the decoded HTML and text parts of a
 * multipart/alternative message. Written for nodemailer's output only.
 */

export interface ParsedMessage {
  /** Every header line as [name, raw value], in order. */
  headers: [string, string][];
  html: string;
  text: string;
}

export function parseMessage(raw: string): ParsedMessage {
  const [head, body] = splitOnce(raw, /\r?\n\r?\n/);
  const headers = unfold(head).map((line): [string, string] => {
    const colon = line.indexOf(':');
    return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
  });
  const type = headers.find(([name]) => name === 'content-type')?.[1] ?? '';
  const boundary = /boundary="?([^";]+)"?/.exec(type)?.[1];
  const parts = boundary ? body.split(`--${boundary}`).slice(1, -1) : [`${head}\n\n${body}`];
  let html = '';
  let text = '';
  for (const part of parts) {
    const [partHead, partBody] = splitOnce(part.replace(/^\r?\n/, ''), /\r?\n\r?\n/);
    const lines = unfold(partHead).map((line) => line.toLowerCase());
    const encoding = lines
      .find((line) => line.startsWith('content-transfer-encoding:'))
      ?.split(':')[1]
      ?.trim();
    const decoded = decode(partBody, encoding);
    if (lines.some((line) => line.startsWith('content-type: text/html'))) html = decoded;
    else if (lines.some((line) => line.startsWith('content-type: text/plain'))) text = decoded;
  }
  return { headers, html, text };
}

/** Decodes RFC 2047 encoded words (B and Q) in a header value. */
export function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_all, _charset: string, kind: string, data: string) =>
      kind.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64').toString('utf8')
        : Buffer.from(qpBytes(data.replace(/_/g, ' '))).toString('utf8'),
    );
}

function decode(body: string, encoding: string | undefined): string {
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') return Buffer.from(qpBytes(body.replace(/=\r?\n/g, ''))).toString('utf8');
  return body;
}

function qpBytes(text: string): number[] {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const hex = text.slice(i + 1, i + 3);
    if (text[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(text[i]!, 'utf8'));
    }
  }
  return bytes;
}

function unfold(head: string): string[] {
  return head
    .replace(/\r?\n[ \t]+/g, ' ')
    .split(/\r?\n/)
    .filter((line) => line !== '');
}

function splitOnce(text: string, separator: RegExp): [string, string] {
  const match = separator.exec(text);
  if (!match) return [text, ''];
  return [text.slice(0, match.index), text.slice(match.index + match[0].length)];
}

export interface HtmlTag {
  name: string;
  attributes: [string, string][];
}

/**
 * The tags of an HTML document with their attributes, quotes respected, so
 * that text inside an attribute value is not mistaken for markup.
 */
export function htmlTags(html: string): HtmlTag[] {
  const tags: HtmlTag[] = [];
  const tag = /<([a-zA-Z][a-zA-Z0-9:-]*)((?:\s+[^\s=/>]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?)*)\s*\/?>/g;
  const attribute = /([^\s=/>]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?/g;
  for (const match of html.matchAll(tag)) {
    const attributes: [string, string][] = [];
    for (const pair of (match[2] ?? '').matchAll(attribute)) {
      attributes.push([pair[1]!.toLowerCase(), (pair[2] ?? '').replace(/^["']|["']$/g, '')]);
    }
    tags.push({ name: match[1]!.toLowerCase(), attributes });
  }
  return tags;
}
