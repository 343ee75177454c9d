/**
 * Digests built the way the use case builds them (records through the
 * collector), from the hostile findings of the security corpus.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Digest } from '../../src/core/digest/content.js';
import type { DigestRule } from '../../src/core/digest/rules.js';
import { SAMPLE_DIGEST_MOMENT, SAMPLE_DIGEST_RULE, sampleDigest } from '../../src/core/digest/samples.js';
import { GUARDDUTY_SAMPLE } from '../../src/core/email/samples.js';
import { extractFindings } from '../../src/core/normalize/extract.js';
import { snapshotOf, type TrackedRecord } from '../../src/core/record.js';
import { repoRoot } from '../support/fixtures.js';

/** Text that would run, inject or bend the layout if anything were left unescaped. */
export const HOSTILE_TEXT = '"><script>window.__pwned="digest"</script><img src=x onerror=alert(1)>\r\nBcc: victim@evil.example ‮gnp.exe';

/** Every finding of the corpus's hostile-text files (ASFF and OCSF). */
export function hostileFindings() {
  return ['hostile-text-asff.json', 'hostile-text-ocsf.json'].flatMap((file) =>
    [...extractFindings(JSON.parse(readFileSync(join(repoRoot, 'test/security/corpus', file), 'utf8')), file)].flatMap((item) =>
      item.kind === 'finding' ? [item.finding] : [],
    ),
  );
}

/** A digest of the hostile findings, new, fixed and open, under a rule whose name and account names are hostile too. */
export function hostileDigest(): Digest {
  const rule: DigestRule = { ...SAMPLE_DIGEST_RULE, name: HOSTILE_TEXT, maxItems: 2 };
  const moment = SAMPLE_DIGEST_MOMENT.getTime();
  // Beside the corpus (whose regions are hostile too, so they get no console link), a well-formed finding with a hostile id and title.
  const linked = { ...GUARDDUTY_SAMPLE, id: `${GUARDDUTY_SAMPLE.id}${HOSTILE_TEXT}`, title: HOSTILE_TEXT, severity: 'CRITICAL' as const };
  const records: TrackedRecord[] = [...hostileFindings(), linked].flatMap((finding, i) => {
    const open = i % 3 !== 1;
    const snapshot = { ...snapshotOf(finding), open };
    const since = new Date(moment - (i % 2 === 0 ? 3_600_000 : 9 * 86_400_000)).toISOString();
    return [
      {
        key: `${snapshot.key}#${i}`,
        open,
        updatedAt: snapshot.updatedAt,
        snapshot,
        rules: {},
        collected: { [rule.name]: { since } },
        ...(open ? {} : { resolvedAt: new Date(moment - 7_200_000).toISOString() }),
        version: 1,
        expiresAt: '2099-01-01T00:00:00.000Z',
      },
    ];
  });
  return sampleDigest(records, rule, () => HOSTILE_TEXT);
}
