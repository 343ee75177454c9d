import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { type Extracted, extractFindings } from '../../core/normalize/extract.js';
import { bufferLines, readLines } from './json-lines.js';
import { streamDocument } from './stream-document.js';
import { rejectGarbled } from './utf8.js';

const FINDING_FILES = new Set(['.json', '.jsonl', '.ndjson']);
const LINE_FILES = new Set(['.jsonl', '.ndjson']);
const MIB = 1024 * 1024;

/** The bounds that keep memory use flat whatever the input's size. */
export interface ReadLimits {
  /** An input up to this size is read whole and parsed at once (fastest); a larger one is streamed. */
  wholeBytes: number;
  /** The longest line of JSON Lines that is kept; a longer one is reported invalid. */
  maxLineBytes: number;
  /** The largest item (a finding, an event) assembled from a streamed document. */
  maxItemChars: number;
}

export const DEFAULT_LIMITS: ReadLimits = Object.freeze({ wholeBytes: 8 * MIB, maxLineBytes: 16 * MIB, maxItemChars: 16 * MIB });

/**
 * Reads findings from files, directories (recursively: .json, .jsonl,
 * .ndjson) and `-` for standard input. Yields every finding and every bad
 * item with where it was; one bad item never stops the rest. Large inputs
 * are streamed, so memory stays bounded whatever their size.
 */
export async function* readInputs(
  inputs: string[],
  stdin: Readable = process.stdin,
  limits: ReadLimits = DEFAULT_LIMITS,
): AsyncGenerator<Extracted> {
  for (const input of inputs) {
    if (input === '-') {
      yield* readSource(stdin, 'stdin', limits);
      continue;
    }
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(input);
    } catch (error) {
      yield { kind: 'invalid', where: input, reason: `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` };
      continue;
    }
    const files = info.isDirectory() ? await listFindingFiles(input) : [input];
    for (const file of files) {
      const bytes = createReadStream(file, { highWaterMark: MIB });
      if (LINE_FILES.has(extname(file).toLowerCase())) yield* readLines(bytes, file, limits.maxLineBytes);
      else yield* readSource(bytes, file, limits);
    }
  }
}

/** Every .json/.jsonl/.ndjson file below `dir`, in a stable order. */
export async function listFindingFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listFindingFiles(path)));
    else if (entry.isFile() && FINDING_FILES.has(extname(entry.name).toLowerCase())) files.push(path);
  }
  return files;
}

/**
 * A JSON document or JSON Lines of unknown size. Up to `wholeBytes` it is
 * parsed at once; beyond that its first lines tell which it is, and it is
 * streamed.
 */
async function* readSource(stream: AsyncIterable<unknown>, where: string, limits: ReadLimits): AsyncGenerator<Extracted> {
  const iterator = asBuffers(stream)[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let size = 0;
  try {
    while (size <= limits.wholeBytes || !enoughToTell(head, size)) {
      const next = await iterator.next();
      if (next.done) {
        yield* parseWhole(Buffer.concat(head), where, limits);
        return;
      }
      head.push(next.value);
      size += next.value.length;
    }
  } catch (error) {
    yield { kind: 'invalid', where, reason: `cannot read: ${(error as Error).message}` };
    return;
  }
  const rest = resume(head, iterator);
  if (looksLikeJsonLines(head, false)) yield* readLines(rest, where, limits.maxLineBytes);
  else yield* streamDocument(rest, where, limits.maxItemChars);
}

/**
 * An input small enough to hold: parsed at once when it is valid JSON (the
 * fast path). Otherwise it is JSON Lines, or a broken document; the latter
 * goes through the streaming reader, which yields every item before the
 * point where the document breaks and then says where that is.
 */
async function* parseWhole(buffer: Buffer, where: string, limits: ReadLimits): AsyncGenerator<Extracted> {
  const utf8 = isUtf8(buffer);
  const text = buffer.toString('utf8').replace(/^\uFEFF/, '');
  if (text.trim() === '') return;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    if (looksLikeJsonLines([buffer], true)) yield* bufferLines(buffer, where, limits.maxLineBytes);
    else yield* streamDocument([buffer], where, limits.maxItemChars);
    return;
  }
  for (const item of extractFindings(value, `${where}#`)) yield utf8 ? item : rejectGarbled(item);
}

/**
 * Whether an input that is not one JSON document is JSON Lines. It is when
 * its first line is a JSON value by itself and more follows (no document
 * can be that). A first line that is broken is let off when one of the next
 * few lines is a whole object or array on its own, as JSON Lines are; the
 * lines of a pretty-printed document never are, except the elements of an
 * array that opens with a lone `[`.
 */
function looksLikeJsonLines(head: Buffer[], complete: boolean): boolean {
  const sample = Buffer.concat(head).subarray(0, MIB);
  const lines = sample.toString('utf8').split('\n');
  if (!complete || sample.length === MIB) lines.pop();
  const filled = lines.map((line) => line.replace(/^\uFEFF/, '').trim()).filter((line) => line !== '');
  const [first, ...next] = filled;
  if (first === undefined) return false;
  if (parses(first)) return next.length > 0 || !complete;
  return first !== '[' && next.slice(0, 4).some((line) => /^[[{]/.test(line) && line.length > 2 && parses(line));
}

/** Whether the head of an input holds enough lines for `looksLikeJsonLines` to judge. */
function enoughToTell(head: Buffer[], size: number): boolean {
  if (size >= MIB) return true;
  let newlines = 0;
  for (const chunk of head) for (let at = chunk.indexOf(0x0a); at !== -1 && newlines < 6; at = chunk.indexOf(0x0a, at + 1)) newlines++;
  return newlines >= 6;
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

async function* asBuffers(stream: AsyncIterable<unknown>): AsyncGenerator<Buffer> {
  for await (const chunk of stream) yield Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
}

async function* resume(head: Buffer[], iterator: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  try {
    yield* head;
    head.length = 0;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  } finally {
    await iterator.return?.();
  }
}
