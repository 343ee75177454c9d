import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeAsff } from '../../src/core/normalize/asff.js';
import { normalizeOcsf } from '../../src/core/normalize/ocsf.js';
import { asffOf, expectedOpen, findingParts, hostileText, ocsfOf } from '../builders/arbitraries.js';
import { propertyRuns } from './support/property-runs.js';

/** Normalising: identity, state and rejection reasons hold for every finding, not only the samples. */

const REQUIRED_ASFF: [string, string][] = [
  ['Id', 'Id'],
  ['ProductArn', 'ProductArn'],
  ['AwsAccountId', 'AwsAccountId'],
  ['UpdatedAt', 'UpdatedAt'],
  ['Severity', 'Severity'],
];
const WRONG_TYPES = fc.constantFrom<unknown>(null, true, false, {}, [], [1], { Label: 42 }, '', Number.NaN);

describe('normalising any finding', () => {
  it('keys a finding by account, product and id, and reads its severity and state as Security Hub defines them', () => {
    fc.assert(
      fc.property(findingParts, (parts) => {
        const finding = normalizeAsff(asffOf(parts));
        if (typeof finding === 'string') throw new Error(finding);
        expect(finding.key).toBe(`${parts.account}|aws/${parts.product}|${parts.id}`);
        expect(finding.product).toBe(parts.product);
        expect(finding.severity).toBe(parts.severity);
        expect(finding.open).toBe(expectedOpen(parts));
      }),
      { numRuns: propertyRuns(300) },
    );
  });

  it('gives the same finding in ASFF and in OCSF the same key, severity and state', () => {
    fc.assert(
      fc.property(findingParts, (parts) => {
        const fromAsff = normalizeAsff(asffOf(parts));
        const fromOcsf = normalizeOcsf(ocsfOf(parts));
        if (typeof fromAsff === 'string' || typeof fromOcsf === 'string') throw new Error(`${fromAsff} / ${fromOcsf}`);
        expect([fromOcsf.key, fromOcsf.severity, fromOcsf.open, fromOcsf.product]).toEqual([
          fromAsff.key,
          fromAsff.severity,
          fromAsff.open,
          fromAsff.product,
        ]);
        expect(fromOcsf.updatedAt).toBe(fromAsff.updatedAt);
      }),
      { numRuns: propertyRuns(300) },
    );
  });

  it('rejects a finding whose required field is missing or of the wrong type, naming the field', () => {
    fc.assert(
      fc.property(
        findingParts,
        fc.constantFrom(...REQUIRED_ASFF),
        fc.option(WRONG_TYPES, { nil: undefined }),
        (parts, [field, named], value) => {
          const raw = asffOf(parts);
          if (value === undefined) delete raw[field];
          else raw[field] = value;
          const result = normalizeAsff(raw);
          expect(typeof result).toBe('string');
          expect(result).toContain(named);
        },
      ),
      { numRuns: propertyRuns(300) },
    );
  });

  it('never throws, whatever values sit in whatever ASFF or OCSF fields', () => {
    const asffKeys = fc.constantFrom(
      'Id',
      'ProductArn',
      'AwsAccountId',
      'UpdatedAt',
      'Severity',
      'Title',
      'Description',
      'Resources',
      'Region',
      'Workflow',
      'RecordState',
      'Compliance',
      'ProductFields',
      'Remediation',
      'Vulnerabilities',
      'Types',
      'FirstObservedAt',
      'CreatedAt',
      '__proto__',
      'constructor',
    );
    const ocsfKeys = fc.constantFrom(
      'finding_info',
      'metadata',
      'cloud',
      'severity_id',
      'severity',
      'status_id',
      'status',
      'compliance',
      'resources',
      'resource',
      'remediation',
      'vulnerabilities',
      'time',
      'time_dt',
      'count',
    );
    const anyValue = fc.oneof(fc.jsonValue({ maxDepth: 3 }), hostileText());
    fc.assert(
      fc.property(findingParts, fc.dictionary(asffKeys, anyValue), fc.dictionary(ocsfKeys, anyValue), (parts, asffNoise, ocsfNoise) => {
        for (const [raw, normalize] of [
          [{ ...asffOf(parts), ...asffNoise }, normalizeAsff],
          [{ ...ocsfOf(parts), ...ocsfNoise }, normalizeOcsf],
        ] as const) {
          const result = normalize(raw);
          if (typeof result === 'string') expect(result.length).toBeGreaterThan(0);
          else {
            expect(typeof result.key).toBe('string');
            expect(typeof result.title).toBe('string');
            expect(Array.isArray(result.resources)).toBe(true);
          }
        }
      }),
      { numRuns: propertyRuns(300) },
    );
  });
});
