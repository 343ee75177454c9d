import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderSns } from '../../../src/core/channels/sns.js';
import { renderWebhookDocument } from '../../../src/core/channels/webhook.js';
import { GUARDDUTY_SAMPLE, sampleNotification } from '../../../src/core/email/samples.js';
import { giantFinding, hostileMessages, KINDS, messageOf, SAMPLE_FINDINGS } from '../../builders/channel-messages.js';
import { documentHostility } from '../../support/chat-safety.js';
import { repoRoot } from '../../support/fixtures.js';
import { schemaErrors } from '../../support/json-schema.js';

/**
 * The webhook document against its published JSON Schema
 * (docs/webhook-notification.schema.json), checked by the small validator
 * in test/support/json-schema.ts, and the published example.
 */

const schema = JSON.parse(readFileSync(join(repoRoot, 'docs/webhook-notification.schema.json'), 'utf8'));
const example = JSON.parse(readFileSync(join(repoRoot, 'docs/webhook-notification.example.json'), 'utf8'));

/** The example in the docs: the GuardDuty sample, new, its account named by the directory. */
const exampleMessage = () => ({
  notification: { ...sampleNotification(GUARDDUTY_SAMPLE, 'new', 0.05), accountName: 'payments-production' },
  finding: GUARDDUTY_SAMPLE,
});

describe('the webhook document', () => {
  it('the published example is valid and is what the GuardDuty sample renders to', () => {
    expect(schemaErrors(schema, example)).toEqual([]);
    expect(renderWebhookDocument(exampleMessage())).toEqual(example);
  });

  it.each(SAMPLE_FINDINGS.flatMap((finding) => KINDS.map((kind) => [finding.productName, kind] as const)))(
    '%s, %s: valid against the schema',
    (productName, kind) => {
      const finding = SAMPLE_FINDINGS.find((f) => f.productName === productName)!;
      const message = messageOf(finding, kind, {
        escalations: [{ rule: 'security-team', after: '30d', to: ['ciso@example.com'] }],
        snoozeEnded: { until: '2026-01-09T00:00:00Z', reason: 'vendor fix' },
      });
      expect(schemaErrors(schema, renderWebhookDocument(message))).toEqual([]);
    },
  );

  it('keeps a finding at every size limit valid, far below SNS’s 256 KB', () => {
    // act
    const document = renderWebhookDocument(messageOf(giantFinding(), 'reminder', { rules: Array.from({ length: 40 }, (_, i) => `r${i}`) }));

    // assess
    expect(schemaErrors(schema, document)).toEqual([]);
    expect(Buffer.byteLength(JSON.stringify(document))).toBeLessThan(200 * 1024);
  });

  it.each(hostileMessages().map((message) => [message.notification.kind, message.finding.title.slice(0, 30), message] as const))(
    'hostile finding (%s, %s): valid, no control characters, no link but to AWS',
    (_kind, _title, message) => {
      const document = renderWebhookDocument(message);
      expect(schemaErrors(schema, document)).toEqual([]);
      expect(documentHostility({ ...document })).toEqual([]);
      const texts: string[] = [];
      JSON.stringify(document, (_key, value) => {
        if (typeof value === 'string') texts.push(value.replaceAll('\n\n', ' '));
        return value;
      });
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this test looks for
      for (const text of texts) expect(text).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
    },
  );

  it('carries no raw finding and no email address', () => {
    const json = JSON.stringify(
      renderWebhookDocument(
        messageOf(GUARDDUTY_SAMPLE, 'reminder', { escalations: [{ rule: 'r', after: '30d', to: ['ciso@example.com'] }] }),
      ),
    );
    expect(json).not.toContain('"raw"');
    expect(json).not.toContain('@example.com');
  });
});

describe('the SNS notification', () => {
  it('is the webhook document with an ASCII subject and String attributes for filter policies', () => {
    // act
    const sns = renderSns(exampleMessage());

    // assess
    expect(JSON.parse(sns.message)).toEqual(example);
    expect(sns.subject).toBe('HIGH GuardDuty: The EC2 instance i-0abc123def4567890 queried a DGA domain name. (payments-produc...');
    expect(sns.attributes).toEqual({ severity: 'HIGH', kind: 'new', product: 'guardduty', account: '111122223333' });
  });

  it.each(hostileMessages().map((message) => [message.notification.kind, message.finding.title.slice(0, 30), message] as const))(
    'hostile finding (%s, %s): a subject SNS takes and one-line attributes',
    (_kind, _title, message) => {
      const sns = renderSns(message);
      expect(sns.subject.length).toBeLessThan(100);
      expect(sns.subject).toMatch(/^[\x21-\x7e][\x20-\x7e]*$/);
      for (const value of Object.values(sns.attributes)) {
        expect(value.length).toBeGreaterThan(0);
        expect(value.length).toBeLessThanOrEqual(256);
        // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this test looks for
        expect(value).not.toMatch(/[\u0000-\u001f]/);
      }
    },
  );

  it('spells accents and typographic quotes in ASCII', () => {
    const sns = renderSns(messageOf({ ...GUARDDUTY_SAMPLE, title: 'Café “naïve” 🚨 عربى' }));
    expect(sns.subject).toBe('HIGH GuardDuty: Cafe "naive" ?? ???? (payments-production 111122223333, eu-west-1)');
  });
});
