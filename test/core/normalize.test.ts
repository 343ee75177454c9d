import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { extractFindings } from '../../src/core/normalize/extract.js';
import { snapshotOf } from '../../src/core/record.js';
import { asff, asffEvent, normalized } from '../builders/asff.js';
import { fixture } from '../support/fixtures.js';

const ocsfSqs1 = () =>
  JSON.parse(readFileSync(fixture('ocsf/findings/elastic-aws_securityhub/02-compliance-securityhub-SQS.1-new.json'), 'utf8'));

describe('one finding model for ASFF and OCSF', () => {
  it('normalises a GuardDuty ASFF finding with identity, product, severity and times', () => {
    const finding = normalized(
      JSON.parse(readFileSync(fixture('asff/findings/zenn-guardduty-trojan-ec2-dgadomainrequest.b-sample.json'), 'utf8')),
    );
    expect(finding).toMatchObject({ format: 'asff', product: 'guardduty', productKey: 'aws/guardduty', severity: 'HIGH', open: true });
    expect(finding.key).toBe(`${finding.account}|aws/guardduty|${finding.id}`);
    expect(Date.parse(finding.firstObservedAt)).toBeLessThanOrEqual(Date.parse(finding.updatedAt));
    expect(finding.types[0]).toMatch(/Trojan:EC2-DGADomainRequest/);
  });

  it('gives the same finding arriving as ASFF and as OCSF one identity', () => {
    const ocsf = normalized(ocsfSqs1());
    const twin = normalized(
      asff({ id: ocsf.id, account: ocsf.account, region: ocsf.region, product: 'securityhub', controlId: 'SQS.1', severity: 'MEDIUM' }),
    );
    expect(ocsf.format).toBe('ocsf');
    expect(twin.key).toBe(ocsf.key);
  });

  it('reads control id and standards from consolidated and legacy control findings', () => {
    const consolidated = normalized(
      JSON.parse(readFileSync(fixture('asff/findings/awsdocs-consolidated-cloudtrail.2-multi-standard-failed.json'), 'utf8')),
    );
    expect(consolidated.control?.id).toBe('CloudTrail.2');
    expect(consolidated.control?.standards).toEqual(expect.arrayContaining(['cis', 'fsbp', 'pci', 'nist']));
    const legacy = normalized(JSON.parse(readFileSync(fixture('asff/findings/sharr-cis-1.2.0-rule-1.3-failed.json'), 'utf8')));
    expect(legacy.control?.standards).toEqual(['cis']);
    const ocsf = normalized(ocsfSqs1());
    expect(ocsf.control).toMatchObject({ id: 'SQS.1', standards: ['fsbp'] });
  });

  it.each([
    ['RecordState ARCHIVED', { recordState: 'ARCHIVED' as const }],
    ['Workflow RESOLVED', { workflow: 'RESOLVED' as const }],
    ['Workflow SUPPRESSED', { workflow: 'SUPPRESSED' as const }],
    ['Compliance PASSED', { product: 'securityhub', compliance: 'PASSED' as const }],
    ['Compliance NOT_AVAILABLE', { product: 'securityhub', compliance: 'NOT_AVAILABLE' as const }],
  ])('treats an ASFF finding with %s as closed', (_name, spec) => {
    expect(normalized(asff(spec)).open).toBe(false);
  });

  it('treats NEW, NOTIFIED and FAILED/WARNING ASFF findings as open', () => {
    expect(normalized(asff({ workflow: 'NOTIFIED' })).open).toBe(true);
    expect(normalized(asff({ product: 'securityhub', compliance: 'WARNING' })).open).toBe(true);
  });

  it.each([
    [1, true],
    [2, true],
    [3, false],
    [4, false],
    [5, false],
    [6, false],
  ])('treats an OCSF finding with status_id %i as open=%s', (statusId, open) => {
    const raw = { ...ocsfSqs1(), status_id: statusId, compliance: { status_id: 3, control: 'SQS.1' } };
    expect(normalized(raw).open).toBe(open);
  });

  it('treats an OCSF finding whose compliance passed as closed', () => {
    const raw = { ...ocsfSqs1(), status_id: 1, compliance: { status_id: 1, control: 'SQS.1' } };
    expect(normalized(raw).open).toBe(false);
  });

  it('reads Inspector vulnerabilities with packages and fixed-in versions from OCSF', () => {
    const finding = normalized(
      JSON.parse(readFileSync(fixture('ocsf/findings/elastic-aws_securityhub/05-vulnerability-inspector-CVE-2023-44487-new.json'), 'utf8')),
    );
    expect(finding.product).toBe('inspector');
    expect(finding.vulnerabilities[0]?.id).toBe('CVE-2023-44487');
    expect(finding.vulnerabilities[0]?.packages[0]).toMatchObject({ name: 'golang.org/x/net', fixedIn: '0.17.0' });
  });

  it('does not trust a product ARN of another region or a custom integration as an AWS product', () => {
    expect(normalized(asff({ productArn: 'arn:aws:securityhub:eu-west-1::product/aws/guardduty' })).product).toBe('other');
    expect(normalized(asff({ productArn: 'arn:aws:securityhub:us-east-1:111122223333:product/111122223333/default' })).product).toBe(
      'other',
    );
    expect(normalized(asff({ productArn: 'arn:aws:securityhub:us-east-1::product/evilcorp/guardduty' })).product).toBe('other');
  });
});

describe('input shapes', () => {
  it('reads every finding of an EventBridge event and keeps the event time', () => {
    const items = [...extractFindings(asffEvent([asff({ id: 'a' }), asff({ id: 'b' })], '2026-02-01T00:00:00Z'), 'event.json#')];
    expect(items.map((item) => item.kind)).toEqual(['finding', 'finding']);
    expect(items[0]).toMatchObject({ eventTime: '2026-02-01T00:00:00.000Z', where: 'event.json#/detail/findings/0' });
  });

  it('reads GetFindings output, arrays and arrays of events', () => {
    const value = [{ Findings: [asff({ id: 'a' })] }, asffEvent([asff({ id: 'b' })]), asff({ id: 'c' })];
    expect([...extractFindings(value, 'x#')].map((item) => item.kind === 'finding' && item.finding.id)).toEqual(['a', 'b', 'c']);
  });

  it('reports a bad item with where and why, and still yields the good ones around it', () => {
    const { Id: _id, ...noId } = asff({ id: 'x' });
    const items = [...extractFindings([asff({ id: 'a' }), noId, 42, asff({ id: 'b' })], 'in.json#')];
    expect(items.map((item) => item.kind)).toEqual(['finding', 'invalid', 'invalid', 'finding']);
    expect(items[1]).toEqual({ kind: 'invalid', where: 'in.json#/1', reason: 'Id is missing or not a string' });
    expect(items[2]).toMatchObject({ where: 'in.json#/2', reason: 'expected an object, found a number' });
  });

  it('reads GetFindingsV2 output and Findings Imported V2 events (OCSF)', () => {
    const ocsf = ocsfSqs1();
    const response = [...extractFindings({ Findings: [ocsf, ocsf] }, 'v2.json#')];
    expect(response.map((item) => item.kind === 'finding' && item.finding.format)).toEqual(['ocsf', 'ocsf']);
    const event = {
      'detail-type': 'Findings Imported V2',
      source: 'aws.securityhub',
      time: '2026-03-01T00:00:00Z',
      detail: { findings: [ocsf] },
    };
    expect([...extractFindings(event, 'e#')][0]).toMatchObject({ kind: 'finding', eventTime: '2026-03-01T00:00:00.000Z' });
  });

  it('skips findings of events that are not imports, such as custom actions', () => {
    const event = { ...asffEvent([asff()]), 'detail-type': 'Security Hub Findings - Custom Action' };
    expect([...extractFindings(event, 'e#')][0]).toMatchObject({ kind: 'skipped' });
  });
});

describe('bounds on untrusted sizes', () => {
  it('rejects a finding whose identity is too long to store, with the reason', () => {
    const [item] = [
      ...extractFindings(asff({ id: `arn:aws:guardduty:us-east-1:111122223333:detector/x/finding/${'a'.repeat(2000)}` }), 'big#'),
    ];
    expect(item).toEqual({ kind: 'invalid', where: 'big#', reason: 'identity (account, product and id) is longer than 1500 bytes' });
  });

  it('keeps a stored snapshot small however long its types, resources and packages are', () => {
    const raw = asff({ title: 't'.repeat(10_000), description: 'd'.repeat(100_000) });
    raw.Types = Array.from({ length: 500 }, () => 'x'.repeat(10_000));
    raw.Resources = Array.from({ length: 1000 }, (_, i) => ({
      Type: 'T'.repeat(5000),
      Id: `${i}${'r'.repeat(10_000)}`,
      Region: 'us-east-1',
    }));
    const snapshot = snapshotOf(normalized(raw));
    expect(JSON.stringify(snapshot).length).toBeLessThan(60_000);
    expect(snapshot.resourceCount).toBe(1000);
  });
});
