import type { Email, EmailThread, HexDigest } from '../ports.js';
import { oneLine } from './escape.js';

/**
 * The headers that identify an email and place it in its conversation, the
 * same for every mailer:
 *
 * - `Message-ID: <hex@sender-domain>` from the notification id, so a retried
 *   send of one notification carries the same Message-ID and a receiver can
 *   drop the copy; `X-Sechub-Notification-Id` carries the same hex, for
 *   senders that replace the Message-ID (SES does).
 * - `In-Reply-To` and `References` naming one thread root per finding
 *   (`<hex-of-finding-key@sender-domain>`, never sent itself), so new,
 *   reminder and resolved emails form one conversation in Gmail and Apple
 *   Mail;
 * - `Thread-Topic` (the subject, which is the same for every email about a
 *   finding) and `Thread-Index` (a conversation index whose GUID comes from
 *   the finding key), which Outlook and Exchange group conversations by.
 *
 * The hash comes in as a function (SHA-256 in the mailers), because the core
 * cannot reach node:crypto. See docs/email.md, "Threads".
 */

/** What a mailer adds to a rendered email. */
export interface DeliveryHeaders {
  /** 24 hex digits from the notification id: the outbox file name, the Message-ID's left part, X-Sechub-Notification-Id. */
  notificationId: string;
  /** `<notificationId@sender-domain>`. */
  messageId: string;
  /** Every other header to add; each value is printable ASCII on one line, at most HEADER_VALUE_MAX characters. */
  headers: Record<string, string>;
}

/** SES refuses custom header values longer than this (MessageHeader.Value); other mailers get the same. */
export const HEADER_VALUE_MAX = 870;

const ID_DIGITS = 24;
const GUID_DIGITS = 32;
/** For a sender address whose domain cannot stand in a Message-ID (RFC 2606 reserves .invalid). */
const FALLBACK_DOMAIN = 'sechub-alerts.invalid';
const DOMAIN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** The Message-ID, thread and identification headers of `email`. */
export function deliveryHeaders(email: Email, digest: HexDigest): DeliveryHeaders {
  const domain = senderDomain(email.from);
  const notificationDigest = digest(email.id);
  const notificationId = notificationDigest.slice(0, ID_DIGITS);
  const headers: Record<string, string> = { 'X-Sechub-Notification-Id': notificationId };
  if (email.thread) Object.assign(headers, threadHeaders(email.subject, email.thread, domain, digest, notificationDigest));
  return { notificationId, messageId: `<${notificationId}@${domain}>`, headers };
}

function threadHeaders(subject: string, thread: EmailThread, domain: string, digest: HexDigest, notificationDigest: string) {
  const threadDigest = digest(thread.key);
  const root = `<${threadDigest.slice(0, ID_DIGITS)}@${domain}>`;
  return {
    'In-Reply-To': root,
    References: root,
    'Thread-Topic': headerText(subject),
    'Thread-Index': threadIndex(thread, threadDigest.slice(0, GUID_DIGITS), Number.parseInt(notificationDigest.slice(-2), 16)),
  };
}

/** The domain of the sender address, lower-cased; a fixed reserved one when it is not a plain DNS name. */
export function senderDomain(from: string): string {
  const address = /<([^<>]*)>\s*$/.exec(from)?.[1] ?? from;
  const domain = address
    .slice(address.lastIndexOf('@') + 1)
    .trim()
    .toLowerCase();
  return address.includes('@') && domain.length <= 253 && DOMAIN.test(domain) ? domain : FALLBACK_DOMAIN;
}

/**
 * Text fit for an unstructured header value wherever it is sent: one line,
 * printable ASCII (anything else as RFC 2047 encoded-words, which every mail
 * client decodes), at most `max` characters, cut with an ellipsis.
 */
export function headerText(text: string, max = HEADER_VALUE_MAX): string {
  const line = oneLine(text);
  if (/^[\x20-\x7e]*$/.test(line)) return line.length <= max ? line : `${line.slice(0, max - 3)}...`;
  const words = encodedWords(line);
  const ellipsis = encodedWords('…')[0]!;
  let out = '';
  for (const [i, word] of words.entries()) {
    const room = i === words.length - 1 ? max : max - ellipsis.length - 1;
    if (out.length + (out ? 1 : 0) + word.length > room) return out ? `${out} ${ellipsis}` : ellipsis;
    out = out ? `${out} ${word}` : word;
  }
  return out;
}

/** Encoded-words of at most 75 characters (45 bytes of UTF-8 each), never splitting a character. */
function encodedWords(text: string): string[] {
  const utf8 = new TextEncoder();
  const words: string[] = [];
  let chunk: number[] = [];
  for (const char of text) {
    const bytes = utf8.encode(char);
    if (chunk.length + bytes.length > 45) {
      words.push(encodedWord(chunk));
      chunk = [];
    }
    chunk.push(...bytes);
  }
  if (chunk.length > 0) words.push(encodedWord(chunk));
  return words;
}

function encodedWord(bytes: number[]): string {
  return `=?UTF-8?B?${base64(bytes)}?=`;
}

function base64(bytes: number[]): string {
  return btoa(String.fromCharCode(...bytes));
}

/** 100-nanosecond intervals between 1601-01-01 (FILETIME's epoch) and 1970-01-01. */
const FILETIME_UNIX_EPOCH = 116_444_736_000_000_000n;
/** Deltas below 2^49 intervals (about 1.8 years) are written in finer units. */
const FINE_DELTA_LIMIT = 1n << 49n;

/**
 * Outlook's conversation index (MS-OXOMSG PidTagConversationIndex), base64:
 * a 22-byte header block — the reserved byte 1, the upper five bytes of the
 * FILETIME when the conversation began, a 16-byte GUID — and, for each
 * follow-up, one 5-byte child block: the time since the header's, and a
 * random and a sequence nibble (from the notification's digest here, so that
 * a resend is byte for byte the same). Every email about a finding has the
 * same header block, which is what Outlook groups a conversation by.
 */
function threadIndex(thread: EmailThread, guidHex: string, spare: number): string {
  const since = filetime(thread.since) ?? filetime(thread.at) ?? FILETIME_UNIX_EPOCH;
  const headerTime = since >> 24n;
  const bytes = [1, ...bigEndian(headerTime, 5), ...hexBytes(guidHex)];
  if (thread.followUp) {
    const at = filetime(thread.at) ?? since;
    const delta = at > headerTime << 24n ? at - (headerTime << 24n) : 0n;
    const fine = delta < FINE_DELTA_LIMIT;
    const units = (fine ? delta >> 18n : delta >> 23n) & 0x7fff_ffffn;
    bytes.push(...bigEndian((fine ? 0n : 1n << 31n) | units, 4), spare & 0xff);
  }
  return base64(bytes);
}

function filetime(iso: string): bigint | undefined {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : BigInt(Math.max(ms, 0)) * 10_000n + FILETIME_UNIX_EPOCH;
}

function bigEndian(value: bigint, length: number): number[] {
  return Array.from({ length }, (_, i) => Number((value >> BigInt(8 * (length - 1 - i))) & 0xffn));
}

function hexBytes(hex: string): number[] {
  return Array.from({ length: hex.length / 2 }, (_, i) => Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16));
}
