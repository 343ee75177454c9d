import { describe, expect, it } from 'vitest';
import { InvalidFindingError, MailDeliveryError, MailRejectedError, StoreError, TransientError } from '../../src/core/errors.js';
import { localWorkflow, renderDefinition, type TaskHandler, taskStates } from '../support/local-workflow.js';

/**
 * The Retry and Catch rules of infra/state-machine.asl.json, with each task
 * replaced by a small function that throws the real error classes (the
 * end-to-end test binds the real handlers).
 */

type Json = Parameters<TaskHandler>[0];
type Script = (input: Record<string, unknown>, call: number) => unknown;

function harness(scripts: { checkRecord?: Script; checkAge?: Script; notify?: Script }) {
  const calls = {
    checkRecord: [] as Record<string, unknown>[],
    checkAge: [] as Record<string, unknown>[],
    notify: [] as Record<string, unknown>[],
  };
  const bind =
    (name: keyof typeof calls, fallback: Script): TaskHandler =>
    async (input: Json) => {
      const record = input as Record<string, unknown>;
      calls[name].push(record);
      return (await (scripts[name] ?? fallback)(record, calls[name].length)) as Json;
    };
  const forward: Script = (input) => ({ action: 'send', key: keyOf(input), now: '2026-01-10T10:00:00Z', finding: {} });
  const workflow = localWorkflow(
    {
      check_record_arn: bind('checkRecord', forward),
      check_age_arn: bind('checkAge', forward),
      notify_arn: bind('notify', (input) => ({ action: 'done', key: input.key, emailed: true })),
    },
    { retryWaitMs: 1 },
  );
  return { calls, execute: (findings: unknown[]) => workflow.execute(event(findings)) };
}

const keyOf = (input: Record<string, unknown>) => (input.finding as { Id?: string } | undefined)?.Id ?? String(input.key);

function event(findings: unknown[]) {
  return {
    version: '0',
    id: 'e1',
    'detail-type': 'Security Hub Findings - Imported',
    source: 'aws.securityhub',
    account: '111122223333',
    time: '2026-01-10T10:00:05Z',
    region: 'us-east-1',
    resources: [],
    detail: { findings },
  };
}

const fail = (error: Error) => () => {
  throw error;
};

describe('the findings workflow definition', () => {
  it('is a JSONPath definition whose three tasks are the templated Lambda ARNs', () => {
    const { definition, arns } = renderDefinition();

    expect(definition.QueryLanguage ?? 'JSONPath').toBe('JSONPath');
    expect(taskStates(definition)).toEqual([
      { name: 'CheckRecord', resource: arns.check_record_arn },
      { name: 'CheckAge', resource: arns.check_age_arn },
      { name: 'Notify', resource: arns.notify_arn },
    ]);
  });

  it('hands check-record each finding with its index, the event time and the detail-type', async () => {
    const { calls, execute } = harness({ checkRecord: () => ({ action: 'skip', outcome: 'suppressed', reason: 'repeat' }) });

    await execute([{ Id: 'a' }, { Id: 'b' }]);

    expect(calls.checkRecord.sort((x, y) => Number(x.index) - Number(y.index))).toEqual([
      { finding: { Id: 'a' }, index: 0, time: '2026-01-10T10:00:05Z', detailType: 'Security Hub Findings - Imported' },
      { finding: { Id: 'b' }, index: 1, time: '2026-01-10T10:00:05Z', detailType: 'Security Hub Findings - Imported' },
    ]);
  });

  it('ends a repeat after check-record: no other task runs', async () => {
    const { calls, execute } = harness({ checkRecord: () => ({ action: 'skip', outcome: 'suppressed', reason: 'repeat' }) });

    const output = await execute([{ Id: 'a' }]);

    expect(output).toEqual({ failed: false, results: [{ action: 'skip', outcome: 'suppressed', reason: 'repeat' }] });
    expect([calls.checkAge.length, calls.notify.length]).toEqual([0, 0]);
  });

  it('ends after check-age when it wrote what was due and no email is', async () => {
    const { calls, execute } = harness({
      checkAge: (input) => ({ action: 'done', key: input.key, outcome: 'resolved', reason: 'closed' }),
    });

    await execute([{ Id: 'a' }]);

    expect([calls.checkRecord.length, calls.checkAge.length, calls.notify.length]).toEqual([1, 1, 0]);
  });

  it('retries a TransientError with backoff and carries on', async () => {
    const { calls, execute } = harness({
      checkRecord: (input, call) =>
        call < 3 ? fail(new TransientError('throttled'))() : { action: 'send', key: keyOf(input), now: 'x', finding: {} },
    });

    const output = await execute([{ Id: 'a' }]);

    expect(calls.checkRecord).toHaveLength(3);
    expect(calls.notify).toHaveLength(1);
    expect(output).toMatchObject({ failed: false });
  });

  it('retries a transient MailDeliveryError in notify until SES accepts the email', async () => {
    const { calls, execute } = harness({
      notify: (input, call) =>
        call < 3 ? fail(new MailDeliveryError('throttled', true))() : { action: 'done', key: input.key, emailed: true },
    });

    await execute([{ Id: 'a' }]);

    expect(calls.notify).toHaveLength(3);
  });

  it('does not retry a MailRejectedError, and fails the execution visibly', async () => {
    const { calls, execute } = harness({ notify: fail(new MailRejectedError('address rejected')) });

    await expect(execute([{ Id: 'a' }])).rejects.toThrow(/could not be handled/);
    expect(calls.notify).toHaveLength(1);
  });

  it('fails the execution after the retries run out', async () => {
    const { calls, execute } = harness({ checkAge: fail(new TransientError('still throttled')) });

    await expect(execute([{ Id: 'a' }])).rejects.toThrow(/could not be handled/);
    expect(calls.checkAge).toHaveLength(7);
  });

  it('lets a bad finding fail only itself: the others go on and the execution succeeds', async () => {
    const { calls, execute } = harness({
      checkRecord: (input) =>
        keyOf(input) === 'bad'
          ? fail(new InvalidFindingError('detail.findings[1]', 'ProductArn is missing'))()
          : { action: 'send', key: keyOf(input), now: 'x', finding: {} },
    });

    const output = await execute([{ Id: 'a' }, { Id: 'bad' }, { Id: 'c' }]);

    expect(output).toMatchObject({
      failed: false,
      results: [{ key: 'a' }, { outcome: 'invalid', error: 'InvalidFindingError' }, { key: 'c' }],
    });
    expect(calls.notify.map((input) => input.key).sort()).toEqual(['a', 'c']);
  });

  it('handles every other finding before failing the execution for one that failed for good', async () => {
    const { calls, execute } = harness({
      checkAge: (input) =>
        input.key === 'b' ? fail(new StoreError('table is gone'))() : { action: 'send', key: input.key, now: 'x', finding: {} },
    });

    await expect(execute([{ Id: 'a' }, { Id: 'b' }, { Id: 'c' }])).rejects.toThrow(/could not be handled/);
    expect(calls.checkAge.filter((input) => input.key === 'b')).toHaveLength(1);
    expect(calls.notify.map((input) => input.key).sort()).toEqual(['a', 'c']);
  });
});
