/** Durations in policies: "30m", "12h", "5d", "2w" (and "0d"). */

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
const DURATION = /^(\d{1,6})([mhdw])$/;

/** Parses a duration into milliseconds, or returns undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

/** Formats milliseconds for people: "3 days", "5 hours", "12 minutes". */
export function formatDuration(ms: number): string {
  const abs = Math.max(0, ms);
  const [value, unit] =
    abs >= 86_400_000
      ? [Math.floor(abs / 86_400_000), 'day']
      : abs >= 3_600_000
        ? [Math.floor(abs / 3_600_000), 'hour']
        : [Math.floor(abs / 60_000), 'minute'];
  return `${value} ${unit}${value === 1 ? '' : 's'}`;
}
