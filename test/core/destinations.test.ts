import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { deliveryUrlProblem, destinationsSchema, secretNamesOf, topicArnsOf } from '../../src/core/destinations.js';

/** The example of the issue, as a policy writes it. */
const EXAMPLE = parse(`
secops-slack:   { type: slack, webhook: { secret: SLACK_SECOPS_WEBHOOK } }
secops-bot:     { type: slack, token: { secret: SLACK_BOT_TOKEN }, channel: C0123456789 }
platform-teams: { type: teams, webhook: { secret: TEAMS_PLATFORM_WEBHOOK } }
siem:           { type: webhook, url: "https://siem.example.com/in", signing_secret: { secret: SIEM_HMAC } }
pager:          { type: sns, topic_arn: "arn:aws:sns:eu-west-1:111122223333:security-pager" }
`);

/** Each issue as "path: message", the way the policy reports it under `destinations.`. */
function issuesOf(document: unknown): string[] {
  const result = destinationsSchema.safeParse(document);
  if (result.success) return [];
  return result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('the destinations map', () => {
  it('reads every kind of destination, with the policy keys in camel case', () => {
    // act
    const destinations = destinationsSchema.parse(EXAMPLE);

    // assess
    expect(destinations).toEqual({
      'secops-slack': { type: 'slack', webhook: { secret: 'SLACK_SECOPS_WEBHOOK' } },
      'secops-bot': { type: 'slack', token: { secret: 'SLACK_BOT_TOKEN' }, channel: 'C0123456789' },
      'platform-teams': { type: 'teams', webhook: { secret: 'TEAMS_PLATFORM_WEBHOOK' } },
      siem: { type: 'webhook', url: 'https://siem.example.com/in', signingSecret: { secret: 'SIEM_HMAC' } },
      pager: { type: 'sns', topicArn: 'arn:aws:sns:eu-west-1:111122223333:security-pager' },
    });
  });

  it('names the secrets a deployment must provide and the topics it publishes to, each once', () => {
    // prepare
    const destinations = destinationsSchema.parse({
      ...EXAMPLE,
      'siem-copy': { type: 'webhook', url: { secret: 'SIEM_URL' }, signing_secret: { secret: 'SIEM_HMAC' } },
      'pager-fifo': { type: 'sns', topic_arn: 'arn:aws:sns:eu-west-1:111122223333:security-pager.fifo' },
      'pager-again': { type: 'sns', topic_arn: 'arn:aws:sns:eu-west-1:111122223333:security-pager' },
    });

    // act / assess
    expect(secretNamesOf(destinations)).toEqual([
      'SIEM_HMAC',
      'SIEM_URL',
      'SLACK_BOT_TOKEN',
      'SLACK_SECOPS_WEBHOOK',
      'TEAMS_PLATFORM_WEBHOOK',
    ]);
    expect(topicArnsOf(destinations)).toEqual([
      'arn:aws:sns:eu-west-1:111122223333:security-pager',
      'arn:aws:sns:eu-west-1:111122223333:security-pager.fifo',
    ]);
  });

  it.each([
    ['an unknown type', { a: { type: 'pagerduty' } }, 'a.type: expected a destination with type slack, teams, webhook or sns'],
    ['no type', { a: { webhook: { secret: 'X' } } }, 'a.type: expected a destination with type slack, teams, webhook or sns'],
    ['a URL written into a secret field', { a: { type: 'teams', webhook: 'https://x.example/' } }, 'a.webhook: expected { secret: NAME }'],
    ['a secret name with a space', { a: { type: 'teams', webhook: { secret: 'MY SECRET' } } }, 'a.webhook.secret: expected a secret name'],
    ['a Slack destination with neither webhook nor token', { a: { type: 'slack' } }, 'a.webhook: expected webhook: { secret: NAME }'],
    ['a Slack bot without a channel', { a: { type: 'slack', token: { secret: 'T' } } }, 'a.channel: expected the id of the channel'],
    [
      'a Slack channel name instead of an id',
      { a: { type: 'slack', token: { secret: 'T' }, channel: '#secops' } },
      'a.channel: expected a Slack channel id',
    ],
    [
      'a Slack webhook with a channel',
      { a: { type: 'slack', webhook: { secret: 'W' }, channel: 'C0123456789' } },
      'a.channel: an incoming webhook',
    ],
    [
      'both webhook and token',
      { a: { type: 'slack', webhook: { secret: 'W' }, token: { secret: 'T' }, channel: 'C0123456789' } },
      'a.token: give either',
    ],
    [
      'plain http to another host',
      { a: { type: 'webhook', url: 'http://siem.example.com/in', signing_secret: { secret: 'K' } } },
      'a.url: expected an https URL',
    ],
    [
      'a URL with a password',
      { a: { type: 'webhook', url: 'https://u:p@siem.example.com/', signing_secret: { secret: 'K' } } },
      'a.url: expected a URL without a user',
    ],
    [
      'a webhook without a signing secret',
      { a: { type: 'webhook', url: 'https://siem.example.com/' } },
      'a.signing_secret: expected { secret: NAME }',
    ],
    ['a topic name instead of an ARN', { a: { type: 'sns', topic_arn: 'security-pager' } }, 'a.topic_arn: expected an SNS topic ARN'],
    [
      'an unknown field',
      { a: { type: 'sns', topic_arn: 'arn:aws:sns:eu-west-1:111122223333:t', region: 'eu-west-1' } },
      'a: Unrecognized key: "region"',
    ],
    [
      'a name with an @',
      { 'team@example.com': { type: 'teams', webhook: { secret: 'X' } } },
      'team@example.com: expected a destination name',
    ],
    ['a name in capitals', { SecOps: { type: 'teams', webhook: { secret: 'X' } } }, 'SecOps: expected a destination name'],
    ['the name owners', { owners: { type: 'teams', webhook: { secret: 'X' } } }, 'owners: "owners" is a keyword of the notify lists'],
    ['the name email', { email: { type: 'teams', webhook: { secret: 'X' } } }, 'email: "email" is a keyword of the notify lists'],
    ['a list instead of a map', [{ type: 'teams' }], ': expected a map of destinations by name'],
  ])('rejects %s, naming the field', (_what, document, expected) => {
    // act
    const issues = issuesOf(document);

    // assess
    expect(issues).toHaveLength(1);
    expect(issues[0]).toContain(expected);
  });
});

describe('URLs a destination may post to', () => {
  it.each([
    'https://siem.example.com/in',
    'https://hooks.slack.com/services/T000/B000/XXXX',
    'http://127.0.0.1:8080/hook',
    'http://127.1.2.3/hook',
    'http://127.1/hook',
    'http://[::1]:9000/hook',
    'http://localhost:3000/hook',
  ])('accepts %s', (url) => {
    expect(deliveryUrlProblem(url)).toBeUndefined();
  });

  it.each([
    ['http to another host', 'http://siem.example.com/in'],
    ['http to a private address', 'http://10.0.0.5/in'],
    ['http to a host named like loopback', 'http://127.0.0.1.evil.example/in'],
    ['http to localhost under another domain', 'http://localhost.evil.example/in'],
    ['another scheme', 'ftp://siem.example.com/in'],
    ['javascript', 'javascript:alert(1)'],
    ['not a URL', 'siem.example.com/in'],
    ['a user and password', 'https://user:hunter2@siem.example.com/in'],
  ])('refuses %s, without repeating the URL', (_what, url) => {
    const problem = deliveryUrlProblem(url);
    expect(problem).toBeDefined();
    expect(problem).not.toContain('example');
    expect(problem).not.toContain('hunter2');
  });
});
