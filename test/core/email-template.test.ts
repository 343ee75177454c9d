import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { compileEmailTemplate, parseTemplate } from '../../scripts/compile-email-template.mjs';
import { fillTemplate } from '../../src/core/email/template.js';
import { repoRoot } from '../support/fixtures.js';

const run = promisify(execFile);
const source = () => readFileSync(join(repoRoot, 'src/core/email/email.mjml'), 'utf8');
const committed = () => readFileSync(join(repoRoot, 'src/core/email/template.generated.ts'), 'utf8');

describe('the compiled email template', () => {
  it('is up to date with the MJML source (run "npm run build:email" after editing email.mjml)', async () => {
    // prepare / act
    const generated = await compileEmailTemplate(source());
    // assess
    expect(generated).toBe(committed());
  });

  it('changes with any change to the MJML source, so the test above catches a stale module', async () => {
    const changed = source().replace('Open in Security Hub', 'Open in the console');
    expect(changed).not.toBe(source());
    expect(await compileEmailTemplate(changed)).not.toBe(committed());
  });

  it('passes the build check that CI can run ("build:email -- --check")', async () => {
    const check = await run(process.execPath, ['scripts/compile-email-template.mjs', '--check'], { cwd: repoRoot });
    expect(check.stderr).toBe('');
  });

  it('holds no external resource and no script', () => {
    const html = committed();
    expect(html).not.toMatch(/<script|<img|<link|@import|url\(/i);
  });
});

describe('parseTemplate classifies every placeholder by its context', () => {
  it('text, quoted attribute, href and colour', () => {
    const nodes = parseTemplate('<p title="{{a}}" style="color:{{c}}"><a href="{{u}}">{{t}}</a></p>');
    expect(nodes).toEqual([
      '<p title="',
      ['a', 'a'],
      '" style="color:',
      ['c', 'c'],
      '"><a href="',
      ['u', 'u'],
      '">',
      ['t', 't'],
      '</a></p>',
    ]);
  });

  it('sections nest, and their markers must stand in text', () => {
    expect(parseTemplate('{{#list}}<i>{{.}}</i>{{/list}}{{^list}}none{{/list}}')).toEqual([
      ['#', 'list', ['<i>', ['t', '.'], '</i>']],
      ['^', 'list', ['none']],
    ]);
    expect(() => parseTemplate('<p class="{{#x}}">{{/x}}</p>')).toThrow(/must stand in text/);
    expect(() => parseTemplate('{{#a}}{{/b}}')).toThrow(/closes/);
    expect(() => parseTemplate('{{#a}}')).toThrow(/never closed/);
  });

  it.each([
    ['a style sheet', '<style>p{color:{{x}}}</style>'],
    ['a script', '<script>var a="{{x}}"</script>'],
    ['an event handler', '<p onclick="{{x}}">'],
    ['an image source', '<img src="{{x}}">'],
    ['an unquoted attribute', '<p title={{x}}>'],
    ['a single-quoted attribute', "<p title='{{x}}'>"],
    ['a comment', '<!-- {{x}} -->'],
    ['a tag name position', '<p {{x}}>'],
  ])('rejects a placeholder in %s', (_, html) => {
    expect(() => parseTemplate(html)).toThrow(/forbidden context|must stand in text/);
  });
});

describe('fillTemplate escapes every value for its context', () => {
  const nodes = parseTemplate('<p title="{{v}}" style="color:{{v}}"><a href="{{v}}">{{v}}</a></p>');

  it('escapes text and attributes', () => {
    const html = fillTemplate(nodes, { v: '"><img src=x onerror=alert(1)>' });
    expect(html).toBe(
      '<p title="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" style="color:#6b7280"><a href="#">&quot;&gt;&lt;img src=x onerror=alert(1)&gt;</a></p>',
    );
  });

  it('links only https addresses of AWS console and documentation hosts', () => {
    const href = (v: string) => /href="([^"]*)"/.exec(fillTemplate(nodes, { v }))![1];
    expect(href('https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-8')).toBe(
      'https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-8',
    );
    expect(href('javascript:alert(1)')).toBe('#');
    expect(href('https://docs.aws.amazon.com.evil.example/')).toBe('#');
    expect(href('http://docs.aws.amazon.com/')).toBe('#');
  });

  it('accepts only hex colours in styles', () => {
    expect(fillTemplate(parseTemplate('<b style="color:{{c}}">'), { c: '#c2410c' })).toBe('<b style="color:#c2410c">');
    expect(fillTemplate(parseTemplate('<b style="color:{{c}}">'), { c: 'red;background:url(x)' })).toBe('<b style="color:#6b7280">');
  });

  it('repeats a section per item, renders it once for a value, and renders the inverse for nothing', () => {
    const list = parseTemplate('{{#items}}[{{name}}{{#note}}:{{note}}{{/note}}]{{/items}}{{^items}}none{{/items}}');
    expect(fillTemplate(list, { items: [{ name: 'a' }, { name: 'b', note: 'n' }] })).toBe('[a][b:n]');
    expect(fillTemplate(list, { items: [] })).toBe('none');
    expect(fillTemplate(list, {})).toBe('none');
  });
});
