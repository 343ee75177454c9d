import {
  BatchUpdateFindingsCommand,
  BatchUpdateFindingsV2Command,
  GetFindingsCommand,
  GetFindingsV2Command,
  type SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asff } from '../builders/asff.js';
import { ocsf } from '../builders/ocsf.js';
import { FakeSecurityHub } from './fake-securityhub.js';
import { rawClientFor } from './securityhub-client.js';

/** Calls the SDK and returns what it threw, so a test can assert the error AWS would give. */
async function failure(promise: Promise<unknown>): Promise<{ name: string; status?: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
  throw new Error('expected the call to fail');
}

const ids = (n: number, prefix = 'finding') => Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(4, '0')}`);

describe('the fake Security Hub, driven by the real AWS SDK', () => {
  let fake: FakeSecurityHub;
  let client: SecurityHubClient;

  beforeAll(async () => {
    fake = await FakeSecurityHub.start({ rates: { getFindings: false, batchUpdateFindings: false } });
    client = rawClientFor(fake.url);
    fake.putAsff(ids(250).map((id, i) => asff({ id, severity: i % 2 ? 'HIGH' : 'LOW', workflow: i % 5 === 0 ? 'RESOLVED' : 'NEW' })));
    fake.putOcsf(ids(30, 'ocsf').map((uid, i) => ocsf({ uid, status: i % 3 === 0 ? 'Resolved' : 'New' })));
  });
  afterAll(async () => {
    client.destroy();
    await fake.stop();
  });

  it('pages through GetFindings with NextToken, 100 at most per page', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await client.send(
        new GetFindingsCommand({ MaxResults: 100, NextToken: token, SortCriteria: [{ Field: 'Id', SortOrder: 'asc' }] }),
      );
      seen.push(...(page.Findings ?? []).map((f) => f.Id!));
      token = page.NextToken;
      pages++;
    } while (token);

    expect(pages).toBe(3);
    expect(seen).toEqual(ids(250));
  });

  it('joins EQUALS values of one attribute by OR and NOT_EQUALS values by AND, and attributes by AND', async () => {
    const page = await client.send(
      new GetFindingsCommand({
        Filters: {
          Id: ids(20).map((Value) => ({ Value, Comparison: 'EQUALS' })),
          SeverityLabel: [{ Value: 'HIGH', Comparison: 'EQUALS' }],
          WorkflowStatus: [
            { Value: 'RESOLVED', Comparison: 'NOT_EQUALS' },
            { Value: 'SUPPRESSED', Comparison: 'NOT_EQUALS' },
          ],
        },
      }),
    );

    const expected = ids(20).filter((_, i) => i % 2 === 1 && i % 5 !== 0);
    expect((page.Findings ?? []).map((f) => f.Id).sort()).toEqual(expected);
  });

  it('rejects 21 values for one attribute with InvalidInputException (HTTP 400), as AWS does', async () => {
    const error = await failure(
      client.send(new GetFindingsCommand({ Filters: { Id: ids(21).map((Value) => ({ Value, Comparison: 'EQUALS' })) } })),
    );

    expect(error).toMatchObject({ name: 'InvalidInputException', status: 400 });
    expect(error.message).toMatch(/up to 20/);
  });

  it('rejects 11 filter attributes', async () => {
    const one = [{ Value: 'x', Comparison: 'NOT_EQUALS' as const }];
    const Filters = Object.fromEntries(
      [
        'Id',
        'ProductArn',
        'ProductName',
        'AwsAccountId',
        'Region',
        'GeneratorId',
        'Title',
        'SeverityLabel',
        'RecordState',
        'WorkflowStatus',
        'ComplianceStatus',
      ].map((name) => [name, one]),
    );

    expect(await failure(client.send(new GetFindingsCommand({ Filters })))).toMatchObject({ name: 'InvalidInputException', status: 400 });
  });

  it('rejects MaxResults above 100, and EQUALS combined with NOT_EQUALS on one field', async () => {
    expect(await failure(client.send(new GetFindingsCommand({ MaxResults: 101 })))).toMatchObject({
      name: 'InvalidInputException',
      status: 400,
    });
    const mixed = {
      WorkflowStatus: [
        { Value: 'NEW', Comparison: 'EQUALS' as const },
        { Value: 'RESOLVED', Comparison: 'NOT_EQUALS' as const },
      ],
    };
    expect(await failure(client.send(new GetFindingsCommand({ Filters: mixed })))).toMatchObject({ name: 'InvalidInputException' });
  });

  it('filters GetFindingsV2 with composite filters and rejects 11 of them, or 21 filters of one type', async () => {
    const uid = (value: string) => ({ FieldName: 'finding_info.uid' as const, Filter: { Value: value, Comparison: 'EQUALS' as const } });
    const open = await client.send(
      new GetFindingsV2Command({
        Filters: {
          CompositeOperator: 'AND',
          CompositeFilters: [
            { Operator: 'OR', StringFilters: ids(10, 'ocsf').map(uid) },
            { Operator: 'AND', StringFilters: [{ FieldName: 'status', Filter: { Value: 'Resolved', Comparison: 'NOT_EQUALS' } }] },
          ],
        },
      }),
    );
    expect((open.Findings as { finding_info: { uid: string } }[]).map((f) => f.finding_info.uid).sort()).toEqual(
      ids(10, 'ocsf').filter((_, i) => i % 3 !== 0),
    );

    const eleven = Array.from({ length: 11 }, (_, i) => ({ Operator: 'OR' as const, StringFilters: [uid(`ocsf-${i}`)] }));
    expect(
      await failure(client.send(new GetFindingsV2Command({ Filters: { CompositeFilters: eleven, CompositeOperator: 'OR' } }))),
    ).toMatchObject({
      name: 'ValidationException',
      status: 400,
    });
    const wide = [{ Operator: 'OR' as const, StringFilters: ids(21, 'ocsf').map(uid) }];
    expect(await failure(client.send(new GetFindingsV2Command({ Filters: { CompositeFilters: wide } })))).toMatchObject({
      name: 'ValidationException',
    });
  });

  it('filters UpdatedAt by date range', async () => {
    fake.putAsff([asff({ id: 'late', updatedAt: '2026-02-01T00:00:00.000Z' })]);
    const page = await client.send(new GetFindingsCommand({ Filters: { UpdatedAt: [{ Start: '2026-01-31T00:00:00Z' }] } }));

    expect((page.Findings ?? []).map((f) => f.Id)).toEqual(['late']);
  });

  it('updates the workflow and note with BatchUpdateFindings, 100 findings at most', async () => {
    const ProductArn = 'arn:aws:securityhub:us-east-1::product/aws/guardduty';
    const result = await client.send(
      new BatchUpdateFindingsCommand({
        FindingIdentifiers: [
          { Id: 'finding-0001', ProductArn },
          { Id: 'nope', ProductArn },
        ],
        Workflow: { Status: 'NOTIFIED' },
        Note: { Text: 'told the team', UpdatedBy: 'sechub-alerts' },
      }),
    );
    expect(result.ProcessedFindings).toEqual([{ Id: 'finding-0001', ProductArn }]);
    expect(result.UnprocessedFindings?.[0]?.ErrorCode).toBe('FindingNotFound');
    expect(fake.asff.get(`${ProductArn}|finding-0001`)).toMatchObject({
      Workflow: { Status: 'NOTIFIED' },
      Note: { Text: 'told the team' },
    });

    const tooMany = ids(101).map((Id) => ({ Id, ProductArn }));
    expect(
      await failure(client.send(new BatchUpdateFindingsCommand({ FindingIdentifiers: tooMany, Workflow: { Status: 'NOTIFIED' } }))),
    ).toMatchObject({
      name: 'InvalidInputException',
      status: 400,
    });
  });

  it('updates status and comment with BatchUpdateFindingsV2', async () => {
    const finding = ocsf({ uid: 'ocsf-0001' });
    const id = {
      CloudAccountUid: '111122223333',
      FindingInfoUid: 'ocsf-0001',
      MetadataProductUid: (finding.metadata as { product: { uid: string } }).product.uid,
    };
    const result = await client.send(new BatchUpdateFindingsV2Command({ FindingIdentifiers: [id], StatusId: 2, Comment: 'told the team' }));

    expect(result.ProcessedFindings).toHaveLength(1);
    expect(fake.ocsf.get(`${id.CloudAccountUid}|${id.MetadataProductUid}|ocsf-0001`)).toMatchObject({
      status: 'In Progress',
      comment: 'told the team',
    });
  });
});

describe('the fake Security Hub under load', () => {
  it('throttles GetFindings above 3 requests per second (bursts of 6) with TooManyRequestsException (HTTP 429)', async () => {
    let now = 0;
    const fake = await FakeSecurityHub.start({ now: () => now });
    const client = rawClientFor(fake.url);
    try {
      for (let i = 0; i < 6; i++) await client.send(new GetFindingsCommand({}));
      const error = await failure(client.send(new GetFindingsCommand({})));
      now += 334;
      await client.send(new GetFindingsCommand({}));

      expect(error).toMatchObject({ name: 'TooManyRequestsException', status: 429 });
      expect(fake.throttledByRate).toBe(1);
    } finally {
      client.destroy();
      await fake.stop();
    }
  });

  it('injects throttling, server errors and dropped connections, and counts every call', async () => {
    const fake = await FakeSecurityHub.start({ rates: { getFindings: false } });
    const client = rawClientFor(fake.url);
    try {
      fake.inject('throttle');
      fake.inject('internal');
      fake.inject('reset');
      const errors = [
        await failure(client.send(new GetFindingsCommand({}))),
        await failure(client.send(new GetFindingsCommand({}))),
        await failure(client.send(new GetFindingsCommand({}))),
      ];
      await client.send(new GetFindingsCommand({}));

      expect(errors.map((e) => e.status)).toEqual([429, 500, undefined]);
      expect(fake.calls.GetFindings).toBe(4);
    } finally {
      client.destroy();
      await fake.stop();
    }
  });
});
