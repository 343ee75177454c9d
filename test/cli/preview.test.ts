import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { asff, asffEvent } from '../builders/asff.js';
import { fixture } from '../support/fixtures.js';

let dir: string;
let stderr: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sechub-preview-'));
  stderr = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
});

afterEach(() => {
  vi.restoreAllMocks();
});

const write = (name: string, value: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
};

describe('sechub-alerts preview', () => {
  it('writes the HTML email for the first finding in a file', async () => {
    const input = write('event.json', asffEvent([asff({ title: 'First one' }), asff({ id: 'second', title: 'Second one' })]));
    const out = join(dir, 'email.html');
    const code = await main(['preview', input, '--out', out, '--now', '2026-01-11T10:00:00Z']);
    expect(code).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('First one');
    expect(html).not.toContain('Second one');
    expect(html).toContain('it matches rule “critical-and-high”');
  });

  it('writes the plain-text part after its subject with --text', async () => {
    const out = join(dir, 'email.txt');
    const code = await main([
      'preview',
      fixture('asff/findings/zenn-guardduty-trojan-ec2-dgadomainrequest.b-sample.json'),
      '--text',
      '--out',
      out,
    ]);
    expect(code).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text).toMatch(
      /^Subject: HIGH GuardDuty: The EC2 instance i-1234567890abcdef0 queried a DGA domain name\. \(security-sample-account 123456789012, ap-northeast-1\)\n\n/,
    );
    expect(text).toMatch(/Finding type: +Trojan:EC2-DGADomainRequest\.B/);
  });

  it('renders a closed finding as a resolved email, and --kind chooses another kind', async () => {
    const input = write('closed.json', asff({ recordState: 'ARCHIVED' }));
    const resolved = join(dir, 'resolved.txt');
    expect(await main(['preview', input, '--text', '--out', resolved])).toBe(0);
    expect(readFileSync(resolved, 'utf8')).toContain('Resolved: the problem went away.');
    const reminder = join(dir, 'reminder.txt');
    expect(
      await main([
        'preview',
        write('open.json', asff()),
        '--text',
        '--kind',
        'reminder',
        '--now',
        '2026-01-20T09:00:00Z',
        '--out',
        reminder,
      ]),
    ).toBe(0);
    expect(readFileSync(reminder, 'utf8')).toContain('Reminder: still open after 10 days');
  });

  it('reports bad items before the first finding and still renders it', async () => {
    const input = write('mixed.jsonl', `{"not": "a finding"}\nnot json\n${JSON.stringify(asff({ title: 'After the bad lines' }))}\n`);
    const out = join(dir, 'email.html');
    expect(await main(['preview', input, '--out', out])).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('After the bad lines');
    expect(stderr).toContain('mixed.jsonl:2');
  });

  it('says when a finding matches no rule of the policy', async () => {
    const input = write('low.json', asff({ severity: 'LOW' }));
    expect(await main(['preview', input, '--out', join(dir, 'x.html')])).toBe(0);
    expect(stderr).toContain('no rule of the policy matches this finding');
  });

  it('exits 1 when the input holds no finding, and 2 for bad usage', async () => {
    expect(await main(['preview', write('empty.json', '[]')])).toBe(1);
    expect(stderr).toContain('holds no finding to preview');
    expect(await main(['preview'])).toBe(2);
    expect(await main(['preview', write('f.json', asff()), '--kind', 'maybe'])).toBe(2);
    expect(await main(['preview', write('g.json', asff()), '--now', 'yesterday'])).toBe(2);
  });
});
