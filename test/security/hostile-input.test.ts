import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, readInputs } from '../../src/adapters/files/read-inputs.js';
import type { Extracted } from '../../src/core/normalize/extract.js';
import { findingText } from '../builders/inputs.js';
import { runCli } from '../reliability/support/cli-child.js';
import { repoRoot } from '../support/fixtures.js';
import { decodeWords, htmlTags, parseMessage } from './support/mime.js';

/**
 * The corpus of broken and adversarial inputs (test/security/corpus, each
 * file described in its README). Every file is read without a crash; each
 * bad item is rejected with where and why; every valid item around it is
 * processed; and what reaches an email is escaped.
 */

const CORPUS = join(repoRoot, 'test/security/corpus');

interface Expectation {
  findings: number;
  invalid: number;
  skipped?: number;
  /** A part of the reason of each invalid item, in order. */
  reasons?: (string | RegExp)[];
}

const EXPECTED: Record<string, Expectation> = {
  'deep-arrays.json': { findings: 0, invalid: 1, reasons: ['nested deeper than 4 levels'] },
  'deep-fields.json': { findings: 1, invalid: 0 },
  'hostile-text-asff.json': { findings: 3, invalid: 0 },
  'hostile-text-ocsf.json': { findings: 1, invalid: 0 },
  'hostile-text-chat.json': { findings: 1, invalid: 0 },
  'missing-fields.json': {
    findings: 2,
    invalid: 7,
    reasons: [
      'Id is missing',
      'ProductArn is missing',
      'AwsAccountId is missing',
      'UpdatedAt is missing',
      'Severity.Label is missing',
      'Id is missing',
      'not a Security Hub finding',
    ],
  },
  'missing-fields-ocsf.json': {
    findings: 2,
    invalid: 5,
    reasons: [
      'finding_info.uid is missing',
      'metadata.product.uid is missing',
      'cloud.account.uid is missing',
      'finding_info.modified_time',
      'severity_id is missing',
    ],
  },
  'non-utf8-document.json': { findings: 2, invalid: 1, reasons: ['not valid UTF-8'] },
  'non-utf8-lines.jsonl': { findings: 2, invalid: 1, reasons: ['not valid UTF-8'] },
  'odd-values.jsonl': {
    findings: 1,
    invalid: 5,
    reasons: ['found null', 'found a number', 'found a string', 'found a boolean', 'not a Security Hub finding'],
  },
  'other-events.json': { findings: 1, invalid: 1, skipped: 1, reasons: ['expected an array of findings'] },
  'prototype-keys.json': {
    findings: 1,
    invalid: 3,
    reasons: ['not a Security Hub finding', 'expected an array of findings', 'expected an array of findings'],
  },
  'spoofed-products.json': { findings: 13, invalid: 1, reasons: ['names no product'] },
  'spoofed-products-ocsf.json': { findings: 3, invalid: 0 },
  'truncated-event.json': { findings: 2, invalid: 1, reasons: [/not valid JSON.*the 2 item\(s\) before that point were read/] },
  'truncated-lines.jsonl': { findings: 3, invalid: 2, reasons: ['not valid JSON', 'not valid JSON'] },
  'wrong-types.json': {
    findings: 8,
    invalid: 11,
    reasons: [
      'Id is missing or not a string',
      'ProductArn "12345" names no product',
      'AwsAccountId is missing or not a string',
      'UpdatedAt is missing or not a timestamp',
      'UpdatedAt is missing or not a timestamp',
      'Severity.Label is missing',
      'Severity.Label is missing',
      'expected an object, found a string',
      'expected an object, found null',
      'expected an object, found a string',
      'expected an object, found a string',
    ],
  },
};

async function collect(items: AsyncIterable<Extracted>): Promise<Extracted[]> {
  const out: Extracted[] = [];
  for await (const item of items) out.push(item);
  return out;
}

function summarise(items: Extracted[]) {
  const invalid = items.filter((item) => item.kind === 'invalid');
  return {
    findings: items.filter((item) => item.kind === 'finding').length,
    invalid: invalid.length,
    skipped: items.filter((item) => item.kind === 'skipped').length,
    reasons: invalid.map((item) => item.reason),
  };
}

function matchesExpectation(name: string, items: Extracted[]) {
  const expected = EXPECTED[name]!;
  const got = summarise(items);
  expect({ findings: got.findings, invalid: got.invalid, skipped: got.skipped }, name).toEqual({
    findings: expected.findings,
    invalid: expected.invalid,
    skipped: expected.skipped ?? 0,
  });
  (expected.reasons ?? []).forEach((reason, i) => {
    expect(got.reasons[i], `${name}: invalid item ${i}`).toMatch(reason);
  });
}

describe('the corpus of broken and hostile inputs', () => {
  it('has an expectation for every file in it', () => {
    const files = readdirSync(CORPUS).filter((name) => /\.(json|jsonl)$/.test(name));
    expect(files.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.keys(EXPECTED))('%s: each bad item rejected with its reason, every valid item around it read', async (name) => {
    // act
    const items = await collect(readInputs([join(CORPUS, name)]));

    // assess
    matchesExpectation(name, items);
    for (const item of items) expect(item.where.startsWith(join(CORPUS, name))).toBe(true);
  });

  it.each(Object.keys(EXPECTED))('%s: the same items when it arrives on standard input and is streamed', async (name) => {
    // prepare
    const bytes = readFileSync(join(CORPUS, name));

    // act
    const items = await collect(readInputs(['-'], Readable.from([bytes]), { ...DEFAULT_LIMITS, wholeBytes: 16 }));

    // assess
    matchesExpectation(name, items);
  });

  it('leaves the prototypes of every object alone', async () => {
    // act
    const items = await collect(readInputs([join(CORPUS, 'prototype-keys.json')]));
    const streamed = await collect(
      readInputs(['-'], Readable.from([readFileSync(join(CORPUS, 'prototype-keys.json'))]), { ...DEFAULT_LIMITS, wholeBytes: 16 }),
    );

    // assess
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    for (const item of [...items, ...streamed].filter((i) => i.kind === 'finding')) {
      expect(item.finding.open).toBe(true);
      expect(Object.getPrototypeOf(item.finding.raw)).toBe(Object.prototype);
    }
  });
});

describe('the command over the whole corpus', () => {
  const work = mkdtempSync(join(tmpdir(), 'sechub-corpus-'));
  let run: Awaited<ReturnType<typeof runCli>>;
  const emails: ReturnType<typeof parseMessage>[] = [];

  beforeAll(async () => {
    // A policy that emails every finding, so that every hostile field reaches an email.
    writeFileSync(
      join(work, 'all.yaml'),
      'sender: alerts@example.com\nrules:\n  - name: everything\n    notify:\n      to: [team@example.com]\n',
    );
    run = await runCli(
      ['process', CORPUS, '--config', 'all.yaml', '--state', 'state.db', '--outbox', 'outbox', '--json', '--clock', 'event'],
      {
        cwd: work,
      },
    );
    for (const file of readdirSync(join(work, 'outbox'))) emails.push(parseMessage(readFileSync(join(work, 'outbox', file), 'utf8')));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('exits 3, reports every invalid item with its file and reason, and accounts for every item read', () => {
    const expected = { findings: 0, invalid: 0, skipped: 0 };
    for (const e of Object.values(EXPECTED)) {
      expected.findings += e.findings;
      expected.invalid += e.invalid;
      expected.skipped += e.skipped ?? 0;
    }
    expect(run.code, run.stderr).toBe(3);
    expect(run.counts).toMatchObject({
      read: expected.findings + expected.invalid + expected.skipped,
      invalid: expected.invalid,
      failed: 0,
    });
    const { read, invalid, ignored, notified, reminded, suppressed, resolved, failed } = run.counts!;
    expect(invalid + ignored + notified + reminded + suppressed + resolved + failed).toBe(read);
    const reported = run.stderr.split('\n').filter((line) => line.startsWith('invalid: '));
    expect(reported).toHaveLength(expected.invalid);
    for (const line of reported) expect(line).toMatch(/^invalid: .*corpus\/[a-z0-9-]+\.jsonl?(#|:\d+|: )/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('sends one email per valid finding, none of them carrying an injected header', () => {
    expect(emails).toHaveLength(run.counts!.emails);
    expect(emails.length).toBeGreaterThan(30);
    for (const email of emails) {
      const names = email.headers.map(([name]) => name);
      expect(names).not.toContain('bcc');
      expect(names).not.toContain('x-injected');
      expect(names.filter((name) => name === 'subject')).toHaveLength(1);
      for (const [, value] of email.headers) expect(decodeWords(value)).not.toMatch(/[\r\n]/);
    }
  });

  it('escapes every hostile field in the HTML of the emails', () => {
    const hostile = emails.filter((email) => email.text.includes('<script>alert(1)</script>'));
    expect(hostile.length).toBeGreaterThanOrEqual(4);
    for (const email of hostile) {
      const tags = htmlTags(email.html);
      expect(tags.length).toBeGreaterThan(10);
      expect(tags.map((tag) => tag.name)).not.toContain('script');
      for (const { name, attributes } of tags) {
        for (const [attribute, value] of attributes) {
          expect(attribute, `<${name} ${attribute}>`).not.toMatch(/^on/);
          if (attribute === 'href' || attribute === 'src')
            expect(value).toMatch(/^(https:\/\/[a-z0-9.-]*(aws\.amazon\.com|amazonaws\.cn|amazonaws-us-gov\.com)\/|mailto:|#|cid:)/);
        }
      }
      expect(email.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    }
  });
});

describe('gigantic strings', () => {
  const work = mkdtempSync(join(tmpdir(), 'sechub-giant-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('rejects a 20 MB line and a 20 MB item in a large document, and reads the findings around them', async () => {
    // prepare
    const giant = 'A'.repeat(20 * 1024 * 1024);
    const normal = (id: string) => findingText(true, id);
    const huge = findingText(true, 'huge').replace('"Title":"', `"Title":"${giant}`);
    writeFileSync(join(work, 'giant.jsonl'), `${normal('before')}\n${huge}\n${normal('after')}\n`);
    writeFileSync(join(work, 'giant.json'), `[\n${normal('before')},\n${huge},\n${normal('after')}\n]\n`);

    // act
    const lines = await collect(readInputs([join(work, 'giant.jsonl')]));
    const document = await collect(readInputs([join(work, 'giant.json')]));

    // assess
    expect(lines.map((item) => item.kind)).toEqual(['finding', 'invalid', 'finding']);
    expect(lines[1]).toMatchObject({ where: `${join(work, 'giant.jsonl')}:2`, reason: expect.stringContaining('line longer than 16 MiB') });
    expect(document.map((item) => item.kind)).toEqual(['finding', 'invalid', 'finding']);
    expect(document[1]).toMatchObject({ where: `${join(work, 'giant.json')}#/1`, reason: expect.stringContaining('larger than 16 MiB') });
  });

  it('reads a finding with a 2 MB title and a 2 MB description, and keeps its email small and its subject short', async () => {
    // prepare
    const big = 'B<'.repeat(1024 * 1024);
    const text = findingText(true, 'long-text').replace('"Title":"', `"Title":"${big}`).replace('"Description":"', `"Description":"${big}`);
    writeFileSync(join(work, 'long.json'), text);

    // act
    const run = await runCli(['process', 'long.json', '--state', 'state.db', '--outbox', 'outbox', '--json'], { cwd: work });

    // assess
    expect(run.code, run.stderr).toBe(0);
    expect(run.counts).toMatchObject({ read: 1, notified: 1, emails: 1 });
    const [file] = readdirSync(join(work, 'outbox'));
    const raw = readFileSync(join(work, 'outbox', file!), 'utf8');
    expect(raw.length).toBeLessThan(256 * 1024);
    const subject = decodeWords(parseMessage(raw).headers.find(([name]) => name === 'subject')![1]);
    expect(subject.length).toBeLessThanOrEqual(200);
  });
});
