import { isUtf8 } from 'node:buffer';
import { Transform, type TransformCallback } from 'node:stream';
import type { Extracted } from '../../core/normalize/extract.js';

const PIECE = 16 * 1024;

/** Why an item was rejected when its input held bytes that are not UTF-8. */
export const NOT_UTF8 = 'contains bytes that are not valid UTF-8';

/**
 * How many bytes at the end of `chunk` start a UTF-8 sequence that the next
 * chunk completes (0–3). Those bytes are checked together with that chunk.
 */
function incompleteTail(chunk: Uint8Array): number {
  for (let back = 1; back <= Math.min(3, chunk.length); back++) {
    const byte = chunk[chunk.length - back]!;
    if ((byte & 0xc0) === 0x80) continue;
    const length = byte >= 0xf0 && byte <= 0xf4 ? 4 : byte >= 0xe0 && byte <= 0xef ? 3 : byte >= 0xc2 && byte <= 0xdf ? 2 : 1;
    return length > back ? back : 0;
  }
  return 0;
}

/**
 * Passes bytes through unchanged and notes whether any of them are not
 * valid UTF-8. The JSON parser downstream decodes them with replacement
 * characters; items built from such input are then checked with
 * `holdsReplacement` and rejected, instead of carrying garbled text.
 */
export class Utf8Watch extends Transform {
  /** Byte offset of the first chunk with invalid bytes, once one was seen. */
  invalidNear: number | undefined;
  bytes = 0;
  /** True once the input has ended. */
  ended = false;
  private carry: Buffer = Buffer.alloc(0);

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (this.invalidNear === undefined) {
      const joined = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
      const tail = incompleteTail(joined);
      if (!isUtf8(joined.subarray(0, joined.length - tail))) this.invalidNear = this.bytes;
      this.carry = Buffer.from(joined.subarray(joined.length - tail));
    }
    this.bytes += chunk.length;
    // Small pieces: the parser turns each into tokens at once, and a long queue of tokens is slow to drain.
    for (let at = 0; at < chunk.length; at += PIECE) this.push(chunk.subarray(at, at + PIECE));
    done();
  }

  override _flush(done: TransformCallback): void {
    this.ended = true;
    if (this.invalidNear === undefined && this.carry.length > 0) this.invalidNear = this.bytes;
    done();
  }
}

/** True when a parsed value holds U+FFFD in any key or string: bytes that were not UTF-8 were replaced. */
function holdsReplacement(value: unknown): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const current = pending.pop();
    if (typeof current === 'string') {
      if (current.includes('\uFFFD')) return true;
    } else if (Array.isArray(current)) {
      for (const item of current) pending.push(item);
    } else if (typeof current === 'object' && current !== null) {
      for (const [key, item] of Object.entries(current)) {
        if (key.includes('\uFFFD')) return true;
        pending.push(item);
      }
    }
  }
  return false;
}

/** Rejects a finding whose text was garbled by bytes that are not UTF-8; other items pass unchanged. */
export function rejectGarbled(item: Extracted): Extracted {
  if (item.kind === 'finding' && holdsReplacement(item.finding.raw)) return { kind: 'invalid', where: item.where, reason: NOT_UTF8 };
  return item;
}
