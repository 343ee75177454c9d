import { BatchUpdateFindingsCommand, BatchUpdateFindingsV2Command } from '@aws-sdk/client-securityhub';
import type { Finding } from '../../core/finding.js';
import type { Notification } from '../../core/notification.js';
import type { FindingSnapshot } from '../../core/record.js';
import { ASFF_NOTIFIED_WORKFLOW_STATUS, OCSF_IN_PROGRESS_STATUS_ID } from '../../core/security-hub/vocabulary.js';
import { asffIdentifier, ocsfIdentifier } from './finding-identifiers.js';
import type { PacedSecurityHub } from './securityhub-client.js';
import { translateError } from './translate-error.js';

/** BatchUpdateFindings and BatchUpdateFindingsV2 take up to 100 findings per call. */
const BATCH = 100;
/** ASFF Note.Text and the OCSF comment hold up to 512 characters. */
const NOTE_MAX = 512;

type Pending = { api: 'asff' | 'ocsf'; note: string; findings: Map<string, Finding | FindingSnapshot> };

/** The note left on a finding: who was told, by which rules. */
function noteFor(notification: Notification): string {
  const what = notification.kind === 'reminder' ? 'Reminder emailed' : 'Emailed';
  const note = `${what} by sechub-alerts to ${notification.to.join(', ')} (rule ${notification.rules.join(', ')})`;
  return note.length <= NOTE_MAX ? note : `${note.slice(0, NOTE_MAX - 1)}…`;
}

/**
 * Security Hub write-back: after an email about a finding, sets its workflow
 * status to NOTIFIED with a note naming the rules and recipients (OCSF: status
 * In Progress and a comment), so people in the console see the team was told.
 * Findings are queued and sent in batches of up to 100 with one note per
 * batch; call `flush` at the end of a run. The client paces and retries
 * (securityhub-client.ts). Failures are logged, never thrown:
 * the email went out, and Security Hub resets NOTIFIED when a finding reopens,
 * so nothing depends on this.
 */
export class SecurityHubWriteBack {
  updated = 0;
  unprocessed = 0;
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly hub: PacedSecurityHub,
    private readonly log: (message: string) => void,
  ) {}

  /** BatchUpdateFindings and BatchUpdateFindingsV2 requests sent so far, retries included. */
  get calls(): number {
    const { byOperation } = this.hub.stats;
    return (byOperation.BatchUpdateFindingsCommand ?? 0) + (byOperation.BatchUpdateFindingsV2Command ?? 0);
  }

  /** The notifier's after-send hook. Resolved emails are left alone: NOTIFIED would reopen the finding's workflow. */
  readonly afterSend = async (finding: Finding | FindingSnapshot, notification: Notification): Promise<void> => {
    if (notification.kind === 'resolved') return;
    const note = noteFor(notification);
    const group = `${finding.format}\n${note}`;
    const entry = this.pending.get(group) ?? { api: finding.format, note, findings: new Map() };
    entry.findings.set(finding.key, finding);
    this.pending.set(group, entry);
    if (entry.findings.size >= BATCH) {
      this.pending.delete(group);
      await this.send(entry);
    }
  };

  /** Sends everything queued. */
  async flush(): Promise<void> {
    const groups = [...this.pending.values()];
    this.pending.clear();
    for (const group of groups) await this.send(group);
  }

  private async send(group: Pending): Promise<void> {
    const findings = [...group.findings.values()];
    for (let i = 0; i < findings.length; i += BATCH) {
      const batch = findings.slice(i, i + BATCH);
      try {
        const result = await this.update(group, batch);
        this.updated += result.processed;
        this.unprocessed += result.unprocessed.length;
        if (result.unprocessed.length > 0)
          this.log(`write-back: ${result.unprocessed.length} finding(s) not updated: ${result.unprocessed.slice(0, 5).join('; ')}`);
      } catch (error) {
        this.unprocessed += batch.length;
        const operation = group.api === 'asff' ? 'BatchUpdateFindings' : 'BatchUpdateFindingsV2';
        this.log(`write-back of ${batch.length} finding(s) failed: ${translateError(error, operation).message}`);
      }
    }
  }

  private async update(group: Pending, batch: (Finding | FindingSnapshot)[]): Promise<{ processed: number; unprocessed: string[] }> {
    if (group.api === 'asff') {
      const output = await this.hub.client.send(
        new BatchUpdateFindingsCommand({
          FindingIdentifiers: batch.map(asffIdentifier),
          Workflow: { Status: ASFF_NOTIFIED_WORKFLOW_STATUS },
          Note: { Text: group.note, UpdatedBy: 'sechub-alerts' },
        }),
      );
      return {
        processed: output.ProcessedFindings?.length ?? 0,
        unprocessed: (output.UnprocessedFindings ?? []).map((u) => `${u.FindingIdentifier?.Id}: ${u.ErrorCode}`),
      };
    }
    const output = await this.hub.client.send(
      new BatchUpdateFindingsV2Command({
        FindingIdentifiers: batch.map(ocsfIdentifier),
        StatusId: OCSF_IN_PROGRESS_STATUS_ID,
        Comment: group.note,
      }),
    );
    return {
      processed: output.ProcessedFindings?.length ?? 0,
      unprocessed: (output.UnprocessedFindings ?? []).map((u) => `${u.FindingIdentifier?.FindingInfoUid}: ${u.ErrorCode}`),
    };
  }
}
