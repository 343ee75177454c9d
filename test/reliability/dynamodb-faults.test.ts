import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsHarness, killedLambdaScenario, lostReplyScenario, startAwsHarness, throttlingScenario } from './support/aws-harness.js';

/**
 * The AWS deployment under DynamoDB faults, against DynamoDB Local, through
 * the real state machine and the real handlers (see support/aws-harness).
 * The soak suite runs the same scenarios bigger.
 */

let harness: AwsHarness;
beforeAll(async () => {
  harness = await startAwsHarness();
});
afterAll(() => harness?.stop());

describe('DynamoDB throttling a share of calls', () => {
  it('sends each due notification once: throttled calls never reached the table, and retries carry them through', async () => {
    // act: 30 findings in 15 events, each event delivered twice, 10 executions at a time
    const run = await throttlingScenario(harness, { findings: 30, share: 0.3, concurrency: 10 });

    // assess
    console.info(`figures: ${JSON.stringify({ ...run.result, ...run.delivery })}`);
    expect(run.counts.throttled).toBeGreaterThan(20);
    expect(run.delivery.undelivered).toBe(0);
    // A copy is possible only where a record update failed for good after its email (the window): none other.
    expect(run.result).toMatchObject({ due: 30, sent: 30, lost: 0, unexplainedDuplicates: 0 });
    expect(run.table).toEqual({ records: 30, notified: 30, claimed: 0 });
  });
});

describe('DynamoDB losing the reply to a write it applied', () => {
  it('sends each due notification once, at once: a worker recognises its own claim, nothing waits for the lease', async () => {
    // act
    const run = await lostReplyScenario(harness, { findings: 40, share: 0.25, concurrency: 8 });

    // assess
    console.info(`figures: ${JSON.stringify({ ...run.result, ...run.delivery })}`);
    expect(run.counts.lostReplies).toBeGreaterThan(5);
    expect(run.result).toMatchObject({ due: 40, sent: 40, duplicated: 0, lost: 0 });
    expect(run.afterLease).toMatchObject({ sent: 40, duplicated: 0 });
    expect(run.table).toEqual({ records: 40, notified: 40, claimed: 0 });
  });
});

describe('a Lambda killed after SES accepted the email and before the record update', () => {
  it('leaves a claim that holds redeliveries off during the lease; after it, the daily run sends once more (the window)', async () => {
    // act
    const run = await killedLambdaScenario(harness, { findings: 20, killed: 5 });

    // assess
    console.info(`figures: ${JSON.stringify({ ...run.result, duringLease: run.duringLease })}`);
    expect(run.counts.crashes).toBe(5);
    expect(run.emailsBeforeDaily).toBe(20);
    expect(run.result).toMatchObject({ due: 20, sent: 20, lost: 0, duplicated: 5, unexplainedDuplicates: 0 });
    for (const finding of run.killed) expect(run.groups.get(`new|${finding.id}`)).toBe(2);
    expect(run.table).toEqual({ records: 20, notified: 20, claimed: 0 });
  });
});
