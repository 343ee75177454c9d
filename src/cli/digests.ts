import { systemRuntime } from '../adapters/system/runtime.js';
import type { AccountLookup } from '../app/account-directory.js';
import { type DigestCounts, policyDigestSource, previewDigests, sendPolicyDigests } from '../app/digest.js';
import type { Digest } from '../core/digest/content.js';
import { renderDigest } from '../core/digest/render.js';
import { digestRulesOf } from '../core/digest/rules.js';
import { SechubAlertsError } from '../core/errors.js';
import type { Policy } from '../core/policy.js';
import type { Email, Mailer, StateStore } from '../core/ports.js';
import { openReader } from './compose.js';
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
 * latest scheduled moment at or before `now`, from the state (a SQLite file
 * or a deployment's table, opened as every command opens it), whether or not
 * it was sent. Recipients and names come from the policy's account directory
 * (`lookupAccount`, when given, stands in for it). Throws when the policy has
 * no digest rules, before opening the state, or when nothing makes a digest.
 */
export async function previewLocalDigest(options: {
  statePath: string;
  policy: Policy;
  lookupAccount?: AccountLookup;
  now: Date;
  recipient?: string;
}): Promise<Email> {
  if (digestRulesOf(options.policy).length === 0)
    throw new UsageError('--digest: the policy has no digest rules (a rule with notify.digest)');
  const reader = await openReader(options.policy, options.statePath);
  const lookupAccount = options.lookupAccount ?? reader.lookupAccount;
  let digests: Digest[];
  try {
    digests = await previewDigests(
      policyDigestSource(reader.store, options.policy, (id) => lookupAccount(id, options.now)),
      options.now,
    );
  } finally {
    await reader.close();
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
