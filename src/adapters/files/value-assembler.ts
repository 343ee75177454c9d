/** A token of stream-json's parser with values streamed in chunks (packValues: false). */
export interface JsonToken {
  name: string;
  value?: unknown;
}

type Container = Record<string, unknown> | unknown[];

/**
 * Builds one JSON value from parser tokens, like JSON.parse would, within a
 * size budget: past `maxChars` (characters of keys, strings and numbers,
 * plus a few per token) it keeps only track of where the value ends, so an
 * oversized or hostile item costs no memory. Keys are always own properties,
 * `__proto__` included, and nesting depth costs no call stack.
 */
export class ValueAssembler {
  /** The finished value, once `consume` returned true (undefined when oversized). */
  value: unknown;
  oversized = false;
  /** What the value has cost so far, in the units of `maxChars`. */
  size = 0;
  private readonly containers: Container[] = [];
  private readonly keys: (string | undefined)[] = [];
  private text = '';
  private depth = 0;

  constructor(private readonly maxChars: number) {}

  /** Feeds one token; true when the value is complete. */
  consume(token: JsonToken): boolean {
    this.size += 4;
    switch (token.name) {
      case 'startObject':
      case 'startArray':
        this.depth++;
        if (!this.oversized) {
          this.containers.push(token.name === 'startObject' ? {} : []);
          this.keys.push(undefined);
        }
        return this.checkSize(false);
      case 'endObject':
      case 'endArray':
        this.depth--;
        this.keys.pop();
        return this.checkSize(this.add(this.containers.pop()));
      case 'startKey':
      case 'startString':
      case 'startNumber':
        this.text = '';
        return false;
      case 'stringChunk':
      case 'numberChunk': {
        const chunk = String(token.value);
        this.size += chunk.length;
        if (!this.checkSize(false) && !this.oversized) this.text += chunk;
        return false;
      }
      case 'endKey':
        if (!this.oversized) this.keys[this.keys.length - 1] = this.text;
        this.text = '';
        return false;
      case 'endString':
        return this.add(this.take());
      case 'endNumber':
        return this.add(Number(this.take()));
      case 'nullValue':
      case 'trueValue':
      case 'falseValue':
        return this.add(token.value);
      default:
        return false;
    }
  }

  private take(): string {
    const text = this.text;
    this.text = '';
    return text;
  }

  /** Adds a finished value to its container; true when it was the whole value. */
  private add(value: unknown): boolean {
    if (this.depth > 0) {
      if (!this.oversized) {
        const parent = this.containers[this.containers.length - 1]!;
        if (Array.isArray(parent)) parent.push(value);
        else setOwn(parent, this.keys[this.keys.length - 1] ?? '', value);
      }
      return false;
    }
    if (!this.oversized) this.value = value;
    return true;
  }

  private checkSize(complete: boolean): boolean {
    if (!this.oversized && this.size > this.maxChars) {
      this.oversized = true;
      this.value = undefined;
      this.containers.length = 0;
      this.keys.length = 0;
      this.text = '';
    }
    return complete;
  }
}

/** Sets an own property, as JSON.parse does, even for `__proto__`. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}
