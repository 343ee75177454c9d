import { SqliteFindingStore } from '../adapters/sqlite/sqlite-finding-store.js';
import { systemRuntime } from '../adapters/system/runtime.js';
import type { AccountLookup } from '../app/account-directory.js';
import { type DigestCounts, policyDigestSource, previewDigests, sendPolicyDigests } from '../app/digest.js';
import type { Digest } from '../core/digest/content.js';
import { renderDigest } from '../core/digest/render.js';
import { SechubAlertsError } from '../core/errors.js';
import type { Policy } from '../core/policy.js';
import type { Email, Mailer, StateStore } from '../core/ports.js';
import { UsageError } from './usage-error.js';

/**
 * Digests on the command line: `tick` sends those that are due, `preview
 * --digest` renders one. Recipients and account names come from the account
 * directory (owners, fallbacks, names).
 */

/** Where the console links of "N more" lead: the Region the AWS settings name, if any. */
const consoleRegion = () => process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;

/** The digests due at `now`; undefined when the policy has no digest rules. */
export async function sendLocalDigests(
  local: { store: StateStore; mailer: Mailer; policy: Policy; lookupAccount: AccountLookup },
  now: Date,
): Promise<DigestCounts | undefined> {
  const { store, mailer, policy, lookupAccount } = local;
  const onProblem = (message: string) => process.stderr.write(`${message}\n`);
  return sendPolicyDigests(
    { store, mailer, policy, lookupAccount, runtime: systemRuntime, consoleRegion: consoleRegion(), onProblem },
    now,
  );
}

/** One line about the digests of a run, for people. */
export function digestLine(counts: DigestCounts): string {
  const parts = [`${counts.sent} sent`, `${counts.failed} failed`, `${counts.skippedEmpty} empty (not sent)`];
  if (counts.inFlight > 0) parts.push(`${counts.inFlight} being sent by another run`);
  return `digests: ${parts.join(', ')}\n`;
}

/**
 * The digest of `recipient` (default: the first in address order) at the
 * latest scheduled moment at or before `now`, from the state file, whether
 * or not it was sent. Throws when the policy has no digest rules or nothing
 * makes a digest.
 */
export async function previewLocalDigest(options: {
  statePath: string;
  policy: Policy;
  lookupAccount: AccountLookup;
  now: Date;
  recipient?: string;
}): Promise<Email> {
  const store = new SqliteFindingStore(options.statePath);
  const source = policyDigestSource(store, options.policy, (id) => options.lookupAccount(id, options.now));
  let digests: Digest[];
  try {
    if (source.rules.length === 0) throw new UsageError('--digest: the policy has no digest rules (a rule with notify.digest)');
    digests = await previewDigests(source, options.now);
  } finally {
    await store.close();
  }
  const wanted = options.recipient?.toLowerCase();
  const digest = digests
    .filter((candidate) => wanted === undefined || candidate.recipient === wanted)
    .sort((a, b) => (a.recipient < b.recipient ? -1 : a.recipient > b.recipient ? 1 : 0))[0];
  if (!digest) {
    const whom = wanted ? ` for ${wanted}` : '';
    throw new SechubAlertsError(`no digest to preview${whom}: no digest rule collects a finding for them in ${options.statePath}`);
  }
  return renderDigest({ digest, sender: options.policy.sender, consoleRegion: consoleRegion() });
}
