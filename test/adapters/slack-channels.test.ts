import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { channelsFor } from '../../src/adapters/channels/channels.js';
import { EnvironmentSecrets } from '../../src/adapters/secrets/env-secrets.js';
import { type Destinations, destinationsSchema } from '../../src/core/destinations.js';
import { GUARDDUTY_SAMPLE, INSPECTOR_SAMPLE } from '../../src/core/email/samples.js';
import { DeliveryError } from '../../src/core/errors.js';
import type { Channel } from '../../src/core/ports.js';
import { messageOf } from '../builders/channel-messages.js';
import { slackHostility } from '../support/chat-safety.js';
import { json } from '../support/fake-http.js';
import { FakeSlack, SLACK_TOKEN } from '../support/fake-slack.js';
import { rejectionOf } from '../support/rejection.js';
import { VirtualTime } from '../support/virtual-time.js';

/**
 * The Slack channels against a local Slack that checks payloads, tokens and
 * channels as Slack does, answers in Slack's shapes, and fails on demand.
 */

const DESTINATIONS: Destinations = destinationsSchema.parse({
  'secops-slack': { type: 'slack', webhook: { secret: 'SLACK_WEBHOOK' } },
  'secops-bot': { type: 'slack', token: { secret: 'SLACK_BOT_TOKEN' }, channel: 'C0123456789' },
  'wrong-channel': { type: 'slack', token: { secret: 'SLACK_BOT_TOKEN' }, channel: 'C0000000000' },
  'wrong-token': { type: 'slack', token: { secret: 'SLACK_OLD_TOKEN' }, channel: 'C0123456789' },
});

let slack: FakeSlack;
let time: VirtualTime;
let channels: Map<string, Channel>;
const channel = (name: string) => channels.get(name)!;

beforeAll(async () => {
  slack = await new FakeSlack().start();
});
afterAll(() => slack.stop());

function build(timeoutMs = 5_000) {
  time = new VirtualTime();
  const secrets = new EnvironmentSecrets(
    { SLACK_WEBHOOK: slack.webhookUrl, SLACK_BOT_TOKEN: SLACK_TOKEN, SLACK_OLD_TOKEN: 'xoxb-revoked' },
    DESTINATIONS,
  );
  channels = channelsFor(DESTINATIONS, secrets, { runtime: time, slackApiUrl: slack.apiUrl, timeoutMs });
}

afterEach(() => {
  slack.posts.length = 0;
  slack.server.requests.length = 0;
  slack.server.faultFor = undefined;
});

describe('a Slack incoming webhook', () => {
  it('posts a message Slack accepts, never unfurled, and returns no thread', async () => {
    // prepare
    build();

    // act
    const result = await channel('secops-slack').deliver(messageOf(GUARDDUTY_SAMPLE));

    // assess
    expect(result).toEqual({});
    expect(slack.posts).toHaveLength(1);
    expect(slack.posts[0]!.payload).toMatchObject({ unfurl_links: false, unfurl_media: false });
    expect(slackHostility(slack.posts[0]!.payload)).toEqual([]);
  });

  it('gives up at once on an error code no retry fixes, and names it', async () => {
    build();
    slack.server.failNext({ status: 400, body: 'invalid_blocks' });

    const error = await rejectionOf(channel('secops-slack').deliver(messageOf(GUARDDUTY_SAMPLE)), DeliveryError);

    expect(error.transient).toBe(false);
    expect(error.message).toBe('secops-slack: HTTP 400 invalid_blocks: refused');
    expect(slack.server.requests).toHaveLength(1);
  });

  it.each([
    ['a 429 with Retry-After', { status: 429, headers: { 'retry-after': '2' }, body: 'rate_limited' }, [2_000]],
    // A backoff shorter than the pace is topped up by the pace: one message a second, retries included.
    ['a 500', { status: 500, body: 'rollup_error' }, [250, 750]],
    ['a 503', { status: 503 }, [250, 750]],
    ['a dropped connection', 'drop' as const, [250, 750]],
  ])('retries after %s and delivers once', async (_what, fault, sleeps) => {
    build();
    slack.server.failNext(fault);

    await channel('secops-slack').deliver(messageOf(GUARDDUTY_SAMPLE));

    expect(slack.posts).toHaveLength(1);
    expect(time.sleeps).toEqual(sleeps);
  });

  it('leaves a Retry-After longer than its budget to a later run, passing the wait on', async () => {
    build();
    slack.server.failNext({ status: 429, headers: { 'retry-after': '60' } });

    const error = await rejectionOf(channel('secops-slack').deliver(messageOf(GUARDDUTY_SAMPLE)), DeliveryError);

    expect(error).toMatchObject({ transient: true, retryAfterMs: 60_000 });
    expect(time.sleeps).toEqual([]);
  });

  it('stops after four attempts of a Slack that keeps failing, within ten seconds of waiting', async () => {
    build();
    slack.server.faultFor = () => ({ status: 502 });

    const error = await rejectionOf(channel('secops-slack').deliver(messageOf(GUARDDUTY_SAMPLE)), DeliveryError);

    expect(error.transient).toBe(true);
    expect(slack.server.requests).toHaveLength(4);
    expect(time.slept).toBeLessThanOrEqual(10_000);
  });

  it('treats a Slack that does not answer in time as transient', async () => {
    build(300);
    slack.server.faultFor = () => 'hang';

    const error = await rejectionOf(channel('secops-slack').deliver(messageOf(GUARDDUTY_SAMPLE)), DeliveryError);
    expect(error.transient).toBe(true);
    expect(error.message).toContain('no answer within 300 ms');
  }, 10_000);

  it('posts at most one message a second to the webhook', async () => {
    build();

    for (const finding of [GUARDDUTY_SAMPLE, INSPECTOR_SAMPLE, GUARDDUTY_SAMPLE]) await channel('secops-slack').deliver(messageOf(finding));

    expect(slack.posts).toHaveLength(3);
    expect(time.sleeps).toEqual([1_000, 1_000]);
  });
});

describe('a Slack bot', () => {
  it('starts a thread with the first message and returns where it is', async () => {
    build();

    const result = await channel('secops-bot').deliver(messageOf(GUARDDUTY_SAMPLE));

    expect(result).toEqual({ thread: { channel: 'C0123456789', ts: slack.posts[0]!.ts } });
    expect(slack.posts[0]).toMatchObject({ channel: 'C0123456789', payload: { unfurl_links: false } });
    expect(slack.posts[0]!.threadTs).toBeUndefined();
  });

  it('replies in the thread with reminders, and with the resolved notice also marks the first message fixed', async () => {
    // prepare
    build();
    const { thread } = await channel('secops-bot').deliver(messageOf(INSPECTOR_SAMPLE, 'new'));

    // act
    await channel('secops-bot').deliver({ ...messageOf(INSPECTOR_SAMPLE, 'reminder'), thread: thread! });
    const resolved = await channel('secops-bot').deliver({ ...messageOf(INSPECTOR_SAMPLE, 'resolved'), thread: thread! });

    // assess
    const [first, reminder, notice] = slack.posts;
    expect(slack.posts).toHaveLength(3);
    expect(reminder).toMatchObject({ channel: 'C0123456789', threadTs: first!.ts });
    expect(notice).toMatchObject({ channel: 'C0123456789', threadTs: first!.ts });
    expect(first!.edits).toBe(1);
    expect(JSON.stringify(first!.blocks)).toContain('Resolved · CRITICAL');
    expect(resolved).toEqual({ thread });
  });

  it('still replies when the first message can no longer be edited', async () => {
    build();

    await channel('secops-bot').deliver({ ...messageOf(GUARDDUTY_SAMPLE, 'resolved'), thread: { channel: 'C0123456789', ts: '1.000001' } });

    expect(slack.posts).toHaveLength(1);
    expect(slack.posts[0]!.threadTs).toBe('1.000001');
  });

  it.each([
    ['wrong-token', 'invalid_auth'],
    ['wrong-channel', 'channel_not_found'],
  ])('%s: refused for good with Slack’s error code', async (name, code) => {
    build();

    const error = await rejectionOf(channel(name).deliver(messageOf(GUARDDUTY_SAMPLE)), DeliveryError);

    expect(error.transient).toBe(false);
    expect(error.message).toBe(`${name}: Slack chat.postMessage: ${code}`);
  });

  it('waits out a 429 ratelimited for its Retry-After and then posts', async () => {
    build();
    slack.server.failNext({ ...json(429, { ok: false, error: 'ratelimited' }), headers: { 'retry-after': '3' } });

    await channel('secops-bot').deliver(messageOf(GUARDDUTY_SAMPLE));

    expect(slack.posts).toHaveLength(1);
    expect(time.sleeps).toEqual([3_000]);
  });

  it('retries an ok: false that a later attempt may get past', async () => {
    build();
    slack.server.failNext(json(200, { ok: false, error: 'internal_error' }));

    await channel('secops-bot').deliver(messageOf(GUARDDUTY_SAMPLE));

    expect(slack.posts).toHaveLength(1);
  });

  it('posts again when the connection drops after Slack took the message: Slack has no idempotency key', async () => {
    build();
    slack.server.failNext('drop-after');

    await channel('secops-bot').deliver(messageOf(GUARDDUTY_SAMPLE));

    expect(slack.posts).toHaveLength(2);
  });

  it('paces one channel at one message a second, edits and replies included', async () => {
    build();
    const { thread } = await channel('secops-bot').deliver(messageOf(INSPECTOR_SAMPLE));

    await channel('secops-bot').deliver({ ...messageOf(INSPECTOR_SAMPLE, 'resolved'), thread: thread! });

    expect(time.sleeps).toEqual([1_000, 1_000]);
  });
});
