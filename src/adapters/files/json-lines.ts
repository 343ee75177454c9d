import { isUtf8 } from 'node:buffer';
import { type Extracted, extractFindings } from '../../core/normalize/extract.js';
import { NOT_UTF8 } from './utf8.js';

/** One line of input: its bytes, or only the fact that it was too long to keep. */
interface Line {
  number: number;
  bytes: Buffer;
  tooLong: boolean;
}

/**
 * Splits bytes into lines without decoding them, so that one line with
 * bytes that are not UTF-8 is rejected alone. A line longer than `maxBytes`
 * is not kept in memory; it is reported as too long.
 */
class LineSplitter {
  private parts: Buffer[] = [];
  private size = 0;
  private tooLong = false;
  private number = 0;

  constructor(private readonly maxBytes: number) {}

  *push(chunk: Buffer): Generator<Line> {
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf(0x0a, start);
      if (newline === -1) {
        this.keep(chunk.subarray(start));
        return;
      }
      this.keep(chunk.subarray(start, newline));
      yield this.take();
      start = newline + 1;
    }
  }

  *end(): Generator<Line> {
    if (this.size > 0 || this.tooLong) yield this.take();
  }

  private keep(part: Buffer): void {
    if (this.tooLong || part.length === 0) return;
    if (this.size + part.length > this.maxBytes) {
      this.tooLong = true;
      this.parts = [];
      return;
    }
    this.parts.push(part);
    this.size += part.length;
  }

  private take(): Line {
    const bytes = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts);
    const line = { number: ++this.number, bytes, tooLong: this.tooLong };
    this.parts = [];
    this.size = 0;
    this.tooLong = false;
    return line;
  }
}

/** The items on one line of JSON Lines input; `file:line` names where each came from. */
function* lineItems(line: Line, file: string, maxBytes: number): Generator<Extracted> {
  const where = `${file}:${line.number}`;
  if (line.tooLong) {
    yield { kind: 'invalid', where, reason: `line longer than ${mebibytes(maxBytes)} (a Security Hub finding is at most 240 KB)` };
    return;
  }
  if (!isUtf8(line.bytes)) {
    yield { kind: 'invalid', where, reason: NOT_UTF8 };
    return;
  }
  let text = line.bytes.toString('utf8');
  if (line.number === 1) text = text.replace(/^\uFEFF/, '');
  if (text.trim() === '') return;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    yield { kind: 'invalid', where, reason: `not valid JSON: ${(error as Error).message}` };
    return;
  }
  yield* extractFindings(value, `${where}#`);
}

/** Reads JSON Lines from a stream of bytes, one line in memory at a time. */
export async function* readLines(chunks: AsyncIterable<Buffer>, file: string, maxBytes: number): AsyncGenerator<Extracted> {
  const splitter = new LineSplitter(maxBytes);
  try {
    for await (const chunk of chunks) {
      for (const line of splitter.push(chunk)) yield* lineItems(line, file, maxBytes);
    }
  } catch (error) {
    yield { kind: 'invalid', where: file, reason: `cannot read: ${(error as Error).message}` };
    return;
  }
  for (const line of splitter.end()) yield* lineItems(line, file, maxBytes);
}

/** JSON Lines already in memory. */
export function* bufferLines(buffer: Buffer, file: string, maxBytes: number): Generator<Extracted> {
  const splitter = new LineSplitter(maxBytes);
  for (const line of splitter.push(buffer)) yield* lineItems(line, file, maxBytes);
  for (const line of splitter.end()) yield* lineItems(line, file, maxBytes);
}

function mebibytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MiB` : `${bytes} bytes`;
}
