/**
 * Wall-clock time in an IANA time zone, from `Intl` alone (no time-zone
 * library, no clock): which local day an instant falls on, and which instant
 * a local day and time of day stand for, across daylight-saving changes.
 */

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** A local calendar day as a number of days since 1970-01-01 (so day arithmetic is integer arithmetic). */
export type LocalDay = number;

const formats = new Map<string, Intl.DateTimeFormat>();

function formatOf(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    formats.set(timeZone, format);
  }
  return format;
}

/**
 * The canonical name of an IANA time zone ("europe/madrid" → "Europe/Madrid"),
 * or undefined when `Intl` does not know it. Offsets such as "+01:00" are not
 * zones: they have no daylight-saving rules, so they are refused too.
 */
export function canonicalTimeZone(name: string): string | undefined {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(name)) return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** The zone's wall clock at an instant, as if that wall clock were UTC (whole seconds): read it with the getUTC… methods. */
export function wallClockMs(instantMs: number, timeZone: string): number {
  const parts: Record<string, string> = {};
  for (const part of formatOf(timeZone).formatToParts(instantMs)) parts[part.type] = part.value;
  const year = parts.era === 'BC' || parts.era === 'B' ? 1 - Number(parts.year) : Number(parts.year);
  return Date.UTC(year, Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
}

/** The zone's offset from UTC at an instant, in milliseconds (Madrid in winter: +3,600,000). */
function offsetAt(instantMs: number, timeZone: string): number {
  return wallClockMs(instantMs, timeZone) - Math.floor(instantMs / 1000) * 1000;
}

/** The local day an instant falls on in the zone. */
export function localDayOf(instantMs: number, timeZone: string): LocalDay {
  return Math.floor(wallClockMs(instantMs, timeZone) / DAY_MS);
}

/** Day of the week of a local day: 0 Sunday … 6 Saturday. */
export function weekdayOf(day: LocalDay): number {
  return (((day + 4) % 7) + 7) % 7;
}

/**
 * The instant at which the zone's clocks show `minuteOfDay` on `day`. A local
 * time that does not exist (skipped when clocks go forward) becomes the first
 * instant after it, the moment of the change; a local time that happens twice
 * (when clocks go back) is its first occurrence.
 */
export function zonedInstant(day: LocalDay, minuteOfDay: number, timeZone: string): number {
  const wall = day * DAY_MS + minuteOfDay * MINUTE_MS;
  const offsets = new Set([offsetAt(wall - DAY_MS, timeZone), offsetAt(wall, timeZone), offsetAt(wall + DAY_MS, timeZone)]);
  const valid = [...offsets].map((offset) => wall - offset).filter((instant) => offsetAt(instant, timeZone) === wall - instant);
  if (valid.length > 0) return Math.min(...valid);
  // In a gap: the offset before the change puts the instant after it, the offset after puts it before. Search between.
  const before = offsetAt(wall - DAY_MS, timeZone);
  const after = offsetAt(wall + DAY_MS, timeZone);
  let low = Math.floor((wall - after) / 1000);
  let high = Math.ceil((wall - before) / 1000);
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (offsetAt(middle * 1000, timeZone) === before) low = middle;
    else high = middle;
  }
  return high * 1000;
}
