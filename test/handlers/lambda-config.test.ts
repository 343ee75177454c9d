import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/core/errors.js';
import { readConfig } from '../../src/handlers/shared/config.js';
import { parseContinue, parseMapItem } from '../../src/handlers/shared/workflow-payloads.js';
import { decisionTime } from '../../src/handlers/shared/workflow-steps.js';

const SHA = 'ab'.repeat(32);

describe('Lambda configuration, read once at cold start', () => {
  it('reads and validates the variables a function names, and freezes them', () => {
    const config = readConfig(
      {
        TABLE_NAME: 'findings',
        POLICY_SHA256: SHA,
        SECURITY_HUB_WRITE_BACK: 'true',
        CLAIM_SECONDS: '90',
        SECRETS: '{"SLACK_WEBHOOK":"arn:aws:secretsmanager:eu-west-1:111122223333:secret:slack-AbCdEf"}',
        BASELINE_FIRST_RUN: 'true',
      },
      ['TABLE_NAME', 'POLICY_SHA256', 'SECURITY_HUB_WRITE_BACK', 'CLAIM_SECONDS', 'SECRETS', 'BASELINE_FIRST_RUN'],
    );

    expect(config).toEqual({
      TABLE_NAME: 'findings',
      POLICY_SHA256: SHA,
      SECURITY_HUB_WRITE_BACK: true,
      CLAIM_SECONDS: 90,
      SECRETS: { SLACK_WEBHOOK: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:slack-AbCdEf' },
      BASELINE_FIRST_RUN: true,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('fails naming every missing variable, and defaults the optional ones', () => {
    expect(() => readConfig({}, ['TABLE_NAME', 'POLICY_SHA256', 'SECURITY_HUB_WRITE_BACK'])).toThrow(ConfigurationError);
    expect(() => readConfig({}, ['TABLE_NAME', 'POLICY_SHA256', 'SECURITY_HUB_WRITE_BACK'])).toThrow(
      /TABLE_NAME: required.*POLICY_SHA256: required.*SECURITY_HUB_WRITE_BACK: required/,
    );
    expect(readConfig({}, ['SECRETS', 'BASELINE_FIRST_RUN'])).toEqual({ SECRETS: {}, BASELINE_FIRST_RUN: false });
  });

  it('refuses a policy hash that is not one, and a secret map that is not names to locations', () => {
    expect(() => readConfig({ POLICY_SHA256: 'abc' }, ['POLICY_SHA256'])).toThrow(/POLICY_SHA256: expected 64 lower-case hex digits/);
    expect(() => readConfig({ SECRETS: '["x"]' }, ['SECRETS'])).toThrow(/SECRETS: expected a JSON object of secret names/);
    expect(() => readConfig({ SECRETS: '{"A": 1}' }, ['SECRETS'])).toThrow(/SECRETS: expected a JSON object/);
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
