import type { Severity } from '../finding.js';
import type { NotificationKind } from '../notification.js';

/** Colours of one email: the badge, the accent bar, the "why" call-out. */
export interface Palette {
  /** Badge background and text. */
  badge: string;
  badgeText: string;
  /** Text colour of the kind label and the call-out's lead; dark enough to read on white. */
  ink: string;
  /** Call-out background. */
  tint: string;
}

/**
 * The colour conventions of security tools: critical dark red, high
 * red-orange, medium amber, low blue, informational grey; a resolved email
 * is green whatever its severity. Badge text meets WCAG AA contrast.
 */
const SEVERITY_PALETTES: Record<Severity, Palette> = {
  CRITICAL: { badge: '#991b1b', badgeText: '#ffffff', ink: '#991b1b', tint: '#fef2f2' },
  HIGH: { badge: '#c2410c', badgeText: '#ffffff', ink: '#c2410c', tint: '#fff7ed' },
  MEDIUM: { badge: '#f59e0b', badgeText: '#1f2937', ink: '#b45309', tint: '#fffbeb' },
  LOW: { badge: '#2563eb', badgeText: '#ffffff', ink: '#1d4ed8', tint: '#eff6ff' },
  INFORMATIONAL: { badge: '#6b7280', badgeText: '#ffffff', ink: '#4b5563', tint: '#f3f4f6' },
};

/** A resolved email greys the severity badge, so that the green "resolved" reads first. */
const RESOLVED_BADGE = { badge: '#e5e7eb', badgeText: '#374151' };
const RESOLVED_INK = '#15803d';
const RESOLVED_TINT = '#f0fdf4';
const RESOLVED_ACCENT = '#16a34a';

/** The badge colours of a severity, and the accent, kind and call-out colours of this kind of email. */
export function paletteFor(severity: Severity, kind: NotificationKind): Palette & { accent: string } {
  const base = Object.hasOwn(SEVERITY_PALETTES, severity) ? SEVERITY_PALETTES[severity] : SEVERITY_PALETTES.INFORMATIONAL;
  if (kind === 'resolved') return { ...RESOLVED_BADGE, ink: RESOLVED_INK, tint: RESOLVED_TINT, accent: RESOLVED_ACCENT };
  return { ...base, accent: base.badge };
}
