import { describe, expect, it } from 'vitest';
import { ADAPTIVE_CARD_CONTENT_TYPE, renderTeams, teamsMarkdown } from '../../../src/core/channels/teams.js';
import { GUARDDUTY_SAMPLE, INSPECTOR_SAMPLE } from '../../../src/core/email/samples.js';
import { giantFinding, hostileMessages, KINDS, messageOf, SAMPLE_FINDINGS } from '../../builders/channel-messages.js';
import { cardProblems } from '../../support/adaptive-cards.js';
import { cardTexts, teamsHostility } from '../../support/chat-safety.js';

/** Teams refuses messages larger than about 28 KB. */
const TEAMS_MESSAGE_MAX = 28 * 1024;

const cardOf = (message: ReturnType<typeof renderTeams>) => message.attachments[0]!.content;

describe('the Teams message', () => {
  it('is the envelope a Workflows webhook takes: a message with one Adaptive Card 1.4', () => {
    // act
    const message = renderTeams(messageOf(GUARDDUTY_SAMPLE));

    // assess
    expect(message.type).toBe('message');
    expect(message.attachments).toHaveLength(1);
    expect(message.attachments[0]).toMatchObject({
      contentType: ADAPTIVE_CARD_CONTENT_TYPE,
      content: { type: 'AdaptiveCard', version: '1.4' },
    });
  });

  it('shows kind, severity, title, why, the facts and a button to the console', () => {
    // act
    const card = cardOf(renderTeams(messageOf(GUARDDUTY_SAMPLE, 'reminder', { accountName: 'payments-production' })));

    // assess
    const texts = cardTexts(card.body);
    expect(texts[0]).toBe('REMINDER · HIGH · GuardDuty');
    expect(texts[1]).toBe('The EC2 instance i-0abc123def4567890 queried a DGA domain name.');
    expect(texts[2]).toBe('**Reminder:** still open after 12 days \\(rule “security-team”\\).');
    expect(texts).toEqual(expect.arrayContaining(['Severity', 'HIGH', 'Account', '111122223333 \\(payments-production\\)']));
    expect(card.actions).toEqual([
      {
        type: 'Action.OpenUrl',
        title: 'Open in Security Hub',
        url: expect.stringMatching(/^https:\/\/eu-west-1\.console\.aws\.amazon\.com\//),
      },
    ]);
    expect(card.fallbackText).toContain('Reminder: still open after 12 days');
  });

  it.each(SAMPLE_FINDINGS.flatMap((finding) => KINDS.map((kind) => [finding.productName, kind] as const)))(
    '%s, %s: Microsoft’s Adaptive Cards library parses and validates the card with no complaint',
    (productName, kind) => {
      const finding = SAMPLE_FINDINGS.find((f) => f.productName === productName)!;
      expect(cardProblems(cardOf(renderTeams(messageOf(finding, kind))))).toEqual([]);
    },
  );

  it('keeps a finding at every size limit valid and within Teams’ message size', () => {
    // act
    const message = renderTeams(messageOf(giantFinding(), 'reminder'));

    // assess
    expect(cardProblems(cardOf(message))).toEqual([]);
    expect(Buffer.byteLength(JSON.stringify(message))).toBeLessThan(TEAMS_MESSAGE_MAX);
  });

  it.each(hostileMessages().map((message) => [message.notification.kind, message.finding.title.slice(0, 30), message] as const))(
    'hostile finding (%s, %s): valid, and no Markdown, link or mention from the finding',
    (_kind, _title, message) => {
      const envelope = renderTeams(message);
      expect(teamsHostility({ ...envelope })).toEqual([]);
      expect(cardProblems(cardOf(envelope))).toEqual([]);
    },
  );

  it('says the same in its plain-text fallback, unescaped', () => {
    const card = cardOf(renderTeams(messageOf({ ...INSPECTOR_SAMPLE, title: 'a_b *c* [d](e)' })));
    expect(card.fallbackText.split('\n')[0]).toBe('CRITICAL Inspector: a_b *c* [d](e) (111122223333, us-east-2)');
  });
});

describe('Teams Markdown escaping', () => {
  it.each([
    ['[click](https://evil.example)', '\\[click\\]\\(https://evil.example\\)'],
    ['**bold** _it_ ~s~ `c`', '\\*\\*bold\\*\\* \\_it\\_ \\~s\\~ \\`c\\`'],
    ['{{DATE(2017-02-14T06:08:00Z, SHORT)}}', '\\{\\{DATE\\(2017-02-14T06:08:00Z, SHORT\\)\\}\\}'],
    ['<at>Alice</at> &lt;', '\\<at\\>Alice\\</at\\> \\&lt;'],
    ['- item', '\\- item'],
    ['12. item', '12\\. item'],
    ['# heading', '\\# heading'],
    ['a - b 1. c', 'a - b 1. c'],
    ['back\\slash', 'back\\\\slash'],
  ])('%s', (text, escaped) => {
    expect(teamsMarkdown(text)).toBe(escaped);
  });
});
