import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/core/errors.js';
import { readConfig } from '../../src/handlers/shared/config.js';
import { parseContinue, parseMapItem } from '../../src/handlers/shared/workflow-payloads.js';
import { decisionTime } from '../../src/handlers/shared/workflow-steps.js';

const POLICY = JSON.stringify({
  sender: 'alerts@example.com',
  rules: [{ name: 'all', notify: { to: ['team@example.com'], every: '7d' } }],
});

describe('Lambda configuration, read once at cold start', () => {
  it('reads and validates the variables a function names, and freezes them', () => {
    const config = readConfig({ TABLE_NAME: 'findings', POLICY, SECURITY_HUB_WRITE_BACK: 'true', CLAIM_SECONDS: '90' }, [
      'TABLE_NAME',
      'POLICY',
      'SECURITY_HUB_WRITE_BACK',
      'CLAIM_SECONDS',
    ]);

    expect(config.TABLE_NAME).toBe('findings');
    expect(config.POLICY.rules[0]?.notify.everyMs).toBe(7 * 86_400_000);
    expect(config.SECURITY_HUB_WRITE_BACK).toBe(true);
    expect(config.CLAIM_SECONDS).toBe(90);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('fails naming every missing variable', () => {
    expect(() => readConfig({}, ['TABLE_NAME', 'POLICY', 'SECURITY_HUB_WRITE_BACK'])).toThrow(ConfigurationError);
    expect(() => readConfig({}, ['TABLE_NAME', 'POLICY', 'SECURITY_HUB_WRITE_BACK'])).toThrow(
      /TABLE_NAME: required.*POLICY: required.*SECURITY_HUB_WRITE_BACK: required/,
    );
  });

  it('names the policy problem and where it is', () => {
    const broken = JSON.stringify({
      sender: 'alerts@example.com',
      rules: [{ name: 'all', notify: { to: ['team@example.com'], every: 'often' } }],
    });

    expect(() => readConfig({ POLICY: broken }, ['POLICY'])).toThrow(/POLICY: rules\[0\]\.notify\.every: expected a duration/);
    expect(() => readConfig({ POLICY: 'sender: x' }, ['POLICY'])).toThrow(/POLICY: not JSON/);
  });

  it('rejects write-back values other than "true" and "false", and claim times that are not whole seconds', () => {
    expect(() => readConfig({ SECURITY_HUB_WRITE_BACK: 'yes' }, ['SECURITY_HUB_WRITE_BACK'])).toThrow(/SECURITY_HUB_WRITE_BACK/);
    expect(() => readConfig({ CLAIM_SECONDS: '1.5' }, ['CLAIM_SECONDS'])).toThrow(/CLAIM_SECONDS: expected a whole number/);
    expect(readConfig({}, ['CLAIM_SECONDS']).CLAIM_SECONDS).toBeUndefined();
  });
});

describe('workflow payloads', () => {
  it('refuses a payload the state machine should never send, naming the step and the field', () => {
    expect(() => parseMapItem({ finding: {} })).toThrow(/check-record received a payload it cannot read \(detailType/);
    expect(() => parseContinue({ key: 'k', now: 'yesterday', finding: {} }, 'notify')).toThrow(/notify received .*now/);
  });

  it('refuses a snapshot whose key is not the key it travels under', () => {
    const finding = { key: 'other', open: true, severity: 'HIGH', updatedAt: 'x', firstObservedAt: 'x', resources: [] };
    expect(() => parseContinue({ key: 'k', now: '2026-01-10T10:00:00Z', finding }, 'check-age')).toThrow(/finding.key differs/);
  });

  it('decides at the event time, and at the wall clock only when the event has no usable time', () => {
    const clock = { now: () => new Date('2026-01-11T00:00:00.000Z') };
    expect(decisionTime('2026-01-10T10:00:05Z', clock).toISOString()).toBe('2026-01-10T10:00:05.000Z');
    expect(decisionTime('not a time', clock).toISOString()).toBe('2026-01-11T00:00:00.000Z');
    expect(decisionTime(undefined, clock).toISOString()).toBe('2026-01-11T00:00:00.000Z');
  });
});
