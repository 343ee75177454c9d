import { describe, expect, it } from 'vitest';
import {
  type DigestSchedule,
  digestSettingsSchema,
  latestMoment,
  nextMoment,
  previousMoment,
  scheduleId,
} from '../../../src/core/digest/schedule.js';

const daily = (at: string, timeZone: string): DigestSchedule => ({ every: '1d', at, timeZone });
const weekly = (weekday: DigestSchedule['weekday'], at: string, timeZone: string): DigestSchedule => ({
  every: '1w',
  at,
  timeZone,
  weekday,
});
const iso = (date: Date) => date.toISOString();

/** Every issue as "path: message". */
function issuesOf(document: unknown): string[] {
  const result = digestSettingsSchema.safeParse(document);
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('the digest settings schema', () => {
  it('applies the defaults: daily at 08:00 UTC, 50 items, no empty digests', () => {
    // act
    const settings = digestSettingsSchema.parse({});
    // assess
    expect(settings).toEqual({ schedule: { every: '1d', at: '08:00', timeZone: 'UTC' }, maxItems: 50, sendEmpty: false });
  });

  it('makes a weekly digest go out on Mondays unless told otherwise, and spells the zone canonically', () => {
    expect(digestSettingsSchema.parse({ every: '1w', timezone: 'europe/madrid' }).schedule).toEqual({
      every: '1w',
      at: '08:00',
      timeZone: 'Europe/Madrid',
      weekday: 'monday',
    });
    expect(digestSettingsSchema.parse({ every: '1w', weekday: 'Friday', at: '17:30' }).schedule.weekday).toBe('friday');
  });

  it('names the field and what was expected, for every bad field at once', () => {
    // prepare
    const document = { every: '2d', at: '24:00', timezone: 'Mars/Olympus_Mons', max_items: 0, send_empty: 'yes' };
    // act
    const issues = issuesOf(document);
    // assess
    expect(issues).toEqual([
      'every: expected 1d (daily) or 1w (weekly)',
      'at: expected a time of day from "00:00" to "23:59"',
      'timezone: expected an IANA time zone like "Europe/Madrid" or "UTC", got "Mars/Olympus_Mons"',
      'max_items: expected a whole number from 1 to 500',
      'send_empty: expected true or false',
    ]);
  });

  it.each([
    ['a time without minutes', { at: '8' }, 'at: expected a time of day from "00:00" to "23:59"'],
    ['a time past midnight', { at: '23:60' }, 'at: expected a time of day from "00:00" to "23:59"'],
    [
      'an offset instead of a zone',
      { timezone: '+01:00' },
      'timezone: expected an IANA time zone like "Europe/Madrid" or "UTC", got "+01:00"',
    ],
    [
      'a weekday that is not one',
      { every: '1w', weekday: 'funday' },
      'weekday: expected a day of the week (sunday, monday, tuesday, wednesday, thursday, friday, saturday)',
    ],
    ['a weekday on a daily digest', { weekday: 'monday' }, 'weekday: a weekday goes with a weekly digest (every: 1w)'],
    ['more than 500 items', { max_items: 501 }, 'max_items: expected a whole number from 1 to 500'],
    ['a fraction of an item', { max_items: 2.5 }, 'max_items: expected a whole number from 1 to 500'],
  ])('refuses %s', (_what, document, issue) => {
    expect(issuesOf(document)).toEqual([issue]);
  });

  it('accepts the limits: 00:00, 23:59, 1 and 500 items', () => {
    expect(issuesOf({ at: '00:00', max_items: 1 })).toEqual([]);
    expect(issuesOf({ at: '23:59', max_items: 500 })).toEqual([]);
  });
});

describe('schedule ids', () => {
  it('are stable and say period, weekday, time and zone', () => {
    expect(scheduleId(daily('08:00', 'Europe/Madrid'))).toBe('1d@08:00@Europe/Madrid');
    expect(scheduleId(weekly('monday', '08:00', 'UTC'))).toBe('1w@monday@08:00@UTC');
    expect(scheduleId(digestSettingsSchema.parse({ every: '1w', timezone: 'utc' }).schedule)).toBe('1w@monday@08:00@UTC');
  });
});

describe('scheduled moments in a time zone', () => {
  const madrid = daily('08:00', 'Europe/Madrid');

  it('puts 08:00 Madrid at 07:00 UTC in winter and 06:00 UTC in summer', () => {
    expect(iso(latestMoment(madrid, new Date('2026-01-15T12:00:00Z')))).toBe('2026-01-15T07:00:00.000Z');
    expect(iso(latestMoment(madrid, new Date('2026-07-15T12:00:00Z')))).toBe('2026-07-15T06:00:00.000Z');
  });

  it('counts a moment as at-or-before itself, and the day before a minute earlier', () => {
    expect(iso(latestMoment(madrid, new Date('2026-01-15T07:00:00Z')))).toBe('2026-01-15T07:00:00.000Z');
    expect(iso(latestMoment(madrid, new Date('2026-01-15T06:59:59.999Z')))).toBe('2026-01-14T07:00:00.000Z');
  });

  it('follows the clocks forward in spring: the day before is 07:00 UTC, the day itself 06:00 UTC (a period of 23 hours)', () => {
    // prepare: clocks go from 02:00 to 03:00 in Madrid on Sunday 29 March 2026
    const sunday = latestMoment(madrid, new Date('2026-03-29T12:00:00Z'));
    // act
    const saturday = previousMoment(madrid, sunday);
    const monday = nextMoment(madrid, sunday);
    // assess
    expect([iso(saturday), iso(sunday), iso(monday)]).toEqual([
      '2026-03-28T07:00:00.000Z',
      '2026-03-29T06:00:00.000Z',
      '2026-03-30T06:00:00.000Z',
    ]);
    expect(sunday.getTime() - saturday.getTime()).toBe(23 * 3_600_000);
  });

  it('follows the clocks back in autumn: 06:00 UTC, then 07:00 UTC (a period of 25 hours)', () => {
    // prepare: clocks go from 03:00 back to 02:00 in Madrid on Sunday 25 October 2026
    const sunday = latestMoment(madrid, new Date('2026-10-25T12:00:00Z'));
    const saturday = previousMoment(madrid, sunday);
    expect([iso(saturday), iso(sunday)]).toEqual(['2026-10-24T06:00:00.000Z', '2026-10-25T07:00:00.000Z']);
    expect(sunday.getTime() - saturday.getTime()).toBe(25 * 3_600_000);
  });

  it('moves a local time that does not exist on the spring-forward day to the first instant after it (03:00)', () => {
    const skipped = daily('02:30', 'Europe/Madrid');
    expect(iso(latestMoment(skipped, new Date('2026-03-29T12:00:00Z')))).toBe('2026-03-29T01:00:00.000Z');
    expect(iso(latestMoment(skipped, new Date('2026-03-30T12:00:00Z')))).toBe('2026-03-30T00:30:00.000Z');
  });

  it('takes the first of the two 02:30s on the fall-back day', () => {
    const twice = daily('02:30', 'Europe/Madrid');
    expect(iso(latestMoment(twice, new Date('2026-10-25T12:00:00Z')))).toBe('2026-10-25T00:30:00.000Z');
  });

  it('follows a zone of the southern hemisphere and one whose clocks change at midnight', () => {
    // Sydney: clocks forward on 4 October 2026 (AEST +10 → AEDT +11).
    const sydney = daily('08:00', 'Australia/Sydney');
    const sunday = latestMoment(sydney, new Date('2026-10-03T23:00:00Z'));
    expect([iso(previousMoment(sydney, sunday)), iso(sunday)]).toEqual(['2026-10-02T22:00:00.000Z', '2026-10-03T21:00:00.000Z']);
    expect(iso(nextMoment(sydney, new Date('2026-10-03T12:00:00Z')))).toBe('2026-10-03T21:00:00.000Z');
    // Santiago: clocks forward at 24:00 on 5 September 2026, so 00:30 on 6 September does not exist and becomes 01:00.
    const santiago = daily('00:30', 'America/Santiago');
    expect(iso(latestMoment(santiago, new Date('2026-09-06T12:00:00Z')))).toBe('2026-09-06T04:00:00.000Z');
  });

  it('runs a weekly digest on its weekday only', () => {
    // prepare: Monday 5 January 2026 08:00 UTC, and Friday 9 January 17:30 Madrid
    const monday = weekly('monday', '08:00', 'UTC');
    const friday = weekly('friday', '17:30', 'Europe/Madrid');
    // act / assess
    expect(iso(latestMoment(monday, new Date('2026-01-08T12:00:00Z')))).toBe('2026-01-05T08:00:00.000Z');
    expect(iso(nextMoment(monday, new Date('2026-01-05T08:00:00Z')))).toBe('2026-01-12T08:00:00.000Z');
    expect(iso(previousMoment(monday, new Date('2026-01-05T08:00:00Z')))).toBe('2025-12-29T08:00:00.000Z');
    expect(iso(latestMoment(friday, new Date('2026-01-12T00:00:00Z')))).toBe('2026-01-09T16:30:00.000Z');
    expect(new Date('2026-01-09T16:30:00Z').getUTCDay()).toBe(5);
  });

  it('crosses the year boundary, daily and weekly', () => {
    expect(iso(previousMoment(madrid, new Date('2026-01-01T07:00:00Z')))).toBe('2025-12-31T07:00:00.000Z');
    expect(iso(nextMoment(madrid, new Date('2025-12-31T07:00:00Z')))).toBe('2026-01-01T07:00:00.000Z');
    // Thursday 1 January 2026: the latest Monday 08:00 UTC is 29 December 2025.
    expect(iso(latestMoment(weekly('monday', '08:00', 'UTC'), new Date('2026-01-01T00:00:00Z')))).toBe('2025-12-29T08:00:00.000Z');
    // Tokyo's 08:00 on 1 January is 23:00 UTC on 31 December.
    expect(iso(latestMoment(daily('08:00', 'Asia/Tokyo'), new Date('2025-12-31T23:30:00Z')))).toBe('2025-12-31T23:00:00.000Z');
  });

  it('places a weekly digest across the spring change at the new offset', () => {
    const sunday = weekly('sunday', '08:00', 'Europe/Madrid');
    expect(iso(previousMoment(sunday, new Date('2026-03-29T06:00:00Z')))).toBe('2026-03-22T07:00:00.000Z');
    expect(iso(nextMoment(sunday, new Date('2026-03-22T07:00:00Z')))).toBe('2026-03-29T06:00:00.000Z');
  });
});
