import type { AccountInfo } from '../core/account.js';
import { claimNonce } from '../core/claim.js';
import { type Digest, DigestCollector, type DueSchedule, isEmptyDigest } from '../core/digest/content.js';
import { renderDigest } from '../core/digest/render.js';
import { type AccountNameOf, type DigestRule, digestRecipients, digestRulesOf, type RecipientsOf } from '../core/digest/rules.js';
import { scheduleId } from '../core/digest/schedule.js';
import {
  claimedPair,
  claimHolds,
  confirmedPair,
  coveredRun,
  DIGEST_KIND,
  DIGEST_RUN_KIND,
  holdsPairClaim,
  knownRecipients,
  latestMoments,
  pairId,
  pairStateOf,
  releasedPair,
  runMomentOf,
  sentFor,
} from '../core/digest/state.js';
import { TransientError } from '../core/errors.js';
import type { Policy } from '../core/policy.js';
import type { Email, Mailer, Runtime, StateStore, StoredDocument } from '../core/ports.js';
import type { AccountLookup } from './account-directory.js';
import { claimWrite, DEFAULT_CLAIM_MS, endClaim, MAX_CLAIM_ATTEMPTS } from './end-claim.js';

/** What building digests needs: the store, the digest rules, and who receives what. */
export interface DigestSource {
  store: StateStore;
  rules: readonly DigestRule[];
  recipientsOf: RecipientsOf;
  accountNameOf: AccountNameOf;
  /**
   * Called once per account before its first record is collected, so that
   * the synchronous `recipientsOf` and `accountNameOf` can answer from what
   * the account directory said (see `digestRecipients`).
   */
  prepareAccount?: (accountId: string) => Promise<void>;
}

/**
 * The digest source of a policy: its digest rules, and recipients and
 * account names from the account directory, looked up once per account.
 */
export function policyDigestSource(
  store: StateStore,
  policy: Policy,
  lookupAccount: (accountId: string) => Promise<AccountInfo | undefined>,
): DigestSource {
  const accounts = new Map<string, AccountInfo | undefined>();
  return {
    store,
    rules: digestRulesOf(policy),
    recipientsOf: digestRecipients(policy, (id) => accounts.get(id)),
    accountNameOf: (id) => accounts.get(id)?.name,
    async prepareAccount(id) {
      if (!accounts.has(id)) accounts.set(id, await lookupAccount(id));
    },
  };
}

/**
 * The use case "send the policy's digests", as `tick` and the daily job run
 * it: the digests due at `now`, with recipients and account names from the
 * account directory; undefined when the policy has no digest rules.
 */
export async function sendPolicyDigests(
  deps: Pick<DigestDeps, 'store' | 'mailer' | 'runtime' | 'consoleRegion' | 'onProblem'> & { policy: Policy; lookupAccount: AccountLookup },
  now: Date,
): Promise<DigestCounts | undefined> {
  const { store, policy, lookupAccount, mailer, runtime, consoleRegion, onProblem } = deps;
  const source = policyDigestSource(store, policy, (id) => lookupAccount(id, now));
  if (source.rules.length === 0) return undefined;
  return sendDueDigests({ ...source, mailer, runtime, sender: policy.sender, consoleRegion, onProblem }, now);
}

/** What sending them needs on top. */
export interface DigestDeps extends DigestSource {
  mailer: Mailer;
  runtime: Runtime;
  sender: string;
  /** How long a claim protects a digest in flight before another worker may take over. */
  claimMs?: number;
  /** Build and count, but neither send nor write. */
  dryRun?: boolean;
  /** The Region whose console "N more" links open. */
  consoleRegion?: string;
  /** Told of each digest that could not be sent (it is sent by a later run). */
  onProblem?: (message: string) => void;
}

export interface DigestCounts {
  sent: number;
  /** Could not be sent; nothing recorded, so a later run sends them. */
  failed: number;
  /** Nothing new, fixed or open, and no rule asked for empty digests. */
  skippedEmpty: number;
  /** Another worker holds the claim. */
  inFlight: number;
  /** Sent by another worker for this moment already. */
  alreadySent: number;
}

type Outcome = keyof DigestCounts;

export function emptyDigestCounts(): DigestCounts {
  return { sent: 0, failed: 0, skippedEmpty: 0, inFlight: 0, alreadySent: 0 };
}

/**
 * The use case "send the digests that are due": for each schedule whose
 * latest moment at or before `now` was not yet covered, one pass over the
 * records builds every recipient's digest, and each goes out exactly once
 * per period — claim the (schedule, recipient) document, send, confirm the
 * moment; a failed send releases it for the next run; a crashed sender's
 * claim expires after the lease. A period the job missed is covered by the
 * next digest, whose period starts at the last one sent. When nothing is
 * due, no record is read.
 */
export async function sendDueDigests(deps: DigestDeps, now: Date): Promise<DigestCounts> {
  const counts = emptyDigestCounts();
  const due = await dueSchedules(deps, now, 'due');
  if (due.length === 0) return counts;
  const waiting: Digest[] = [];
  const failed = new Set<string>();
  for (const digest of await collectDigests(deps, due)) {
    const outcome = await deliver(deps, digest);
    counts[outcome]++;
    if (outcome === 'failed') failed.add(digest.scheduleId);
    if (outcome === 'inFlight') waiting.push(digest);
  }
  if (!deps.dryRun) await settleRuns(deps.store, due, failed, waiting);
  return counts;
}

/**
 * Every recipient's digest of every schedule at its latest moment at or
 * before `now`, whether or not it was sent (a digest already sent for that
 * moment is built over one period), for previewing.
 */
export async function previewDigests(source: DigestSource, now: Date): Promise<Digest[]> {
  return collectDigests(source, await dueSchedules(source, now, 'all'));
}

/** The schedules to build: those not covered for their latest moment (or all), with what their documents know of recipients. */
async function dueSchedules(source: DigestSource, now: Date, which: 'due' | 'all'): Promise<DueSchedule[]> {
  const moments = [];
  for (const latest of latestMoments(source.rules, now)) {
    const covered = runMomentOf(await source.store.getDocument(DIGEST_RUN_KIND, latest.id));
    if (which === 'all' || covered === undefined || covered < latest.moment.getTime()) moments.push({ ...latest, covered });
  }
  if (moments.length === 0) return [];
  const pairs: StoredDocument[] = [];
  for await (const document of source.store.listDocuments(DIGEST_KIND)) pairs.push(document);
  return moments.map(({ id, schedule, moment, covered }) => {
    const known = knownRecipients(id, pairs);
    if (which === 'all') for (const [address, state] of known) if (state.lastSent >= moment) known.delete(address);
    return { schedule, moment, known, ...(covered === undefined ? {} : { coveredAt: new Date(covered) }) };
  });
}

/** One pass over every record, tombstones included. */
async function collectDigests(source: DigestSource, due: DueSchedule[]): Promise<Digest[]> {
  if (due.length === 0) return [];
  const collector = new DigestCollector(source.rules, due, source.recipientsOf, source.accountNameOf);
  const prepared = new Set<string>();
  for await (const record of source.store.listAll()) {
    const account = record.snapshot.account;
    if (source.prepareAccount && !prepared.has(account)) {
      prepared.add(account);
      await source.prepareAccount(account);
    }
    collector.add(record);
  }
  return collector.finish();
}

/** Claim → send → confirm for one digest; a failed send releases the claim. */
async function deliver(deps: DigestDeps, digest: Digest): Promise<Outcome> {
  if (isEmptyDigest(digest) && !digest.sendEmpty) return 'skippedEmpty';
  const email = renderDigest({ digest, sender: deps.sender, consoleRegion: deps.consoleRegion });
  if (deps.dryRun) return 'sent';
  const { store, runtime } = deps;
  const claimMs = deps.claimMs ?? DEFAULT_CLAIM_MS;
  const id = pairId(digest.scheduleId, digest.recipient);
  // A claim reported lost may have been applied all the same (a reply lost after the write): if the store holds exactly it, it is ours.
  let unconfirmed: StoredDocument | undefined;
  for (let attempt = 0; attempt < MAX_CLAIM_ATTEMPTS; attempt++) {
    const current = await store.getDocument(DIGEST_KIND, id);
    if (unconfirmed && holdsPairClaim(current, unconfirmed)) return send(deps, digest, email, unconfirmed, claimMs);
    const state = pairStateOf(current);
    if (sentFor(state, digest.moment)) return 'alreadySent';
    if (claimHolds(state, runtime.clock.now())) return 'inFlight';
    const nonce = claimNonce(runtime.random());
    const claimed = claimedPair(id, current, digest.moment, { wallNow: runtime.clock.now(), claimMs, nonce, emailId: email.id });
    if (await claimWrite(() => store.putDocument(DIGEST_KIND, claimed, current?.version)))
      return send(deps, digest, email, claimed, claimMs);
    unconfirmed = claimed;
  }
  deps.onProblem?.(`digest ${id}: its document kept changing; gave up after ${MAX_CLAIM_ATTEMPTS} attempts`);
  return 'failed';
}

async function send(deps: DigestDeps, digest: Digest, email: Email, claimed: StoredDocument, claimMs: number): Promise<Outcome> {
  const { store, runtime } = deps;
  const until = Date.parse(pairStateOf(claimed).claim!.until);
  try {
    await deps.mailer.send(email);
  } catch (error) {
    await endClaim(runtime, until, claimMs, () => store.putDocument(DIGEST_KIND, releasedPair(claimed, digest.moment), claimed.version));
    deps.onProblem?.(`digest ${claimed.id}: sending failed: ${(error as Error).message ?? String(error)}`);
    return 'failed';
  }
  // Losing this race means the claim expired and another worker took over: the documented duplicate window.
  await endClaim(runtime, until, claimMs, () =>
    store.putDocument(DIGEST_KIND, confirmedPair(claimed, digest.moment, digest.rules), claimed.version),
  );
  return 'sent';
}

/**
 * Marks each schedule covered for its moment once every recipient is (sent,
 * skipped, or sent by another worker by now), so later runs in the same
 * period read no records. A schedule with a failed digest stays due.
 */
async function settleRuns(store: StateStore, due: DueSchedule[], failed: Set<string>, waiting: Digest[]): Promise<void> {
  for (const { schedule, moment } of due) {
    const id = scheduleId(schedule);
    if (failed.has(id)) continue;
    let covered = true;
    for (const digest of waiting.filter((d) => d.scheduleId === id)) {
      if (!sentFor(pairStateOf(await store.getDocument(DIGEST_KIND, pairId(id, digest.recipient))), moment)) covered = false;
    }
    if (!covered) continue;
    const before = await store.getDocument(DIGEST_RUN_KIND, id);
    if ((runMomentOf(before) ?? Number.NEGATIVE_INFINITY) >= moment.getTime()) continue;
    try {
      await store.putDocument(DIGEST_RUN_KIND, coveredRun(id, before, moment), before?.version);
    } catch (error) {
      // Only saves a later run a read of the records; that run settles it instead.
      if (!(error instanceof TransientError)) throw error;
    }
  }
}
