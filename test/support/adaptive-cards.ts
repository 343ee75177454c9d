import { createRequire } from 'node:module';

type AdaptiveCardsLibrary = typeof import('adaptivecards');

/**
 * Microsoft's Adaptive Cards library (v3), from its self-contained bundle:
 * the package's ES modules import their siblings without file extensions,
 * which Node does not resolve, while the bundle loads in Node and parses
 * and validates cards without a DOM. Rendering needs a browser.
 */
export const AdaptiveCards = createRequire(import.meta.url)('adaptivecards/dist/adaptivecards.js') as AdaptiveCardsLibrary;

/** The bundle itself, for loading into a page. */
export const ADAPTIVE_CARDS_BUNDLE = createRequire(import.meta.url).resolve('adaptivecards/dist/adaptivecards.js');

/**
 * Everything the library reports about a card, as "Event: message": what
 * parsing a card for schema 1.4 logged (unknown elements, versions above
 * 1.4, bad values) and what `validateProperties` found. Empty for a card
 * Microsoft's renderer takes as it is.
 */
export function cardProblems(json: unknown): string[] {
  const card = new AdaptiveCards.AdaptiveCard();
  const context = new AdaptiveCards.SerializationContext(AdaptiveCards.Versions.v1_4);
  card.parse(json, context);
  const parsed = Array.from({ length: context.eventCount }, (_, i) => context.getEventAt(i));
  const validated = card.validateProperties().validationEvents;
  return [...parsed, ...validated].map((event) => `${AdaptiveCards.ValidationEvent[event.event]}: ${event.message}`);
}
