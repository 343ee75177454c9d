import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/core/duration.js';

describe('durations in policies', () => {
  it('reads minutes, hours, days and weeks', () => {
    expect(parseDuration('30m')).toBe(30 * 60_000);
    expect(parseDuration('12h')).toBe(12 * 3_600_000);
    expect(parseDuration('5d')).toBe(5 * 86_400_000);
    expect(parseDuration('2w')).toBe(14 * 86_400_000);
    expect(parseDuration('0d')).toBe(0);
  });

  it('rejects anything else', () => {
    for (const text of ['15', 'd', '1.5d', '-1d', '15 days', '1y', '']) expect(parseDuration(text)).toBeUndefined();
  });

  it('formats for people', () => {
    expect(formatDuration(86_400_000 * 16 + 5)).toBe('16 days');
    expect(formatDuration(3_600_000)).toBe('1 hour');
    expect(formatDuration(59_000)).toBe('0 minutes');
  });
});
