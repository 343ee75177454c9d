import { readInputs } from '../../adapters/files/read-inputs.js';
import { formatDuration } from '../../core/duration.js';
import { oneLine, truncate } from '../../core/email/escape.js';
import { InvalidFindingError } from '../../core/errors.js';
import { type Explanation, explain } from '../../core/explain.js';
import type { FindingSnapshot, TrackedRecord } from '../../core/record.js';
import { command, DONE } from '../command.js';
import { composeReader } from '../compose.js';
import { CONFIG_OPTION, nowOf, readerSettings, STATE_OPTION } from '../options.js';
import { reportInvalid } from '../report.js';
import { UsageError } from '../usage-error.js';

export const explainCommand = command({
  name: 'explain',
  summary: 'why a finding was (or was not) notified, and what would happen now',
  usage: '[options] (INPUT | --id FINDING_ID)',
  description: `Explains one finding: how it was read (product, standards, severity, open or
closed and why), each rule of the policy (matches or not, and which field did
not match; when it last notified the finding and when it is next due), a
snooze that silences it, what the state remembers of it, and what "process"
would do with it now, and why. The finding comes from the first finding in
INPUT (any form "process" reads), or from the stored snapshot with --id
(a finding id, or the key "account|product|id").`,
  options: {
    id: { type: 'string', value: 'FINDING_ID', help: 'explain the stored finding with this id (or key)' },
    now: { type: 'string', value: 'ISO-8601', help: 'as of this time (default: now)' },
    config: CONFIG_OPTION,
    state: STATE_OPTION,
    json: { type: 'boolean', default: false, help: 'print one JSON document' },
  },
  positionals: { min: 0, max: 1, what: 'INPUT' },
  notes: 'Exit codes: 0 explained; 1 no such finding; 2 bad usage or invalid policy.',
  async run(values, positionals) {
    if ((values.id === undefined) === (positionals.length === 0))
      throw new UsageError('explain takes an INPUT or --id FINDING_ID, not both');
    const now = nowOf(values.now);
    const reader = await composeReader(readerSettings(values));
    try {
      const { finding, record } = values.id ? await storedFinding(reader.store, values.id) : await fromInput(positionals[0]!, reader.store);
      const account = await reader.lookupAccount(finding.account, now);
      const explanation = explain({ finding, record, policy: reader.policy, now, wallNow: new Date(), account });
      process.stdout.write(values.json ? `${JSON.stringify(explanation)}\n` : formatExplanation(explanation, now));
    } finally {
      await reader.close();
    }
    return DONE;
  },
});

type Store = Awaited<ReturnType<typeof composeReader>>['store'];

async function fromInput(input: string, store: Store): Promise<{ finding: FindingSnapshot; record?: TrackedRecord }> {
  for await (const item of readInputs([input])) {
    if (item.kind === 'finding') return { finding: item.finding, record: await store.get(item.finding.key) };
    if (item.kind === 'invalid') reportInvalid(item.where, item.reason);
  }
  throw new InvalidFindingError(input, 'holds no finding to explain');
}

/** The stored snapshot of a finding, by key or by id. */
async function storedFinding(store: Store, id: string): Promise<{ finding: FindingSnapshot; record: TrackedRecord }> {
  const byKey = await store.get(id);
  if (byKey) return { finding: byKey.snapshot, record: byKey };
  for await (const record of store.listAll()) if (record.snapshot.id === id) return { finding: record.snapshot, record };
  throw new InvalidFindingError(`--id ${truncate(oneLine(id), 200)}`, 'no finding with this id or key is stored');
}

function formatExplanation(x: Explanation, now: Date): string {
  const text = (value: string | undefined, max = 200) => truncate(oneLine(value ?? ''), max);
  const f = x.finding;
  const lines = [
    `finding   ${text(f.id, 300)}`,
    `read as   ${f.format.toUpperCase()}, ${text(f.product)} (${text(f.productKey)}), ${f.severity}${f.control ? `, control ${text(f.control)}` : ''}${f.standards.length > 0 ? `, standards ${f.standards.join(', ')}` : ''}`,
    `state     ${f.open ? 'open' : `closed (${text(f.closedBy)})`}; first observed ${f.firstObservedAt}, updated ${f.updatedAt}`,
    `account   ${f.account}${f.accountName ? ` "${text(f.accountName)}"` : ''}${x.account ? `${x.account.ouPath ? `, in ${text(x.account.ouPath)}` : ''}, owners: ${x.account.owners.join(', ') || 'none'}` : ', in no directory: no owners'}`,
    'rules',
  ];
  for (const rule of x.rules) {
    const head = `  ${rule.matches ? 'matches ' : 'no match'}  ${text(rule.name)}${rule.kind === 'digest' ? ' (digest)' : ''}`;
    if (!rule.matches) {
      lines.push(`${head}: ${rule.failed.join(', ')} did not match`);
      continue;
    }
    const to = rule.recipients ? [...rule.recipients.to, ...rule.recipients.destinations].join(', ') || 'nobody' : '';
    const facts = [
      `to ${to}`,
      rule.lastNotifiedAt ? `last notified ${rule.lastNotifiedAt}` : rule.kind === 'notify' ? 'never notified' : undefined,
      rule.collectedSince ? `collected since ${rule.collectedSince}` : undefined,
      rule.nextDueAt
        ? `next due ${rule.nextDueAt}${Date.parse(rule.nextDueAt) <= now.getTime() ? ' (due now)' : ` (in ${formatDuration(Date.parse(rule.nextDueAt) - now.getTime())})`}`
        : undefined,
    ].filter(Boolean);
    lines.push(`${head}: ${facts.join('; ')}`);
  }
  if (x.snooze) lines.push(`snoozed   until ${x.snooze.until}: ${text(x.snooze.reason, 500)}`);
  if (x.record) {
    const r = x.record;
    lines.push(
      `stored    ${r.open ? 'tracked' : 'resolved (tombstone)'}, version ${r.version}, updated ${r.updatedAt}, kept until ${r.expiresAt}` +
        `${r.claim ? `; claimed until ${r.claim.until}` : ''}${r.pending ? `; ${r.pending.notification.kind} not yet delivered to ${r.pending.remaining.join(', ')}` : ''}`,
    );
  } else lines.push('stored    not tracked');
  const n = x.decision.notification;
  lines.push(
    `now       ${x.decision.action === 'send' ? `would send a ${n?.kind} notification to ${[...(n?.to ?? []), ...(n?.destinations ?? [])].join(', ')}` : x.decision.action === 'write' ? 'would update the state, send nothing' : 'would do nothing'}: ${x.decision.reason}`,
  );
  return `${lines.join('\n')}\n`;
}
