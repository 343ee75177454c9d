import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHANNEL_RETRY, type DeliveryRetry } from '../../src/adapters/channels/attempts.js';
import { GUARDDUTY_SAMPLE } from '../../src/core/email/samples.js';
import { DeliveryError } from '../../src/core/errors.js';
import type { Channel, ChannelMessage } from '../../src/core/ports.js';
import type { ThreadRef } from '../../src/core/record.js';
import { KINDS, messageOf } from '../builders/channel-messages.js';
import { ChannelHarness } from '../support/channel-harness.js';
import type { Fault } from '../support/fake-http.js';
import { motoAvailable } from '../support/moto.js';

/**
 * Every destination failing every other request — 503, 429 with
 * Retry-After, a connection dropped before the destination read it — and
 * the webhook's receiver also losing answers after it kept the message.
 * Driven the way the notifier drives a channel: one delivery per
 * destination per notification, a transient DeliveryError left for the next
 * run, the thread kept from the first message. Every notification arrives
 * exactly once, in order, threaded.
 */

const FINDINGS = Array.from({ length: 6 }, (_, i) => ({
  ...GUARDDUTY_SAMPLE,
  id: `${GUARDDUTY_SAMPLE.id}-${i}`,
  key: `${GUARDDUTY_SAMPLE.key}-${i}`,
  title: `Finding number ${i}`,
}));
/** Each finding's notifications in the order a notifier decides them. */
const NOTIFICATIONS: ChannelMessage[][] = FINDINGS.map((finding) => KINDS.map((kind) => messageOf(finding, kind)));
const TOTAL = NOTIFICATIONS.flat().length;
const MAX_RUNS = 40;

const BEFORE_READING: Fault[] = [{ status: 503 }, { status: 429, headers: { 'retry-after': '1' } }, 'drop'];

describe.each<[string, DeliveryRetry]>([
  ['no retry inside a delivery (every retry is a later run’s)', { ...CHANNEL_RETRY, attempts: 1 }],
  ['the channels’ own retries first', CHANNEL_RETRY],
])('destinations failing half the time, %s', (_how, retry) => {
  let harness: ChannelHarness;

  beforeEach(async () => {
    harness = await new ChannelHarness().start();
    const coin = seededCoin(42);
    for (const server of harness.servers) server.faultFor = () => (coin() < 0.5 ? BEFORE_READING[Math.floor(coin() * 3)] : undefined);
    // The webhook's receiver, which keeps notifications by id, also loses answers after keeping the message.
    harness.consumer.server.faultFor = () => (coin() < 0.5 ? (coin() < 0.5 ? 'drop-after' : { status: 503 }) : undefined);
  });
  afterEach(() => harness.stop());

  it('get every notification exactly once, in order, threaded', async () => {
    // act
    const channels = harness.channels(retry);
    const runs = await deliverAll(channels);

    // assess
    expect(runs).toBeLessThan(MAX_RUNS);
    const webhookPosts = harness.slack.posts.filter((post) => post.channel === 'webhook');
    const botPosts = harness.slack.posts.filter((post) => post.channel === 'C0123456789');
    // As posted: chat.update later changes the first message of a thread.
    const posted = (posts: typeof botPosts) => posts.map((post) => post.payload.text as string);
    expectInOrder(posted(webhookPosts));
    expectInOrder(posted(botPosts));
    expect(harness.teams.cards).toHaveLength(TOTAL);
    expect(new Set(harness.teams.cards.map((card) => card.fallbackText)).size).toBe(TOTAL);
    expect(harness.consumer.accepted).toHaveLength(TOTAL);
    expect(new Set(harness.consumer.accepted.map((accepted) => accepted.id)).size).toBe(TOTAL);
    expect(harness.consumer.repeats).toBeGreaterThan(0);
    if (motoAvailable) {
      const published = await harness.published();
      expect(published).toHaveLength(TOTAL);
      expect(new Set(published.map((p) => (JSON.parse(p.message) as { id: string }).id)).size).toBe(TOTAL);
    }
    // Each finding's thread: the first message, then its reminder and resolved notice as replies; the first marked fixed.
    for (const finding of FINDINGS) {
      const posts = botPosts.filter((post) => (post.payload.text as string).includes(finding.title));
      expect(posts).toHaveLength(3);
      expect(posts[1]!.threadTs).toBe(posts[0]!.ts);
      expect(posts[2]!.threadTs).toBe(posts[0]!.ts);
      expect(posts[0]!.edits).toBeGreaterThanOrEqual(1);
      expect(JSON.stringify(posts[0]!.blocks)).toContain('Resolved · HIGH');
    }
  }, 120_000);

  /** Runs as the notifier would until every destination has every notification; returns how many runs it took. */
  async function deliverAll(channels: Map<string, Channel>): Promise<number> {
    const next = new Map<string, number>();
    const threads = new Map<string, ThreadRef>();
    for (let run = 1; run <= MAX_RUNS; run++) {
      let pending = 0;
      for (const [name, channel] of channels) {
        for (const [f, notifications] of NOTIFICATIONS.entries()) {
          const key = `${name}|${f}`;
          const index = next.get(key) ?? 0;
          const message = notifications[index];
          if (!message) continue;
          const thread = threads.get(key);
          try {
            const result = await channel.deliver(thread ? { ...message, thread } : message);
            if (result.thread) threads.set(key, result.thread);
            next.set(key, index + 1);
          } catch (error) {
            if (!(error instanceof DeliveryError) || !error.transient) throw error;
            pending++;
          }
        }
      }
      if (pending === 0 && [...channels.keys()].every((name) => NOTIFICATIONS.every((_, f) => next.get(`${name}|${f}`) === KINDS.length)))
        return run;
    }
    return MAX_RUNS;
  }
});

/** Each finding's new, reminder and resolved notification arrived once each, in that order, whatever the interleaving of findings. */
function expectInOrder(texts: string[]): void {
  expect(texts).toHaveLength(TOTAL);
  for (const finding of FINDINGS) {
    const mine = texts.filter((text) => text.includes(finding.title));
    expect(mine.map((text) => (text.startsWith('[Reminder]') ? 'reminder' : text.startsWith('[Resolved]') ? 'resolved' : 'new'))).toEqual(
      KINDS,
    );
  }
}

/** A seeded source of numbers in [0, 1) (a linear congruential generator), so a failing run can be repeated. */
function seededCoin(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}
