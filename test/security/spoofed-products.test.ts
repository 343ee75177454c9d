import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { readInputs } from '../../src/adapters/files/read-inputs.js';
import { identifyProduct } from '../../src/core/normalize/product.js';
import { asff, normalized } from '../builders/asff.js';
import { runCli } from '../reliability/support/cli-child.js';
import { repoRoot } from '../support/fixtures.js';
import { notifierHarness } from '../support/notifier-harness.js';
import { decodeWords, parseMessage } from './support/mime.js';
import { propertyRuns } from './support/property-runs.js';

/**
 * A custom integration can write any ProductArn. Only the exact AWS form of
 * the finding's own partition and region makes a finding an AWS product's.
 */

const CORPUS = join(repoRoot, 'test/security/corpus');
const SPOOFED = ['spoofed-products.json', 'spoofed-products-ocsf.json'].map((name) => join(CORPUS, name));
const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-eusc'];
const REGIONS = ['us-east-1', 'eu-west-1', 'cn-north-1', 'us-gov-west-1', 'ap-southeast-2'];
const PRODUCTS = ['guardduty', 'inspector', 'securityhub', 'macie'];

describe('spoofed product ARNs', () => {
  const work = mkdtempSync(join(tmpdir(), 'sechub-spoof-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('are never read as the AWS product they claim; the genuine findings are', async () => {
    // act
    const products: [string, string][] = [];
    for await (const item of readInputs(SPOOFED)) if (item.kind === 'finding') products.push([item.finding.id, item.finding.product]);

    // assess
    const genuine = products.filter(([id]) => id.includes('genuine'));
    const spoofed = products.filter(([id]) => !id.includes('genuine'));
    expect(genuine.map(([, product]) => product)).toEqual(['guardduty', 'guardduty']);
    expect(spoofed.length).toBe(14);
    expect(spoofed.filter(([, product]) => product !== 'other')).toEqual([]);
  });

  it('get no email under the default policy, while the genuine CRITICAL GuardDuty findings do', async () => {
    // act
    const run = await runCli(['process', ...SPOOFED, '--state', 'state.db', '--outbox', 'outbox', '--json'], { cwd: work });

    // assess
    expect(run.counts).toMatchObject({ notified: 2, emails: 2 });
    const ids = readdirSync(join(work, 'outbox')).map((file) => {
      const { headers } = parseMessage(readFileSync(join(work, 'outbox', file), 'utf8'));
      return decodeWords(headers.find(([name]) => name === 'x-sechub-finding-id')?.[1] ?? '');
    });
    expect(ids.sort()).toEqual([
      'arn:aws:guardduty:us-east-1:111122223333:detector/12abc34d567e8fa901bc2d34e56789f0/finding/genuine',
      'genuine-ocsf',
    ]);
  });

  it.each([
    ['another region', 'arn:aws:securityhub:eu-west-1::product/aws/guardduty'],
    ['an extra path segment', 'arn:aws:securityhub:us-east-1::product/aws/guardduty/x'],
    ['an account in the ARN', 'arn:aws:securityhub:us-east-1:444455556666:product/aws/guardduty'],
  ])('with %s cannot resolve the genuine finding that has the same id', async (_case, productArn) => {
    // prepare
    const harness = notifierHarness();
    const genuine = normalized(asff({ id: 'gd-1', severity: 'HIGH', updatedAt: '2026-01-10T10:00:00.000Z' }));
    const spoof = normalized(asff({ id: 'gd-1', productArn, workflow: 'RESOLVED', updatedAt: '2099-01-01T00:00:00.000Z' }));
    await harness.at('2026-01-10T10:00:00Z', genuine);

    // act
    await harness.at('2026-01-11T10:00:00Z', spoof);
    await harness.at('2026-01-25T10:00:00Z', { ...genuine, updatedAt: '2026-01-25T09:00:00.000Z' });

    // assess
    expect(spoof.key).not.toBe(genuine.key);
    expect(harness.mailer.kinds()).toEqual(['new', 'reminder']);
    expect((await harness.store.get(genuine.key))?.open).toBe(true);
    await harness.close();
  });

  it('an ARN is trusted as an AWS product exactly when it has the AWS form of the finding’s own partition and region', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PARTITIONS),
        fc.constantFrom(...REGIONS),
        fc.constantFrom(...PARTITIONS),
        fc.constantFrom(...REGIONS),
        fc.constantFrom('aws', 'AWS', 'awss', '123456789012', '\u0430ws'),
        fc.constantFrom(...PRODUCTS),
        fc.constantFrom('product', 'productv2', 'productv3'),
        fc.constantFrom('', '444455556666'),
        (arnPartition, arnRegion, partition, region, vendor, name, kind, account) => {
          const arn = `arn:${arnPartition}:securityhub:${arnRegion}:${account}:${kind}/${vendor}/${name}`;
          const identity = identifyProduct(arn, { partition, region });
          const exact = vendor === 'aws' && kind !== 'productv3' && account === '' && arnPartition === partition && arnRegion === region;
          expect(identity?.product === name).toBe(exact);
          if (identity && !exact) expect(identity.product).toBe('other');
        },
      ),
      { numRuns: propertyRuns(500) },
    );
  });
});
