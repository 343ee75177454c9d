import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileEmailTemplate, TEMPLATES } from '../../../scripts/compile-email-template.mjs';
import { repoRoot } from '../../support/fixtures.js';

const DIGEST = TEMPLATES.find((template) => template.constant === 'DIGEST_TEMPLATE')!;
const source = () => readFileSync(join(repoRoot, 'src/core/email', DIGEST.source), 'utf8');
const committed = () => readFileSync(join(repoRoot, 'src/core/email', DIGEST.target), 'utf8');

describe('the compiled digest template', () => {
  it('is up to date with digest.mjml (run "npm run build:email" after editing it)', async () => {
    // prepare / act
    const generated = await compileEmailTemplate(source(), DIGEST);
    // assess
    expect(generated).toBe(committed());
  });

  it('changes with any change to its MJML source, so the test above catches a stale module', async () => {
    const changed = source().replace('Security Hub digest', 'Findings digest');
    expect(changed).not.toBe(source());
    expect(await compileEmailTemplate(changed, DIGEST)).not.toBe(committed());
  });

  it('holds no external resource and no script', () => {
    expect(committed()).not.toMatch(/<script|<img|<link|@import|url\(/i);
  });
});
