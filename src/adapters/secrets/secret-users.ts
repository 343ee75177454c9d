import { type Destinations, secretRefsOf } from '../../core/destinations.js';

/** " (used by destinations "a", "b")", or nothing: what a missing secret's message adds so that the policy line is easy to find. */
export function usedBy(secret: string, destinations: Destinations | undefined): string {
  const names = Object.entries(destinations ?? {})
    .filter(([, destination]) => secretRefsOf(destination).some((ref) => ref.secret === secret))
    .map(([name]) => `"${name}"`);
  if (names.length === 0) return '';
  return ` (used by destination${names.length > 1 ? 's' : ''} ${names.join(', ')})`;
}
