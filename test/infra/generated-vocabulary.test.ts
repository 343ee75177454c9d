import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { infraVocabulary } from '../../src/core/security-hub/vocabulary.js';

const generated = fileURLToPath(new URL('../../infra/generated/security-hub.json', import.meta.url));

describe('infra/generated/security-hub.json', () => {
  it('holds exactly what the Security Hub vocabulary module says (run `npm run build` when this fails)', () => {
    expect(readFileSync(generated, 'utf8')).toBe(`${JSON.stringify(infraVocabulary(), null, 2)}\n`);
  });
});
