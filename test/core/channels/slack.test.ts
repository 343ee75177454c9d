import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderSlack, SLACK_LIMITS } from '../../../src/core/channels/slack.js';
import { escapeSlack, fitSlack } from '../../../src/core/channels/slack-text.js';
import { GUARDDUTY_SAMPLE, INSPECTOR_SAMPLE } from '../../../src/core/email/samples.js';
import type { Notification, NotificationKind } from '../../../src/core/notification.js';
import { hostileText } from '../../builders/arbitraries.js';
import { giantFinding, hostileMessages, KINDS, messageOf, SAMPLE_FINDINGS } from '../../builders/channel-messages.js';
import { propertyRuns } from '../../security/support/property-runs.js';
import { slackHostility } from '../../support/chat-safety.js';
import { blocksProblem, slackButtonUrls, slackPayloadError, slackTexts } from '../../support/slack-payload.js';

const textOf = (payload: ReturnType<typeof renderSlack>) =>
  slackTexts({ ...payload })
    .map((t) => t.text)
    .join('\n');

describe('the Slack message', () => {
  it('has a header, why it was sent, severity and account fields, a console button and a text fallback', () => {
    // act
    const message = renderSlack(messageOf(GUARDDUTY_SAMPLE, 'new', { accountName: 'payments-production' }));

    // assess
    expect(message.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: `HIGH · ${GUARDDUTY_SAMPLE.title}`, emoji: false },
    });
    expect(message.blocks[1]).toMatchObject({
      type: 'section',
      text: { type: 'mrkdwn', text: '*New finding:* it matches rule “security-team”.' },
    });
    const fields = (message.blocks[2] as { fields: { text: string }[] }).fields.map((field) => field.text);
    expect(fields[0]).toBe('*Severity*\nHIGH');
    expect(fields[1]).toBe('*Account*\n111122223333 (payments-production)');
    expect(slackButtonUrls({ ...message })).toEqual([
      expect.stringMatching(/^https:\/\/eu-west-1\.console\.aws\.amazon\.com\/securityhub\//),
    ]);
    expect(message.text).toBe(
      'HIGH GuardDuty: The EC2 instance i-0abc123def4567890 queried a DGA domain name. (payments-production 111122223333, eu-west-1)',
    );
  });

  it('names the account as the directory knows it, over the name in the finding', () => {
    const message = renderSlack(messageOf({ ...GUARDDUTY_SAMPLE, accountName: 'old-name' }, 'new', { accountName: 'Payments (prod)' }));
    expect(textOf(message)).toContain('111122223333 (Payments (prod))');
  });

  it.each<[NotificationKind, Partial<Notification> & { days?: number }, string]>([
    ['new', {}, '*New finding:* it matches rule “security-team”.'],
    ['reminder', { days: 12 }, '*Reminder:* still open after 12 days (rule “security-team”).'],
    ['resolved', { days: 5 }, '*Resolved:* the problem went away.'],
    [
      'reminder',
      { days: 31, escalations: [{ rule: 'security-team', after: '30d', to: ['ciso@example.com'] }] },
      '*Escalated:* still open after 31 days (rule “security-team”); open longer than 30d (rule “security-team”).',
    ],
    [
      'new',
      { snoozeEnded: { until: '2026-02-01T09:00:00Z', reason: 'vendor fix' } },
      '*Snooze ended:* the snooze until 2026-02-01 09:00 UTC (“vendor fix”) is over',
    ],
  ])('says why, as the email does: %s %o', (kind, extra, expected) => {
    const message = renderSlack(messageOf(INSPECTOR_SAMPLE, kind, extra));
    expect((message.blocks[1] as { text: { text: string } }).text.text).toContain(expected);
  });

  it('marks a reminder and a resolved notice in the header, and makes no resolved button primary', () => {
    const reminder = renderSlack(messageOf(INSPECTOR_SAMPLE, 'reminder'));
    const resolved = renderSlack(messageOf(INSPECTOR_SAMPLE, 'resolved'));
    expect((reminder.blocks[0] as { text: { text: string } }).text.text).toMatch(/^Reminder · CRITICAL · /);
    expect((resolved.blocks[0] as { text: { text: string } }).text.text).toMatch(/^Resolved · CRITICAL · /);
    expect(JSON.stringify(resolved.blocks)).not.toContain('"style":"primary"');
  });

  it('says in a thread reply only why it was sent, with the button: the first message has the facts', () => {
    const message = renderSlack({ ...messageOf(INSPECTOR_SAMPLE, 'reminder'), thread: { channel: 'C0123456789', ts: '1.000001' } });
    expect(message.blocks.map((block) => block.type)).toEqual(['section', 'actions']);
    expect(message.text).toMatch(/^\[Reminder\] CRITICAL Inspector: /);
  });

  it.each(SAMPLE_FINDINGS.flatMap((finding) => KINDS.map((kind) => [finding.productName, kind] as const)))(
    '%s, %s: Slack would accept it',
    (productName, kind) => {
      const finding = SAMPLE_FINDINGS.find((f) => f.productName === productName)!;
      expect(slackPayloadError({ ...renderSlack(messageOf(finding, kind)) })).toBeUndefined();
    },
  );

  it('keeps a finding at every size limit within Slack limits, cut visibly', () => {
    // act
    const message = renderSlack(messageOf(giantFinding(), 'reminder', { rules: Array.from({ length: 30 }, (_, i) => `rule-${i}`) }));

    // assess
    expect(blocksProblem(message.blocks)).toBeUndefined();
    expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    expect(message.text.length).toBeLessThanOrEqual(SLACK_LIMITS.text);
    const header = (message.blocks[0] as { text: { text: string } }).text.text;
    expect(header.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
    expect(header.endsWith('…')).toBe(true);
    expect(textOf(message)).toContain('and 995 more');
    expect(textOf(message)).toMatch(/…/);
  });

  it('replaces a button whose console link is too long for Slack by a line saying what to search for', () => {
    const message = renderSlack(messageOf({ ...GUARDDUTY_SAMPLE, id: `finding/${'/'.repeat(700)}` }));
    expect(slackButtonUrls({ ...message })).toEqual([]);
    expect(textOf(message)).toContain('Search the Security Hub console for the finding id');
  });

  it.each(hostileMessages().map((message) => [message.notification.kind, message.finding.title.slice(0, 30), message] as const))(
    'hostile finding (%s, %s): no mention, broadcast or foreign link',
    (_kind, _title, message) => {
      const payload = { ...renderSlack(message) };
      expect(slackHostility(payload)).toEqual([]);
      expect(slackPayloadError(payload)).toBeUndefined();
    },
  );
});

describe('Slack escaping', () => {
  it('turns &, < and > into entities and breaks bare broadcasts', () => {
    expect(escapeSlack('a & b <!channel> <@U1|x> @here @Channel x@here.com')).toBe(
      'a &amp; b &lt;!channel&gt; &lt;@U1|x&gt; @\u2060here @\u2060Channel x@\u2060here.com',
    );
  });

  it('never cuts inside an entity or a surrogate pair, and says it cut', () => {
    fc.assert(
      fc.property(hostileText(80), fc.integer({ min: 2, max: 60 }), (text, max) => {
        const fitted = fitSlack(escapeSlack(text), max);
        expect(fitted.length).toBeLessThanOrEqual(max);
        expect(fitted.replace(/&(amp|lt|gt);/g, '')).not.toContain('&');
        if (fitted !== escapeSlack(text)) expect(fitted.endsWith('…')).toBe(true);
        expect(/[\ud800-\udbff]…$/.test(fitted)).toBe(false);
      }),
      { numRuns: propertyRuns(300) },
    );
  });

  it('leaves no mention, broadcast or link in any text, whatever the finding holds', () => {
    fc.assert(
      fc.property(fc.array(hostileText(60), { minLength: 4, maxLength: 8 }), (texts) => {
        const next = (i: number) => texts[i % texts.length]!;
        const finding = { ...INSPECTOR_SAMPLE, title: next(0), description: next(1), accountName: next(2), productName: next(3) };
        const message = messageOf({ ...finding, resources: [{ type: next(4), id: next(5) }] }, 'new', { rules: [next(6)] });
        expect(slackHostility({ ...renderSlack(message) })).toEqual([]);
      }),
      { numRuns: propertyRuns(200) },
    );
  });
});
