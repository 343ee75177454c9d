import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel } from '../../src/core/ports.js';
import type { ThreadRef } from '../../src/core/record.js';
import { hostileMessages } from '../builders/channel-messages.js';
import { ChannelHarness } from '../support/channel-harness.js';
import { documentHostility, slackHostility, teamsHostility } from '../support/chat-safety.js';
import { motoAvailable, motoMissingMessage } from '../support/moto.js';

/**
 * The hostile findings of the security corpus (HTML and header injection,
 * and Slack, Teams and Markdown syntax in every field) delivered to every
 * kind of destination, each payload parsed as its receiver parses it: no
 * mention, no broadcast, no link but to AWS.
 */

describe('hostile findings at every destination', () => {
  let harness: ChannelHarness;
  let channels: Map<string, Channel>;
  const messages = hostileMessages();

  beforeAll(async () => {
    harness = await new ChannelHarness().start();
    channels = harness.channels();
    const threads = new Map<string, ThreadRef>();
    for (const message of messages) {
      for (const [name, channel] of channels) {
        const key = `${name}|${message.finding.key}`;
        const thread = threads.get(key);
        const result = await channel.deliver(thread ? { ...message, thread } : message);
        if (result.thread) threads.set(key, result.thread);
      }
    }
  });
  afterAll(() => harness?.stop());

  it('reach every destination, every one', async () => {
    expect(harness.slack.posts.filter((post) => post.channel === 'webhook')).toHaveLength(messages.length);
    expect(harness.slack.posts.filter((post) => post.channel === 'C0123456789')).toHaveLength(messages.length);
    expect(harness.teams.cards).toHaveLength(messages.length);
    expect(harness.consumer.accepted).toHaveLength(messages.length);
    if (motoAvailable) expect(await harness.published()).toHaveLength(messages.length);
  });

  it('Slack: no mention, broadcast or foreign link in any message or edit', () => {
    for (const post of harness.slack.posts) {
      expect(slackHostility(post.payload)).toEqual([]);
      expect(slackHostility({ text: post.text, blocks: post.blocks })).toEqual([]);
    }
    expect(harness.slack.posts.some((post) => post.edits > 0)).toBe(true);
  });

  it('Teams: no Markdown, mention or link from the finding, and every card valid', () => {
    for (const card of harness.teams.cards) expect(teamsHostility({ attachments: [{ content: card }] })).toEqual([]);
  });

  it('webhook: no link but to AWS, no control character in the headers', () => {
    for (const { document, request } of harness.consumer.accepted) {
      expect(documentHostility(document)).toEqual([]);
      for (const value of Object.values(request.headers)) expect(String(value)).toMatch(/^[\x20-\x7e]*$/);
    }
  });

  it.skipIf(!motoAvailable)(
    `SNS: no link but to AWS in the message, an ASCII subject${motoAvailable ? '' : ` (${motoMissingMessage})`}`,
    async () => {
      for (const { message, subject } of await harness.published()) {
        expect(documentHostility(JSON.parse(message))).toEqual([]);
        expect(subject).toMatch(/^[\x21-\x7e][\x20-\x7e]{0,98}$/);
      }
    },
  );
});
