import { oneLine, truncate } from '../../core/email/escape.js';
import { nextNotification } from '../../core/explain.js';
import { SEVERITIES } from '../../core/finding.js';
import { isDigestRule, matchingRules } from '../../core/policy.js';
import { parseSweepState } from '../../core/sweep/state.js';
import { command, DONE } from '../command.js';
import { composeReader } from '../compose.js';
import { CONFIG_OPTION, nowOf, readerSettings, STATE_OPTION } from '../options.js';

export const statusCommand = command({
  name: 'status',
  summary: 'what the notifier knows: tracked findings, what falls due next, claims, snoozes, cursors',
  usage: '[options]',
  description: `Shows what the state holds: tracked open findings by severity and by rule, the
next notifications that fall due (when, which finding, which rule, to whom),
soonest first, notifications in flight or not yet delivered everywhere,
resolved findings still remembered, the policy's snoozes, and where the sweep
and the poll stand.`,
  options: {
    config: CONFIG_OPTION,
    state: STATE_OPTION,
    now: { type: 'string', value: 'ISO-8601', help: 'as of this time (default: now)' },
    limit: { type: 'string', default: '20', value: 'N', help: 'how many upcoming notifications to list (default 20)' },
    json: { type: 'boolean', default: false, help: 'print one JSON document' },
  },
  async run(values) {
    const now = nowOf(values.now);
    const limit = Math.max(0, Number.parseInt(values.limit, 10) || 0);
    const reader = await composeReader(readerSettings(values));
    try {
      const report = await statusOf(reader, now, limit);
      process.stdout.write(values.json ? `${JSON.stringify(report)}\n` : formatStatus(report));
    } finally {
      await reader.close();
    }
    return DONE;
  },
});

type Reader = Awaited<ReturnType<typeof composeReader>>;
type Status = Awaited<ReturnType<typeof statusOf>>;

/** Gathers the status in one pass over the records. */
async function statusOf({ store, policy, lookupAccount }: Reader, now: Date, limit: number) {
  const bySeverity: Record<string, number> = Object.fromEntries([...SEVERITIES].reverse().map((severity) => [severity, 0]));
  const byRule: Record<string, number> = Object.fromEntries(policy.rules.map((rule) => [rule.name, 0]));
  let open = 0;
  let resolved = 0;
  let snoozed = 0;
  const claims: { key: string; until: string }[] = [];
  const pending: { key: string; kind: string; remaining: string[] }[] = [];
  const upcoming: {
    at: string;
    key: string;
    title: string;
    severity: string;
    account: string;
    rules: string[];
    to: string[];
    destinations: string[];
  }[] = [];
  for await (const record of store.listAll()) {
    if (record.claim && Date.parse(record.claim.until) > now.getTime()) claims.push({ key: record.key, until: record.claim.until });
    if (record.pending) pending.push({ key: record.key, kind: record.pending.notification.kind, remaining: record.pending.remaining });
    if (!record.open) {
      resolved++;
      continue;
    }
    open++;
    const finding = record.snapshot;
    bySeverity[finding.severity] = (bySeverity[finding.severity] ?? 0) + 1;
    if (record.snoozed && Date.parse(record.snoozed.until) > now.getTime()) snoozed++;
    const account = await lookupAccount(finding.account, now);
    for (const rule of matchingRules(policy, finding, account)) byRule[rule.name] = (byRule[rule.name] ?? 0) + 1;
    const next = nextNotification(record, policy, account);
    if (next)
      upcoming.push({
        at: next.at,
        key: record.key,
        title: finding.title,
        severity: finding.severity,
        account: account?.name ? `${account.name} (${finding.account})` : finding.account,
        rules: next.rules,
        to: next.recipients.to,
        destinations: next.recipients.destinations,
      });
  }
  upcoming.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.key < b.key ? -1 : 1));
  const sweep = parseSweepState(await store.getCursor('sweep')).state;
  return {
    at: now.toISOString(),
    tracked: { open, bySeverity, byRule },
    resolvedRemembered: resolved,
    snoozedFindings: snoozed,
    claimsInFlight: claims,
    pendingDeliveries: pending,
    snoozes: policy.snoozes.map((snooze) => ({ ...snooze, active: Date.parse(snooze.until) > now.getTime() })),
    digestRules: policy.rules.filter(isDigestRule).map((rule) => rule.name),
    nextDue: upcoming.slice(0, limit),
    moreDue: Math.max(0, upcoming.length - limit),
    sweep: {
      lastCompleted: sweep.completedAt ?? null,
      inProgress: sweep.run ? { startedAt: sweep.run.startedAt, checked: sweep.run.totals.checked } : null,
    },
    poll: { asff: (await store.getCursor('poll#asff')) ?? null, ocsf: (await store.getCursor('poll#ocsf')) ?? null },
  };
}

function formatStatus(status: Status): string {
  const counts = (record: Record<string, number>) =>
    Object.entries(record)
      .filter(([, n]) => n > 0)
      .map(([name, n]) => `${name} ${n}`)
      .join(' · ') || 'none';
  const lines = [
    `as of ${human(status.at)}`,
    `tracked open findings   ${status.tracked.open}`,
    `  by severity           ${counts(status.tracked.bySeverity)}`,
    `  by rule               ${counts(status.tracked.byRule)}`,
    `resolved, remembered    ${status.resolvedRemembered}`,
    `claims in flight        ${status.claimsInFlight.length}${status.claimsInFlight.map((c) => `\n  ${c.key} until ${human(c.until)}`).join('')}`,
    `not yet delivered       ${status.pendingDeliveries.length}${status.pendingDeliveries.map((p) => `\n  ${p.key} (${p.kind}) to ${p.remaining.join(', ')}`).join('')}`,
    `snoozed findings        ${status.snoozedFindings}`,
  ];
  if (status.snoozes.length > 0) {
    lines.push('snoozes');
    for (const snooze of status.snoozes) lines.push(`  ${snooze.active ? 'until' : 'lapsed'} ${human(snooze.until)}: ${snooze.reason}`);
  }
  lines.push(`next due${status.nextDue.length === 0 ? '                nothing' : ' (soonest first)'}`);
  for (const due of status.nextDue)
    lines.push(
      `  ${human(due.at)}  ${due.severity.padEnd(8)} ${terminalText(due.title, 60)}  [${terminalText(due.account, 80)}]  ${due.rules.join(', ')} -> ${[...due.to, ...due.destinations].join(', ') || 'nobody'}`,
    );
  if (status.moreDue > 0) lines.push(`  … and ${status.moreDue} more (--limit)`);
  const run = status.sweep.inProgress;
  lines.push(
    `sweep                   ${status.sweep.lastCompleted ? `last completed ${human(status.sweep.lastCompleted)}` : 'never completed'}${run ? `; in progress since ${human(run.startedAt)} (${run.checked} checked)` : ''}`,
    `poll                    asff ${status.poll.asff ? human(status.poll.asff) : 'never'}; ocsf ${status.poll.ocsf ? human(status.poll.ocsf) : 'never'}`,
  );
  return `${lines.join('\n')}\n`;
}

/** "2026-01-10 09:00 UTC". */
function human(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** A finding's text for a terminal: one line, no control characters or bidi overrides, at most `max` characters. */
function terminalText(text: string, max: number): string {
  return truncate(oneLine(text), max);
}
