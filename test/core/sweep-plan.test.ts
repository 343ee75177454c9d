import { describe, expect, it } from 'vitest';
import { limitViolations, lookupQuery, scanQuery } from '../../src/core/security-hub/queries.js';
import { chooseStrategy, scanScope, type TrackedEntry } from '../../src/core/sweep/plan.js';
import { sweepPolicy } from '../support/sweep-harness.js';

const entry = (i: number, over: Partial<TrackedEntry> = {}): TrackedEntry => ({
  key: `k${i}`,
  id: `id-${i}`,
  api: 'asff',
  updatedAt: '2026-01-10T10:00:00.000Z',
  account: `${100000000000 + (i % 3)}`,
  region: 'us-east-1',
  productName: 'GuardDuty',
  productKey: 'aws/guardduty',
  ...over,
});

describe('sweep planning', () => {
  it('looks up by id when few findings are tracked and scans when many are', () => {
    expect(chooseStrategy('asff', 15).strategy).toBe('lookup');
    expect(chooseStrategy('asff', 5_000)).toEqual({ strategy: 'scan', estimates: { lookup: 250, scan: 70 } });
  });

  it('learns from the last run: a scope holding far more active findings than are tracked favours lookups', () => {
    expect(chooseStrategy('asff', 5_000, { tracked: 5_000, scanned: 200_000, inactive: 100 }).strategy).toBe('lookup');
    expect(chooseStrategy('asff', 5_000, { tracked: 5_000, scanned: 5_000, inactive: 100 }).strategy).toBe('scan');
  });

  it('narrows a scan by the policy severities and by the products, accounts and regions of the tracked findings', () => {
    const scope = scanScope(sweepPolicy(), [entry(1), entry(2), entry(3, { region: 'eu-west-1' })]);

    expect(scope).toEqual({
      severities: ['CRITICAL', 'HIGH'],
      productNames: ['GuardDuty'],
      accounts: ['100000000000', '100000000001', '100000000002'],
      regions: ['eu-west-1', 'us-east-1'],
    });
  });

  it('leaves the product filter out when a finding stated no product name (no filter would match the fallback)', () => {
    expect(scanScope(sweepPolicy(), [entry(1), entry(2, { productName: 'aws/guardduty' })]).productNames).toBeUndefined();
  });

  it('builds lookups and scans within the documented limits, and leaves out a scope list too long for one filter', () => {
    const ids = Array.from({ length: 200 }, (_, i) => `id-${i}`);
    const accounts = Array.from({ length: 25 }, (_, i) => String(100000000000 + i));

    expect(limitViolations(lookupQuery('asff', ids.slice(0, 20)))).toEqual([]);
    expect(limitViolations(lookupQuery('ocsf', ids))).toEqual([]);
    expect(() => lookupQuery('asff', ids.slice(0, 21))).toThrow(RangeError);
    const scan = scanQuery('asff', { accounts, regions: ['us-east-1'] });
    expect(Object.keys(scan.request.Filters)).toEqual(['RecordState', 'WorkflowStatus', 'Region']);
    expect(limitViolations(scanQuery('ocsf', { accounts: accounts.slice(0, 20), severities: ['HIGH'] }))).toEqual([]);
  });
});
