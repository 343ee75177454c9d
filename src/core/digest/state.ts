import { newClaim } from '../claim.js';
import type { StoredDocument } from '../ports.js';
import type { DigestRule } from './rules.js';
import { type DigestSchedule, latestMoment, scheduleId } from './schedule.js';

/**
 * The pure half of sending digests exactly once per period: what is kept per
 * (schedule, recipient) and per schedule, which schedules are due, and the
 * documents of the claim protocol (claim → send → confirm, as for a
 * finding's record). The use case writes them with conditional puts.
 */

/** One document per (schedule, recipient): id "<schedule id>|<recipient>". */
export const DIGEST_KIND = 'digest';
/** One document per schedule: the last moment all of its recipients were covered (a run need not read findings again). */
export const DIGEST_RUN_KIND = 'digest-run';

/**
 * How long a digest document outlives its last write: long enough to span any
 * gap worth spanning, and a recipient who is no longer one is forgotten
 * after it.
 */
export const DIGEST_RETENTION_MS = 400 * 86_400_000;

/** A digest in flight: written before the send, cleared after it. */
export interface DigestClaim {
  id: string;
  /** Wall-clock instant after which another worker may take over. */
  until: string;
  /** The moment of the digest being sent. */
  moment: string;
}

/** What a (schedule, recipient) document holds. */
export interface PairState {
  /** The moment of the last digest sent (ISO-8601): the next one's period starts here. */
  sent?: string;
  /** The rules the last digest was for (so an empty digest reaches a past recipient of a `sendEmpty` rule). */
  rules?: string[];
  claim?: DigestClaim;
}

export function pairId(schedule: string, recipient: string): string {
  return `${schedule}|${recipient}`;
}

/** The deterministic id of one recipient's digest at one moment: a repeat after a crash has the same id. */
export function digestEmailId(schedule: string, recipient: string, moment: Date): string {
  return `digest|${schedule}|${recipient}|${moment.toISOString()}`;
}

/** The state a document holds; an unreadable one reads as empty (the next confirmation rewrites it). */
export function pairStateOf(document: StoredDocument | undefined): PairState {
  if (!document) return {};
  try {
    const value = JSON.parse(document.value) as PairState;
    return typeof value === 'object' && value !== null ? value : {};
  } catch {
    return {};
  }
}

/** The moment of a schedule's last covered run, from its document. */
export function runMomentOf(document: StoredDocument | undefined): number | undefined {
  if (!document) return undefined;
  try {
    const moment = Date.parse((JSON.parse(document.value) as { moment?: string }).moment ?? '');
    return Number.isNaN(moment) ? undefined : moment;
  } catch {
    return undefined;
  }
}

/** Whether the pair's digest for `moment` was already sent. */
export function sentFor(state: PairState, moment: Date): boolean {
  return state.sent !== undefined && Date.parse(state.sent) >= moment.getTime();
}

/** Whether another worker's claim still holds at `wallNow`. */
export function claimHolds(state: PairState, wallNow: Date): boolean {
  return state.claim !== undefined && Date.parse(state.claim.until) > wallNow.getTime();
}

/** Each distinct schedule of the rules, with its latest moment at or before `now`. */
export function latestMoments(rules: readonly DigestRule[], now: Date): { id: string; schedule: DigestSchedule; moment: Date }[] {
  const schedules = new Map<string, DigestSchedule>();
  for (const rule of rules) schedules.set(scheduleId(rule.schedule), rule.schedule);
  return [...schedules].map(([id, schedule]) => ({ id, schedule, moment: latestMoment(schedule, now) }));
}

/** The recipients a schedule's pair documents know: when each last got a digest, and for which rules. */
export function knownRecipients(schedule: string, pairs: readonly StoredDocument[]): Map<string, { lastSent: Date; rules: string[] }> {
  const known = new Map<string, { lastSent: Date; rules: string[] }>();
  const prefix = `${schedule}|`;
  for (const document of pairs) {
    if (!document.id.startsWith(prefix)) continue;
    const state = pairStateOf(document);
    const sent = state.sent === undefined ? Number.NaN : Date.parse(state.sent);
    if (!Number.isNaN(sent)) known.set(document.id.slice(prefix.length), { lastSent: new Date(sent), rules: state.rules ?? [] });
  }
  return known;
}

/** The document written before a send: the state as it was, with this worker's claim. */
export function claimedPair(
  id: string,
  before: StoredDocument | undefined,
  moment: Date,
  claim: { wallNow: Date; claimMs: number; nonce: string; emailId: string },
): StoredDocument {
  const state: PairState = {
    ...pairStateOf(before),
    claim: { ...newClaim(claim.emailId, claim.wallNow, claim.claimMs, claim.nonce), moment: moment.toISOString() },
  };
  return documentOf(id, state, (before?.version ?? 0) + 1, moment);
}

/** The document after the digest was accepted: sent up to its moment, no claim. */
export function confirmedPair(claimed: StoredDocument, moment: Date, rules: readonly string[]): StoredDocument {
  return documentOf(claimed.id, { sent: moment.toISOString(), rules: [...rules] }, claimed.version + 1, moment);
}

/** The document after a failed send: as it was before the claim, so the next run sends. */
export function releasedPair(claimed: StoredDocument, moment: Date): StoredDocument {
  const { claim: _claim, ...state } = pairStateOf(claimed);
  return documentOf(claimed.id, state, claimed.version + 1, moment);
}

/** Whether the stored document is exactly the claim this worker wrote (a write reported lost may have been applied). */
export function holdsPairClaim(stored: StoredDocument | undefined, claimed: StoredDocument): boolean {
  return stored !== undefined && stored.version === claimed.version && pairStateOf(stored).claim?.id === pairStateOf(claimed).claim?.id;
}

/** The schedule's document once every recipient was covered for `moment`. */
export function coveredRun(id: string, before: StoredDocument | undefined, moment: Date): StoredDocument {
  return documentOf(id, { moment: moment.toISOString() }, (before?.version ?? 0) + 1, moment);
}

function documentOf(id: string, value: object, version: number, moment: Date): StoredDocument {
  return { id, value: JSON.stringify(value), version, expiresAt: new Date(moment.getTime() + DIGEST_RETENTION_MS).toISOString() };
}
