import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AwsHarness,
  killedLambdaScenario,
  lostReplyScenario,
  startAwsHarness,
  throttlingScenario,
} from '../reliability/support/aws-harness.js';

/** The DynamoDB fault scenarios of npm test, bigger and with larger shares of faults. */

let harness: AwsHarness;
beforeAll(async () => {
  harness = await startAwsHarness();
});
afterAll(() => harness?.stop());

describe('the AWS deployment under DynamoDB faults, at length', () => {
  it('throttling 40% of calls: 200 findings, every event twice, each notification sent once', async () => {
    const run = await throttlingScenario(harness, { findings: 200, share: 0.4, concurrency: 10 });
    console.info(`figures: ${JSON.stringify({ ...run.result, ...run.delivery })}`);
    expect(run.delivery.undelivered).toBe(0);
    expect(run.result).toMatchObject({ due: 200, sent: 200, lost: 0, unexplainedDuplicates: 0 });
    expect(run.table).toEqual({ records: 200, notified: 200, claimed: 0 });
  });

  it('losing the reply to 30% of applied writes: 200 findings, each sent once and at once', async () => {
    const run = await lostReplyScenario(harness, { findings: 200, share: 0.3, concurrency: 10 });
    console.info(`figures: ${JSON.stringify({ ...run.result, ...run.delivery })}`);
    expect(run.result).toMatchObject({ due: 200, sent: 200, duplicated: 0, lost: 0 });
    expect(run.afterLease).toMatchObject({ sent: 200, duplicated: 0 });
    expect(run.table).toEqual({ records: 200, notified: 200, claimed: 0 });
  });

  it('killing notify after SES accepted, for 25 of 100 findings: one more copy each, after the lease, nothing lost', async () => {
    const run = await killedLambdaScenario(harness, { findings: 100, killed: 25 });
    console.info(`figures: ${JSON.stringify({ ...run.result, duringLease: run.duringLease })}`);
    expect(run.counts.crashes).toBe(25);
    expect(run.result).toMatchObject({ due: 100, sent: 100, lost: 0, duplicated: 25, unexplainedDuplicates: 0 });
    expect(run.table).toEqual({ records: 100, notified: 100, claimed: 0 });
  });
});
