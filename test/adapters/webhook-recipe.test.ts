import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelsFor } from '../../src/adapters/channels/channels.js';
import { EnvironmentSecrets } from '../../src/adapters/secrets/env-secrets.js';
import { destinationsSchema } from '../../src/core/destinations.js';
import { INSPECTOR_SAMPLE } from '../../src/core/email/samples.js';
import { messageOf } from '../builders/channel-messages.js';
import type { Received } from '../support/fake-http.js';
import { repoRoot } from '../support/fixtures.js';
import { VirtualTime } from '../support/virtual-time.js';
import { WebhookConsumer } from '../support/webhook-consumer.js';

/**
 * The verification recipes in docs/channels.md, exactly as written there,
 * run against a real delivery: they accept it, and refuse it with a changed
 * body, another secret or a time more than five minutes away.
 */

const SECRET = 'whsec-c0ffee00c0ffee00c0ffee00c0ffee00';
const DOC = readFileSync(join(repoRoot, 'docs/channels.md'), 'utf8');

/** The code block that follows `<!-- verify-recipe: name -->` in the docs. */
function recipe(name: string): string {
  const match = new RegExp(`<!-- verify-recipe: ${name} -->\\s*\`\`\`\\w+\\n([\\s\\S]*?)\\n\`\`\``).exec(DOC);
  if (!match) throw new Error(`docs/channels.md has no "${name}" verification recipe`);
  return match[1]!;
}

interface Case {
  secret: string;
  body: string;
  header: string;
  now: number;
}

describe('the signature verification recipes in the docs', () => {
  const work = mkdtempSync(join(tmpdir(), 'sechub-recipe-'));
  let delivery: Received;
  let sentAt: number;

  beforeAll(async () => {
    const time = new VirtualTime('2026-01-22T09:00:00.000Z');
    sentAt = Math.floor(time.clock.now().getTime() / 1000);
    const consumer = await new WebhookConsumer(SECRET, () => sentAt).start();
    try {
      const destinations = destinationsSchema.parse({
        siem: { type: 'webhook', url: consumer.url, signing_secret: { secret: 'SIEM_HMAC' } },
      });
      const channel = channelsFor(destinations, new EnvironmentSecrets({ SIEM_HMAC: SECRET }), { runtime: time }).get('siem')!;
      await channel.deliver(messageOf(INSPECTOR_SAMPLE, 'reminder'));
      delivery = consumer.accepted[0]!.request;
    } finally {
      await consumer.stop();
    }
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const cases = (): [string, Case, boolean][] => {
    const header = String(delivery.headers['x-sechub-signature']);
    return [
      ['the delivery as it arrived', { secret: SECRET, body: delivery.body, header, now: sentAt + 10 }, true],
      ['a changed body', { secret: SECRET, body: delivery.body.replace('CRITICAL', 'LOW'), header, now: sentAt }, false],
      ['another secret', { secret: `${SECRET}x`, body: delivery.body, header, now: sentAt }, false],
      ['six minutes later', { secret: SECRET, body: delivery.body, header, now: sentAt + 360 }, false],
      ['no signature', { secret: SECRET, body: delivery.body, header: '', now: sentAt }, false],
    ];
  };

  it('the Node.js recipe', () => {
    // prepare
    writeFileSync(join(work, 'verify.mjs'), recipe('node'));
    writeFileSync(
      join(work, 'run.mjs'),
      `import { verifySechubSignature } from './verify.mjs';
       const cases = JSON.parse(process.argv[2]);
       console.log(JSON.stringify(cases.map((c) => verifySechubSignature(c.secret, Buffer.from(c.body, 'utf8'), c.header, c.now))));`,
    );

    // act
    const run = spawnSync(process.execPath, [join(work, 'run.mjs'), JSON.stringify(cases().map(([, c]) => c))], { encoding: 'utf8' });

    // assess
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual(cases().map(([, , expected]) => expected));
  });

  it('the Python recipe', () => {
    // prepare
    writeFileSync(
      join(work, 'run.py'),
      `${recipe('python')}\n\nimport json, sys\ncases = json.loads(sys.argv[1])\nprint(json.dumps([verify_sechub_signature(c["secret"], c["body"].encode("utf-8"), c["header"], c["now"]) for c in cases]))\n`,
    );

    // act
    const run = spawnSync('python3', [join(work, 'run.py'), JSON.stringify(cases().map(([, c]) => c))], { encoding: 'utf8' });

    // assess
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual(cases().map(([, , expected]) => expected));
  });
});
