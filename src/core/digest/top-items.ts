/**
 * The first `capacity` items of a stream in a given order, in memory bounded
 * by `capacity`: a binary heap whose root is the last item kept, so a new
 * item either displaces it or is dropped at once. Lowering the capacity drops
 * the last items; an item dropped can never come back into the first
 * `capacity`, so the result stays exact however the capacity shrinks.
 */
export class TopItems<T> {
  private readonly heap: T[] = [];

  /** `order(a, b)` < 0 when `a` comes before `b`. */
  constructor(
    private capacity: number,
    private readonly order: (a: T, b: T) => number,
  ) {}

  get size(): number {
    return this.heap.length;
  }

  add(item: T): void {
    if (this.heap.length < this.capacity) {
      this.heap.push(item);
      this.up(this.heap.length - 1);
    } else if (this.heap.length > 0 && this.order(item, this.heap[0]!) < 0) {
      this.heap[0] = item;
      this.down(0);
    }
  }

  /** Keeps at most `capacity` items from now on; never raises it. */
  shrinkTo(capacity: number): void {
    if (capacity >= this.capacity) return;
    this.capacity = capacity;
    while (this.heap.length > capacity) {
      const last = this.heap.pop()!;
      if (this.heap.length > 0) {
        this.heap[0] = last;
        this.down(0);
      }
    }
  }

  /** The items kept, first first. */
  sorted(): T[] {
    return [...this.heap].sort(this.order);
  }

  /** Whether heap position `a` should sit above `b`: the later in the order is nearer the root. */
  private above(a: number, b: number): boolean {
    return this.order(this.heap[a]!, this.heap[b]!) > 0;
  }

  private up(index: number): void {
    for (let i = index; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!this.above(i, parent)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(index: number): void {
    for (let i = index; ; ) {
      let top = i;
      for (const child of [2 * i + 1, 2 * i + 2]) if (child < this.heap.length && this.above(child, top)) top = child;
      if (top === i) return;
      this.swap(i, top);
      i = top;
    }
  }

  private swap(a: number, b: number): void {
    const item = this.heap[a]!;
    this.heap[a] = this.heap[b]!;
    this.heap[b] = item;
  }
}
