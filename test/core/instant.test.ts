import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { instant } from '../../src/core/normalize/read.js';

/** What `instant` did before it had a fast path for timestamps already normalised: a round trip through Date. */
function throughDate(value: string): string | undefined {
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

const pad = (value: number, width: number) => String(value).padStart(width, '0');

/** `YYYY-MM-DDTHH:MM:SS[.sss]Z` with every field allowed one step out of its range, so that invalid dates are drawn too. */
const isoLike = fc
  .record({
    year: fc.integer({ min: 0, max: 9999 }),
    month: fc.integer({ min: 0, max: 13 }),
    day: fc.integer({ min: 0, max: 32 }),
    hour: fc.integer({ min: 0, max: 24 }),
    minute: fc.integer({ min: 0, max: 60 }),
    second: fc.integer({ min: 0, max: 60 }),
    millis: fc.option(fc.integer({ min: 0, max: 999 })),
  })
  .map(
    (t) =>
      `${pad(t.year, 4)}-${pad(t.month, 2)}-${pad(t.day, 2)}T${pad(t.hour, 2)}:${pad(t.minute, 2)}:${pad(t.second, 2)}${t.millis === null ? '' : `.${pad(t.millis, 3)}`}Z`,
  );

describe('reading a timestamp', () => {
  it('gives what Date gives for every ISO-8601 timestamp, real or impossible (30 February, hour 24, second 60)', () => {
    fc.assert(
      fc.property(isoLike, (value) => {
        expect(instant(value)).toBe(throughDate(value));
      }),
      { numRuns: 20_000 },
    );
  });

  it('keeps a normalised timestamp as it is and adds the milliseconds to one without them', () => {
    expect(instant('2024-02-29T23:59:59.999Z')).toBe('2024-02-29T23:59:59.999Z');
    expect(instant('2026-01-10T10:00:05Z')).toBe('2026-01-10T10:00:05.000Z');
    // Date rolls these over to the next day; so does `instant`, as it always did.
    expect(instant('2023-02-29T00:00:00.000Z')).toBe('2023-03-01T00:00:00.000Z');
    expect(instant('2026-01-10T24:00:00.000Z')).toBe('2026-01-11T00:00:00.000Z');
  });

  it('leaves other forms to Date: offsets, fractions of other lengths, lower case, dates alone, epoch milliseconds', () => {
    for (const value of [
      '2026-01-10T10:00:05+02:00',
      '2026-01-10T10:00:05.5Z',
      '2026-01-10T10:00:05.123456Z',
      '2026-01-10t10:00:05.000z',
      '2026-01-10',
      '+012026-01-10T10:00:05.000Z',
      '2026-01-10 10:00:05Z',
    ]) {
      expect(instant(value), value).toBe(throughDate(value));
    }
    expect(instant(1768039205000)).toBe('2026-01-10T10:00:05.000Z');
    expect(instant('not a time')).toBeUndefined();
  });
});
