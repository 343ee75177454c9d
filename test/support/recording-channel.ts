import { DeliveryError } from '../../src/core/errors.js';
import type { Channel, ChannelMessage } from '../../src/core/ports.js';
import type { ThreadRef } from '../../src/core/record.js';

/**
 * A destination that records what it accepted, threads like Slack's Web API
 * (the first message about a finding starts a thread; later ones are
 * replies), and fails on demand: the next n deliveries, or a share of them
 * chosen by a seeded draw.
 */
export class RecordingChannel implements Channel {
  readonly accepted: ChannelMessage[] = [];
  attempts = 0;
  private failures = 0;
  private permanent = false;
  private threadCounter = 0;

  constructor(
    readonly name: string,
    private readonly failShare: () => boolean = () => false,
  ) {}

  /** The next `count` deliveries fail; `permanent`: refused for good (like a 400), else worth a retry (like a 503). */
  failNext(count: number, permanent = false): void {
    this.failures = count;
    this.permanent = permanent;
  }

  async deliver(message: ChannelMessage): Promise<{ thread?: ThreadRef }> {
    this.attempts++;
    if (this.failures > 0 || this.failShare()) {
      if (this.failures > 0) this.failures--;
      throw new DeliveryError(this.name, this.permanent ? '400 invalid payload' : '503 try again later', !this.permanent);
    }
    this.accepted.push(message);
    if (message.thread) return {};
    return { thread: { channel: `C-${this.name}`, ts: `${++this.threadCounter}.000100` } };
  }

  /** Kinds accepted, in order. */
  kinds(): string[] {
    return this.accepted.map((message) => message.notification.kind);
  }
}
