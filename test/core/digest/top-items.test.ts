import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TopItems } from '../../../src/core/digest/top-items.js';

const byValue = (a: number, b: number) => a - b;

describe('the first items of a stream in bounded memory', () => {
  it('keeps exactly the first `capacity` items in order, never holding more', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -1000, max: 1000 }), { maxLength: 300 }),
        fc.integer({ min: 1, max: 40 }),
        (values, capacity) => {
          // prepare
          const top = new TopItems(capacity, byValue);
          // act
          let largest = 0;
          for (const value of values) {
            top.add(value);
            largest = Math.max(largest, top.size);
          }
          // assess
          expect(top.sorted()).toEqual([...values].sort(byValue).slice(0, capacity));
          expect(largest).toBeLessThanOrEqual(capacity);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('stays exact when the capacity shrinks part-way through the stream', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 500 }), { maxLength: 200 }),
        fc.array(fc.tuple(fc.nat(200), fc.integer({ min: 1, max: 30 })), { maxLength: 4 }),
        (values, shrinks) => {
          const top = new TopItems<number>(Number.POSITIVE_INFINITY, byValue);
          let capacity = Number.POSITIVE_INFINITY;
          values.forEach((value, i) => {
            for (const [at, to] of shrinks) {
              if (at === i) {
                top.shrinkTo(to);
                capacity = Math.min(capacity, to);
              }
            }
            top.add(value);
          });
          expect(top.sorted()).toEqual([...values].sort(byValue).slice(0, capacity));
        },
      ),
      { numRuns: 200 },
    );
  });
});
