import { type Extracted, extractEventItem, extractFindings, extractListedFinding, MAX_NESTING } from '../../core/normalize/extract.js';
import { instant, str } from '../../core/normalize/read.js';
import { type JsonToken, setOwn, ValueAssembler } from './value-assembler.js';

/** Keys of an event that decide how its findings are read; every other key of an event is not needed. */
const EVENT_KEYS = new Set(['detail-type', 'time', 'detail']);

type Deliver = (value: unknown, oversized: boolean, size: number) => void;

type Frame =
  | { type: 'array'; where: string; depth: number; index: number }
  | SpineObject
  | { type: 'detail'; owner: SpineObject; key?: string; sawFindings: boolean }
  | { type: 'items'; where: string; index: number; take: (value: unknown, where: string) => void };

interface SpineObject {
  type: 'object';
  where: string;
  depth: number;
  key?: string;
  fields: Record<string, unknown>;
  size: number;
  oversized: boolean;
  isEvent: boolean;
  streamed?: 'findings' | 'detail';
  /** Findings of an event whose `time` had not been seen yet. */
  pending: [unknown, string][];
}

/**
 * Walks one JSON document token by token and yields the same items as
 * `extractFindings(JSON.parse(document))` without holding the document:
 * arrays at the top, the `Findings` array of a GetFindings response and the
 * `detail.findings` array of an event are streamed; each finding in them is
 * assembled alone, within `maxItemChars`. An event's findings are streamed
 * once its `detail-type` has been seen (EventBridge writes it before
 * `detail`); otherwise the event is assembled whole, within the same budget.
 */
export class DocumentSpine {
  private readonly frames: Frame[] = [];
  private assembler: ValueAssembler | undefined;
  private deliver: Deliver | undefined;
  private keyText: string | undefined;
  private started = false;

  constructor(
    private readonly root: string,
    private readonly maxItemChars: number,
    private readonly emit: (item: Extracted) => void,
  ) {}

  /** True once the top-level value is complete. */
  get done(): boolean {
    return this.started && this.frames.length === 0 && this.assembler === undefined;
  }

  consume(token: JsonToken): void {
    if (this.assembler) {
      if (this.assembler.consume(token)) {
        const { value, oversized, size } = this.assembler;
        const deliver = this.deliver!;
        this.assembler = this.deliver = undefined;
        deliver(value, oversized, size);
      }
      return;
    }
    if (this.readKey(token)) return;
    const frame = this.frames[this.frames.length - 1];
    if (!frame) {
      this.started = true;
      this.spineValue(token, `${this.root}#`, 0);
      return;
    }
    if (token.name === 'endArray' || token.name === 'endObject') {
      this.frames.pop();
      if (frame.type === 'object') this.finishObject(frame);
      if (frame.type === 'detail' && !frame.sawFindings)
        this.invalid(`${frame.owner.where}/detail/findings`, 'expected an array of findings');
      return;
    }
    if (frame.type === 'array') this.spineValue(token, `${frame.where}/${frame.index++}`, frame.depth + 1);
    else if (frame.type === 'items') {
      const where = `${frame.where}/${frame.index++}`;
      this.assemble(token, this.maxItemChars, (value, oversized) => (oversized ? this.tooLarge(where) : frame.take(value, where)));
    } else if (frame.type === 'object') this.objectValue(frame, token);
    else this.detailValue(frame, token);
  }

  /** Keys of spine objects are read here; keys inside assembled values belong to the assembler. */
  private readKey(token: JsonToken): boolean {
    if (token.name === 'startKey') this.keyText = '';
    else if (token.name === 'stringChunk' && this.keyText !== undefined) {
      if (this.keyText.length < 1024) this.keyText += String(token.value);
    } else if (token.name === 'endKey') {
      const frame = this.frames[this.frames.length - 1];
      if (frame?.type === 'object' || frame?.type === 'detail') frame.key = this.keyText;
      this.keyText = undefined;
    } else return false;
    return true;
  }

  private spineValue(token: JsonToken, where: string, depth: number): void {
    if (depth > MAX_NESTING) {
      this.assemble(token, 0, () => this.invalid(where, `nested deeper than ${MAX_NESTING} levels`));
    } else if (token.name === 'startArray') {
      this.frames.push({ type: 'array', where, depth, index: 0 });
    } else if (token.name === 'startObject') {
      this.frames.push({ type: 'object', where, depth, fields: {}, size: 0, oversized: false, isEvent: false, pending: [] });
    } else {
      this.assemble(token, this.maxItemChars, (value) => this.emitAll(extractFindings(value, where, depth)));
    }
  }

  private objectValue(frame: SpineObject, token: JsonToken): void {
    const key = frame.key ?? '';
    if (key === 'detail-type') frame.isEvent = true;
    if (key === 'detail' && frame.isEvent && !frame.streamed && token.name === 'startObject') {
      frame.streamed = 'detail';
      this.frames.push({ type: 'detail', owner: frame, sawFindings: false });
      return;
    }
    if (key === 'Findings' && !frame.isEvent && !frame.streamed && token.name === 'startArray') {
      frame.streamed = 'findings';
      this.frames.push({
        type: 'items',
        where: `${frame.where}/Findings`,
        index: 0,
        take: (value, where) => this.emit(extractListedFinding(value, where)),
      });
      return;
    }
    const needed = !(frame.isEvent || frame.streamed) || EVENT_KEYS.has(key);
    const budget = needed ? Math.max(0, this.maxItemChars - frame.size) : 0;
    this.assemble(token, budget, (value, oversized, size) => {
      if (!needed) return;
      if (oversized) frame.oversized = true;
      else setOwn(frame.fields, key, value);
      frame.size += key.length + size;
    });
  }

  private detailValue(frame: Extract<Frame, { type: 'detail' }>, token: JsonToken): void {
    if (frame.key === 'findings' && token.name === 'startArray' && !frame.sawFindings) {
      frame.sawFindings = true;
      const owner = frame.owner;
      this.frames.push({
        type: 'items',
        where: `${owner.where}/detail/findings`,
        index: 0,
        take: (value, where) =>
          Object.hasOwn(owner.fields, 'time') ? this.emit(eventItem(owner, value, where)) : owner.pending.push([value, where]),
      });
      return;
    }
    this.assemble(token, 0, () => {});
  }

  private finishObject(frame: SpineObject): void {
    if (frame.streamed === 'detail') {
      for (const [value, where] of frame.pending) this.emit(eventItem(frame, value, where));
      frame.pending = [];
    } else if (frame.streamed !== 'findings') {
      if (frame.oversized) this.tooLarge(frame.where);
      else this.emitAll(extractFindings(frame.fields, frame.where, frame.depth));
    }
  }

  private assemble(token: JsonToken, budget: number, deliver: Deliver): void {
    const assembler = new ValueAssembler(budget);
    if (assembler.consume(token)) deliver(assembler.value, assembler.oversized, assembler.size);
    else {
      this.assembler = assembler;
      this.deliver = deliver;
    }
  }

  private emitAll(items: Iterable<Extracted>): void {
    for (const item of items) this.emit(item);
  }

  private invalid(where: string, reason: string): void {
    this.emit({ kind: 'invalid', where, reason });
  }

  private tooLarge(where: string): void {
    this.invalid(where, `larger than ${Math.round(this.maxItemChars / 1_048_576)} MiB (a Security Hub finding is at most 240 KB)`);
  }
}

function eventItem(event: SpineObject, value: unknown, where: string): Extracted {
  return extractEventItem(value, where, str(event.fields['detail-type']) ?? '', instant(event.fields.time));
}
