import { pipeline, Readable } from 'node:stream';
import Parser from 'stream-json/Parser.js';
import type { Extracted } from '../../core/normalize/extract.js';
import { DocumentSpine } from './document-spine.js';
import { NOT_UTF8, rejectGarbled, Utf8Watch } from './utf8.js';
import type { JsonToken } from './value-assembler.js';

/** Items waiting for the consumer before the parser is paused. */
const QUEUE_HIGH = 256;

/**
 * Reads one JSON document of any size in bounded memory: bytes flow through
 * a UTF-8 check into stream-json's tokenizer, and the document spine turns
 * tokens into items one finding at a time. The parser pauses while the
 * consumer (the engine, doing I/O per finding) catches up. Malformed or
 * truncated JSON ends the document with one invalid item naming how far it
 * got; every item before that point has been yielded.
 */
export async function* streamDocument(
  chunks: AsyncIterable<Buffer> | Iterable<Buffer>,
  where: string,
  maxItemChars: number,
): AsyncGenerator<Extracted> {
  const watch = new Utf8Watch();
  const parser = new Parser({ packValues: false, streamValues: true });
  const queue: Extracted[] = [];
  const spine = new DocumentSpine(where, maxItemChars, (item) => queue.push(watch.invalidNear === undefined ? item : rejectGarbled(item)));
  let failure: Error | undefined;
  let ended = false;
  let wake: (() => void) | undefined;
  const signal = () => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  parser.on('data', (token: JsonToken) => {
    try {
      spine.consume(token);
    } catch (error) {
      failure ??= error as Error;
      parser.destroy();
    }
    if (queue.length >= QUEUE_HIGH) parser.pause();
    if (queue.length > 0) signal();
  });
  parser.on('end', () => {
    ended = true;
    signal();
  });
  const source = Readable.from(chunks);
  pipeline(source, watch, parser, (error) => {
    if (error) failure ??= error;
    signal();
  });

  let yielded = 0;
  try {
    for (;;) {
      for (; queue.length > 0; yielded++) yield queue.shift()!;
      if (failure || ended) break;
      parser.resume();
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
    for (; queue.length > 0; yielded++) yield queue.shift()!;
    if (failure) yield { kind: 'invalid', where, reason: describeFailure(failure, watch, !spine.done, yielded) };
    else if (!spine.done) yield { kind: 'invalid', where, reason: 'not valid JSON: the document ends early (truncated)' };
  } finally {
    source.destroy();
    parser.destroy();
  }
}

function describeFailure(error: Error, watch: Utf8Watch, open: boolean, yielded: number): string {
  const parse = /^Parser (?:cannot parse input: |has )(.*)$/.exec(error.message);
  if (!parse) return `cannot read: ${error.message}`;
  const at =
    watch.ended && open ? `malformed or truncated near its end (byte ${watch.bytes})` : `malformed at or before byte ${watch.bytes}`;
  const before = yielded > 0 ? `; the ${yielded} item(s) before that point were read` : '';
  const bytes = watch.invalidNear === undefined ? '' : `; it also ${NOT_UTF8}`;
  return `not valid JSON, ${at}: ${parse[1]}${before}${bytes}`;
}
