import * as z from '../zod.js';
import { canonicalTimeZone, type LocalDay, localDayOf, weekdayOf, zonedInstant } from './zoned-time.js';

/**
 * When a digest goes out: every day or every week, at a time of day in the
 * recipient's time zone. The schema is what a policy rule's `notify.digest`
 * holds; the functions find the scheduled moments around an instant,
 * following the zone across daylight-saving changes (an 08:00 Europe/Madrid
 * digest is 07:00 UTC in winter and 06:00 UTC in summer).
 */

export const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface DigestSchedule {
  every: '1d' | '1w';
  /** Time of day, "HH:MM" (00:00–23:59), on the zone's clock. */
  at: string;
  /** Canonical IANA name, e.g. "Europe/Madrid". */
  timeZone: string;
  /** The day of a weekly digest; none for a daily one. */
  weekday?: Weekday;
}

/** A rule's digest settings, as validated. */
export interface DigestSettings {
  schedule: DigestSchedule;
  /** At most this many findings listed per section; the rest are counted. */
  maxItems: number;
  /** Send a digest with nothing new, fixed or open (else none goes out). */
  sendEmpty: boolean;
}

const TIME_OF_DAY = /^([01]\d|2[0-3]):[0-5]\d$/;

const weekday = z.pipe(
  z.string({ error: `expected a day of the week (${WEEKDAYS.join(', ')})` }),
  z.transform((text: string, ctx) => {
    const lower = text.toLowerCase();
    if ((WEEKDAYS as readonly string[]).includes(lower)) return lower as Weekday;
    ctx.issues.push({ code: 'custom', message: `expected a day of the week (${WEEKDAYS.join(', ')})`, input: text });
    return z.NEVER;
  }),
);

const timeZone = z.pipe(
  z.string({ error: 'expected an IANA time zone like "Europe/Madrid" or "UTC"' }),
  z.transform((text: string, ctx) => {
    const canonical = canonicalTimeZone(text);
    if (canonical) return canonical;
    ctx.issues.push({ code: 'custom', message: `expected an IANA time zone like "Europe/Madrid" or "UTC", got "${text}"`, input: text });
    return z.NEVER;
  }),
);

/**
 * `notify.digest` of a policy rule: `{ every: 1d | 1w, at: "08:00",
 * timezone: Europe/Madrid, weekday: monday, max_items: 50, send_empty: false }`,
 * every field optional (defaults: daily at 08:00 UTC, Mondays for a weekly
 * digest, 50 items, no empty digests). Issues carry the field's path, so the
 * policy's messages read e.g. `rules[0].notify.digest.timezone: expected an
 * IANA time zone …`.
 */
export const digestSettingsSchema = z.pipe(
  z
    .strictObject({
      every: z._default(z.enum(['1d', '1w'], { error: 'expected 1d (daily) or 1w (weekly)' }), '1d'),
      at: z._default(
        z
          .string({ error: 'expected a time of day "HH:MM"' })
          .check(z.regex(TIME_OF_DAY, { error: 'expected a time of day from "00:00" to "23:59"' })),
        '08:00',
      ),
      timezone: z._default(timeZone, 'UTC'),
      weekday: z.optional(weekday),
      max_items: z._default(
        z
          .int({ error: 'expected a whole number from 1 to 500' })
          .check(
            z.gte(1, { error: 'expected a whole number from 1 to 500' }),
            z.lte(500, { error: 'expected a whole number from 1 to 500' }),
          ),
        50,
      ),
      send_empty: z._default(z.boolean({ error: 'expected true or false' }), false),
    })
    .check(
      z.superRefine((digest, ctx) => {
        if (digest.every === '1d' && digest.weekday !== undefined)
          ctx.addIssue({ code: 'custom', path: ['weekday'], message: 'a weekday goes with a weekly digest (every: 1w)' });
      }),
    ),
  z.transform(
    (digest): DigestSettings => ({
      schedule: {
        every: digest.every,
        at: digest.at,
        timeZone: digest.timezone,
        ...(digest.every === '1w' ? { weekday: digest.weekday ?? 'monday' } : {}),
      },
      maxItems: digest.max_items,
      sendEmpty: digest.send_empty,
    }),
  ),
);

/** A stable name for a schedule, the same for every rule that shares it: "1d@08:00@Europe/Madrid", "1w@monday@08:00@UTC". */
export function scheduleId(schedule: DigestSchedule): string {
  return schedule.every === '1w'
    ? `1w@${schedule.weekday ?? 'monday'}@${schedule.at}@${schedule.timeZone}`
    : `1d@${schedule.at}@${schedule.timeZone}`;
}

/** The schedule's moment on a local day (whether or not the schedule runs that day). */
function momentOn(schedule: DigestSchedule, day: LocalDay): number {
  const [hours, minutes] = schedule.at.split(':').map(Number);
  return zonedInstant(day, hours! * 60 + minutes!, schedule.timeZone);
}

/** The latest day at or before `day` on which the schedule runs. */
function runDayAtOrBefore(schedule: DigestSchedule, day: LocalDay): LocalDay {
  if (schedule.every === '1d') return day;
  const wanted = WEEKDAYS.indexOf(schedule.weekday ?? 'monday');
  return day - ((weekdayOf(day) - wanted + 7) % 7);
}

function stepDays(schedule: DigestSchedule): number {
  return schedule.every === '1w' ? 7 : 1;
}

/** The latest scheduled moment at or before `instant`. */
export function latestMoment(schedule: DigestSchedule, instant: Date): Date {
  let day = runDayAtOrBefore(schedule, localDayOf(instant.getTime(), schedule.timeZone));
  while (momentOn(schedule, day) > instant.getTime()) day -= stepDays(schedule);
  return new Date(momentOn(schedule, day));
}

/** The scheduled moment before `moment` (strictly earlier). */
export function previousMoment(schedule: DigestSchedule, moment: Date): Date {
  return latestMoment(schedule, new Date(moment.getTime() - 1));
}

/** The first scheduled moment after `instant` (strictly later). */
export function nextMoment(schedule: DigestSchedule, instant: Date): Date {
  let day = runDayAtOrBefore(schedule, localDayOf(instant.getTime(), schedule.timeZone));
  while (momentOn(schedule, day) <= instant.getTime()) day += stepDays(schedule);
  return new Date(momentOn(schedule, day));
}
