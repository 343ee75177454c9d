// Email rendering cost: time per email over a varied set of findings, and
// the bytes the compiled template adds to a minified bundle.
//   npx tsx bench/render-email.ts
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { renderEmail } from '../src/core/email/render.js';
import { CONTROL_SAMPLE, GUARDDUTY_SAMPLE, INSPECTOR_SAMPLE, resolvedSample, sampleNotification } from '../src/core/email/samples.js';
import { SEVERITIES } from '../src/core/finding.js';
import type { NotificationKind } from '../src/core/notification.js';
import type { FindingSnapshot } from '../src/core/record.js';
import { mapSpread, type Spread, spread } from './measure.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const RUNS = 7;
const EMAILS_PER_RUN = 3000;

/** Samples of each product in every severity and kind, plus a finding at every size limit. */
function varied(): { finding: FindingSnapshot; kind: NotificationKind }[] {
  const large: FindingSnapshot = {
    ...INSPECTOR_SAMPLE,
    title: `Very long title ${'t'.repeat(600)}`,
    description: `${'A long description with <markup> & "quotes". '.repeat(230)}`,
    resources: Array.from({ length: 25 }, (_, i) => ({
      type: 'AwsEc2Instance',
      id: `arn:aws:ec2:us-east-2:111122223333:instance/i-${String(i).padStart(17, '0')}`,
    })),
    resourceCount: 1000,
    vulnerabilities: Array.from({ length: 10 }, (_, i) => ({
      id: `CVE-2026-${1000 + i}`,
      packages: Array.from({ length: 10 }, (_, j) => ({ name: `package-${j}`, version: '1.0.0', fixedIn: '1.0.1' })),
    })),
  };
  const cases: { finding: FindingSnapshot; kind: NotificationKind }[] = [];
  for (const sample of [GUARDDUTY_SAMPLE, INSPECTOR_SAMPLE, CONTROL_SAMPLE, large]) {
    for (const severity of SEVERITIES) {
      cases.push({ finding: { ...sample, severity }, kind: 'new' });
      cases.push({ finding: { ...sample, severity }, kind: 'reminder' });
      cases.push({ finding: resolvedSample({ ...sample, severity }), kind: 'resolved' });
    }
  }
  return cases;
}

/** Microseconds per email (median of several runs, and their spread) and the template's bytes in a minified bundle. */
export async function measureRender(): Promise<{ microsPerEmail: number; microsPerEmailSpread: Spread; templateBytes: number }> {
  const inputs = varied().map(({ finding, kind }) => ({
    finding,
    notification: sampleNotification(finding, kind, 2),
    sender: 'alerts@example.com',
  }));
  let sink = 0;
  for (let i = 0; i < 500; i++) sink += renderEmail(inputs[i % inputs.length]!).html.length;
  const runs: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    for (let i = 0; i < EMAILS_PER_RUN; i++) sink += renderEmail(inputs[i % inputs.length]!).html.length;
    runs.push(((performance.now() - started) * 1000) / EMAILS_PER_RUN);
  }
  if (sink === 0) throw new Error('rendered nothing');
  const micros = mapSpread(spread(runs), round);
  return { microsPerEmail: micros.median, microsPerEmailSpread: micros, templateBytes: await templateBytes() };
}

/** What template.generated.ts contributes to a minified esbuild bundle of the renderer. */
async function templateBytes(): Promise<number> {
  const result = await build({
    stdin: { contents: "export { renderEmail } from './src/core/email/render.ts';", resolveDir: REPO, loader: 'ts' },
    absWorkingDir: REPO,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'node',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const [output] = Object.values(result.metafile.outputs);
  const entry = Object.entries(output?.inputs ?? {}).find(([path]) => path.endsWith('template.generated.ts'));
  if (!entry) throw new Error('the bundle does not contain template.generated.ts');
  return entry[1].bytesInOutput;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.stdout.write(`${JSON.stringify(await measureRender())}\n`);
}
