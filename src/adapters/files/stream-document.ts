import { pipeline, Readable } from 'node:stream';
import Parser from 'stream-json/Parser.js';
import type { Extracted } from '../../core/normalize/extract.js';
import { DocumentSpine } from './document-spine.js';
import { rejectGarbled, Utf8Watch } from './utf8.js';
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
export async function* streamDocument(chunks: AsyncIterable<Buffer>, where: string, maxItemChars: number): AsyncGenerator<Extracted> {
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

  try {
    for (;;) {
      while (queue.length > 0) yield queue.shift()!;
      if (failure || ended) break;
      parser.resume();
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
    while (queue.length > 0) yield queue.shift()!;
    if (failure) yield { kind: 'invalid', where, reason: describeFailure(failure, watch.bytes) };
    else if (!spine.done) yield { kind: 'invalid', where, reason: 'not valid JSON: the document ends early (truncated)' };
  } finally {
    source.destroy();
    parser.destroy();
  }
}

function describeFailure(error: Error, bytes: number): string {
  const parse = /^Parser (?:cannot parse input: |has )(.*)$/.exec(error.message);
  if (!parse) return `cannot read: ${error.message}`;
  const what = error.message.startsWith('Parser has') ? `the document ends early (truncated): ${parse[1]}` : parse[1];
  return `not valid JSON at or before byte ${bytes}: ${what}; the items before it were read`;
}
